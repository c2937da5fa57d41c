//! Customers (业主/客户). Phone numbers are personal data: every answer masks them
//! (`138****5678`); the whole numbers come only from `GET /customers/{id}/phones`, for roles that
//! need them, and each such read leaves an audit event. His rights over his data (export,
//! erasure) are in [`privacy`].

mod dto;
pub mod privacy;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use kefu_domain::access::Permission;
use kefu_persistence::{
    customers::{self, CustomerChanges, CustomerFilter, NewCustomer, NewOwnership},
    org::archive,
};

pub use dto::{
    CustomerPage, CustomerPatch, CustomerPhones, CustomerQuery, CustomerView, NewCustomerRequest,
    OwnedUnit, OwnedUnitView, PhoneNumber,
};

use kefu_domain::{
    ids::{CustomerId, UnitId},
    phone,
};
use kefu_persistence::scope::Scope;

use crate::{
    body::Body,
    ctx::Ctx,
    etag::IfMatch,
    list::text_filter,
    problem::{ApiError, ApiResult},
    respond::{created, ok},
};

fn numbers(phones: Vec<PhoneNumber>) -> Vec<String> {
    phones.into_iter().map(|p| p.0).collect()
}

/// The caller's scopes to read and to write customers; 403 without `CustomersWrite`.
fn scopes(ctx: &Ctx) -> Result<(Scope, Scope), ApiError> {
    ctx.caller.scopes(Permission::CustomersRead, Permission::CustomersWrite)
}

/// A phone-number filter: it must be a number kefu could have stored.
fn phone_filter(value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if !regex::Regex::new(phone::PATTERN).is_ok_and(|re| re.is_match(&v)) => {
            Err(ApiError::field("phone", "invalid_format", "not a mobile or landline number"))
        }
        other => Ok(other),
    }
}

fn ownership(u: OwnedUnit) -> NewOwnership {
    NewOwnership {
        unit_id: u.unit_id,
        contract_signed_on: u.contract_signed_on.map(|d| d.to_string()),
        handed_over_on: u.handed_over_on.map(|d| d.to_string()),
    }
}

/// Create a customer.
#[utoipa::path(tag = "customers", operation_id = "create_customer", security(("bearer" = [])),
    request_body = NewCustomerRequest,
    responses((status = 201, description = "Created; phones masked; `Location` and `ETag` are set", body = CustomerView)))]
#[post("/api/v1/customers")]
pub async fn create_customer(ctx: Ctx, body: Body<NewCustomerRequest>) -> ApiResult<HttpResponse> {
    let ((read, write), r, now) = (scopes(&ctx)?, body.into_inner(), ctx.now());
    let units = r.units.into_iter().map(ownership).collect();
    let new = NewCustomer { name: r.name, phones: numbers(r.phones), units };
    let c = ctx.run(move |conn| Ok(customers::create(conn, (&read, &write), &new, now)?)).await?;
    Ok(created(format!("/api/v1/customers/{}", c.id), c.version, &CustomerView::from(c)))
}

/// List the customers within the caller's reach, phones masked.
#[utoipa::path(tag = "customers", operation_id = "list_customers", security(("bearer" = [])),
    params(CustomerQuery), responses((status = 200, description = "A page of customers", body = CustomerPage)))]
#[get("/api/v1/customers")]
pub async fn list_customers(
    ctx: Ctx,
    query: web::Query<CustomerQuery>,
) -> ApiResult<web::Json<CustomerPage>> {
    let scope = ctx.caller.scope(Permission::CustomersRead)?;
    let q = query.into_inner();
    let req = q.list_request()?;
    let filter = CustomerFilter {
        project_id: text_filter("project_id", q.project_id, 64)?,
        phone: phone_filter(q.phone)?,
        archived: q.archived,
    };
    let found = ctx.run(move |conn| Ok(customers::list(conn, &scope, &filter, &req)?)).await?;
    Ok(web::Json(CustomerPage::from_page(found, CustomerView::from)))
}

