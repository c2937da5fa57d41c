//! List conventions: `limit` (default 50, at most 200) and an opaque `cursor`; the answer is
//! `{ "items": [...], "next_cursor": "..." | null }`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use kefu_persistence::scope::{MAX_LIMIT, PageRequest};

use crate::{paging::PageQuery, problem::ApiError};

/// The default page size.
pub const DEFAULT_LIMIT: i64 = 50;

/// The page a list request asks for, from its `limit` and `cursor` parameters. Any cursor of
/// the documented pattern is accepted: it is only a lower bound on ids, so a forged one shows
/// nothing a list from the start would not (the rules of [`crate::paging`]).
pub fn page_request(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let query =
        PageQuery { limit: limit.map(|l| l.to_string()), cursor: cursor.map(str::to_owned) };
    let page = query.page()?;
    Ok(PageRequest { limit: page.limit.min(MAX_LIMIT), after: page.after })
}

/// The opaque cursor that continues after `id` (unpadded base64url, as [`crate::paging`]).
pub fn cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// A text filter of a list, checked as its documented schema says: at most `max` characters
/// and no NUL (PostgreSQL text cannot hold it); 422 naming the parameter otherwise.
pub fn text_filter(
    name: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.contains('\0') => {
            Err(ApiError::field(name, "invalid_character", "must not contain NUL (U+0000)"))
        }
        Some(v) if v.chars().count() > max => {
            Err(ApiError::field(name, "too_long", format!("must have at most {max} characters")))
        }
        other => Ok(other),
    }
}

/// A phone-number filter: it must be a number kefu could have stored.
pub fn phone_filter(value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(v)
            if !regex::Regex::new(kefu_domain::phone::PATTERN).is_ok_and(|re| re.is_match(&v)) =>
        {
            Err(ApiError::field("phone", "invalid_format", "not a mobile or landline number"))
        }
        other => Ok(other),
    }
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
        assert!(page_request(None, Some("A")).is_err());
        assert!(text_filter("x", Some("a\0b".into()), 64).is_err());
        assert!(text_filter("x", Some("abc".into()), 2).is_err());
        assert!(phone_filter(Some("12".into())).is_err());
    }
}
