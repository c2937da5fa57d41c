//! `HEAD` on every `GET` route: the request is served as the `GET` it asks about, and the
//! connection's codec, which remembers the request was `HEAD`, sends the headers only
//! (`Content-Length`, `ETag` and all), as RFC 9110 §9.3.2 asks.

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
};

/// The middleware (use with `actix_web::middleware::from_fn`).
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
