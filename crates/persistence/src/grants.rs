//! Grants: a role held by a user or an integration client at a scope (the platform, the group,
//! a company, a project, a department). Revoked by deleting; the audit trail keeps the history.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::access::{GrantRef, ScopeKind};

use crate::{
    audit::{self, Actor, NewAuditEvent},
    db::DbConnection,
    error::StoreError,
    identity_schema::{companies, departments, grants, integration_clients, projects},
    ids::{from_db, new_id, to_db},
    schema::users,
    scope::{Filter, Page, PageRequest, Scope, paged, taken},
};

/// The `scope_id` of platform grants.
pub const PLATFORM: &str = "platform";

/// A stored grant.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = grants)]
pub struct Grant {
    /// UUIDv7.
    pub id: String,
    /// The group it belongs to; `None` for platform grants.
    pub group_id: Option<String>,
    /// `user` or `client`.
    pub principal_kind: String,
    /// The user's or client's id.
    pub principal_id: String,
    /// The role's name.
    pub role: String,
    /// `platform`, `group`, `company`, `project` or `department`.
    pub scope_kind: String,
    /// The scope's id (`platform` for the platform).
    pub scope_id: String,
    /// When it was granted (naive UTC).
    pub created_at: NaiveDateTime,
    /// The ETag (grants never change).
    pub version: i64,
}

impl Grant {
    /// When it was granted.
    pub fn created(&self) -> DateTime<Utc> {
        from_db(self.created_at)
    }

    /// The grant as the access rules read it; `None` if the stored names are unknown.
    pub fn to_access(&self) -> Option<GrantRef> {
        Some(GrantRef {
            role: self.role.parse().ok()?,
            scope: self.scope_kind.parse().ok()?,
            scope_id: Some(self.scope_id.clone()),
        })
    }
}

/// A grant to make.
#[derive(Debug, Clone)]
pub struct NewGrant {
    /// `user` or `client`.
    pub principal_kind: String,
    /// The user's or client's id.
    pub principal_id: String,
    /// The role's name.
    pub role: String,
    /// Where.
    pub scope_kind: ScopeKind,
    /// The company, project or department id (ignored for the group and the platform).
    pub scope_id: Option<String>,
}

/// Every grant a principal holds (to load the caller).
pub fn of_principal(
    conn: &mut DbConnection,
    kind: &str,
    id: &str,
) -> Result<Vec<Grant>, StoreError> {
    Ok(grants::table
        .filter(grants::principal_kind.eq(kind))
        .filter(grants::principal_id.eq(id))
        .order(grants::id.asc())
        .select(Grant::as_select())
        .load(conn)?)
}

