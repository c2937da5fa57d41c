//! Warranty (保修, R-WO-6): who repairs a defect.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who bears a defect's repair (R-WO-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarrantyCover {
    /// Within the warranty: the responsible contractor repairs it (its deposit answers when
    /// it defaults).
    Contractor,
    /// After the warranty: repaired at the customer-service fund's cost (R-AP-3).
    Fund,
}

/// Who repairs a defect found on `found_on`, for a contractor whose warranty ends on
/// `warranty_end` (that day included); with no warranty recorded, the fund.
pub fn warranty_cover(warranty_end: Option<NaiveDate>, found_on: NaiveDate) -> WarrantyCover {
    match warranty_end {
        Some(end) if found_on <= end => WarrantyCover::Contractor,
        _ => WarrantyCover::Fund,
    }
}
