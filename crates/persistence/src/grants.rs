//! Grants: a role held by a user or an integration client at a scope (the platform, the group,
//! a company, a project, a department). Revoked by deleting; the audit trail keeps the history.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::access::{GrantRef, PrincipalKind, Role, ScopeKind};

use crate::{
    audit::{Acting, Actor, Event},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, page},
    schema::{companies, departments, grants, integration_clients as clients, projects, users},
    scope::{Filter, Place, Scope, taken},
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
    /// Who holds it.
    #[diesel(deserialize_as = String)]
    pub principal_kind: PrincipalKind,
    /// The user's or client's id.
    pub principal_id: String,
    /// The role.
    #[diesel(deserialize_as = String)]
    pub role: Role,
    /// Where it applies.
    #[diesel(deserialize_as = String)]
    pub scope_kind: ScopeKind,
    /// The scope's id (`platform` for the platform).
    pub scope_id: String,
    /// When it was granted (naive UTC).
    pub created_at: NaiveDateTime,
    /// The ETag (grants never change).
    pub version: i64,
}

impl Grant {
    /// The grant as the access rules read it.
    pub fn to_access(&self) -> GrantRef {
        GrantRef { role: self.role, scope: self.scope_kind, scope_id: Some(self.scope_id.clone()) }
    }

    /// Where the grant sits, for the audit trail.
    fn place(&self) -> Place {
        let id = Some(self.scope_id.clone());
        match self.scope_kind {
            ScopeKind::Company => Place { company: id, ..Place::default() },
            ScopeKind::Project => Place { project: id, ..Place::default() },
            ScopeKind::Department => Place { department: id, ..Place::default() },
            ScopeKind::Group | ScopeKind::Platform => Place::group(),
        }
    }
}

impl crate::kit::Record for Grant {
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
}

/// A grant to make.
#[derive(Debug, Clone)]
pub struct NewGrant {
    /// Who receives it.
    pub principal_kind: PrincipalKind,
    /// The user's or client's id.
    pub principal_id: String,
    /// The role.
    pub role: Role,
    /// Where.
    pub scope_kind: ScopeKind,
    /// The company, project or department id (ignored for the group and the platform).
    pub scope_id: Option<String>,
}

impl NewGrant {
    /// A grant to a user.
    pub fn user(id: &str, role: Role, scope_kind: ScopeKind, scope_id: Option<String>) -> Self {
        Self {
            principal_kind: PrincipalKind::User,
            principal_id: id.to_owned(),
            role,
            scope_kind,
            scope_id,
        }
    }
}

/// Every grant a principal holds (to load the caller).
pub(crate) fn of_principal(
    conn: &mut DbConnection,
    kind: PrincipalKind,
    id: &str,
) -> Result<Vec<Grant>, StoreError> {
    Ok(grants::table
        .filter(grants::principal_kind.eq(kind.as_str()))
        .filter(grants::principal_id.eq(id))
        .order(grants::id.asc())
        .select(Grant::as_select())
        .load(conn)?)
}

