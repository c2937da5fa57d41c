//! `Caller`: the authenticated principal with his group and grants, loaded once per request.
//! A disabled user, client or group is refused here, so its access tokens stop at once instead
//! of living out their 15 minutes.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use kefu_domain::access::{GrantRef, Permission, Reach};
use kefu_persistence::{
    DbConnection, StoreError, audit::Actor, grants, groups, integration_clients, scope::Scope,
    users,
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

    /// `user` or `client`, as grants store it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Client(_) => "client",
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
        "the account behind this token is disabled or gone".into(),
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

    /// Whether any grant carries `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        self.grants.iter().any(|g| g.role.permits(permission))
    }

    /// The scope of `permission` in the caller's group; 403 when no grant carries it.
    pub fn scope(&self, permission: Permission) -> Result<Scope, ApiError> {
        let reach = Reach::of(&self.grants, permission).ok_or(ApiError::Forbidden)?;
        let group_id = self.group_id.clone().ok_or(ApiError::Forbidden)?;
        Ok(Scope {
            group_id,
            reach,
            actor: self.actor(),
            request_id: Some(self.request_id.clone()),
        })
    }

    /// 403 unless the caller holds `permission` somewhere (platform permissions).
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.may(permission) { Ok(()) } else { Err(ApiError::Forbidden) }
    }

    /// Loads the principal and his grants; 401 when he is disabled or gone.
    pub fn load(
        conn: &mut DbConnection,
        principal: Principal,
        request_id: String,
    ) -> Result<Self, ApiError> {
        let group_id = match &principal {
            Principal::User(id) => match users::get(conn, id) {
                Ok(user) if user.disabled_at.is_none() => user.group_id,
                Ok(_) | Err(StoreError::NotFound) => return Err(gone()),
                Err(e) => return Err(e.into()),
            },
            Principal::Client(id) => match integration_clients::for_auth(conn, id)? {
                Some((client, _)) if client.disabled_at.is_none() => Some(client.group_id),
                _ => return Err(gone()),
            },
        };
        if !group_enabled(conn, group_id.as_deref())? {
            return Err(gone());
        }
        let grants = grants::of_principal(conn, principal.kind(), principal.id())?
            .iter()
            .filter_map(grants::Grant::to_access)
            .collect();
        Ok(Self { principal, group_id, grants, request_id })
    }
}

/// Whether the group (if any) is enabled: members of a disabled group neither sign in nor act.
pub fn group_enabled(conn: &mut DbConnection, group_id: Option<&str>) -> Result<bool, ApiError> {
    match group_id {
        None => Ok(true),
        Some(id) => match groups::get(conn, id) {
            Ok(group) => Ok(group.disabled_at.is_none()),
            Err(StoreError::NotFound) => Ok(false),
            Err(e) => Err(e.into()),
        },
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
            let request_id = request_id.await.map_or_else(|_| String::new(), |r| r.0);
            let principal = Principal::from_sub(&auth.user_id);
            state.run(move |conn| Caller::load(conn, principal, request_id)).await
        })
    }
}
