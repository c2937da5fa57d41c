//! Posting one webhook message: the Standard Webhooks headers and signature, and the check that
//! the receiver's address is not loopback, link-local or private unless the operator allows it.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use kefu_persistence::webhooks::deliveries::{Attempt, Outgoing};
use sha2::Sha256;

/// The prefix of a signing secret (Standard Webhooks).
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The `Webhook-Signature` of a message: `v1,` and the base64 HMAC-SHA256, keyed with the
/// secret's bytes, of `id.timestamp.body`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let key = secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|b64| STANDARD.decode(b64).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec());
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        // HMAC takes a key of any length: never reached.
        return String::new();
    };
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Whether an address is one a webhook may not reach unless the operator allows it: loopback,
/// private, link-local, carrier-grade NAT, unspecified, broadcast, multicast, documentation and
/// IPv6 unique-local ranges (and IPv4 addresses mapped into IPv6).
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8
}

/// Why a URL may not receive webhooks, or `None` when it may: `http` or `https`, a host, no
/// credentials, and (unless `allow_private`) a host that is no internal address by name or by
/// literal. Names are resolved again before every attempt ([`post`]).
pub fn refuse_url(url: &str, allow_private: bool) -> Option<String> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Some("not an absolute URL".into());
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some("must be an http:// or https:// URL".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("must not carry credentials".into());
    }
    let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
        return Some("must name a host".into());
    };
    if allow_private {
        return None;
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let internal = match host.parse::<IpAddr>() {
        Ok(ip) => is_internal(ip),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost"
                || name.ends_with(".localhost")
                || name.ends_with(".local")
                || name.ends_with(".internal")
        }
    };
    internal.then(|| {
        "must not point at a loopback, link-local or private address \
         (KEFU_WEBHOOK_ALLOW_PRIVATE allows it)"
            .into()
    })
}

/// Posts one message and says what came back. The host's addresses are checked again first
/// (a name may have been pointed at an internal address since it was registered).
pub async fn post(
    client: &reqwest::Client,
    out: &Outgoing,
    allow_private: bool,
    timestamp: i64,
) -> Attempt {
    let failed = |error: String| Attempt { status: None, error: Some(error) };
    if let Some(reason) = refuse_url(&out.url, allow_private) {
        return failed(reason);
    }
    if !allow_private && let Err(reason) = resolves_outside(&out.url).await {
        return failed(reason);
    }
    let signature = sign(&out.secret, &out.id, timestamp, &out.body);
    let sent = client
        .post(&out.url)
        .header("content-type", "application/json")
        .header("webhook-id", &out.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(out.body.clone())
        .send()
        .await;
    match sent {
        Ok(res) => {
            let status = res.status().as_u16();
            let error = (!res.status().is_success()).then(|| format!("answered {status}"));
            Attempt { status: Some(status), error }
        }
        Err(e) => failed(e.without_url().to_string()),
    }
}

/// Resolves the URL's host and refuses it when any address is internal.
async fn resolves_outside(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
    let (Some(host), Some(port)) = (parsed.host_str(), parsed.port_or_known_default()) else {
        return Err("must name a host".into());
    };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let found = tokio::time::timeout(Duration::from_secs(5), tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| "the host name did not resolve in time".to_owned())?
        .map_err(|e| format!("the host name did not resolve: {e}"))?;
    for addr in found {
        if is_internal(addr.ip()) {
            return Err("the host resolves to a loopback, link-local or private address".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks specification's own example (standard-webhooks/spec.md).
    #[test]
    fn signs_as_the_standard_webhooks_example() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets_are_whsec_and_32_bytes() {
        let s = new_secret();
        let bytes = STANDARD.decode(s.strip_prefix(SECRET_PREFIX).unwrap()).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(new_secret(), s);
    }

    #[test]
    fn owasp_api7_internal_addresses_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1/hook",
            "http://localhost:8080/hook",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
        ] {
            assert!(refuse_url(url, false).is_some(), "{url}");
            assert!(refuse_url(url, true).is_none(), "{url}");
        }
        for bad in
            ["ftp://crm.example.com/", "crm.example.com/hook", "https://u:p@crm.example.com/"]
        {
            assert!(refuse_url(bad, true).is_some(), "{bad}");
        }
        assert!(refuse_url("https://crm.example.com/kefu/hooks", false).is_none());
        assert!(refuse_url("http://203.0.114.10/hook", false).is_none());
    }
}
