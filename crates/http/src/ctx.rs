//! `Ctx`: what a handler of a signed-in caller needs — the caller, the clock and one
//! persistence operation at a time — in one extractor.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use chrono::{DateTime, Utc};
use kefu_domain::access::Permission;
use kefu_persistence::{
    Conn, StoreError,
    kit::{Page, Record},
    scope::Scope,
};
use serde::Serialize;

use crate::{
    auth::Caller,
    problem::ApiError,
    respond::{created, ok},
    state::AppState,
};

/// The permissions to read and to change one kind of record.
pub type Access = (Permission, Permission);

/// The caller's scopes to read and to write one kind of record, handed to a change.
#[derive(Debug)]
pub struct Scopes(pub Scope, pub Scope);

impl Scopes {
    /// Both, as persistence operations take them.
    pub fn pair(&self) -> (&Scope, &Scope) {
        (&self.0, &self.1)
    }
}

/// A page type built from a stored page (see [`crate::page_type`]).
pub trait FromPage<T> {
    /// The answer for a stored page.
    fn from_stored(page: Page<T>) -> Self;
}

/// A request of an authenticated caller.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The shared state.
    pub state: web::Data<AppState>,
    /// Who calls.
    pub caller: Caller,
}

impl Ctx {
    /// Now, on the injected clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.state.clock.now()
    }

    /// A page of a list within the caller's scope of `permission`.
    pub async fn list<T, P>(
        &self,
        permission: Permission,
        load: impl FnOnce(&mut Conn, &Scope) -> Result<Page<T>, StoreError> + Send + 'static,
    ) -> Result<web::Json<P>, ApiError>
    where
        T: Send + 'static,
        P: FromPage<T>,
    {
        let scope = self.caller.scope(permission)?;
        let page = self.run(move |conn| Ok(load(conn, &scope)?)).await?;
        Ok(web::Json(P::from_stored(page)))
    }

    /// One record within the caller's scope of `permission`, answered with its `ETag`.
    pub async fn one<T, V>(
        &self,
        permission: Permission,
        load: impl FnOnce(&mut Conn, &Scope) -> Result<T, StoreError> + Send + 'static,
        view: impl FnOnce(T) -> V,
    ) -> Result<HttpResponse, ApiError>
    where
        T: Record + Send + 'static,
        V: Serialize,
    {
        let scope = self.caller.scope(permission)?;
        let record = self.run(move |conn| Ok(load(conn, &scope)?)).await?;
        Ok(ok(record.version(), &view(record)))
    }

    /// A change of a record visible under the first permission and within the second,
    /// answered with its new `ETag`.
    pub async fn change<T, V>(
        &self,
        (read, write): Access,
        change: impl FnOnce(&mut Conn, Scopes) -> Result<T, StoreError> + Send + 'static,
        view: impl FnOnce(T) -> V,
    ) -> Result<HttpResponse, ApiError>
    where
        T: Record + Send + 'static,
        V: Serialize,
    {
        let (read, write) = self.caller.scopes(read, write)?;
        let record = self.run(move |conn| Ok(change(conn, Scopes(read, write))?)).await?;
        Ok(ok(record.version(), &view(record)))
    }

    /// A record created under its parent visible under the first permission and within the
    /// second: 201 with `Location` (in `collection`) and `ETag`.
    pub async fn create<T, V>(
        &self,
        ((read, write), collection): (Access, &str),
        create: impl FnOnce(&mut Conn, Scopes) -> Result<T, StoreError> + Send + 'static,
        view: impl FnOnce(T) -> V,
    ) -> Result<HttpResponse, ApiError>
    where
        T: Record + Send + 'static,
        V: Serialize,
    {
        let (read, write) = self.caller.scopes(read, write)?;
        let record = self.run(move |conn| Ok(create(conn, Scopes(read, write))?)).await?;
        let location = format!("{collection}/{}", record.id());
        Ok(created(location, record.version(), &view(record)))
    }

    /// Runs one persistence operation on the blocking pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Conn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.state.run(work).await
    }
}

impl FromRequest for Ctx {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
            Ok(Ctx { state, caller: caller.await? })
        })
    }
}
