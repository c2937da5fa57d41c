//! Attachments (附件): the photos, scans and recordings that came with a complaint or were
//! collected as evidence. The bytes live in the attachment store under their SHA-256; the row,
//! its timeline entry and its audit event commit together, and the bytes are stored only once
//! the complaint is known to be within the caller's reach.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{Complaint, Entry, TimelineActor, timeline};
use crate::{
    db::{Conn, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    schema::attachments,
    scope::{Place, Scope, scoped_table},
};

scoped_table!(attachments { group: group_id, company: company_id, project: project_id });

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    /// UUIDv7.
    pub id: String,
    /// Its group.
    pub group_id: String,
    /// Its complaint's company.
    pub company_id: String,
    /// Its complaint's project.
    pub project_id: String,
    /// Its complaint.
    pub complaint_id: String,
    /// The name it was uploaded with.
    pub file_name: String,
    /// The media type sniffed from its bytes.
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// The SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Where the store keeps the bytes.
    pub storage_key: String,
    /// Who uploaded it (a user or client id).
    pub uploaded_by: Option<String>,
    /// When (naive UTC).
    pub uploaded_at: NaiveDateTime,
}

impl Attachment {
    /// Where it sits: its complaint's project.
    pub fn place(&self) -> Place {
        Place {
            company: Some(self.company_id.clone()),
            project: Some(self.project_id.clone()),
            department: None,
        }
    }
}

/// An upload's facts, its bytes already checked and hashed.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The name it came with.
    pub file_name: String,
    /// The sniffed media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// The SHA-256 of its bytes, hex; also its key in the store.
    pub sha256: String,
}

/// Records an attachment of a complaint visible under `read` and within `write`: 404 outside
/// `read`, 403 outside `write`; then `store` puts the bytes (an error there is a 500 and
/// nothing is recorded); then the row, the timeline entry and the audit event.
pub fn record(
    conn: &mut Conn,
    (read, write): (&Scope, &Scope),
    complaint_id: &str,
    new: &NewAttachment,
    store: impl FnOnce(&str) -> Result<(), String>,
    now: DateTime<Utc>,
) -> Result<Attachment, StoreError> {
    transaction(conn.raw(), |conn| {
        let complaint: Complaint = super::find(conn, read, complaint_id)?;
        write.require(&complaint.place())?;
        let key = new.sha256.clone();
        store(&key).map_err(|e| StoreError::Corrupt(format!("attachment store: {e}")))?;
        let id = new_id();
        let (kind, actor_id) = write.actor().parts();
        diesel::insert_into(attachments::table)
            .values((
                attachments::id.eq(&id),
                attachments::group_id.eq(&complaint.group_id),
                attachments::company_id.eq(&complaint.company_id),
                attachments::project_id.eq(&complaint.project_id),
                attachments::complaint_id.eq(&complaint.id),
                attachments::file_name.eq(&new.file_name),
                attachments::media_type.eq(&new.media_type),
                attachments::size_bytes.eq(new.size_bytes),
                attachments::sha256.eq(&new.sha256),
                attachments::storage_key.eq(&key),
                attachments::uploaded_by.eq(actor_id),
                attachments::uploaded_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        let payload = serde_json::json!({
            "attachment_id": id, "file_name": new.file_name, "media_type": new.media_type,
            "size_bytes": new.size_bytes, "sha256": new.sha256,
        });
        let entry = Entry {
            kind: "attachment",
            action: None,
            states: (None, None),
            payload: payload.clone(),
        };
        timeline(conn, &complaint.id, TimelineActor { kind, id: actor_id }, entry, now)?;
        let place = complaint.place();
        write.audit(conn, now, "attachment.created", ("attachment", &id), &place, payload)?;
        Ok(attachments::table.find(&id).select(Attachment::as_select()).first(conn)?)
    })
}

/// The attachments of a complaint within reach, oldest first (404 when the complaint is not).
pub fn of_complaint(
    conn: &mut Conn,
    scope: &Scope,
    complaint_id: &str,
) -> Result<Vec<Attachment>, StoreError> {
    let conn = conn.raw();
    super::find(conn, scope, complaint_id)?;
    Ok(attachments::table
        .filter(attachments::complaint_id.eq(complaint_id))
        .filter(within(scope))
        .order(attachments::id.asc())
        .select(Attachment::as_select())
        .load(conn)?)
}

/// One attachment within reach (404 otherwise); `fetch` reads its bytes by storage key.
pub fn download<T>(
    conn: &mut Conn,
    scope: &Scope,
    id: &str,
    fetch: impl FnOnce(&str) -> Result<T, String>,
) -> Result<(Attachment, T), StoreError> {
    let found: Attachment = attachments::table
        .filter(attachments::id.eq(id))
        .filter(within(scope))
        .select(Attachment::as_select())
        .first(conn.raw())?;
    let bytes = fetch(&found.storage_key)
        .map_err(|e| StoreError::Corrupt(format!("attachment {}: {e}", found.id)))?;
    Ok((found, bytes))
}
