//! The scoped query builder: every read and write of a group's business data goes through a
//! [`Scope`] — the caller's group, his reach for one permission, who he is and from which
//! request — and each table's `within(scope)` filter, so a query cannot forget the tenant or
//! the grants.

use chrono::{DateTime, Utc};
use diesel::{BoxableExpression, sql_types::Bool};
use kefu_domain::access::Reach;

use crate::{
    audit::{Acting, Actor, Event},
    db::{DbConnection, MultiBackend},
    error::StoreError,
};

/// A boxed `WHERE` condition on table `T`, for either backend.
pub type Filter<T> = Box<dyn BoxableExpression<T, MultiBackend, SqlType = Bool>>;

/// Where a record sits in its group's organisation: what scope checks and the audit trail need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// Its company.
    pub company: Option<String>,
    /// Its project.
    pub project: Option<String>,
    /// Its department.
    pub department: Option<String>,
}

impl Place {
    /// A record of the whole group (a user, a grant, a client).
    pub fn group() -> Self {
        Self::default()
    }

    /// A record of one project of one company.
    pub fn of_project(company: &str, project: &str) -> Self {
        Self {
            company: Some(company.to_owned()),
            project: Some(project.to_owned()),
            department: None,
        }
    }
}

/// The caller, for one permission: rows of `group_id` within `reach`, acted on by `acting`.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The caller's group (tenant); no row of another group is ever read or written.
    pub group_id: String,
    /// Which rows of the group the permission reaches.
    pub reach: Reach,
    /// Who acts and from which request, for the audit trail.
    pub acting: Acting,
    /// Whether the caller is a platform operator: only platform operators see and change
    /// platform operators, even those who belong to a group.
    pub platform: bool,
}

impl Scope {
    /// Who acts.
    pub fn actor(&self) -> &Actor {
        self.acting.actor()
    }

    /// Appends an audit event by this caller about a record of his group (inside the
    /// transaction that makes the change).
    pub(crate) fn audit(
        &self,
        conn: &mut DbConnection,
        at: DateTime<Utc>,
        action: &str,
        subject: (&str, &str),
        place: &Place,
        payload: serde_json::Value,
    ) -> Result<(), StoreError> {
        let event = Event { at, action, subject, group: Some(&self.group_id), place, payload };
        self.acting.record(conn, event)?;
        Ok(())
    }

    /// `Forbidden` unless the reach covers a record at `place`.
    pub fn require(&self, place: &Place) -> Result<(), StoreError> {
        let reach = &self.reach;
        if reach.covers(
            place.company.as_deref(),
            place.project.as_deref(),
            place.department.as_deref(),
        ) {
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
    ($table:ident { group: $group:ident $(, company: $company:ident)? $(, project: $project:ident)? $(, department: $department:ident)? $(,)? }) => {
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

/// Maps a unique-constraint conflict to a message naming what is taken.
pub(crate) fn taken(what: String) -> impl FnOnce(diesel::result::Error) -> StoreError {
    move |e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(what),
        other => other,
    }
}
