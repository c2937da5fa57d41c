//! List conventions: `limit` (default 50, at most 200) and an opaque `cursor`; the answer is
//! `{ "items": [...], "next_cursor": "..." | null }`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use kefu_persistence::scope::{MAX_LIMIT, PageRequest};

use crate::problem::ApiError;

/// The default page size.
pub const DEFAULT_LIMIT: i64 = 50;

/// The page a list request asks for, from its `limit` and `cursor` parameters.
pub fn page_request(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field("limit", "out_of_range", "must be between 1 and 200"));
    }
    let after = match cursor {
        None => None,
        Some(c) => Some(
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.strip_prefix("after:").map(str::to_owned))
                .ok_or_else(|| {
                    ApiError::field("cursor", "invalid", "not a cursor this API handed out")
                })?,
        ),
    };
    Ok(PageRequest { limit, after })
}

/// The opaque cursor that continues after `id`.
pub fn cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{id}"))
}

/// Defines a page type `{ items, next_cursor }` of a view, for the spec and the answer.
#[macro_export]
macro_rules! page_type {
    ($page:ident, $view:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $page {
            /// The items of this page, oldest first.
            pub items: Vec<$view>,
            /// Pass as `cursor` for the next page; `null` on the last page.
            pub next_cursor: Option<String>,
        }

        impl $page {
            /// The answer for a stored page.
            pub fn from_page<T>(
                page: kefu_persistence::scope::Page<T>,
                view: impl FnMut(T) -> $view,
            ) -> Self {
                let next_cursor = page.next.as_deref().map($crate::list::cursor);
                Self { items: page.items.into_iter().map(view).collect(), next_cursor }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_limits_are_bounded() {
        let c = cursor("019a-id");
        assert_eq!(page_request(Some(5), Some(&c)).unwrap().after.as_deref(), Some("019a-id"));
        assert_eq!(page_request(None, None).unwrap().limit, 50);
        assert!(page_request(Some(201), None).is_err());
        assert!(page_request(Some(0), None).is_err());
        assert!(page_request(None, Some("garbage!")).is_err());
    }
}
