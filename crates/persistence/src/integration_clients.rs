//! Integration clients (service accounts) for CRM and call-center systems: they sign in with
//! the client-credentials grant. The secret is shown once and stored only as a SHA-256 hash
//! (it is 256 random bits, so a slow hash adds nothing).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::DbConnection,
    error::StoreError,
    identity_schema::integration_clients as clients,
    ids::{from_db, new_id, to_db},
    org::expect_version,
    scope::{Filter, Page, PageRequest, Scope, paged, taken},
};

/// A stored integration client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// UUIDv7; the `client_id` of the client-credentials grant.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Unique within the group.
    pub name: String,
    /// When it was disabled: no new tokens, and its tokens stop at once.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The ETag.
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = clients)]
struct Row {
    id: String,
    group_id: String,
    name: String,
    secret_hash: String,
    disabled_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

impl Row {
    fn split(self) -> (Client, String) {
        let client = Client {
            id: self.id,
            group_id: self.group_id,
            name: self.name,
            disabled_at: self.disabled_at.map(from_db),
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
            version: self.version,
        };
        (client, self.secret_hash)
    }
}

/// Clients of the caller's group.
pub fn within(scope: &Scope) -> Filter<clients::table> {
    Box::new(clients::group_id.eq(scope.group_id.clone()))
}

/// Creates a client in the caller's group with the hash of its secret.
pub fn create(
    conn: &mut DbConnection,
    scope: &Scope,
    name: &str,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<Client, StoreError> {
    scope.require_group()?;
    conn.transaction(|conn| {
        let id = new_id();
        let at = to_db(now);
        diesel::insert_into(clients::table)
            .values((
                clients::id.eq(&id),
                clients::group_id.eq(&scope.group_id),
                clients::name.eq(name),
                clients::secret_hash.eq(secret_hash),
                clients::created_at.eq(at),
                clients::updated_at.eq(at),
                clients::version.eq(1_i64),
            ))
            .execute(conn)
            .map_err(taken(format!("a client named {name:?} exists")))?;
        scope.audit(
            conn,
            now,
            "client.created",
            ("client", &id),
            serde_json::json!({"name": name}),
        )?;
        get(conn, scope, &id)
    })
}

/// A client of the caller's group.
pub fn get(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Client, StoreError> {
    let row: Row = clients::table
        .filter(clients::id.eq(id))
        .filter(within(scope))
        .select(Row::as_select())
        .first(conn)?;
    Ok(row.split().0)
}

/// The client and its secret hash, for the client-credentials grant (unscoped).
pub fn for_auth(conn: &mut DbConnection, id: &str) -> Result<Option<(Client, String)>, StoreError> {
    let row: Option<Row> =
        clients::table.find(id).select(Row::as_select()).first(conn).optional()?;
    Ok(row.map(Row::split))
}

/// A page of the group's clients.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    disabled: Option<bool>,
    page: &PageRequest,
) -> Result<Page<Client>, StoreError> {
    let mut q = clients::table.filter(within(scope)).select(Row::as_select()).into_boxed();
    match disabled {
        Some(true) => q = q.filter(clients::disabled_at.is_not_null()),
        Some(false) => q = q.filter(clients::disabled_at.is_null()),
        None => {}
    }
    let rows: Vec<Row> = paged!(q, clients, page).load(conn)?;
    Ok(Page::of(rows.into_iter().map(|r| r.split().0).collect(), page.limit, |c| &c.id))
}

/// What to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// A new name.
    pub name: Option<String>,
    /// Disable (`true`) or enable (`false`).
    pub disabled: Option<bool>,
    /// The hash of a new secret (the old one stops working at once).
    pub secret_hash: Option<String>,
}

/// Changes a client of the caller's group at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
    expected_version: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Client, StoreError> {
    conn.transaction(|conn| {
        let (before, hash) = clients::table
            .filter(clients::id.eq(id))
            .filter(within(scope))
            .select(Row::as_select())
            .first::<Row>(conn)?
            .split();
        scope.require_group()?;
        expect_version(before.version, expected_version)?;
        let at = to_db(now);
        let disabled_at = match changes.disabled {
            Some(true) => Some(before.disabled_at.map_or(at, to_db)),
            Some(false) => None,
            None => before.disabled_at.map(to_db),
        };
        let name = changes.name.as_deref().unwrap_or(&before.name);
        diesel::update(clients::table.filter(clients::id.eq(id)))
            .set((
                clients::name.eq(name),
                clients::secret_hash.eq(changes.secret_hash.as_deref().unwrap_or(&hash)),
                clients::disabled_at.eq(disabled_at),
                clients::updated_at.eq(at),
                clients::version.eq(clients::version + 1),
            ))
            .execute(conn)
            .map_err(taken(format!("a client named {name:?} exists")))?;
        scope.audit(
            conn,
            now,
            "client.updated",
            ("client", id),
            serde_json::json!({
                "name": changes.name, "disabled": changes.disabled,
                "secret_rotated": changes.secret_hash.is_some(),
            }),
        )?;
        get(conn, scope, id)
    })
}
