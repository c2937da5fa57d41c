//! Answers that carry the resource's version as its `ETag` (see [`crate::etag`]).

use actix_web::{HttpResponse, http::StatusCode, http::header};
use serde::Serialize;

use crate::etag::etag;

/// A JSON answer with the resource's `ETag`.
pub fn tagged<T: Serialize>(status: StatusCode, version: i64, body: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header(etag(version)).json(body)
}

/// 200 OK with the resource's `ETag`.
pub fn ok<T: Serialize>(version: i64, body: &T) -> HttpResponse {
    tagged(StatusCode::OK, version, body)
}

/// 201 Created with `Location` and `ETag`.
pub fn created<T: Serialize>(location: String, version: i64, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header(etag(version))
        .json(body)
}