/// Inserts a grant with its audit event, unchecked (bootstrap, group creation, `create`).
pub(crate) fn insert(
    conn: &mut DbConnection,
    acting: &Acting,
    group_id: Option<&str>,
    new: &NewGrant,
    scope_id: &str,
    now: DateTime<Utc>,
) -> Result<Grant, StoreError> {
    let id = new_id();
    diesel::insert_into(grants::table)
        .values((
            (grants::id.eq(&id), grants::group_id.eq(group_id)),
            grants::principal_kind.eq(new.principal_kind.as_str()),
            grants::principal_id.eq(&new.principal_id),
            (grants::role.eq(new.role.as_str()), grants::scope_kind.eq(new.scope_kind.as_str())),
            (grants::scope_id.eq(scope_id), grants::created_at.eq(to_db(now))),
            grants::version.eq(1_i64),
        ))
        .execute(conn)
        .map_err(taken("the principal already holds this role at this scope".into()))?;
    let grant = grants::table.find(&id).select(Grant::as_select()).first::<Grant>(conn)?;
    let payload = serde_json::json!({
        "principal_kind": new.principal_kind, "principal_id": new.principal_id,
        "role": new.role, "scope_kind": new.scope_kind, "scope_id": scope_id,
    });
    let subject = ("grant", id.as_str());
    let place = grant.place();
    acting.record(
        conn,
        Event {
            at: now,
            action: "grant.created",
            subject,
            group: group_id,
            place: &place,
            payload,
        },
    )?;
    Ok(grant)
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
/// the group (else `NotFound`); the platform scope and the platform operator's role cannot be
/// granted here, and nobody below the platform grants anything to a platform operator.
pub fn create(
    conn: &mut Conn,
    scope: &Scope,
    new: &NewGrant,
    now: DateTime<Utc>,
) -> Result<Grant, StoreError> {
    scope.require_group()?;
    transaction(conn.raw(), |conn| {
        let group = scope.group_id.as_str();
        let principal_ok = match new.principal_kind {
            PrincipalKind::User => {
                crate::users::find_within(conn, scope, &new.principal_id).is_ok()
            }
            PrincipalKind::Client => in_group!(conn, clients, &new.principal_id, group),
        };
        let target = new.scope_id.clone().unwrap_or_default();
        let (scope_ok, scope_id) = match new.scope_kind {
            ScopeKind::Group => (target.is_empty() || target == group, group.to_owned()),
            ScopeKind::Company => (in_group!(conn, companies, &target, group), target),
            ScopeKind::Project => (in_group!(conn, projects, &target, group), target),
            ScopeKind::Department => (in_group!(conn, departments, &target, group), target),
            ScopeKind::Platform => (false, target),
        };
        if !principal_ok || !scope_ok || new.role == Role::PlatformOperator {
            return Err(StoreError::NotFound);
        }
        insert(conn, &scope.acting, Some(group), new, &scope_id, now)
    })
}

/// Grants of the caller's group at scopes within his reach (for a company, also its projects
/// and departments); grants of platform operators only for a platform caller.
pub fn within(scope: &Scope) -> Filter<grants::table> {
    let in_group = grants::group_id.eq(scope.group_id.clone()).assume_not_null();
    let visible: Filter<grants::table> = if scope.platform {
        Box::new(in_group)
    } else {
        let operators = diesel::alias!(grants as operator_grants);
        let operators = operators
            .filter(operators.field(grants::role).eq(Role::PlatformOperator.as_str()))
            .select(operators.field(grants::principal_id));
        Box::new(in_group.and(grants::principal_id.ne_all(operators)))
    };
    if scope.reach.whole_group {
        return visible;
    }
    let reach = &scope.reach;
    let company_projects = projects::table
        .filter(projects::company_id.eq_any(reach.companies.clone()))
        .select(projects::id);
    let company_departments = departments::table
        .filter(departments::company_id.eq_any(reach.companies.clone()))
        .select(departments::id);
    let reached = grants::scope_id
        .eq_any(reach.companies.clone())
        .or(grants::scope_id.eq_any(reach.projects.clone()))
        .or(grants::scope_id.eq_any(reach.departments.clone()))
        .or(grants::scope_id.eq_any(company_projects))
        .or(grants::scope_id.eq_any(company_departments));
    Box::new(visible.and(reached))
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct GrantFilter {
    /// Only this principal's grants.
    pub principal_id: Option<String>,
    /// Only this role.
    pub role: Option<Role>,
}

/// A page of the group's grants.
pub fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &GrantFilter,
    req: &ListRequest,
) -> Result<Page<Grant>, StoreError> {
    let query = || {
        let mut q = grants::table.filter(within(scope)).into_boxed();
        if let Some(p) = &filter.principal_id {
            q = q.filter(grants::principal_id.eq(p.clone()));
        }
        if let Some(r) = filter.role {
            q = q.filter(grants::role.eq(r.as_str()));
        }
        q
    };
    page!(conn.raw(), grants, query, Grant, req)
}

fn find_within(conn: &mut DbConnection, scope: &Scope, id: &str) -> Result<Grant, StoreError> {
    Ok(grants::table
        .filter(grants::id.eq(id))
        .filter(within(scope))
        .select(Grant::as_select())
        .first(conn)?)
}

/// One grant of the caller's group.
pub fn get(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Grant, StoreError> {
    find_within(conn.raw(), scope, id)
}

/// Revokes a grant of the caller's group, with its audit event. Nobody revokes his own grant,
/// and the last enabled administrator of a group keeps his.
pub fn delete(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    transaction(conn.raw(), |conn| {
        let grant = find_within(conn, scope, id)?;
        scope.require_group()?;
        let own = match scope.actor() {
            Actor::User(me) => {
                grant.principal_kind == PrincipalKind::User && grant.principal_id == *me
            }
            Actor::Client(me) => {
                grant.principal_kind == PrincipalKind::Client && grant.principal_id == *me
            }
            Actor::System => false,
        };
        if own {
            // Another administrator revokes it: nobody locks himself out by mistake.
            return Err(StoreError::Conflict("you cannot revoke your own grant".into()));
        }
        if grant.role == Role::Admin && grant.scope_kind == ScopeKind::Group {
            crate::users::serialize_with_peers(conn, Some(&scope.group_id))?;
            last_admin_stays(conn, &scope.group_id, &grant)?;
        }
        diesel::delete(grants::table.filter(grants::id.eq(id))).execute(conn)?;
        let payload = serde_json::json!({
            "principal_kind": grant.principal_kind, "principal_id": grant.principal_id,
            "role": grant.role, "scope_kind": grant.scope_kind, "scope_id": grant.scope_id,
        });
        scope.audit(conn, now, "grant.revoked", ("grant", id), &grant.place(), payload)
    })
}

/// `Conflict` when `grant` is the group-wide `admin` grant of the group's last enabled
/// administrator.
fn last_admin_stays(conn: &mut DbConnection, group: &str, grant: &Grant) -> Result<(), StoreError> {
    let enabled = users::table.filter(users::disabled_at.is_null()).select(users::id);
    let others: i64 = grants::table
        .filter(grants::group_id.eq(group))
        .filter(grants::role.eq(Role::Admin.as_str()))
        .filter(grants::scope_kind.eq(ScopeKind::Group.as_str()))
        .filter(grants::principal_kind.eq(PrincipalKind::User.as_str()))
        .filter(grants::id.ne(&grant.id))
        .filter(grants::principal_id.eq_any(enabled))
        .count()
        .get_result(conn)?;
    if others == 0 {
        Err(StoreError::Conflict("the group's last administrator keeps his grant".into()))
    } else {
        Ok(())
    }
}

/// Whether a principal holds `role` at any scope.
pub(crate) fn holds(
    conn: &mut DbConnection,
    principal_kind: &str,
    principal_id: &str,
    role: Role,
) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        grants::table
            .filter(grants::principal_kind.eq(principal_kind))
            .filter(grants::principal_id.eq(principal_id))
            .filter(grants::role.eq(role.as_str())),
    ))
    .get_result(conn)?)
}

