//! E-mail copies of the inbox over SMTP, when the operator configures a server
//! (`KEFU_SMTP_URL`, `KEFU_SMTP_FROM`): each notification of a user with an e-mail address is
//! sent once, as plain text, within a day of being written.

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};

use crate::config::Secret;

/// Where mail goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `KEFU_SMTP_URL`: `smtps://user:password@smtp.example.com` (TLS),
    /// `smtp://user:password@smtp.example.com:587?tls=required` (STARTTLS), or
    /// `smtp://127.0.0.1:25` (a local relay, no TLS).
    pub url: Secret,
    /// `KEFU_SMTP_FROM`: the sender, `客服中心 <kefu@example.com>`.
    pub from: String,
}

/// A connected-on-demand SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A sender for these settings; why not, when the URL or the sender is invalid.
    pub fn new(settings: &SmtpSettings) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.url.expose())
            .map_err(|e| format!("KEFU_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        let from = settings.from.parse::<Mailbox>().map_err(|e| format!("KEFU_SMTP_FROM: {e}"))?;
        Ok(Self { transport, from })
    }

    /// Sends one plain-text message to `(name, address)`.
    pub async fn send(
        &self,
        (name, address): (&str, &str),
        subject: &str,
        body: String,
    ) -> Result<(), String> {
        let to = Mailbox::new(
            Some(name.to_owned()),
            address.parse().map_err(|e| format!("{address:?}: {e}"))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(drop).map_err(|e| e.to_string())
    }
}
