//! The vocabulary of the API for front ends: every enumerated value with its Chinese label, so
//! a form shows `重要` for `important` without hard-coding it.

use actix_web::{get, web};
use kefu_domain::vocabulary::{self, Published};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ctx::Ctx, problem::ApiResult};

/// One value and its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermView {
    /// The value the API sends and takes.
    pub value: String,
    /// Its label for people (中文).
    pub label_zh: String,
}

/// One enumeration of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct VocabularyView {
    /// Its name (`role`, `company_kind`, …), as the OpenAPI schemas name the fields that use it.
    pub name: String,
    /// Its values, in API order.
    pub values: Vec<TermView>,
}

/// Every enumeration of the API.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"name": "company_kind", "values": [
    {"value": "developer", "label_zh": "开发商"},
    {"value": "property_management", "label_zh": "物业公司"},
    {"value": "brokerage", "label_zh": "经纪/销售公司"}]}]}))]
pub struct Vocabularies {
    /// The enumerations, by name.
    pub items: Vec<VocabularyView>,
}

impl From<Published> for VocabularyView {
    fn from(v: Published) -> Self {
        let values = v
            .values
            .into_iter()
            .map(|t| TermView { value: t.value.to_owned(), label_zh: t.label_zh.to_owned() })
            .collect();
        Self { name: v.name.to_owned(), values }
    }
}

/// Every enumeration of the API with its values and their Chinese labels (any signed-in user).
#[utoipa::path(tag = "vocabularies", operation_id = "get_vocabularies", security(("bearer" = [])),
    responses((status = 200, description = "Every enumeration", body = Vocabularies)))]
#[get("/api/v1/vocabularies")]
pub async fn get_vocabularies(_ctx: Ctx) -> ApiResult<web::Json<Vocabularies>> {
    let items = vocabulary::catalogue().into_iter().map(VocabularyView::from).collect();
    Ok(web::Json(Vocabularies { items }))
}
