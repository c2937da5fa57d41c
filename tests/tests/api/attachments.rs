//! Attachments: uploaded as `multipart/form-data`, their type sniffed from the bytes, their
//! SHA-256 computed, kept once, listed with the complaint, downloaded as files only by users
//! who reach the complaint; too large is 413, anything but a photo, scan or recording 422.

use kefu_tests::{
    Backend, TestApp, api::id, assert_problem, both_backends, org::org, spawn_app_with,
};
use reqwest::{Response, multipart};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

both_backends! {
    a_photo_is_kept_with_its_hash_and_downloaded_only_in_scope => a_photo_is_kept_with_its_hash_and_downloaded_only_in_scope;
    uploads_that_are_too_large_or_not_photos_are_refused_and_keep_nothing => uploads_that_are_too_large_or_not_photos_are_refused_and_keep_nothing;
}

/// The smallest JPEG-looking bytes: its signature, then anything.
fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..len.saturating_sub(4)).map(|i| (i % 251) as u8));
    bytes
}

async fn upload(
    app: &TestApp,
    token: &str,
    complaint: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Response {
    // The declared type is a lie on purpose: kefu reads the bytes.
    let part =
        multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str("text/plain").unwrap();
    app.http
        .post(app.url(&format!("/api/v1/complaints/{complaint}/attachments")))
        .bearer_auth(token)
        .multipart(multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

struct Fixture {
    admin: String,
    cs: String,
    complaint: String,
    projects: [String; 3],
}

async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.admin_token().await;
    let o = org(app, &admin).await;
    let cs = app.user_with(&admin, "cs.manager", &[("cs_manager", "group", None)]).await.1;
    let body = json!({"kind": "complaint", "channel": "phone", "project_id": o.projects[0],
        "customer_id": o.customers[0], "description": "外墙渗水"});
    let complaint = id(&app.create("/api/v1/complaints", &cs, body).await);
    Fixture { admin, cs, complaint, projects: o.projects }
}

/// A photo with a `.txt` name and a `text/plain` part type is kept as `image/jpeg` with the
/// SHA-256 of its bytes; it stands on the timeline and in the complaint's list; its download is
/// the same bytes, as a file to save; another project's user gets 404 for both, an auditor of
/// the project reads it but cannot upload (403).
async fn a_photo_is_kept_with_its_hash_and_downloaded_only_in_scope(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let f = fixture(&app).await;
    let bytes = jpeg(5000);
    let res = upload(&app, &f.cs, &f.complaint, "渗水照片.txt", bytes.clone()).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let kept: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/attachments/{}", id(&kept)));
    assert_eq!(kept["download"], json!(location));
    let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!((&kept["media_type"], &kept["sha256"]), (&json!("image/jpeg"), &json!(sha)));
    assert_eq!((&kept["size_bytes"], &kept["file_name"]), (&json!(5000), &json!("渗水照片.txt")));
    let list: Value = app
        .get(&format!("/api/v1/complaints/{}/attachments", f.complaint), &f.cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kefu_tests::api::ids(&list), vec![id(&kept)]);
    let timeline: Value = app
        .get(&format!("/api/v1/complaints/{}/events", f.complaint), &f.cs)
        .await
        .json()
        .await
        .unwrap();
    let last = timeline["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["kind"], &last["payload"]["attachment_id"]),
        (&json!("attachment"), &kept["id"])
    );
    let down = app.get(&location, &f.cs).await;
    assert_eq!(down.status(), 200);
    assert_eq!(down.headers()["content-type"], "image/jpeg");
    assert_eq!(down.headers()["etag"].to_str().unwrap(), format!("\"{sha}\""));
    let disposition = down.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert_eq!(down.bytes().await.unwrap().to_vec(), bytes);
    // The same bytes again: a second record, one copy in the store.
    let again = upload(&app, &f.cs, &f.complaint, "again.jpg", bytes.clone()).await;
    assert_eq!(again.status(), 201);
    let (_, other) =
        app.user_with(&f.admin, "other", &[("cs_manager", "project", Some(&f.projects[1]))]).await;
    assert_problem(app.get(&location, &other).await, 404, "not_found").await;
    let theirs = format!("/api/v1/complaints/{}/attachments", f.complaint);
    assert_problem(app.get(&theirs, &other).await, 404, "not_found").await;
    assert_problem(upload(&app, &other, &f.complaint, "x.jpg", jpeg(10)).await, 404, "not_found")
        .await;
    let (_, auditor) =
        app.user_with(&f.admin, "auditor", &[("auditor", "project", Some(&f.projects[0]))]).await;
    assert_eq!(app.get(&location, &auditor).await.status(), 200);
    assert_problem(upload(&app, &auditor, &f.complaint, "x.jpg", jpeg(10)).await, 403, "forbidden")
        .await;
}

/// Above `KEFU_ATTACHMENT_LIMIT` is 413; an executable named `.jpg` is 422 `unsupported_type`;
/// a form without `file`, a JSON body and an unknown complaint are refused; none of them leaves
/// a record.
async fn uploads_that_are_too_large_or_not_photos_are_refused_and_keep_nothing(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.attachment_limit = 4096).await;
    let f = fixture(&app).await;
    let big = upload(&app, &f.cs, &f.complaint, "big.jpg", jpeg(4097)).await;
    assert_problem(big, 413, "payload_too_large").await;
    assert_eq!(upload(&app, &f.cs, &f.complaint, "max.jpg", jpeg(4096)).await.status(), 201);
    let exe = upload(&app, &f.cs, &f.complaint, "photo.jpg", b"MZ\x90\0\x03\0\0\0".to_vec()).await;
    let problem = assert_problem(exe, 422, "validation_failed").await;
    assert_eq!(
        (&problem["errors"][0]["field"], &problem["errors"][0]["code"]),
        (&json!("file"), &json!("unsupported_type"))
    );
    let wrong_part = app
        .http
        .post(app.url(&format!("/api/v1/complaints/{}/attachments", f.complaint)))
        .bearer_auth(&f.cs)
        .multipart(multipart::Form::new().text("note", "no file"))
        .send()
        .await
        .unwrap();
    assert_problem(wrong_part, 422, "validation_failed").await;
    let empty = app
        .http
        .post(app.url(&format!("/api/v1/complaints/{}/attachments", f.complaint)))
        .bearer_auth(&f.cs)
        .multipart(multipart::Form::new())
        .send()
        .await
        .unwrap();
    let problem = assert_problem(empty, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "file");
    let json_body = app
        .post(&format!("/api/v1/complaints/{}/attachments", f.complaint), &f.cs, &json!({}))
        .await;
    assert_problem(json_body, 415, "unsupported_media_type").await;
    let nowhere =
        upload(&app, &f.cs, "01a00000-0000-7000-8000-000000000000", "x.jpg", jpeg(10)).await;
    assert_problem(nowhere, 404, "not_found").await;
    let list: Value = app
        .get(&format!("/api/v1/complaints/{}/attachments", f.complaint), &f.cs)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "only the one within the limit");
}
