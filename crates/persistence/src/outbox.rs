//! The transactional outbox: a message for the webhooks, written in the transaction of the
//! change it tells of, so that no change goes untold and no message tells of a change that
//! did not commit.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::DbConnection,
    error::StoreError,
    ids::{new_id, to_db},
    schema::outbox,
    scope::Place,
};

/// Queues `payload` under `topic` about `(subject_type, subject_id)` of `group_id`, at `place`
/// (which subscriptions limited to a company or project see it), inside the caller's
/// transaction.
pub(crate) fn enqueue(
    conn: &mut DbConnection,
    (group_id, topic): (&str, &str),
    place: &Place,
    (subject_type, subject_id): (&str, &str),
    payload: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(new_id()),
            outbox::group_id.eq(group_id),
            outbox::topic.eq(topic),
            outbox::subject_type.eq(subject_type),
            outbox::subject_id.eq(subject_id),
            outbox::payload.eq(payload.to_string()),
            outbox::created_at.eq(to_db(at)),
            outbox::company_id.eq(place.company.as_deref()),
            outbox::project_id.eq(place.project.as_deref()),
        ))
        .execute(conn)?;
    Ok(())
}