/// Inserts a grant with its audit event, unchecked (bootstrap and group creation).
pub fn insert(
    conn: &mut DbConnection,
    group_id: Option<&str>,
    new: &NewGrant,
    scope_id: &str,
    actor: Actor,
    request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Grant, StoreError> {
    let id = new_id();
    diesel::insert_into(grants::table)
        .values((
            grants::id.eq(&id),
            grants::group_id.eq(group_id),
            grants::principal_kind.eq(&new.principal_kind),
            grants::principal_id.eq(&new.principal_id),
            grants::role.eq(&new.role),
            grants::scope_kind.eq(new.scope_kind.as_str()),
            grants::scope_id.eq(scope_id),
            grants::created_at.eq(to_db(now)),
            grants::version.eq(1_i64),
        ))
        .execute(conn)
        .map_err(taken("the principal already holds this role at this scope".into()))?;
    audit::record(
        conn,
        NewAuditEvent {
            at: now,
            actor,
            action: "grant.created",
            subject_type: "grant",
            subject_id: Some(&id),
            request_id,
            payload: serde_json::json!({
                "principal_kind": new.principal_kind, "principal_id": new.principal_id,
                "role": new.role, "scope_kind": new.scope_kind.as_str(), "scope_id": scope_id,
            }),
        },
    )?;
    Ok(grants::table.find(&id).select(Grant::as_select()).first(conn)?)
}

/// Whether `table` has a row `id` in `group`.
macro_rules! in_group {
    ($conn:expr, $table:ident, $id:expr, $group:expr) => {
        diesel::select(diesel::dsl::exists(
            $table::table.filter($table::id.eq($id)).filter($table::group_id.eq($group)),
        ))
        .get_result::<bool>($conn)?
    };
}

/// Grants a role within the caller's group. The principal and the scope's record must be of
/// the group (else `NotFound`); the platform scope cannot be granted here.
pub fn create(
    conn: &mut DbConnection,
    scope: &Scope,
    new: NewGrant,
    now: DateTime<Utc>,
) -> Result<Grant, StoreError> {
    scope.require_group()?;
    conn.transaction(|conn| {
        let group = scope.group_id.as_str();
        let principal_ok = match new.principal_kind.as_str() {
            "user" => diesel::select(diesel::dsl::exists(
                users::table
                    .filter(users::id.eq(&new.principal_id))
                    .filter(users::group_id.eq(group)),
            ))
            .get_result::<bool>(conn)?,
            "client" => in_group!(conn, integration_clients, &new.principal_id, group),
            _ => false,
        };
        let target = new.scope_id.clone().unwrap_or_default();
        let (scope_ok, scope_id) = match new.scope_kind {
            ScopeKind::Group => (target.is_empty() || target == group, group.to_owned()),
            ScopeKind::Company => (in_group!(conn, companies, &target, group), target),
            ScopeKind::Project => (in_group!(conn, projects, &target, group), target),
            ScopeKind::Department => (in_group!(conn, departments, &target, group), target),
            ScopeKind::Platform => (false, target),
        };
        if !principal_ok || !scope_ok {
            return Err(StoreError::NotFound);
        }
        let actor = scope.actor.clone();
        insert(conn, Some(group), &new, &scope_id, actor, scope.request_id.as_deref(), now)
    })
}

/// Grants of the caller's group.
pub fn within(scope: &Scope) -> Filter<grants::table> {
    Box::new(grants::group_id.assume_not_null().eq(scope.group_id.clone()))
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct GrantFilter {
    /// Only this principal's grants.
    pub principal_id: Option<String>,
    /// Only this role.
    pub role: Option<String>,
}

/// A page of the group's grants.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &GrantFilter,
    page: &PageRequest,
) -> Result<Page<Grant>, StoreError> {
    let mut q = grants::table.filter(within(scope)).select(Grant::as_select()).into_boxed();
    if let Some(p) = &filter.principal_id {
        q = q.filter(grants::principal_id.eq(p.clone()));
    }
    if let Some(r) = &filter.role {
        q = q.filter(grants::role.eq(r.clone()));
    }
    let rows: Vec<Grant> = paged!(q, grants, page).load(conn)?;
    Ok(Page::of(rows, page.limit, |g| &g.id))
}

/// One grant of the caller's group.
pub fn get_within(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Grant, StoreError> {
    Ok(grants::table
        .filter(grants::id.eq(id))
        .filter(within(scope))
        .select(Grant::as_select())
        .first(conn)?)
}

/// Revokes a grant of the caller's group, with its audit event.
pub fn delete(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let grant = get_within(conn, scope, id)?;
        scope.require_group()?;
        let own = match &scope.actor {
            Actor::User(me) => grant.principal_kind == "user" && grant.principal_id == *me,
            Actor::Client(me) => grant.principal_kind == "client" && grant.principal_id == *me,
            Actor::System => false,
        };
        if own {
            // Another administrator revokes it: nobody locks himself out by mistake.
            return Err(StoreError::Conflict("you cannot revoke your own grant".into()));
        }
        diesel::delete(grants::table.filter(grants::id.eq(id))).execute(conn)?;
        scope.audit(
            conn,
            now,
            "grant.revoked",
            ("grant", id),
            serde_json::json!({
                "principal_kind": grant.principal_kind, "principal_id": grant.principal_id,
                "role": grant.role, "scope_kind": grant.scope_kind, "scope_id": grant.scope_id,
            }),
        )
    })
}

/// Whether a principal holds `role` at any scope (for checks that predate scoped access,
/// such as "is this user an administrator").
pub fn holds(
    conn: &mut DbConnection,
    principal_kind: &str,
    principal_id: &str,
    role: &str,
) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        grants::table
            .filter(grants::principal_kind.eq(principal_kind))
            .filter(grants::principal_id.eq(principal_id))
            .filter(grants::role.eq(role)),
    ))
    .get_result(conn)?)
}
