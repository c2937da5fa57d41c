//! Lists, one way for every resource: `limit` (default 50, at most 200), the opaque `cursor` of
//! the previous page and `count=true` for the total, plus each resource's filters; the answer
//! is `{ "items": [...], "next_cursor": "..." | null, "total": n }` (`total` only when asked).

use base64::{
    Engine, alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use kefu_persistence::kit::{ListRequest, MAX_LIMIT};

use crate::problem::ApiError;

/// The default page size.
pub const DEFAULT_LIMIT: i64 = 50;

/// The documented pattern of a cursor.
pub const CURSOR_PATTERN: &str = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$";

/// Cursors are unpadded base64url of the last id; trailing bits are tolerated so that every
/// string matching the documented pattern decodes.
const CURSOR: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// The page a list request asks for. Any cursor of the documented pattern is accepted: it is
/// only a lower bound on ids, so a forged one shows nothing a list from the start would not.
pub fn list_request(
    limit: Option<i64>,
    cursor: Option<&str>,
    count: Option<bool>,
) -> Result<ListRequest, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            "out_of_range",
            "must be a whole number from 1 to 200",
        ));
    }
    let after = match cursor {
        None => None,
        Some(c) => Some(
            CURSOR
                .decode(c)
                .ok()
                .filter(|_| c.len() <= 200)
                // Databases refuse NUL in text: control characters are dropped.
                .map(|bytes| String::from_utf8_lossy(&bytes).replace(char::is_control, ""))
                .ok_or_else(|| {
                    ApiError::field("cursor", "invalid", "not a cursor kefu gave out")
                })?,
        ),
    };
    Ok(ListRequest { limit, after, count: count.unwrap_or(false) })
}

/// The opaque cursor that continues after `id`.
pub fn cursor(id: &str) -> String {
    CURSOR.encode(id)
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

/// Defines a list's query parameters: the paging every list shares (`limit`, `cursor`,
/// `count`) and the resource's own filters, with `list_request()` checking the paging.
#[macro_export]
macro_rules! list_query {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Page size, 1–200 (default 50).
            #[param(minimum = 1, maximum = 200)]
            pub limit: Option<i64>,
            /// The `next_cursor` of the previous page.
            #[param(max_length = 200, pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
            pub cursor: Option<String>,
            /// `true` adds `total`: how many items match the filters, on every page.
            pub count: Option<bool>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $name {
            /// The page asked for; 422 naming `limit` or `cursor` when they are wrong.
            pub fn list_request(
                &self,
            ) -> Result<kefu_persistence::kit::ListRequest, $crate::problem::ApiError> {
                $crate::list::list_request(self.limit, self.cursor.as_deref(), self.count)
            }
        }
    };
}

/// Defines a page type `{ items, next_cursor, total }` of a view, for the spec and the answer.
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
            /// How many items match the filters (only with `count=true`).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub total: Option<i64>,
        }

        impl $page {
            /// The answer for a stored page.
            pub fn from_page<T>(
                page: kefu_persistence::kit::Page<T>,
                view: impl FnMut(T) -> $view,
            ) -> Self {
                let next_cursor = page.next.as_deref().map($crate::list::cursor);
                let items = page.items.into_iter().map(view).collect();
                Self { items, next_cursor, total: page.total }
            }
        }

        impl<T> $crate::ctx::FromPage<T> for $page
        where
            $view: From<T>,
        {
            fn from_stored(page: kefu_persistence::kit::Page<T>) -> Self {
                Self::from_page(page, <$view>::from)
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
        let req = list_request(Some(5), Some(&c), None).unwrap();
        assert_eq!((req.after.as_deref(), req.count), (Some("019a-id"), false));
        assert_eq!(list_request(None, None, Some(true)).unwrap().limit, 50);
        assert!(list_request(Some(201), None, None).is_err());
        assert!(list_request(Some(0), None, None).is_err());
        assert!(list_request(None, Some("A"), None).is_err());
        for cursor in ["AG79U-e", "AAAA", "__--", "AA"] {
            let after = list_request(None, Some(cursor), None).unwrap().after.unwrap();
            assert!(!after.chars().any(char::is_control), "{cursor}: {after:?}");
        }
        assert!(text_filter("x", Some("a\0b".into()), 64).is_err());
        assert!(text_filter("x", Some("abc".into()), 2).is_err());
    }
}
