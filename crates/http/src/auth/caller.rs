//! `Caller`: the authenticated principal with his group and grants, loaded once per request.
//! A disabled user, client or group, or an ended session, is refused here, so its access tokens
//! stop at once instead of living out their 15 minutes.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use kefu_domain::access::{GrantRef, Permission, PrincipalKind, Reach, Role};
use kefu_persistence::{
    audit::{Acting, Actor},
    auth,
    calendars::CalendarScope,
    scope::Scope,
};

use crate::{auth::AuthUser, observe::RequestId, problem::ApiError, state::AppState};

/// The `sub` prefix of integration clients' tokens.
pub const CLIENT_PREFIX: &str = "client:";

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A person.
    User(String),
    /// An integration client (service account).
    Client(String),
}

impl Principal {
    /// The principal named by a token's `sub`.
    pub fn from_sub(sub: &str) -> Self {
        match sub.strip_prefix(CLIENT_PREFIX) {
            Some(id) => Self::Client(id.to_owned()),
            None => Self::User(sub.to_owned()),
        }
    }

    /// A user or a client.
    pub fn kind(&self) -> PrincipalKind {
        match self {
            Self::User(_) => PrincipalKind::User,
            Self::Client(_) => PrincipalKind::Client,
        }
    }

    /// The id.
    pub fn id(&self) -> &str {
        match self {
            Self::User(id) | Self::Client(id) => id,
        }
    }
}

/// The caller of a request: who, in which group, holding which grants.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub principal: Principal,
    /// His group; `None` for a platform operator outside every group.
    pub group_id: Option<String>,
    /// His grants.
    pub grants: Vec<GrantRef>,
    /// This request's id, for the audit trail.
    pub request_id: String,
}

fn gone() -> ApiError {
    ApiError::Unauthorized(
        "invalid_token",
        "the account or sign-in behind this token is disabled, ended or gone".into(),
    )
}

impl Caller {
    /// The audit actor.
    pub fn actor(&self) -> Actor {
        match &self.principal {
            Principal::User(id) => Actor::User(id.clone()),
            Principal::Client(id) => Actor::Client(id.clone()),
        }
    }

    /// Who acts, from this request: every audit event of the request names it.
    pub fn acting(&self) -> Acting {
        Acting::request(self.actor(), self.request_id.clone())
    }

    /// Whether any grant carries `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        self.grants.iter().any(|g| g.role.permits(permission))
    }

    /// Whether the caller is a platform operator.
    pub fn is_platform(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::PlatformOperator)
    }

    /// The scope of `permission` in the caller's group; 403 when no grant carries it.
    pub fn scope(&self, permission: Permission) -> Result<Scope, ApiError> {
        let reach = Reach::of(&self.grants, permission).ok_or(ApiError::Forbidden)?;
        let group_id = self.group_id.clone().ok_or(ApiError::Forbidden)?;
        Ok(Scope { group_id, reach, acting: self.acting(), platform: self.is_platform() })
    }

    /// The caller's reading (`permission` to read) and writing scopes; 403 without `write`.
    pub fn scopes(&self, read: Permission, write: Permission) -> Result<(Scope, Scope), ApiError> {
        let write = self.scope(write)?;
        Ok((self.scope(read)?, write))
    }

    /// What the caller may do with calendars: read his group's and the templates, change his
    /// group's (`RulesManage`) and the templates (`CalendarsManage`).
    pub fn calendars(&self) -> CalendarScope {
        CalendarScope {
            group_id: self.group_id.clone(),
            rules: self.may(Permission::RulesManage),
            templates: self.may(Permission::CalendarsManage),
            acting: self.acting(),
        }
    }

    /// 403 unless the caller holds `permission` somewhere (platform permissions).
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.may(permission) { Ok(()) } else { Err(ApiError::Forbidden) }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let auth = AuthUser::from_request(req, payload);
        let request_id = RequestId::from_request(req, payload);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
            let auth = auth.await?;
            let request_id =
                request_id.await.map_or_else(|_| uuid::Uuid::now_v7().to_string(), |r| r.0);
            let principal = Principal::from_sub(&auth.user_id);
            let (kind, id, session) = (principal.kind(), principal.id().to_owned(), auth.session);
            let found = state
                .run(move |conn| Ok(auth::caller(conn, (kind, &id), session.as_deref())?))
                .await?
                .ok_or_else(gone)?;
            Ok(Caller { principal, group_id: found.group_id, grants: found.grants, request_id })
        })
    }
}
