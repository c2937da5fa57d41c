//! Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
//! Hashing is slow on purpose: call these from a blocking thread, never an actix worker.

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether this thread is an actix worker, where slow hashing would stall every request the
/// worker serves. Hashing refuses to run there (the handlers use `AppState::run`), so a handler
/// that forgot would fail its tests instead of slowing production.
fn on_actix_worker() -> bool {
    std::thread::current().name().is_some_and(|n| n.starts_with("actix-server worker"))
}

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> Result<String, String> {
    if on_actix_worker() {
        return Err("password hashing must not run on an actix worker".into());
    }
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// A hash of nothing anybody knows, verified against when the user does not exist, so that
/// an unknown username takes as long as a wrong password.
/// Hashes a password on the blocking pool (for handlers, before their persistence call).
pub async fn hash_off_worker(password: String) -> Result<String, crate::problem::ApiError> {
    use crate::problem::ApiError;
    actix_web::web::block(move || hash(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)
}

/// Hashes an optional password on the blocking pool.
pub async fn hash_some(
    password: Option<String>,
) -> Result<Option<String>, crate::problem::ApiError> {
    match password {
        Some(p) => Ok(Some(hash_off_worker(p).await?)),
        None => Ok(None),
    }
}

const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0yVZ0zPRgu2Bzjg8ODq9dgtmpkgDx3Ofu1x7zVUP1Sg";

/// Whether `password` matches `phc`; with `None`, spends the same time and answers no.
pub fn verify(password: &str, phc: Option<&str>) -> bool {
    if on_actix_worker() {
        tracing::error!("password verification attempted on an actix worker; refused");
        return false;
    }
    let target = phc.unwrap_or(DUMMY);
    let ok = PasswordHash::new(target)
        .is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok());
    ok && phc.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let phc = hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse", Some(&phc)));
        assert!(!verify("wrong horse", Some(&phc)));
        assert!(!verify("anything", None));
    }

    #[test]
    fn hashing_refuses_to_run_on_an_actix_worker() {
        let on_worker = std::thread::Builder::new()
            .name("actix-server worker 0".into())
            .spawn(|| (hash("correct horse"), verify("x", None)))
            .unwrap()
            .join()
            .unwrap();
        assert!(on_worker.0.is_err());
        assert!(!on_worker.1);
    }
}
