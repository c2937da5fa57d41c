//! Attachments (附件) of a complaint: photos, scans and recordings uploaded as
//! `multipart/form-data` (one part named `file`), their type sniffed from the bytes, their
//! SHA-256 computed, kept in the attachment store; listed with the complaint and downloaded
//! only by users who reach the complaint.

use actix_multipart::Multipart;
use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue},
    post, web,
};
use chrono::{DateTime, FixedOffset};
use futures_util::StreamExt;
use kefu_domain::{
    access::Permission,
    complaint::attachment::{ACCEPTED, extension, sniff},
};
use kefu_persistence::complaints::attachments::{self, Attachment, NewAttachment};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::{
    body::{MULTIPART_OVERHEAD, bounds, is_multipart, read_limited},
    ctx::Ctx,
    problem::{ApiError, ApiResult},
    storage::AttachmentStore,
    time::local,
};

/// An attachment as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f1-0000-7000-8000-000000000081",
    "complaint_id": "019ab2f1-0000-7000-8000-000000000051", "file_name": "渗水照片.jpg",
    "media_type": "image/jpeg", "size_bytes": 284113,
    "sha256": "9f2b5c0e3a1d4e7f8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f",
    "uploaded_by": "019ab2f1-0000-7000-8000-000000000001", "uploaded_at": "2026-09-30T17:05:00+08:00",
    "download": "/api/v1/attachments/019ab2f1-0000-7000-8000-000000000081"}))]
pub struct AttachmentView {
    /// UUIDv7.
    pub id: String,
    /// Its complaint.
    pub complaint_id: String,
    /// The name it was uploaded with.
    pub file_name: String,
    /// Its media type, sniffed from its bytes (not the one the client declared).
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// The SHA-256 of its bytes, hex: also its `ETag`.
    pub sha256: String,
    /// Who uploaded it (a user or integration client id).
    pub uploaded_by: Option<String>,
    /// When.
    pub uploaded_at: DateTime<FixedOffset>,
    /// Where to download it.
    pub download: String,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        Self {
            download: format!("/api/v1/attachments/{}", a.id),
            id: a.id,
            complaint_id: a.complaint_id,
            file_name: a.file_name,
            media_type: a.media_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            uploaded_at: local(a.uploaded_at),
        }
    }
}

/// A complaint's attachments, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentList {
    /// The attachments.
    pub items: Vec<AttachmentView>,
}

/// The upload form: one part named `file`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// The photo (JPEG, PNG, GIF, WebP, HEIC), scan (PDF) or recording (MP3, M4A, WAV, AMR,
    /// MP4), at most `KEFU_ATTACHMENT_LIMIT` bytes (default 20 MiB); its type is read from its
    /// bytes.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// The bytes of an attachment.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct AttachmentBytes(Vec<u8>);

/// The one file of an upload form: its name and bytes.
async fn file_of(
    req: &HttpRequest,
    body: web::Bytes,
    max: usize,
) -> Result<(String, Vec<u8>), ApiError> {
    let stream = futures_util::stream::once(async move { Ok(body) });
    let mut form = Multipart::new(req.headers(), stream);
    let mut found = None;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(|e| ApiError::field("file", "malformed", e.to_string()))?;
        if part.name() != Some("file") {
            let name = part.name().unwrap_or_default().to_owned();
            return Err(ApiError::field(&name, "unknown_field", "the form takes one part, file"));
        }
        if found.is_some() {
            return Err(ApiError::field("file", "too_many", "one file per upload"));
        }
        let name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "attachment".to_owned());
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| ApiError::field("file", "malformed", e.to_string()))?;
            if bytes.len() + chunk.len() > max {
                return Err(ApiError::PayloadTooLarge(max));
            }
            bytes.extend_from_slice(&chunk);
        }
        found = Some((name.chars().take(255).collect(), bytes));
    }
    found.ok_or_else(|| ApiError::field("file", "required", "send the file as the part `file`"))
}

