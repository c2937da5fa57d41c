//! Warranty (保修, R-WO-6): who repairs a defect.

use chrono::NaiveDate;

use crate::vocabulary;

vocabulary! {
    /// Who bears a defect's repair (R-WO-6).
    pub enum WarrantyCover as "warranty_cover" {
        /// Within the warranty: the responsible contractor repairs it (its deposit answers
        /// when it defaults).
        Contractor = "contractor", "施工单位保修";
        /// After the warranty: repaired at the customer-service fund's cost (R-AP-3).
        Fund = "fund", "客服基金承担";
    }
}

/// Who repairs a defect found on `found_on`, for a contractor whose warranty ends on
/// `warranty_end` (that day included); with no warranty recorded, the fund.
pub fn warranty_cover(warranty_end: Option<NaiveDate>, found_on: NaiveDate) -> WarrantyCover {
    match warranty_end {
        Some(end) if found_on <= end => WarrantyCover::Contractor,
        _ => WarrantyCover::Fund,
    }
}
