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
    with_a_bucket_configured_attachments_are_kept_in_it => with_a_bucket_configured_attachments_are_kept_in_it;
}

/// A local S3-compatible service (moto's server, installed with the test tools by `make test`)
/// on a free port, stopped when dropped.
struct S3Stand {
    child: std::process::Child,
    url: String,
}

impl Drop for S3Stand {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn s3_stand() -> S3Stand {
    let python = std::env::var_os("KEFU_TEST_PYTHON").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python"),
        std::path::PathBuf::from,
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new(python)
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("moto's server (pip install -r tools/requirements.txt)");
    let stand = S3Stand { child, url: format!("http://127.0.0.1:{port}") };
    for _ in 0..100 {
        if reqwest::get(format!("{}/", stand.url)).await.is_ok() {
            return stand;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("moto's server did not start on {}", stand.url);
}

/// With `KEFU_S3_BUCKET` (and an endpoint, as for a MinIO) the bytes go to the bucket under
/// `<prefix><ab>/<sha256>`, none to the folder; the download reads them back.
async fn with_a_bucket_configured_attachments_are_kept_in_it(backend: Backend) {
    let stand = s3_stand().await;
    let created = reqwest::Client::new().put(format!("{}/kefu-files", stand.url)).send().await;
    assert!(created.unwrap().status().is_success());
    let (endpoint, folder) = (
        stand.url.clone(),
        std::env::temp_dir().join(format!("kefu-unused-{}", uuid::Uuid::now_v7())),
    );
    let unused = folder.clone();
    let app = spawn_app_with(backend, move |s| {
        s.attachment_dir = unused;
        s.s3 = Some(kefu_http::config::S3Settings {
            bucket: "kefu-files".into(),
            endpoint: Some(endpoint),
            region: "us-east-1".into(),
            access_key_id: Some("testing".into()),
            secret_access_key: Some(kefu_http::config::Secret::new("testing")),
            prefix: "kefu/".into(),
        });
    })
    .await;
    let f = fixture(&app).await;
    let bytes = jpeg(3000);
    let res = upload(&app, &f.cs, &f.complaint, "photo.jpg", bytes.clone()).await;
    assert_eq!(res.status(), 201);
    let kept: Value = res.json().await.unwrap();
    let sha = kept["sha256"].as_str().unwrap().to_owned();
    let listing = reqwest::get(format!("{}/kefu-files?list-type=2", stand.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listing.contains(&format!("<Key>kefu/{}/{sha}</Key>", &sha[..2])), "{listing}");
    assert!(!folder.exists(), "nothing goes to the folder");
    let down = app.get(&format!("/api/v1/attachments/{}", id(&kept)), &f.cs).await;
    assert_eq!(down.status(), 200);
    assert_eq!(down.bytes().await.unwrap().to_vec(), bytes);
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
