//! The customers' request and response bodies; phone numbers leave the server masked.

use chrono::{DateTime, FixedOffset};
use kefu_domain::phone;
use kefu_persistence::customers::{Customer, Ownership};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::{
    list_query, page_type,
    time::{Day, local},
};

/// A unit the customer owns, with the dates node callbacks count from (R-T-12).
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "019ab2f2-2222-7000-8000-000000000041",
    "contract_signed_on": "2026-03-18", "handed_over_on": "2026-10-30"}))]
pub struct OwnedUnit {
    /// The unit.
    #[schema(min_length = 1, max_length = 64)]
    pub unit_id: String,
    /// When the purchase contract was signed.
    pub contract_signed_on: Option<Day>,
    /// When the unit was handed over.
    pub handed_over_on: Option<Day>,
}

/// A customer as the API shows him: phone numbers masked.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019ab2f7-4444-7000-8000-000000000061", "name": "张伟",
    "phones": ["138****5678"], "units": [{"unit_id": "019ab2f2-2222-7000-8000-000000000041",
    "project_id": "019ab2f2-0000-7000-8000-000000000021", "contract_signed_on": "2026-03-18",
    "handed_over_on": null}], "archived": false, "erased": false, "created_at": "2026-11-23T09:00:00+08:00",
    "updated_at": "2026-11-23T09:00:00+08:00", "version": 1}))]
pub struct CustomerView {
    /// UUIDv7.
    pub id: String,
    /// Name.
    pub name: String,
    /// Phone numbers, masked.
    pub phones: Vec<String>,
    /// The units he owns that the caller may see.
    pub units: Vec<OwnedUnitView>,
    /// Whether the record is archived.
    pub archived: bool,
    /// Whether his personal data was erased on his request: the name is a placeholder
    /// (`已删除客户-…`), there are no phones, and neither can be set again.
    pub erased: bool,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The version, also the `ETag`.
    pub version: i64,
}

/// An owned unit as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnedUnitView {
    /// The unit.
    pub unit_id: String,
    /// The unit's project.
    pub project_id: String,
    /// When the purchase contract was signed.
    pub contract_signed_on: Option<String>,
    /// When the unit was handed over.
    pub handed_over_on: Option<String>,
}

impl From<Ownership> for OwnedUnitView {
    fn from(o: Ownership) -> Self {
        Self {
            unit_id: o.unit_id,
            project_id: o.project_id,
            contract_signed_on: o.contract_signed_on,
            handed_over_on: o.handed_over_on,
        }
    }
}

impl From<Customer> for CustomerView {
    fn from(c: Customer) -> Self {
        Self {
            id: c.id,
            name: c.name,
            phones: c.phones.iter().map(|p| phone::mask(p)).collect(),
            units: c.units.into_iter().map(OwnedUnitView::from).collect(),
            archived: c.archived_at.is_some(),
            erased: c.erased_at.is_some(),
            created_at: local(c.created_at),
            updated_at: local(c.updated_at),
            version: c.version,
        }
    }
}

page_type!(CustomerPage, CustomerView, "A page of customers, phone numbers masked.");

/// A customer's whole phone numbers (an audited read).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"customer_id": "019ab2f7-4444-7000-8000-000000000061", "phones": ["13812345678"]}))]
pub struct CustomerPhones {
    /// The customer.
    pub customer_id: String,
    /// The numbers, whole.
    pub phones: Vec<String>,
}

/// A customer to create, owning units in projects the caller may write to.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "张伟", "phones": ["13812345678"],
    "units": [{"unit_id": "019ab2f2-2222-7000-8000-000000000041", "contract_signed_on": "2026-03-18"}]}))]
pub struct NewCustomerRequest {
    /// Name.
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// Phone numbers: mobiles (`13812345678`) or landlines with area code (`0351-7654321`).
    #[schema(min_items = 1, max_items = 5)]
    pub phones: Vec<PhoneNumber>,
    /// The units he owns (may be empty only for group-wide writers).
    #[schema(max_items = 20)]
    pub units: Vec<OwnedUnit>,
}

/// A phone number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, pattern = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$", example = "13812345678")]
pub struct PhoneNumber(pub String);

/// Changes to a customer; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phones": ["13812345678", "0351-7654321"]}))]
pub struct CustomerPatch {
    /// A new name.
    #[schema(min_length = 1, max_length = 50)]
    pub name: Option<String>,
    /// New phone numbers, replacing the old ones.
    #[schema(min_items = 1, max_items = 5)]
    pub phones: Option<Vec<PhoneNumber>>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

list_query!(
    /// Filters and paging of the customer list.
    CustomerQuery {
        /// Only owners of a unit in this project.
        #[param(max_length = 64)]
        project_id: Option<String>,
        /// Only customers with exactly this number (the call-center lookup).
        #[param(pattern = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")]
        phone: Option<String>,
        /// Only archived (`true`) or only current (`false`) ones.
        archived: Option<bool>,
    }
);
