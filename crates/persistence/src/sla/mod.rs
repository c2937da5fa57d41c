//! The SLA policy (时限策略) of each group, versioned, and the SLA clocks computed from it.
//!
//! The shipped defaults are a deployment-wide template (`group_id` empty) that the platform
//! operator keeps; every group starts with its own copy and changes it on its own. Every edit
//! is a new version; a clock remembers the version it started under, so a later edit never
//! changes a running clock's rules.

pub(crate) mod clocks;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::sla::SlaPolicy;

use crate::{
    audit::{Acting, Event},
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::Expected,
    schema::sla_policies,
    scope::Place,
};
pub(crate) use clocks::recompute_calendar;
pub use clocks::{ClockNow, ClockRecord, get_clock, negotiate, start_clock};

/// One version of a policy.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PolicyVersion {
    /// Its row.
    pub id: String,
    /// The group it belongs to; `None` for the template.
    pub group_id: Option<String>,
    /// 1, 2, …; the highest is in force.
    pub version: i64,
    /// The clocks.
    #[diesel(deserialize_as = String)]
    pub policy: Document,
    /// When this version was made (naive UTC).
    pub created_at: NaiveDateTime,
    /// Who made it (`None` for the shipped defaults and copies).
    pub created_by: Option<String>,
}

/// A stored policy document, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Document(pub SlaPolicy);

impl TryFrom<String> for Document {
    type Error = serde_json::Error;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&text).map(Self)
    }
}

type Columns = (
    sla_policies::id,
    sla_policies::group_id,
    sla_policies::version,
    sla_policies::document,
    sla_policies::created_at,
    sla_policies::created_by,
);

const COLUMNS: Columns = (
    sla_policies::id,
    sla_policies::group_id,
    sla_policies::version,
    sla_policies::document,
    sla_policies::created_at,
    sla_policies::created_by,
);

/// The versions of one owner (a group, or the template for `None`).
fn of_owner(
    owner: Option<&str>,
) -> sla_policies::BoxedQuery<'static, crate::db::MultiBackend, <Columns as Expression>::SqlType> {
    let q = sla_policies::table.select(COLUMNS).into_boxed();
    match owner {
        Some(group) => q.filter(sla_policies::group_id.eq(group.to_owned())),
        None => q.filter(sla_policies::group_id.is_null()),
    }
}

/// The version in force of an owner, inside a transaction.
pub(crate) fn current(
    conn: &mut DbConnection,
    owner: Option<&str>,
) -> Result<Option<PolicyVersion>, StoreError> {
    Ok(of_owner(owner).order(sla_policies::version.desc()).first(conn).optional()?)
}

/// The version in force of a group (or of the template, for `None`).
pub fn current_policy(
    conn: &mut Conn,
    owner: Option<&str>,
) -> Result<Option<PolicyVersion>, StoreError> {
    current(conn.raw(), owner)
}

/// One version of a group's policy (or of the template's).
pub fn policy_version(
    conn: &mut Conn,
    owner: Option<&str>,
    version: i64,
) -> Result<PolicyVersion, StoreError> {
    Ok(of_owner(owner).filter(sla_policies::version.eq(version)).first(conn.raw())?)
}

fn insert(
    conn: &mut DbConnection,
    owner: Option<&str>,
    (version, policy): (i64, &SlaPolicy),
    created_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id();
    let document = serde_json::to_string(policy)
        .map_err(|e| StoreError::Corrupt(format!("SLA policy: {e}")))?;
    diesel::insert_into(sla_policies::table)
        .values((
            (sla_policies::id.eq(&id), sla_policies::group_id.eq(owner)),
            (sla_policies::version.eq(version), sla_policies::document.eq(document)),
            sla_policies::created_at.eq(to_db(now)),
            sla_policies::created_by.eq(created_by),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Stores the shipped defaults (the clock column of RULES.md §3) as the template's version 1
/// when there is none. Safe when several nodes start at once.
pub fn ensure_default_policy(conn: &mut Conn, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let conn = conn.raw();
    if current(conn, None)?.is_some() {
        return Ok(false);
    }
    match transaction(conn, |conn| insert(conn, None, (1, &SlaPolicy::default()), None, now)) {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Gives a group its own policy when it has none: the template's version in force, as the
/// group's version 1 (inside the caller's transaction). Returns whether one was made.
pub(crate) fn ensure_group_policy(
    conn: &mut DbConnection,
    group_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if current(conn, Some(group_id))?.is_some() {
        return Ok(false);
    }
    let policy = current(conn, None)?.map_or_else(SlaPolicy::default, |p| p.policy.0);
    insert(conn, Some(group_id), (1, &policy), None, now)?;
    Ok(true)
}

/// Stores a new version of an owner's policy if `expected` is still the one in force (else
/// `StaleVersion`): the insert of version `expected + 1` is the compare-and-swap, since the
/// (owner, version) pair is unique.
pub fn put_policy(
    conn: &mut Conn,
    acting: &Acting,
    owner: Option<&str>,
    expected: Expected,
    policy: &SlaPolicy,
    now: DateTime<Utc>,
) -> Result<PolicyVersion, StoreError> {
    transaction(conn.raw(), |conn| {
        let current = current(conn, owner)?.map_or(0, |p| p.version);
        let expected = match expected {
            Expected::Version(v) => v,
            Expected::Any => current,
        };
        if current != expected {
            return Err(StoreError::StaleVersion { current });
        }
        let by = acting.actor().parts().1.map(str::to_owned);
        let next = expected + 1;
        insert(conn, owner, (next, policy), by.as_deref(), now).map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::StaleVersion { current: next },
            other => other,
        })?;
        let payload = serde_json::json!({ "clocks": policy.clocks.len(), "version": next });
        let subject = ("sla_policy", owner.unwrap_or("template"));
        let place = Place::group();
        let event = Event {
            at: now,
            action: "sla_policy.versioned",
            subject,
            group: owner,
            place: &place,
            payload,
        };
        acting.record(conn, event)?;
        Ok(of_owner(owner).filter(sla_policies::version.eq(next)).first(conn)?)
    })
}