/// Upload an attachment of a complaint (`multipart/form-data`, one part `file`): 413 above the
/// limit, 422 `unsupported_type` for anything but a photo, scan or recording.
#[utoipa::path(tag = "complaints", operation_id = "create_attachment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "Kept; `Location` names its download", body = AttachmentView)))]
#[post("/api/v1/complaints/{id}/attachments")]
pub async fn create_attachment(
    ctx: Ctx,
    id: web::Path<String>,
    req: HttpRequest,
    mut payload: web::Payload,
    store: web::Data<AttachmentStore>,
) -> ApiResult<HttpResponse> {
    let (read, write) =
        ctx.caller.scopes(Permission::ComplaintsRead, Permission::ComplaintsReceive)?;
    if !is_multipart(&req) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let (_, timeout) = bounds(&req);
    let body = read_limited(&mut payload, store.max_bytes + MULTIPART_OVERHEAD, timeout).await?;
    let (file_name, bytes) = file_of(&req, body.freeze(), store.max_bytes).await?;
    let Some(media_type) = sniff(&bytes) else {
        let accepted = ACCEPTED.join(", ");
        return Err(ApiError::field(
            "file",
            "unsupported_type",
            format!("not a photo, scan or recording kefu keeps ({accepted})"),
        ));
    };
    let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let new = NewAttachment {
        file_name,
        media_type: media_type.to_owned(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256,
    };
    let now = ctx.now();
    let kept = ctx
        .run(move |conn| {
            let put = |key: &str| store.put(key, &bytes);
            Ok(attachments::record(conn, (&read, &write), &id, &new, put, now)?)
        })
        .await?;
    let location = format!("/api/v1/attachments/{}", kept.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(AttachmentView::from(kept)))
}

/// A complaint's attachments, oldest first.
#[utoipa::path(tag = "complaints", operation_id = "list_attachments", security(("bearer" = [])),
    params(("id" = String, Path, description = "Complaint id")),
    responses((status = 200, description = "Its attachments", body = AttachmentList)))]
#[get("/api/v1/complaints/{id}/attachments")]
pub async fn list_attachments(
    ctx: Ctx,
    id: web::Path<String>,
) -> ApiResult<web::Json<AttachmentList>> {
    let scope = ctx.caller.scope(Permission::ComplaintsRead)?;
    let found = ctx.run(move |conn| Ok(attachments::of_complaint(conn, &scope, &id)?)).await?;
    Ok(web::Json(AttachmentList { items: found.into_iter().map(AttachmentView::from).collect() }))
}

/// Download an attachment: its bytes with their sniffed type, as a file to save (never shown
/// inline), its SHA-256 as the `ETag`.
#[utoipa::path(tag = "complaints", operation_id = "get_attachment", security(("bearer" = [])),
    params(("id" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The bytes, with the type sniffed when they were uploaded",
        content(
            (AttachmentBytes = "image/jpeg"),
            (AttachmentBytes = "image/png"),
            (AttachmentBytes = "image/gif"),
            (AttachmentBytes = "image/webp"),
            (AttachmentBytes = "image/heic"),
            (AttachmentBytes = "application/pdf"),
            (AttachmentBytes = "audio/mpeg"),
            (AttachmentBytes = "audio/mp4"),
            (AttachmentBytes = "audio/wav"),
            (AttachmentBytes = "audio/amr"),
            (AttachmentBytes = "video/mp4")))))]
#[get("/api/v1/attachments/{id}")]
pub async fn get_attachment(
    ctx: Ctx,
    id: web::Path<String>,
    store: web::Data<AttachmentStore>,
) -> ApiResult<HttpResponse> {
    let scope = ctx.caller.scope(Permission::ComplaintsRead)?;
    let (found, bytes) = ctx
        .run(move |conn| Ok(attachments::download(conn, &scope, &id, |key| store.get(key))?))
        .await?;
    let ascii: String = found
        .file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' })
        .collect();
    let fallback = match ascii.trim_matches('_') {
        "" => format!("attachment.{}", extension(&found.media_type)),
        _ => ascii,
    };
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(fallback),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: found.file_name.clone().into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(found.media_type.as_str())
        .insert_header(disposition)
        .insert_header((header::ETAG, format!("\"{}\"", found.sha256)))
        .insert_header((header::CACHE_CONTROL, "private, max-age=0"))
        .body(bytes))
}
