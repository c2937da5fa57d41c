//! OpenAPI links from every create to the operations on what it made (read, change, delete,
//! and the record's own sub-resources), so that clients — and Schemathesis' stateful phase —
//! follow real ids and the `ETag` instead of guessing them.

use std::collections::BTreeMap;

use utoipa::openapi::{self, RefOr, link::Link, path::ParameterIn};

/// Where the created record's id sits in a create's answer.
fn id_pointer(operation_id: &str) -> &'static str {
    match operation_id {
        // The client and, beside it, its secret (shown once).
        "create_integration_client" => "$response.body#/client/id",
        _ => "$response.body#/id",
    }
}

/// `{name}` when `segment` is a path parameter.
fn parameter(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Adds the links of every create answered with 201.
pub fn complete(mut doc: openapi::OpenApi) -> openapi::OpenApi {
    // (path, operation id, whether it takes If-Match) of every operation.
    let mut targets: Vec<(String, String, bool, bool)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            (&item.get, false),
            (&item.put, true),
            (&item.patch, false),
            (&item.delete, false),
            (&item.post, false),
        ];
        for (op, makes) in ops.into_iter().filter_map(|(op, makes)| Some((op.as_ref()?, makes))) {
            let takes_if_match = op
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p, RefOr::T(p) if p.name == "If-Match" && p.parameter_in == ParameterIn::Header));
            if let Some(id) = op.operation_id.clone() {
                targets.push((path.clone(), id, takes_if_match, makes));
            }
        }
    }
    for (collection, item) in doc.paths.paths.iter_mut() {
        let Some(post) = item.post.as_mut() else { continue };
        let Some(creator) = post.operation_id.clone() else { continue };
        let Some(RefOr::T(created)) = post.responses.responses.get_mut("201") else { continue };
        let mut links = BTreeMap::new();
        for (path, target, takes_if_match, makes) in &targets {
            let Some(rest) =
                path.strip_prefix(collection.as_str()).and_then(|r| r.strip_prefix('/'))
            else {
                continue;
            };
            let mut segments = rest.split('/');
            let Some(name) = segments.next().and_then(parameter) else { continue };
            // A link fills only the created id. A path naming a second record under it (a unit
            // the new customer owns, a delivery to redeliver) reads, removes or acts on something
            // the create did not make; only a PUT makes what it names (a calendar's year).
            if !makes && segments.any(|s| parameter(s).is_some()) {
                continue;
            }
            let mut link = Link::builder()
                .operation_id(target.clone())
                .parameter(format!("path.{name}"), id_pointer(&creator));
            if *takes_if_match {
                link = link.parameter("header.If-Match", "$response.header.ETag");
            }
            links.insert(target.clone(), RefOr::T(link.build()));
        }
        created.links.extend(links);
    }
    doc
}
