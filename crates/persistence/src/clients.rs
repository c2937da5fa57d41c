//! Integration clients (service accounts) for CRM and call-center systems: they sign in with
//! the client-credentials grant. The secret is shown once and stored only as a SHA-256 hash
//! (it is 256 random bits, so a slow hash adds nothing).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::new_id,
    kit::{Audited, Expected, ListRequest, Page, new_row, page, resource},
    org::{archived, archived_flag},
    schema::integration_clients as clients,
    scope::{Filter, Scope, taken},
};

resource!(clients => Client, ClientChanges, "client", within self::within_group);

/// Clients of the caller's group (clients are group-level: any reach of the group sees them).
pub fn within_group(scope: &Scope) -> Filter<clients::table> {
    Box::new(clients::group_id.eq(scope.group_id.clone()))
}

/// A stored client.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct Client {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Unique within the group.
    pub name: String,
    /// SHA-256 of the secret; never leaves the server.
    pub(crate) secret_hash: String,
    /// When it was disabled: its tokens stop at once.
    pub disabled_at: Option<NaiveDateTime>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

/// Creates a client in the caller's group (needs a group-wide reach).
pub fn create(
    conn: &mut Conn,
    scope: &Scope,
    name: &str,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<Client, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let id = new_id();
        diesel::insert_into(clients::table)
            .values((
                new_row!(clients, &id, now),
                (clients::group_id.eq(&scope.group_id), clients::name.eq(name)),
                clients::secret_hash.eq(secret_hash),
            ))
            .execute(conn)
            .map_err(taken(format!("a client named {name:?} exists")))?;
        created(conn, (scope, scope), &id, serde_json::json!({"name": name}), now)
    })
}

/// A page of the group's clients.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    disabled: Option<bool>,
    req: &ListRequest,
) -> Result<Page<Client>, StoreError> {
    let query = || {
        clients::table
            .filter(within(scope))
            .filter(archived(clients::disabled_at, disabled))
            .into_boxed()
    };
    page!(conn.raw(), clients, query, Client, req)
}

/// Changes to a client; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset, Serialize)]
#[diesel(table_name = clients)]
pub struct ClientChanges {
    /// A new name.
    pub name: Option<String>,
    /// Disable (`Some(Some(now))`) or enable (`Some(None)`).
    #[serde(rename = "disabled", serialize_with = "archived_flag")]
    pub disabled_at: Option<Option<NaiveDateTime>>,
}

impl Audited for ClientChanges {
    fn taken(&self) -> String {
        format!("a client named {:?} exists", self.name.as_deref().unwrap_or_default())
    }
}

/// Renames, disables or enables a client of the caller's group if it is still at `expected`.
pub fn update(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    expected: Expected,
    changes: &ClientChanges,
    now: DateTime<Utc>,
) -> Result<Client, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| cas(conn, scope, scope, id, expected, changes, now))
}
