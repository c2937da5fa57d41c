//! A group's report definitions, versioned on every edit. A group that never edited them uses
//! the shipped presets (R-RP-1 … R-RP-12) as version 0.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::schedule::{ReportDefinitions, presets};

use crate::{
    audit::{Acting, Event},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::Expected,
    schema::report_definitions,
    scope::Place,
};

/// The definitions in force for a group, with their version (0: the presets).
#[derive(Debug, Clone, PartialEq)]
pub struct Definitions {
    /// 0 for the presets, then 1, 2, …; also the `ETag`.
    pub version: i64,
    /// When this version was made (`None` for the presets).
    pub created_at: Option<NaiveDateTime>,
    /// Who made it.
    pub created_by: Option<String>,
    /// The definitions.
    pub set: ReportDefinitions,
}

/// The definitions in force, inside a transaction.
pub(crate) fn in_force(conn: &mut DbConnection, group: &str) -> Result<Definitions, StoreError> {
    let row: Option<(i64, String, NaiveDateTime, Option<String>)> = report_definitions::table
        .filter(report_definitions::group_id.eq(group))
        .order(report_definitions::version.desc())
        .select((
            report_definitions::version,
            report_definitions::document,
            report_definitions::created_at,
            report_definitions::created_by,
        ))
        .first(conn)
        .optional()?;
    match row {
        None => Ok(Definitions { version: 0, created_at: None, created_by: None, set: presets() }),
        Some((version, document, at, by)) => Ok(Definitions {
            version,
            created_at: Some(at),
            created_by: by,
            set: serde_json::from_str(&document)
                .map_err(|e| StoreError::Corrupt(format!("report definitions: {e}")))?,
        }),
    }
}

/// The definitions in force for a group.
pub fn current(conn: &mut Conn, group: &str) -> Result<Definitions, StoreError> {
    in_force(conn.raw(), group)
}

/// Stores a new version of a group's definitions if `expected` is still the version in force
/// (else `StaleVersion`): the insert of version `expected + 1` is the compare-and-swap, since
/// (group, version) is unique. The caller has checked the set.
pub fn put(
    conn: &mut Conn,
    acting: &Acting,
    group: &str,
    expected: Expected,
    set: &ReportDefinitions,
    now: DateTime<Utc>,
) -> Result<Definitions, StoreError> {
    transaction(conn.raw(), |conn| {
        let current = in_force(conn, group)?.version;
        let expected = match expected {
            Expected::Version(v) => v,
            Expected::Any => current,
        };
        if current != expected {
            return Err(StoreError::StaleVersion { current });
        }
        let next = expected + 1;
        let by = acting.actor().parts().1.map(str::to_owned);
        let document = serde_json::to_string(set)
            .map_err(|e| StoreError::Corrupt(format!("report definitions: {e}")))?;
        diesel::insert_into(report_definitions::table)
            .values((
                (report_definitions::id.eq(new_id()), report_definitions::group_id.eq(group)),
                report_definitions::version.eq(next),
                report_definitions::document.eq(document),
                report_definitions::created_at.eq(to_db(now)),
                report_definitions::created_by.eq(&by),
            ))
            .execute(conn)
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::StaleVersion { current: next },
                other => other,
            })?;
        let codes: Vec<&str> = set.definitions.iter().map(|d| d.code.as_str()).collect();
        let event = Event {
            at: now,
            action: "report_definitions.versioned",
            subject: ("report_definitions", group),
            group: Some(group),
            place: &Place::group(),
            payload: serde_json::json!({ "version": next, "codes": codes }),
        };
        acting.record(conn, event)?;
        in_force(conn, group)
    })
}
