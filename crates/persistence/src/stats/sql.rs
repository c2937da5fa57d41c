//! The statement's SQL: text written once for both backends, with bind parameters numbered as
//! each backend wants them (`$1` on PostgreSQL, `?` on SQLite), and the one `WHERE` clause
//! every figure shares — the caller's group and reach (as `complaints::within`), the period and
//! the filters — so no figure can count a complaint another leaves out.

use chrono::NaiveDateTime;
use diesel::{
    QueryableByName, RunQueryDsl,
    sql_types::{Text, Timestamp},
};

use super::StatsFilter;
use crate::{
    db::{DbConnection, MultiBackend},
    error::StoreError,
    scope::Scope,
};

/// A bound value.
enum Bind {
    Text(String),
    At(NaiveDateTime),
}

/// A query being written: its text and its binds in order.
pub(crate) struct Sql {
    text: String,
    binds: Vec<Bind>,
    numbered: bool,
}

impl Sql {
    /// An empty query for the backend of `conn`.
    pub(crate) fn new(conn: &DbConnection) -> Self {
        Self {
            text: String::new(),
            binds: Vec::new(),
            numbered: matches!(conn, DbConnection::Pg(_)),
        }
    }

    /// Appends SQL text (never a value: values are bound).
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        if self.numbered {
            let n = self.binds.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    /// Appends a text parameter.
    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.bind(Bind::Text(value.to_owned()))
    }

    /// Appends an instant parameter (naive UTC).
    pub(crate) fn at(&mut self, value: NaiveDateTime) -> &mut Self {
        self.bind(Bind::At(value))
    }

    /// Appends `column IN (…)` of the values, or a false condition for none.
    fn any_of(&mut self, column: &str, values: &[String]) -> &mut Self {
        if values.is_empty() {
            return self.push("1 = 0");
        }
        self.push(column).push(" IN (");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(v);
        }
        self.push(")")
    }

    /// Runs it.
    pub(crate) fn load<R>(self, conn: &mut DbConnection) -> Result<Vec<R>, StoreError>
    where
        R: QueryableByName<MultiBackend> + 'static,
    {
        let mut query = diesel::sql_query(self.text).into_boxed::<MultiBackend>();
        for bind in self.binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::At(v) => query.bind::<Timestamp, _>(v),
            };
        }
        Ok(query.load(conn)?)
    }

    /// Appends the condition on `complaints c` every figure shares: the caller's group and
    /// reach, received in `[start, end)`, and the filter's fields.
    pub(crate) fn complaints_where(
        &mut self,
        scope: &Scope,
        filter: &StatsFilter,
        (start, end): (NaiveDateTime, NaiveDateTime),
    ) -> &mut Self {
        self.push("c.group_id = ").text(&scope.group_id);
        if !scope.reach.whole_group {
            self.push(" AND (");
            self.any_of("c.company_id", &scope.reach.companies).push(" OR ");
            self.any_of("c.project_id", &scope.reach.projects).push(")");
        }
        self.push(" AND c.received_at >= ").at(start);
        self.push(" AND c.received_at < ").at(end);
        let texts = [
            ("c.project_id", filter.project_id.as_deref()),
            ("c.company_id", filter.company_id.as_deref()),
            ("c.responsible_department_id", filter.department_id.as_deref()),
            ("c.kind", filter.kind.map(|k| k.as_str())),
            ("c.grade", filter.grade.map(|g| g.as_str())),
            ("c.category", filter.category.map(|c| c.as_str())),
            ("c.channel", filter.channel.map(|c| c.as_str())),
            ("c.state", filter.state.map(|s| s.as_str())),
        ];
        for (column, value) in texts {
            if let Some(value) = value {
                self.push(" AND ").push(column).push(" = ").text(value);
            }
        }
        self
    }
}
