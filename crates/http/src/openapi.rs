//! The OpenAPI document: collected from the registered handlers (one source with the router),
//! then completed with the problems every operation can answer, so the contract lists every
//! status kefu sends.

use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, ContentBuilder, Ref, RefOr, ResponseBuilder,
        path::Operation,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::problem::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kefu",
        description = "kefu (客服): the customer-service backend of a real-estate group. Complaints from \
intake to archive on working-day deadlines, approvals, callbacks and surveys, and scheduled reports.\n\n\
Errors are `application/problem+json` (RFC 9457) with a stable `code`; validation problems name each \
field in `errors[]`. Times are RFC 3339; money is an integer number of fen.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "groups", description = "Tenants (集团), for platform operators"),
        (name = "users", description = "Users of the caller's group"),
        (name = "grants", description = "Roles held at a scope: group, company, project, department"),
        (name = "integration-clients", description = "Service accounts for CRM and call-center systems"),
        (name = "org", description = "Companies, projects, buildings, units, departments"),
        (name = "customers", description = "Owners and customers; phone numbers masked"),
        (name = "health", description = "Liveness, readiness, metrics"),
        (name = "auth", description = "Sign-in and token refresh"),
        (name = "me", description = "The signed-in user"),
        (name = "policies", description = "The SLA policy (时限策略): clocks of RULES.md §3 as versioned data"),
        (name = "calendars", description = "Business calendars (工作日历): working hours, holiday schedules, and the due-date calculator"),
        (name = "complaints", description = "Complaints (投诉), early warnings and front-desk requests: intake, grading, states, clocks, timeline; shared problems and major customer events"),
        (name = "work-orders", description = "Work orders (工作联系单) to departments: reply within R-T-7, approval, rectification, acceptance"),
        (name = "contractors", description = "Contractors (施工单位): warranty deposits and warranty ends (R-WO-6)"),
        (name = "notifications", description = "The caller's inbox: deadline warnings, escalations (越级上报) and other news"),
        (name = "callbacks", description = "Callback tasks and records (回访, R-CB, R-T-6, R-T-12): made when a complaint is resolved, by the Monday batch and after the journey's nodes; a record on a complaint's task takes its `record_callback` transition"),
        (name = "stats", description = "Complaint statistics (投诉统计, R-RP-1, R-RP-11, R-RP-15): statements per period and field within the caller's reach, as JSON, CSV or an Excel workbook"),
        (name = "webhooks", description = "Signed webhook subscriptions (Standard Webhooks) for CRM, call centers, SMS gateways and chat robots; the messages are the document's `webhooks`"),
        (name = "surveys", description = "Satisfaction surveys (满意度调查, R-SAT-1, R-SAT-2): campaigns, distributions, answers and CSV import, results against 95 %, comments answered individually"),
        (name = "improvement-plans", description = "Departments' improvement plans (整改计划, R-SAT-3): drafted, submitted, approved, reported on quarterly"),
        (name = "reports", description = "Scheduled reports (报表, R-RP-1 … R-RP-16): definitions as group policy data, the year's schedule with dues moved earlier off holidays, obligations with reminders, submissions and drafts, completion rates"),
        (name = "work-plans", description = "Work plans (工作计划, R-RP-13): annual and monthly plans of projects and departments, reviewed by the customer center; item completion, completion rates and reminders of late items"),
        (name = "performance", description = "Department performance (部门绩效, R-RP-15): the monthly confirmation of handled complaints' responsible departments, statements per department and person, year-end scores from work-order completion"),
        (name = "cases", description = "The case library (典型案例, R-RP-4, R-RP-7): typical cases linked to complaints, searchable, pulled by period for the statements"),
        (name = "jobs", description = "The periodic jobs of every node (deadline sweep, webhook delivery), for platform operators"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
    }
}

/// The base document (info, components) that the handlers' paths are added to.
pub fn base() -> openapi::OpenApi {
    ApiDoc::openapi()
}

fn problem(status: &str, description: &str) -> RefOr<openapi::Response> {
    let mut response = ResponseBuilder::new().description(description).content(
        crate::problem::PROBLEM_JSON,
        ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
    );
    if status == "429" {
        let seconds = openapi::ObjectBuilder::new().schema_type(openapi::schema::Type::Integer);
        response = response.header(
            "Retry-After",
            openapi::HeaderBuilder::new()
                .schema(Some(seconds))
                .description(Some("Seconds until a request is accepted again"))
                .build(),
        );
    }
    RefOr::T(response.build())
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(status, description));
}

/// Adds the problems any operation may answer: 500 always; 503 unless it is a health probe that
/// never asks the database (`/readyz` documents its own); 401 when it needs a token;
/// 400/408/413/415/422 when it takes a body; 422 when it takes parameters; 429 on the API when
/// rate limits are on.
pub fn complete(mut doc: openapi::OpenApi) -> openapi::OpenApi {
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/");
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add(op, "401", "No, expired or invalid bearer token");
            }
            if op.request_body.is_some() {
                add(op, "400", "The body is not JSON (`malformed_json`)");
                add(
                    op,
                    "408",
                    "The body did not arrive within `KEFU_REQUEST_TIMEOUT` (`request_timeout`)",
                );
                add(op, "413", "The body is larger than the limit (`payload_too_large`)");
                add(op, "415", "The body is not application/json (`unsupported_media_type`)");
                add(op, "422", "The body breaks the schema; `errors[]` names each field");
            }
            if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                add(op, "422", "A parameter is invalid; `errors[]` names it");
            }
            if api {
                add(op, "429", "Over `KEFU_RATE_LIMIT` (`rate_limited`); `Retry-After` says when");
            }
            add(op, "500", "An unexpected failure (`internal_error`)");
            let probe = op.tags.as_ref().is_some_and(|t| t.iter().any(|t| t == "health"));
            if !probe {
                add(op, "503", "The database does not answer (`database_unavailable`)");
            }
        }
    }
    doc
}

/// Which methods each path template answers, for 405 with `Allow`.
#[derive(Debug, Default)]
pub struct RouteTable(Vec<(Vec<String>, Vec<String>)>);

impl RouteTable {
    /// The table of a document's paths plus `extra` (path, method) pairs served outside it.
    pub fn new(doc: &openapi::OpenApi, extra: &[(&str, &str)]) -> Self {
        let mut routes: Vec<(Vec<String>, Vec<String>)> = Vec::new();
        let mut push = |template: &str, method: &str| {
            let segments: Vec<String> = template.split('/').map(str::to_owned).collect();
            match routes.iter_mut().find(|(s, _)| *s == segments) {
                Some((_, methods)) => methods.push(method.to_owned()),
                None => routes.push((segments, vec![method.to_owned()])),
            }
        };
        for (template, item) in &doc.paths.paths {
            let methods = [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ];
            for (method, op) in methods {
                if op.is_some() {
                    push(template, method);
                }
            }
            if item.get.is_some() {
                push(template, "HEAD");
            }
        }
        for (template, method) in extra {
            push(template, method);
        }
        Self(routes)
    }

    /// The methods `path` answers to, if any template matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = path.split('/').collect();
        self.0
            .iter()
            .find(|(segments, _)| {
                segments.len() == parts.len()
                    && segments
                        .iter()
                        .zip(&parts)
                        .all(|(s, p)| s == p || (s.starts_with('{') && !p.is_empty()))
            })
            .map(|(_, methods)| methods.clone())
    }
}
