//! The scoped query builder: every read and write of a group's business data goes through a
//! [`Scope`] — the caller's group, his reach for one permission, who he is — and each table's
//! `within(scope)` filter, so a query cannot forget the tenant or the grants.

use chrono::{DateTime, Utc};
use diesel::{BoxableExpression, sql_types::Bool};
use kefu_domain::access::Reach;

use crate::{
    audit::{self, Actor, NewAuditEvent},
    db::{DbConnection, MultiBackend},
    error::StoreError,
};

/// A boxed `WHERE` condition on table `T`, for either backend.
pub type Filter<T> = Box<dyn BoxableExpression<T, MultiBackend, SqlType = Bool>>;

/// The caller, for one permission: rows of `group_id` within `reach`, acted on by `actor`.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The caller's group (tenant); no row of another group is ever read or written.
    pub group_id: String,
    /// Which rows of the group the permission reaches.
    pub reach: Reach,
    /// Who acts, for the audit trail.
    pub actor: Actor,
    /// The request, for the audit trail.
    pub request_id: Option<String>,
}

impl Scope {
    /// Appends an audit event by this caller (inside the caller's transaction).
    pub fn audit(
        &self,
        conn: &mut DbConnection,
        at: DateTime<Utc>,
        action: &str,
        subject: (&str, &str),
        payload: serde_json::Value,
    ) -> Result<(), StoreError> {
        audit::record(
            conn,
            NewAuditEvent {
                at,
                actor: self.actor.clone(),
                action,
                subject_type: subject.0,
                subject_id: Some(subject.1),
                request_id: self.request_id.as_deref(),
                payload,
            },
        )?;
        Ok(())
    }

    /// `Forbidden` unless the reach covers a row with these ancestors.
    pub fn require(
        &self,
        company: Option<&str>,
        project: Option<&str>,
        department: Option<&str>,
    ) -> Result<(), StoreError> {
        if self.reach.covers(company, project, department) {
            Ok(())
        } else {
            Err(StoreError::Forbidden)
        }
    }

    /// `Forbidden` unless the reach is the whole group (for group-level records: users, grants,
    /// integration clients).
    pub fn require_group(&self) -> Result<(), StoreError> {
        if self.reach.whole_group { Ok(()) } else { Err(StoreError::Forbidden) }
    }
}

/// Generates `within(scope)` for a table: its group column, and whichever of its columns name
/// the company, project and department a row belongs to. Later resources (work orders,
/// complaints) declare theirs the same way:
/// `scoped_table!(work_orders { group: group_id, company: company_id, project: project_id, department: department_id });`
#[macro_export]
macro_rules! scoped_table {
    ($table:ident { group: $group:ident $(, company: $company:ident)? $(, project: $project:ident)? $(, department: $department:ident)? }) => {
        /// Rows of the caller's group within the caller's reach.
        pub fn within(scope: &$crate::scope::Scope) -> $crate::scope::Filter<$table::table> {
            #[allow(unused_imports)]
            use diesel::{BoolExpressionMethods, ExpressionMethods};
            let in_group = $table::$group.eq(scope.group_id.clone());
            if scope.reach.whole_group {
                return Box::new(in_group);
            }
            #[allow(unused_mut)]
            let mut below: $crate::scope::Filter<$table::table> =
                Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"));
            $(below = Box::new(below.or($table::$company.eq_any(scope.reach.companies.clone())));)?
            $(below = Box::new(below.or($table::$project.eq_any(scope.reach.projects.clone())));)?
            $(below = Box::new(below.or($table::$department.eq_any(scope.reach.departments.clone())));)?
            Box::new(in_group.and(below))
        }
    };
}
pub use crate::scoped_table;

/// At most this many items per page.
pub const MAX_LIMIT: i64 = 200;

/// Which page of a list: items after the cursor's id, at most `limit`.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// How many items (1–200).
    pub limit: i64,
    /// The id of the last item of the previous page.
    pub after: Option<String>,
}

/// A page of items and the id to continue after, if more follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items, oldest first (ids are UUIDv7).
    pub items: Vec<T>,
    /// The last item's id when another page follows.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Trims `rows` (loaded with `limit + 1`) to a page.
    pub fn of(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> &str) -> Self {
        let limit = usize::try_from(limit.clamp(1, MAX_LIMIT)).unwrap_or(1);
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|r| id(r).to_owned())
        } else {
            None
        };
        Self { items: rows, next }
    }

    /// The same page with its items converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}

/// The `after` cursor's condition and `limit + 1`, for a table keyed by a UUIDv7 `id`.
macro_rules! paged {
    ($query:expr, $table:ident, $page:expr) => {{
        use diesel::{ExpressionMethods, QueryDsl};
        let mut q = $query;
        if let Some(after) = $page.after.clone() {
            q = q.filter($table::id.gt(after));
        }
        q.order($table::id.asc()).limit($page.limit.clamp(1, $crate::scope::MAX_LIMIT) + 1)
    }};
}
pub(crate) use paged;

/// Maps a unique-constraint conflict to a message naming what is taken.
pub(crate) fn taken(what: String) -> impl FnOnce(diesel::result::Error) -> StoreError {
    move |e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(what),
        other => other,
    }
}
