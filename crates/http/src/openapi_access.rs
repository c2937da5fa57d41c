//! The contract of access, concurrency and idempotency, added to every operation it concerns:
//! 403 where a token is needed (a role without the permission), 404 where a path names a
//! record (absent or out of scope: existence is not leaked), `If-Match` with 412/428 on every
//! change of an existing resource, `Idempotency-Key` with 409 on every create.

use utoipa::openapi::{
    self, ContentBuilder, Ref, RefOr, ResponseBuilder,
    path::{Operation, ParameterBuilder, ParameterIn},
    schema::{ObjectBuilder, Type},
};

fn problem(description: &str) -> RefOr<openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::problem::PROBLEM_JSON,
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build(),
    )
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
}

/// The value an `Idempotency-Key` may take: 1–255 visible ASCII characters.
const KEY_PATTERN: &str = "^[\\x21-\\x7e]+$";
/// The value an `If-Match` may take: one version, quoted (`"3"`) or bare, or `*` (any). A weak
/// ETag (`W/"3"`) never matches: `If-Match` compares strongly.
/// Version 0 names a document not stored yet (a group's approval matrix on the shipped preset).
const VERSION_PATTERN: &str = "^(\\*|\"?(0|[1-9][0-9]{0,17})\"?)$";

fn header(
    op: &mut Operation,
    (name, pattern): (&str, &str),
    required: bool,
    description: &str,
    example: &str,
) {
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(255))
        .pattern(Some(pattern))
        .examples([serde_json::Value::String(example.to_owned())]);
    let parameter = ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required { openapi::Required::True } else { openapi::Required::False })
        .description(Some(description))
        .schema(Some(schema))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(RefOr::T(parameter));
}

fn secured(op: &Operation) -> bool {
    op.security.as_ref().is_some_and(|s| !s.is_empty())
}

/// Operations besides every `PATCH` that change a versioned record and so take `If-Match`.
const VERSIONED: [&str; 15] = [
    "update_calendar",
    "delete_calendar",
    "update_sla_policy",
    "erase_customer",
    "transition_complaint",
    "transition_work_order",
    "report_customer_event",
    "update_approval_policy",
    "decide_approval",
    "resubmit_approval",
    "transition_survey",
    "transition_improvement_plan",
    "decide_report_obligation",
    "transition_work_plan",
    "confirm_performance_responsibility",
];

fn versioned(op: &Operation) -> bool {
    op.operation_id.as_deref().is_some_and(|id| VERSIONED.contains(&id))
}

/// `If-Match` and its answers, on a change of a versioned record.
fn if_match(op: &mut Operation) {
    header(
        op,
        ("If-Match", VERSION_PATTERN),
        true,
        "The `ETag` of the resource as last read, e.g. \"3\" (strong comparison: a weak `W/` ETag never matches), or `*` for whatever version is current",
        "\"1\"",
    );
    add(op, "409", "The change conflicts with another record (`conflict`)");
    add(op, "412", "The resource changed since it was read (`stale_version`); read it again");
    add(op, "428", "`If-Match` is missing (`precondition_required`)");
}

/// Adds the access, concurrency and idempotency parts of the contract.
pub fn complete(mut doc: openapi::OpenApi) -> openapi::OpenApi {
    for (path, item) in doc.paths.paths.iter_mut() {
        let names_a_record = path.contains('{');
        if let Some(op) = item.post.as_mut()
            && secured(op)
            && op.responses.responses.contains_key("201")
        {
            header(
                op,
                ("Idempotency-Key", KEY_PATTERN),
                false,
                "Makes the create safe to retry: the same key and body within 24 h answer the first response again",
                "5f0c7a4e-2d1b-4c39-9a51-8e7b0f3d2c11",
            );
            add(
                op,
                "409",
                "A request with this `Idempotency-Key` is still in flight (`idempotency_key_in_flight`), or the record conflicts with another (`conflict`)",
            );
            add(
                op,
                "422",
                "The body breaks the schema, or the `Idempotency-Key` was used with another body (`idempotency_key_reused`)",
            );
        }
        let changes = [&mut item.patch, &mut item.put, &mut item.delete, &mut item.post];
        for op in changes.into_iter().flatten() {
            if op.operation_id.as_deref().is_some_and(|id| id.starts_with("update_"))
                || versioned(op)
            {
                if_match(op);
            }
        }
        if let Some(op) = item.delete.as_mut() {
            add(op, "409", "The record may not be removed by this caller (`conflict`)");
        }
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            if secured(op) {
                add(op, "403", "The caller's roles do not allow this (`forbidden`)");
            }
            if names_a_record || op.request_body.is_some() && secured(op) {
                add(
                    op,
                    "404",
                    "No such record in the caller's scope (`not_found`), or a record the body names is not",
                );
            }
        }
    }
    doc
}