/// One customer, phones masked.
#[utoipa::path(tag = "customers", operation_id = "get_customer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, description = "The customer; `ETag` is set", body = CustomerView)))]
#[get("/api/v1/customers/{id}")]
pub async fn get_customer(ctx: Ctx, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(Permission::CustomersRead)?;
    let c = ctx.run(move |conn| Ok(customers::get(conn, &scope, &id)?)).await?;
    Ok(ok(c.version, &CustomerView::from(c)))
}

/// A customer's whole phone numbers, for roles that call customers. Every read is audited
/// (`customer.phones_read`). An erased customer has none: the list is empty.
#[utoipa::path(tag = "customers", operation_id = "get_customer_phones", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, description = "The whole numbers", body = CustomerPhones)))]
#[get("/api/v1/customers/{id}/phones")]
pub async fn get_customer_phones(
    ctx: Ctx,
    id: web::Path<String>,
) -> ApiResult<web::Json<CustomerPhones>> {
    let scope = ctx.caller.scope(Permission::CustomerPhonesRead)?;
    let now = ctx.now();
    let c = ctx.run(move |conn| Ok(customers::phones(conn, &scope, &id, now)?)).await?;
    Ok(web::Json(CustomerPhones { customer_id: c.id, phones: c.phones }))
}

/// Change, archive or restore a customer (with `If-Match`). An erased customer can still be
/// archived, but his name and phones cannot be set again (409).
#[utoipa::path(tag = "customers", operation_id = "update_customer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")), request_body = CustomerPatch,
    responses((status = 200, description = "The changed customer; new `ETag`", body = CustomerView)))]
#[patch("/api/v1/customers/{id}")]
pub async fn update_customer(
    ctx: Ctx,
    (id, if_match): (web::Path<String>, IfMatch),
    body: Body<CustomerPatch>,
) -> ApiResult<HttpResponse> {
    let ((read, write), p, now) = (scopes(&ctx)?, body.into_inner(), ctx.now());
    let phones = p.phones.map(numbers);
    let changes = CustomerChanges::new(p.name, phones.as_deref(), archive(p.archived, now))?;
    let c = ctx
        .run(move |conn| {
            Ok(customers::update(conn, (&read, &write), &id, if_match.0, &changes, now)?)
        })
        .await?;
    Ok(ok(c.version, &CustomerView::from(c)))
}

/// Record that the customer owns one more unit (a purchase). The unit's project must be within
/// the caller's reach to write customers.
#[utoipa::path(tag = "customers", operation_id = "create_customer_unit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")), request_body = OwnedUnit,
    responses((status = 201, description = "The customer with the unit; new `ETag`", body = CustomerView)))]
#[post("/api/v1/customers/{id}/units")]
pub async fn create_customer_unit(
    ctx: Ctx,
    id: web::Path<CustomerId>,
    body: Body<OwnedUnit>,
) -> ApiResult<HttpResponse> {
    let ((read, write), owned, now) = (scopes(&ctx)?, ownership(body.into_inner()), ctx.now());
    let c = ctx
        .run(move |conn| Ok(customers::add_unit(conn, (&read, &write), &id, &owned, now)?))
        .await?;
    Ok(created(format!("/api/v1/customers/{}", c.id), c.version, &CustomerView::from(c)))
}

/// End the customer's ownership of a unit (a resale, or a correction).
#[utoipa::path(tag = "customers", operation_id = "delete_customer_unit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"),
        ("unit_id" = String, Path, description = "Unit id")),
    responses((status = 204, description = "He no longer owns it")))]
#[delete("/api/v1/customers/{id}/units/{unit_id}")]
pub async fn delete_customer_unit(
    ctx: Ctx,
    path: web::Path<(CustomerId, UnitId)>,
) -> ApiResult<HttpResponse> {
    let ((read, write), (id, unit_id), now) = (scopes(&ctx)?, path.into_inner(), ctx.now());
    ctx.run(move |conn| Ok(customers::remove_unit(conn, (&read, &write), (&id, &unit_id), now)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
