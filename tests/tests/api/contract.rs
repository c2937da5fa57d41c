//! The OpenAPI document is the contract: committed, served, valid, and the docs UI works offline.

use std::path::{Path, PathBuf};

use kefu_tests::{Backend, spawn_app};
use serde_json::Value;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn committed_spec() -> Value {
    let path = workspace_root().join("openapi/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[tokio::test]
async fn the_served_spec_is_the_committed_file() {
    let app = spawn_app(Backend::Sqlite).await;
    let served: Value =
        app.http.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(
        served == committed_spec(),
        "openapi/openapi.json differs from the spec the code serves: run `make openapi` and commit"
    );
}

#[test]
fn every_operation_has_an_id_a_tag_and_problem_responses() {
    let spec = committed_spec();
    let mut ids = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            ids.push(id.to_owned());
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{id} has no tag");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{id} does not document 500");
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{id} {status} is not a problem"
                    );
                }
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(status), "{id} does not document {status}");
                }
            }
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
}

/// The Python interpreter that has `openapi-spec-validator` (installed by `make test`).
fn python() -> PathBuf {
    std::env::var_os("KEFU_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"))
}

#[test]
fn the_spec_passes_openapi_spec_validator() {
    let python = python();
    assert!(
        python.exists(),
        "{} is missing: `make tools` installs openapi-spec-validator (make test does it first)",
        python.display()
    );
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(workspace_root().join("openapi/openapi.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openapi-spec-validator refused the spec:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn references(html: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for attr in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                refs.push(rest[..end].to_owned());
            }
        }
    }
    refs
}

#[tokio::test]
async fn docs_render_with_no_internet() {
    let app = spawn_app(Backend::Sqlite).await;
    let res = app.http.get(app.url("/docs")).send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/docs/");
    let res = app.http.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let refs = references(&html);
    assert!(
        refs.iter().any(|r| r.ends_with(".js")) && refs.iter().any(|r| r.ends_with(".css")),
        "{refs:?}"
    );
    for r in &refs {
        assert!(!r.contains("://") && !r.starts_with("//"), "{r} is not served by kefu");
        let url = app.url(&format!("/docs/{}", r.trim_start_matches("./")));
        let res = app.http.get(&url).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        assert!(!res.bytes().await.unwrap().is_empty(), "{url} is empty");
    }
    // The initializer points the UI at kefu's own spec.
    let init = app
        .http
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/openapi.json"), "{init}");
    assert!(!init.contains("petstore"), "{init}");
}

fn refs_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref", Some(target)) => out.push(target.to_owned()),
                    _ => refs_in(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs_in(item, out)),
        _ => {}
    }
}

/// Every `$ref` names a schema or response the document defines: a dangling one breaks every
/// generated client, and the validator does not follow them all.
#[test]
fn every_reference_resolves() {
    let spec = committed_spec();
    let mut refs = Vec::new();
    refs_in(&spec, &mut refs);
    assert!(!refs.is_empty());
    for target in refs {
        let path: Vec<&str> = target.trim_start_matches("#/").split('/').collect();
        let found = path.iter().try_fold(&spec, |node, part| node.get(*part));
        assert!(found.is_some(), "{target} is not defined in openapi/openapi.json");
    }
}

/// A download answers with the type its bytes were sniffed as: the contract names every type
/// kefu keeps, and no other.
#[test]
fn a_download_documents_every_type_kefu_keeps() {
    let spec = committed_spec();
    let content = spec["paths"]["/api/v1/attachments/{id}"]["get"]["responses"]["200"]["content"]
        .as_object()
        .unwrap();
    let mut documented: Vec<&str> = content.keys().map(String::as_str).collect();
    let mut kept = kefu_domain::complaint::attachment::ACCEPTED.to_vec();
    documented.sort_unstable();
    kept.sort_unstable();
    assert_eq!(documented, kept);
}
