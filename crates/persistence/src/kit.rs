//! The resource kit: what every scoped resource needs, written once. A resource module declares
//! its table with [`resource!`](crate::resource) and gets its scoped filter, its scoped get, its
//! page of a filtered query (with the total on request) and its compare-and-swap update with
//! audit; it writes only what is its own (its record, its filters, its create and its rules).

use crate::error::StoreError;

/// At most this many items per page.
pub const MAX_LIMIT: i64 = 200;

/// Which page of a list: items after the cursor's id, at most `limit`, and whether to count
/// every item the filter matches.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// How many items (1–200).
    pub limit: i64,
    /// The id of the last item of the previous page.
    pub after: Option<String>,
    /// Whether to count every matching item (`total`).
    pub count: bool,
}

impl Default for ListRequest {
    fn default() -> Self {
        Self { limit: 50, after: None, count: false }
    }
}

impl ListRequest {
    /// The limit, within 1–200.
    pub fn limit(&self) -> i64 {
        self.limit.clamp(1, MAX_LIMIT)
    }
}

/// A page of items, the id to continue after when more follow, and the total when asked.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items, oldest first (ids are UUIDv7).
    pub items: Vec<T>,
    /// The last item's id when another page follows.
    pub next: Option<String>,
    /// How many items match the filter, on every page, when the request asked for it.
    pub total: Option<i64>,
}

impl<T> Page<T> {
    /// Trims `rows` (loaded with `limit + 1`) to a page.
    pub fn of(
        mut rows: Vec<T>,
        req: &ListRequest,
        total: Option<i64>,
        id: impl Fn(&T) -> &str,
    ) -> Self {
        let limit = usize::try_from(req.limit()).unwrap_or(1);
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|r| id(r).to_owned())
        } else {
            None
        };
        Self { items: rows, next, total }
    }

    /// The same page with its items converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next, total: self.total }
    }
}

/// Loads one page of `$record`s from a boxed query of `$table` (keyed by a UUIDv7 `id`), and the
/// total for the same filter when `$req.count`: `page!(conn, companies, || query, Company, req)`.
/// `$query` builds the filtered query afresh each time it is called.
#[macro_export]
#[doc(hidden)]
macro_rules! __page {
    ($conn:expr, $table:ident, $query:expr, $record:ty, $req:expr) => {{
        use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl, SelectableHelper};
        let conn = $conn;
        let req: &$crate::kit::ListRequest = $req;
        let query = $query;
        let total = match req.count {
            true => Some(
                query().count().get_result::<i64>(&mut *conn).map_err($crate::StoreError::from)?,
            ),
            false => None,
        };
        let mut q = query().select(<$record>::as_select());
        if let Some(after) = req.after.clone() {
            q = q.filter($table::id.gt(after));
        }
        let rows: Vec<$record> = q
            .order($table::id.asc())
            .limit(req.limit() + 1)
            .load(conn)
            .map_err($crate::StoreError::from)?;
        Ok::<_, $crate::StoreError>($crate::kit::Page::of(rows, req, total, |r| r.id.as_ref()))
    }};
}
pub use crate::__page as page;

/// The columns every new versioned row starts with: its id, created and updated now, version 1.
#[macro_export]
#[doc(hidden)]
macro_rules! __new_row {
    ($table:ident, $id:expr, $now:expr) => {{
        use diesel::ExpressionMethods;
        let at = $crate::ids::to_db($now);
        (
            $table::id.eq($id),
            $table::created_at.eq(at),
            $table::updated_at.eq(at),
            $table::version.eq(1_i64),
        )
    }};
}
pub use crate::__new_row as new_row;

/// Why a compare-and-swap changed nothing: the record is not visible (404), visible but not the
/// caller's to change (403), or at another version (412).
pub(crate) fn refused(current: Option<i64>, writable: bool) -> StoreError {
    match current {
        None => StoreError::NotFound,
        Some(_) if !writable => StoreError::Forbidden,
        Some(current) => StoreError::StaleVersion { current },
    }
}

/// The version a change expects its record at: the one the caller read (`If-Match: "3"`), or
/// whichever is current (`If-Match: *`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// This version.
    Version(i64),
    /// Any version the record has now.
    Any,
}

/// A stored record's identity and version (its `ETag`).
pub trait Record {
    /// Its id.
    fn id(&self) -> &str;
    /// Its version.
    fn version(&self) -> i64;
}

