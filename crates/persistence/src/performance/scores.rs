//! A department's year-end customer-service score (R-RP-15): from its work-order (联系单)
//! completion — the work orders sent to it that year whose reply clocks (R-T-7) all stopped
//! by their due, over all sent to it, as 0–100. An order not answered yet is not on time.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Asia::Shanghai;
use diesel::prelude::*;

use crate::{
    complaints::work_orders,
    db::Conn,
    error::StoreError,
    schema::{sla_clocks, work_orders as rows},
    scope::Scope,
};

/// One department's score.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentScore {
    /// The department.
    pub department_id: String,
    /// Its company.
    pub company_id: String,
    /// Work orders sent to it that year.
    pub work_orders: u32,
    /// Of those, answered on time: every reply clock (R-T-7) stopped by its due.
    pub on_time: u32,
    /// `on_time / work_orders × 100`.
    pub score: f64,
}

/// The scores of `year` per department, over the work orders within reach sent that year (in
/// China Standard Time); departments without a work order have none.
pub fn scores(
    conn: &mut Conn,
    scope: &Scope,
    year: i32,
) -> Result<Vec<DepartmentScore>, StoreError> {
    let conn = conn.raw();
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|d| Shanghai.from_local_datetime(&d).single())
            .map(|t| t.naive_utc())
    };
    let (Some(from), Some(to)) = (start(year), year.checked_add(1).and_then(start)) else {
        return Ok(Vec::new());
    };
    let orders: Vec<(String, String, String)> = rows::table
        .filter(work_orders::within(scope))
        .filter(rows::sent_at.ge(from))
        .filter(rows::sent_at.lt(to))
        .select((rows::id, rows::department_id, rows::company_id))
        .load(conn)?;
    let ids: Vec<String> = orders.iter().map(|o| o.0.clone()).collect();
    let clocks: Vec<(String, String)> = sla_clocks::table
        .filter(sla_clocks::subject_type.eq("work_order"))
        .filter(sla_clocks::rule_id.eq("R-T-7"))
        .filter(sla_clocks::subject_id.eq_any(ids))
        .select((sla_clocks::subject_id, sla_clocks::state))
        .load(conn)?;
    let mut by: BTreeMap<(String, String), (u32, u32)> = BTreeMap::new();
    for (id, department, company) in orders {
        let states: Vec<&str> = clocks.iter().filter(|c| c.0 == id).map(|c| c.1.as_str()).collect();
        let on_time = !states.is_empty() && states.iter().all(|s| *s == "met");
        let entry = by.entry((company, department)).or_default();
        entry.0 += 1;
        entry.1 += u32::from(on_time);
    }
    Ok(by
        .into_iter()
        .map(|((company_id, department_id), (total, on_time))| DepartmentScore {
            department_id,
            company_id,
            work_orders: total,
            on_time,
            score: f64::from(on_time) * 100.0 / f64::from(total.max(1)),
        })
        .collect())
}