/// The enabled users of `group_id` holding one of `roles` over a record at `place`: a group
/// grant covers every record of the group, a company, project or department grant its own
/// (who is told of a deadline, an escalation). Sorted, each user once.
pub(crate) fn holders(
    conn: &mut DbConnection,
    group_id: &str,
    roles: &[Role],
    place: &Place,
) -> Result<Vec<String>, StoreError> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let mut at = vec![(ScopeKind::Group.as_str(), group_id)];
    for (kind, id) in [
        (ScopeKind::Company, &place.company),
        (ScopeKind::Project, &place.project),
        (ScopeKind::Department, &place.department),
    ] {
        if let Some(id) = id {
            at.push((kind.as_str(), id.as_str()));
        }
    }
    let mut found: Vec<String> = Vec::new();
    for (kind, id) in at {
        let ids: Vec<String> = grants::table
            .inner_join(users::table.on(users::id.eq(grants::principal_id)))
            .filter(grants::principal_kind.eq(PrincipalKind::User.as_str()))
            .filter(grants::role.eq_any(&roles))
            .filter(grants::scope_kind.eq(kind))
            .filter(grants::scope_id.eq(id))
            .filter(users::group_id.eq(group_id))
            .filter(users::disabled_at.is_null())
            .select(users::id)
            .load(conn)?;
        found.extend(ids);
    }
    found.sort();
    found.dedup();
    Ok(found)
}
