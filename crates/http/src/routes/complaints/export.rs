//! The complaint list exported whole (`GET /api/v1/complaints?format=csv|xlsx`): every
//! complaint of the filter, read from the database a page at a time; CSV is streamed as the
//! pages come, the workbook is built once the last page is read.

use actix_web::{HttpResponse, web::Bytes};
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use kefu_persistence::{
    complaints::{self, Complaint, ComplaintFilter},
    kit::{ListRequest, MAX_LIMIT},
    scope::Scope,
};

use crate::{
    ctx::Ctx,
    export::{self, Cell, Column, Format, Kind, Table},
    problem::ApiError,
    time::local,
};

/// The export's columns.
fn columns() -> Vec<Column> {
    [
        ("ID", Kind::Text),
        ("编号", Kind::Text),
        ("类型", Kind::Text),
        ("渠道", Kind::Text),
        ("等级", Kind::Text),
        ("类别", Kind::Text),
        ("状态", Kind::Text),
        ("公司ID", Kind::Text),
        ("项目ID", Kind::Text),
        ("责任部门ID", Kind::Text),
        ("受理日期", Kind::Date),
        ("受理时间", Kind::DateTime),
        ("索赔金额（分）", Kind::Integer),
        ("描述", Kind::Text),
    ]
    .into_iter()
    .map(|(label, kind)| Column::new(label, kind))
    .collect()
}

/// One complaint's cells: vocabulary values by their Chinese labels, times in China time.
fn cells(c: Complaint) -> Vec<Cell> {
    let received = local(c.received_at);
    vec![
        Cell::Text(c.id),
        Cell::Text(c.number),
        Cell::Text(c.kind.label_zh().to_owned()),
        Cell::Text(c.channel.label_zh().to_owned()),
        Cell::Text(c.grade.label_zh().to_owned()),
        c.category.0.map_or(Cell::Empty, |k| Cell::Text(k.label_zh().to_owned())),
        Cell::Text(c.state.label_zh().to_owned()),
        Cell::Text(c.company_id),
        Cell::Text(c.project_id),
        Cell::from(c.responsible_department_id),
        Cell::Date(received.date_naive()),
        Cell::DateTime(received),
        Cell::Integer(c.amount_claimed_fen),
        Cell::Text(c.description),
    ]
}

/// One page of the filter's complaints after `after`; the next page's start, if any.
async fn page(
    ctx: &Ctx,
    (scope, filter): (&Scope, &ComplaintFilter),
    after: Option<String>,
    now: DateTime<Utc>,
) -> Result<(Vec<Complaint>, Option<String>), ApiError> {
    let (scope, filter) = (scope.clone(), filter.clone());
    let req = ListRequest { limit: MAX_LIMIT, after, count: false };
    let page = ctx.run(move |conn| Ok(complaints::list(conn, &scope, &filter, &req, now)?)).await?;
    Ok((page.items.into_iter().map(|(c, _)| c).collect(), page.next))
}

/// Every complaint of `filter` within `scope`, as a CSV stream or a workbook.
pub async fn answer(
    ctx: Ctx,
    format: Format,
    (scope, filter): (Scope, ComplaintFilter),
    now: DateTime<Utc>,
) -> Result<HttpResponse, ApiError> {
    if format == Format::Xlsx {
        let mut rows = Vec::new();
        let mut after = None;
        loop {
            let (items, next) = page(&ctx, (&scope, &filter), after, now).await?;
            rows.extend(items.into_iter().map(cells));
            match next {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        let table = Table { sheet: "投诉".into(), columns: columns(), rows };
        return export::answer(format, &table, "complaints");
    }
    let header = Bytes::from(export::csv_header(&columns()));
    // The state: where the next page starts (`None` once the last was read).
    let pages = stream::unfold(Some(None::<String>), move |state| {
        let (ctx, scope, filter) = (ctx.clone(), scope.clone(), filter.clone());
        async move {
            let after = state?;
            match page(&ctx, (&scope, &filter), after, now).await {
                Ok((items, next)) => {
                    let rows: Vec<Vec<Cell>> = items.into_iter().map(cells).collect();
                    let chunk = Bytes::from(export::csv_rows(&rows));
                    Some((Ok::<_, std::io::Error>(chunk), next.map(Some)))
                }
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
    });
    let body = stream::once(async move { Ok::<_, std::io::Error>(header) }).chain(pages);
    Ok(HttpResponse::Ok()
        .content_type(export::CSV)
        .insert_header(export::disposition("complaints.csv"))
        .streaming(body))
}