/// What a change records in the audit trail, what it checks first, and what a unique conflict
/// says is taken. The payload is the change itself: patches keep personal data out of it.
pub trait Audited: serde::Serialize {
    /// The audit payload (never personal data: flags for what changed, ids).
    fn audit(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    /// The message of a unique conflict.
    fn taken(&self) -> String {
        "a record with these unique values exists".to_owned()
    }
    /// Checks the change against the rest of the group before it is made (inside its
    /// transaction), e.g. that a named user is one of the writer's group.
    fn check(
        &self,
        _conn: &mut crate::db::DbConnection,
        _write: &crate::scope::Scope,
    ) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Declares a scoped, versioned resource over its table: `within`, `place`, `find`, `get` and
/// `cas` (the compare-and-swap update with its audit event). The record type is the table's
/// `Queryable` row with an `id`; the changes type is its `AsChangeset` patch, [`Audited`].
///
/// ```ignore
/// resource!(companies => Company, CompanyChanges, "company" { group: group_id, company: id });
/// ```
#[macro_export]
macro_rules! resource {
    ($table:ident => $record:ty, $changes:ty, $subject:literal {
        group: $group:ident $(, company: $company:ident)? $(, project: $project:ident)? $(, department: $department:ident)? $(,)?
    }) => {
        $crate::scope::scoped_table!($table {
            group: $group $(, company: $company)? $(, project: $project)? $(, department: $department)?
        });

        /// Where a record sits in its group, for scope checks and the audit trail.
        #[allow(unused_variables)]
        pub fn place(r: &$record) -> $crate::scope::Place {
            #[allow(unused_mut)]
            let mut place = $crate::scope::Place::default();
            $(place.company = Some(r.$company.clone());)?
            $(place.project = Some(r.$project.clone());)?
            $(place.department = Some(r.$department.clone());)?
            place
        }

        $crate::kit::resource!(@ops $table => $record, $changes, $subject);

        /// Changes a record visible under `read` and within `write` if it is still at
        /// `expected`: the change's checks, then the compare-and-swap with its audit event, in
        /// one transaction.
        pub fn update(
            conn: &mut $crate::db::Conn,
            (read, write): (&$crate::scope::Scope, &$crate::scope::Scope),
            id: &str,
            expected: $crate::kit::Expected,
            changes: &$changes,
            now: chrono::DateTime<chrono::Utc>,
        ) -> Result<$record, $crate::StoreError> {
            use $crate::kit::Audited;
            $crate::db::transaction(conn.raw(), |conn| {
                changes.check(conn, write)?;
                cas(conn, read, write, id, expected, changes, now)
            })
        }
    };
    // A resource whose reach is decided elsewhere (customers: through the units they own);
    // its records sit at the group level of the audit trail.
    ($table:ident => $record:ty, $changes:ty, $subject:literal, within $within:path) => {
        use $within as within;

        /// Where a record sits in its group: the group level.
        pub fn place(_: &$record) -> $crate::scope::Place {
            $crate::scope::Place::group()
        }

        $crate::kit::resource!(@ops $table => $record, $changes, $subject);
    };
    (@ops $table:ident => $record:ty, $changes:ty, $subject:literal) => {
        impl $crate::kit::Record for $record {
            fn id(&self) -> &str {
                &self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
        }

        /// A record within the scope's reach (`NotFound` otherwise), inside a transaction.
        pub(crate) fn find(
            conn: &mut $crate::db::DbConnection,
            scope: &$crate::scope::Scope,
            id: &str,
        ) -> Result<$record, $crate::StoreError> {
            use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl, SelectableHelper};
            Ok($table::table
                .filter($table::id.eq(id))
                .filter(within(scope))
                .select(<$record>::as_select())
                .first(conn)?)
        }

        /// A record within the caller's reach (`NotFound` otherwise: existence is not leaked).
        #[allow(dead_code)]
        pub fn get(
            conn: &mut $crate::db::Conn,
            scope: &$crate::scope::Scope,
            id: &str,
        ) -> Result<$record, $crate::StoreError> {
            find(conn.raw(), scope, id)
        }

        /// Reads a record just inserted and appends its `<subject>.created` audit event.
        #[allow(dead_code)]
        pub(crate) fn created(
            conn: &mut $crate::db::DbConnection,
            (read, write): (&$crate::scope::Scope, &$crate::scope::Scope),
            id: &str,
            payload: serde_json::Value,
            now: chrono::DateTime<chrono::Utc>,
        ) -> Result<$record, $crate::StoreError> {
            let record = find(conn, read, id)?;
            let action = concat!($subject, ".created");
            write.audit(conn, now, action, ($subject, id), &place(&record), payload)?;
            Ok(record)
        }

        /// Changes a record visible under `read` and within `write` if it is still at
        /// `expected`: one `UPDATE … WHERE id = ? AND version = ?` (0 rows: 404, 403 or 412),
        /// then its audit event; call inside the use case's transaction.
        pub(crate) fn cas(
            conn: &mut $crate::db::DbConnection,
            read: &$crate::scope::Scope,
            write: &$crate::scope::Scope,
            id: &str,
            expected: $crate::kit::Expected,
            changes: &$changes,
            now: chrono::DateTime<chrono::Utc>,
        ) -> Result<$record, $crate::StoreError> {
            use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, RunQueryDsl};
            use $crate::kit::Audited;
            let current = |conn: &mut $crate::db::DbConnection| {
                $table::table
                    .filter($table::id.eq(id))
                    .filter(within(read))
                    .select($table::version)
                    .first::<i64>(conn)
                    .optional()
            };
            let expected = match expected {
                $crate::kit::Expected::Version(v) => v,
                $crate::kit::Expected::Any => current(conn)?.ok_or($crate::StoreError::NotFound)?,
            };
            let changed = diesel::update(
                $table::table
                    .filter($table::id.eq(id))
                    .filter($table::version.eq(expected))
                    .filter(within(write)),
            )
            .set((
                changes.clone(),
                $table::updated_at.eq($crate::ids::to_db(now)),
                $table::version.eq($table::version + 1),
            ))
            .execute(conn)
            .map_err(|e| match $crate::StoreError::from(e) {
                $crate::StoreError::Conflict(_) => $crate::StoreError::Conflict(changes.taken()),
                other => other,
            })?;
            if changed == 0 {
                let current = current(conn)?;
                let writable = $table::table
                    .filter($table::id.eq(id))
                    .filter(within(write))
                    .select($table::version)
                    .first::<i64>(conn)
                    .optional()?
                    .is_some();
                return Err($crate::kit::refused(current, writable));
            }
            let record = find(conn, read, id)?;
            let action = concat!($subject, ".updated");
            write.audit(conn, now, action, ($subject, id), &place(&record), changes.audit())?;
            Ok(record)
        }
    };
}
pub use crate::resource;
