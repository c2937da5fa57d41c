//! `Ctx`: what a handler of a signed-in caller needs — the caller, the clock and one
//! persistence operation at a time — in one extractor.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::{DateTime, Utc};
use kefu_persistence::Conn;

use crate::{auth::Caller, problem::ApiError, state::AppState};

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
