//! The per-user inbox (通知): what a user must know — a clock about to run out, an escalation, a
//! webhook disabled — written in the transaction of what it tells of, read only by its user.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::{Conn, DbConnection, transaction},
    error::StoreError,
    ids::{new_id, to_db},
    kit::{ListRequest, Page, page},
    schema::notifications,
};

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    /// UUIDv7.
    pub id: String,
    /// The group of its user.
    pub group_id: String,
    /// Whose inbox it is in.
    pub user_id: String,
    /// What kind of news (`clock_warning`, `clock_breached`, `work_order_overdue`, …).
    pub kind: String,
    /// What it is about (`complaint`, `work_order`, `webhook`).
    pub subject_type: String,
    /// Which one.
    pub subject_id: String,
    /// One line for the user, in Chinese.
    pub title: String,
    /// The details, JSON.
    pub payload: String,
    /// When it was written (naive UTC).
    pub created_at: NaiveDateTime,
    /// When its user read it.
    pub read_at: Option<NaiveDateTime>,
}

/// A notification to write for some users.
#[derive(Debug, Clone)]
pub(crate) struct Notice<'a> {
    /// The users' group.
    pub group_id: &'a str,
    /// What kind of news.
    pub kind: &'a str,
    /// What it is about.
    pub subject: (&'a str, &'a str),
    /// One line, in Chinese.
    pub title: String,
    /// The details.
    pub payload: serde_json::Value,
}

/// Writes `notice` to each of `users` (each once), inside the caller's transaction.
pub(crate) fn notify(
    conn: &mut DbConnection,
    users: &[String],
    notice: &Notice<'_>,
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut users: Vec<&String> = users.iter().collect();
    users.sort();
    users.dedup();
    let payload = notice.payload.to_string();
    for user in &users {
        diesel::insert_into(notifications::table)
            .values((
                notifications::id.eq(new_id()),
                notifications::group_id.eq(notice.group_id),
                notifications::user_id.eq(user.as_str()),
                notifications::kind.eq(notice.kind),
                notifications::subject_type.eq(notice.subject.0),
                notifications::subject_id.eq(notice.subject.1),
                notifications::title.eq(&notice.title),
                notifications::payload.eq(&payload),
                notifications::created_at.eq(to_db(at)),
            ))
            .execute(conn)?;
    }
    Ok(users.len())
}

/// A page of a user's own notifications, oldest first; only unread ones when `unread`.
pub fn list(
    conn: &mut Conn,
    user_id: &str,
    unread: bool,
    req: &ListRequest,
) -> Result<Page<Notification>, StoreError> {
    let query = || {
        let q = notifications::table.filter(notifications::user_id.eq(user_id)).into_boxed();
        if unread { q.filter(notifications::read_at.is_null()) } else { q }
    };
    page!(conn.raw(), notifications, query, Notification, req)
}

/// Marks one of the user's notifications read (kept as first read when read again); another
/// user's is `NotFound`.
pub fn mark_read(
    conn: &mut Conn,
    user_id: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Notification, StoreError> {
    transaction(conn.raw(), |conn| {
        let mine = notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::user_id.eq(user_id));
        diesel::update(mine.filter(notifications::read_at.is_null()))
            .set(notifications::read_at.eq(to_db(now)))
            .execute(conn)?;
        Ok(mine.select(Notification::as_select()).first(conn)?)
    })
}

/// Marks every unread notification of the user read; how many were unread.
pub fn mark_all_read(
    conn: &mut Conn,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(to_db(now)))
    .execute(conn.raw())?)
}

/// How many of the user's notifications are unread.
pub fn unread(conn: &mut Conn, user_id: &str) -> Result<i64, StoreError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn.raw())?)
}

/// A notification to mail, with its user's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The notification.
    pub notification: Notification,
    /// Its user's name.
    pub display_name: String,
    /// Its user's address.
    pub email: String,
}

/// Claims up to `batch` notifications written since `since` whose users have an e-mail address
/// and that were not mailed yet, marking them mailed (PostgreSQL skips the rows another node
/// is claiming). A mail that could not be sent is given back with [`unmail`].
pub fn claim_mail(
    conn: &mut Conn,
    batch: i64,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Mail>, StoreError> {
    use crate::schema::users;
    transaction(conn.raw(), |conn| {
        let with_address = users::table.filter(users::email.is_not_null()).select(users::id);
        let due = || {
            notifications::table
                .filter(notifications::emailed_at.is_null())
                .filter(notifications::created_at.ge(to_db(since)))
                .filter(notifications::user_id.eq_any(with_address))
                .order(notifications::id.asc())
                .limit(batch)
        };
        let found: Vec<Notification> = match &mut *conn {
            crate::db::DbConnection::Pg(pg) => {
                due().select(Notification::as_select()).for_update().skip_locked().load(pg)?
            }
            other => due().select(Notification::as_select()).load(other)?,
        };
        let ids: Vec<&str> = found.iter().map(|n| n.id.as_str()).collect();
        diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
            .set(notifications::emailed_at.eq(Some(to_db(now))))
            .execute(conn)?;
        let mut mails = Vec::with_capacity(found.len());
        for notification in found {
            let (display_name, email): (String, Option<String>) = users::table
                .find(&notification.user_id)
                .select((users::display_name, users::email))
                .first(conn)?;
            if let Some(email) = email {
                mails.push(Mail { notification, display_name, email });
            }
        }
        Ok(mails)
    })
}

/// Gives a claimed notification back, unmailed (its mail could not be sent): a later round
/// tries again while it is recent enough.
pub fn unmail(conn: &mut Conn, id: &str) -> Result<(), StoreError> {
    diesel::update(notifications::table.filter(notifications::id.eq(id)))
        .set(notifications::emailed_at.eq(None::<NaiveDateTime>))
        .execute(conn.raw())?;
    Ok(())
}
