//! The organisation (组织): group → companies → projects (楼盘) → buildings → units, and the
//! departments of each company. Every row carries its group and its ancestors' ids, so one
//! scoped filter decides visibility without joins. Rows are archived, never deleted.

pub mod buildings;
pub mod companies;
pub mod departments;
pub mod projects;
pub mod units;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::{
    BoxableExpression, ExpressionMethods,
    expression::AsExpression,
    sql_types::{Bool, Nullable, Timestamp},
};
use serde::Serializer;

use crate::{db::MultiBackend, ids::to_db};

/// An archive change as a patch carries it: `None` leaves the record as it is, `Some(Some(t))`
/// archives it at `t`, `Some(None)` restores it.
pub type Archive = Option<Option<NaiveDateTime>>;

/// The archive change of `archived` (`true` archive, `false` restore) made at `now`.
pub fn archive(archived: Option<bool>, now: DateTime<Utc>) -> Archive {
    archived.map(|a| a.then(|| to_db(now)))
}

/// An archive change in the audit trail: `true`, `false` or `null` (unchanged).
pub(crate) fn archived_flag<S: Serializer>(archive: &Archive, s: S) -> Result<S::Ok, S::Error> {
    match archive {
        None => s.serialize_none(),
        Some(at) => s.serialize_bool(at.is_some()),
    }
}

/// The list filter on an `archived_at` column: only archived (`true`), only current (`false`)
/// or both (`None`).
pub(crate) fn archived<T, C>(
    column: C,
    wanted: Option<bool>,
) -> Box<dyn BoxableExpression<T, MultiBackend, SqlType = Bool>>
where
    C: ExpressionMethods + AsExpression<Nullable<Timestamp>> + Copy + 'static,
    diesel::dsl::IsNull<C>: BoxableExpression<T, MultiBackend, SqlType = Bool>,
    diesel::dsl::IsNotNull<C>: BoxableExpression<T, MultiBackend, SqlType = Bool>,
{
    match wanted {
        Some(true) => Box::new(column.is_not_null()),
        Some(false) => Box::new(column.is_null()),
        None => Box::new(diesel::dsl::sql::<Bool>("1 = 1")),
    }
}
