//! Complaints (投诉) and the requests that share their engine: the stored record, its
//! timeline, its clocks. Each use case is one function and one transaction: the complaint's
//! row (a compare-and-swap once it exists), its timeline event, its clocks, its outbox row and
//! its audit event commit together ([`intake`], [`transitions`]).

pub mod attachments;
pub mod changes;
pub mod customer_events;
pub mod intake;
pub mod read;
pub mod transitions;
pub mod work_orders;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_domain::complaint::{
    Category, Channel, ComplaintKind, ComplaintState, Flag, Grade, Snapshot, WarningSource,
};
use serde::Serialize;

use crate::{
    db::DbConnection,
    error::StoreError,
    ids::{new_id, to_db},
    kit::{Audited, Expected, resource},
    schema::{complaint_events, complaints, users},
    scope::Place,
};

pub use changes::{ComplaintPatch, add_note, patch};
pub use intake::{Intake, IntakeError, receive};
use read::with_clocks;
pub use read::{ComplaintFilter, ComplaintSort, EventRecord, events, get_with_clocks, list};
pub use transitions::{TransitionError, transition};

resource!(complaints => Complaint, ComplaintChanges, "complaint" {
    group: group_id, company: company_id, project: project_id
});

/// A stored complaint.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct Complaint {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// The company of its project.
    pub company_id: String,
    /// Its project.
    pub project_id: String,
    /// `TS-<year>-<6 digits>`, unique per company and year.
    pub number: String,
    /// What it is.
    #[diesel(deserialize_as = String)]
    pub kind: ComplaintKind,
    /// How it came in.
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    /// An early warning's source.
    #[diesel(deserialize_as = OptionalText)]
    pub warning_source: Optional<WarningSource>,
    /// The customer.
    pub customer_id: Option<String>,
    /// The unit.
    pub unit_id: Option<String>,
    /// The category.
    #[diesel(deserialize_as = OptionalText)]
    pub category: Optional<Category>,
    /// What the customer says.
    pub description: String,
    /// The amount claimed, in fen.
    pub amount_claimed_fen: i64,
    /// The flags, a JSON array.
    #[diesel(deserialize_as = String)]
    pub flags: Json<Vec<Flag>>,
    /// The grade.
    #[diesel(deserialize_as = String)]
    pub grade: Grade,
    /// The rules that gave the grade, a JSON array.
    #[diesel(deserialize_as = String)]
    pub grade_rules: Json<Vec<String>>,
    /// Where it stands.
    #[diesel(deserialize_as = String)]
    pub state: ComplaintState,
    /// While awaiting the customer: the state a resume returns to.
    #[diesel(deserialize_as = OptionalText)]
    pub paused_from: Optional<ComplaintState>,
    /// When it was received (naive UTC).
    pub received_at: NaiveDateTime,
    /// Who received it (R-IN-3).
    pub receiver_id: String,
    /// Who owns it.
    pub owner_id: String,
    /// Who tracks it.
    pub tracker_id: String,
    /// Who calls the customer back.
    pub callback_owner_id: String,
    /// The responsible department (R-RP-15).
    pub responsible_department_id: Option<String>,
    /// The shared problem it names.
    pub problem_id: Option<String>,
    /// The household it counts as for its problem.
    pub household: Option<String>,
    /// The customer event it belongs to.
    pub customer_event_id: Option<String>,
    /// The system it came from.
    pub source_system: Option<String>,
    /// Its id there.
    pub external_ref: Option<String>,
    /// When it was created (naive UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (naive UTC).
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i64,
}

impl Complaint {
    /// What the lifecycle needs of it.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            state: self.state,
            grade: self.grade,
            kind: self.kind,
            paused_from: self.paused_from.0,
        }
    }

    /// Where it sits, for scope checks.
    pub fn place(&self) -> Place {
        place(self)
    }
}

/// An optional vocabulary value stored as nullable text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Optional<T>(pub Option<T>);

