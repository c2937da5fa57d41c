//! The connection under actix-http. A few answers are written by actix-http itself, before any
//! route or middleware runs: 400 for a request head it cannot parse, 408 for a head that never
//! finishes and 431 for one that is too large. actix-http sends them with an empty body; here
//! they leave as `application/problem+json`, like every other error of the API.
//!
//! [`ProblemIo`] wraps each accepted TCP stream. It looks only at the start of each write: a
//! response head with one of those statuses and `content-length: 0` is replaced by the same head
//! with a problem document as its body. Such an answer is always the last on its connection
//! (actix-http closes it), so nothing written after it needs to be shifted.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, ready},
};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::problem::PROBLEM_JSON;

/// A stream whose bodiless protocol-level error answers are rewritten as problem documents.
#[derive(Debug)]
pub struct ProblemIo<T> {
    inner: T,
    /// A rewritten answer not yet fully written, and how much of it is out.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> ProblemIo<T> {
    /// Wraps an accepted connection.
    pub fn new(inner: T) -> Self {
        Self { inner, pending: None }
    }
}

impl<T: AsyncWrite + Unpin> ProblemIo<T> {
    /// Writes out what is pending; ready once nothing is.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ProblemIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ProblemIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.drain(cx))?;
        if let Some((replacement, consumed)) = rewrite(buf) {
            this.pending = Some((replacement, 0));
            // Written or not yet, the bytes are ours now; flush and shutdown finish them.
            let _ = this.drain(cx)?;
            return Poll::Ready(Ok(consumed));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The statuses actix-http answers by itself, with the problem `code` and `detail` each gets.
fn protocol_problem(status: u16) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match status {
        400 => ("Bad Request", "malformed_request", "the request line or a header is malformed"),
        408 => (
            "Request Timeout",
            "request_timeout",
            "the request did not arrive in time (KEFU_REQUEST_TIMEOUT)",
        ),
        413 => ("Content Too Large", "payload_too_large", "the request is too large"),
        431 => (
            "Request Header Fields Too Large",
            "headers_too_large",
            "the request headers are too large",
        ),
        _ => return None,
    })
}

/// When `buf` starts with a bodiless answer of [`protocol_problem`], the answer to send instead
/// and how many bytes of `buf` it replaces (the head).
fn rewrite(buf: &[u8]) -> Option<(Vec<u8>, usize)> {
    let rest = buf.strip_prefix(b"HTTP/1.")?;
    let status: u16 = std::str::from_utf8(rest.get(2..5)?).ok()?.parse().ok()?;
    let (title, code, detail) = protocol_problem(status)?;
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut kept = Vec::new();
    let mut bodiless = false;
    for line in lines {
        let name = line.split(':').next().unwrap_or_default().trim().to_ascii_lowercase();
        match name.as_str() {
            "content-length" => bodiless = line.split(':').nth(1).map(str::trim) == Some("0"),
            "content-type" => {}
            _ => kept.push(line),
        }
    }
    if !bodiless {
        return None;
    }
    let body = serde_json::json!({
        "type": format!("/problems/{code}"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    })
    .to_string();
    let mut out = String::with_capacity(head.len() + body.len() + 96);
    out.push_str(status_line);
    out.push_str("\r\n");
    for line in kept {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "content-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ));
    Some((out.into_bytes(), end + 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bodiless_431_becomes_a_problem() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\
                     connection: close\r\ndate: Tue, 01 Dec 2026 06:00:00 GMT\r\n\r\n";
        let (out, consumed) = rewrite(head).unwrap();
        assert_eq!(consumed, head.len());
        let out = String::from_utf8(out).unwrap();
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert!(head.contains("content-type: application/problem+json"), "{head}");
        assert!(head.contains("connection: close"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            (problem["status"].as_u64(), problem["code"].as_str()),
            (Some(431), Some("headers_too_large"))
        );
    }

    #[test]
    fn answers_with_a_body_or_other_statuses_pass_untouched() {
        assert!(
            rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 12\r\n\r\n{\"a\":1}").is_none()
        );
        assert!(rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n").is_none());
        assert!(rewrite(b"{\"status\": 400}").is_none());
    }
}
