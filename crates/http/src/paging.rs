//! Lists: `?limit=` (default 50, at most 200) and an opaque `cursor`.

use base64::{
    Engine, alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::problem::ApiError;

/// Cursors are unpadded base64url; trailing bits are tolerated so that every string matching
/// the documented pattern decodes.
const CURSOR: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// The paging parameters of every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items (1–200, default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
    /// Where to continue: the `next_cursor` of the previous page.
    #[param(max_length = 200, pattern = "^([A-Za-z0-9_-]{4})*([A-Za-z0-9_-]{2,3})?$")]
    pub cursor: Option<String>,
}

/// Checked paging: the position after which to continue, and how many to take.
#[derive(Debug)]
pub struct Page {
    /// The last key of the previous page.
    pub after: Option<String>,
    /// Items per page.
    pub limit: i64,
}

impl PageQuery {
    /// Checks the parameters, naming the bad one.
    pub fn page(&self) -> Result<Page, ApiError> {
        let limit = match &self.limit {
            None => 50,
            Some(text) => {
                text.parse::<i64>().ok().filter(|n| (1..=200).contains(n)).ok_or_else(|| {
                    ApiError::field("limit", "out_of_range", "must be a whole number from 1 to 200")
                })?
            }
        };
        let after = match &self.cursor {
            None => None,
            Some(c) => Some(
                // Any decodable cursor is only a lower bound on keys: a forged one shows
                // nothing that a list from the start would not.
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
        Ok(Page { after, limit })
    }
}

/// A page of items.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Paged<T> {
    /// Builds a page from one item more than `limit` (its presence means there is a next page).
    pub fn from_probe(mut items: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Self {
        let more = items.len() as i64 > limit;
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next_cursor =
            if more { items.last().map(|last| CURSOR.encode(key(last))) } else { None };
        Self { items, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cursor_of_the_documented_pattern_decodes_to_storable_text() {
        for cursor in ["AG79U-e", "AAAA", "__--", "AA"] {
            let q = PageQuery { limit: None, cursor: Some(cursor.into()) };
            let after = q.page().unwrap().after.unwrap();
            assert!(!after.chars().any(char::is_control), "{cursor}: {after:?}");
        }
        let q = PageQuery { limit: None, cursor: Some("A".into()) };
        assert!(q.page().is_err(), "one character is not base64");
    }

    #[test]
    fn a_page_knows_whether_more_follow() {
        let page = Paged::from_probe(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(page.items, [1, 2]);
        assert_eq!(
            page.next_cursor.as_deref().map(|c| CURSOR.decode(c).unwrap()),
            Some(b"2".to_vec())
        );
        assert!(Paged::from_probe(vec![1, 2], 2, |n| n.to_string()).next_cursor.is_none());
    }
}