/// Nullable text as diesel loads it.
type OptionalText = Option<String>;

impl<T: TryFrom<String>> TryFrom<Option<String>> for Optional<T>
where
    T::Error: std::fmt::Display,
{
    type Error = StoreError;
    fn try_from(text: Option<String>) -> Result<Self, StoreError> {
        text.map(T::try_from)
            .transpose()
            .map(Self)
            .map_err(|e| StoreError::Corrupt(format!("complaint: {e}")))
    }
}

/// A JSON document stored as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: serde::de::DeserializeOwned> TryFrom<String> for Json<T> {
    type Error = serde_json::Error;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&text).map(Self)
    }
}

/// Changes of a complaint's people; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, AsChangeset)]
#[diesel(table_name = complaints)]
pub struct ComplaintChanges {
    /// A new owner.
    pub owner_id: Option<String>,
    /// A new tracker.
    pub tracker_id: Option<String>,
    /// A new callback owner.
    pub callback_owner_id: Option<String>,
}

impl Audited for ComplaintChanges {
    fn taken(&self) -> String {
        "the complaint changed".to_owned()
    }
}

/// Whether `id` is an active (not disabled) user of `group`: a receiver, owner, tracker or
/// callback owner must be one.
pub(crate) fn is_active_member(
    conn: &mut DbConnection,
    id: &str,
    group: &str,
) -> Result<bool, StoreError> {
    let found: i64 = users::table
        .filter(users::id.eq(id))
        .filter(users::group_id.eq(group))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// 412 unless the complaint as read is at the version the client expects.
fn at_version(current: &Complaint, expected: Expected) -> Result<(), StoreError> {
    match expected {
        Expected::Version(v) if v != current.version => {
            Err(StoreError::StaleVersion { current: current.version })
        }
        _ => Ok(()),
    }
}

/// The 412 of a compare-and-swap that changed no row: the version the complaint is at now.
fn stale(conn: &mut DbConnection, id: &str) -> StoreError {
    match complaints::table.find(id).select(complaints::version).first(conn) {
        Ok(current) => StoreError::StaleVersion { current },
        Err(e) => e.into(),
    }
}

/// Who did something to a complaint, for its timeline.
#[derive(Debug, Clone, Copy)]
pub struct TimelineActor<'a> {
    /// `user`, `client` or `system`.
    pub kind: &'a str,
    /// Their id.
    pub id: Option<&'a str>,
}

/// One entry of a complaint's timeline.
pub(crate) struct Entry<'a> {
    pub(crate) kind: &'a str,
    pub(crate) action: Option<&'a str>,
    pub(crate) states: (Option<ComplaintState>, Option<ComplaintState>),
    pub(crate) payload: serde_json::Value,
}

/// Appends an immutable timeline entry.
pub(crate) fn timeline(
    conn: &mut DbConnection,
    complaint_id: &str,
    actor: TimelineActor<'_>,
    entry: Entry<'_>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(complaint_events::table)
        .values((
            complaint_events::id.eq(new_id()),
            complaint_events::complaint_id.eq(complaint_id),
            complaint_events::at.eq(to_db(at)),
            complaint_events::actor_kind.eq(actor.kind),
            complaint_events::actor_id.eq(actor.id),
            complaint_events::kind.eq(entry.kind),
            complaint_events::action.eq(entry.action),
            complaint_events::from_state.eq(entry.states.0.map(|s| s.as_str())),
            complaint_events::to_state.eq(entry.states.1.map(|s| s.as_str())),
            complaint_events::payload.eq(entry.payload.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Queues a message for the webhooks, in the transaction of the change it tells of.
fn enqueue(
    conn: &mut DbConnection,
    complaint: &Complaint,
    topic: &str,
    payload: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let subject = ("complaint", complaint.id.as_str());
    crate::outbox::enqueue(
        conn,
        (&complaint.group_id, topic),
        &place(complaint),
        subject,
        &payload,
        at,
    )
}
