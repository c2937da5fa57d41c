//! A small organisation to test access against: two companies, three projects (A and B in
//! company 1, X in company 2), a building and a unit in each, a department per company, and a
//! customer owning the unit of each project.

use serde_json::json;

use crate::{api::id, app::TestApp};

/// The ids of the fixture's records.
#[derive(Debug, Clone)]
pub struct Org {
    /// Company 1 (projects A and B, department 1).
    pub c1: String,
    /// Company 2 (project X, department 2).
    pub c2: String,
    /// Projects A, B, X.
    pub projects: [String; 3],
    /// One building in each project.
    pub buildings: [String; 3],
    /// One unit in each building.
    pub units: [String; 3],
    /// Department 1 (company 1) and 2 (company 2).
    pub departments: [String; 2],
    /// A customer owning each project's unit.
    pub customers: [String; 3],
}

/// Creates the fixture as `admin`.
pub async fn org(app: &TestApp, admin: &str) -> Org {
    let company = |name: &str| json!({"name": name, "kind": "developer"});
    let c1 = id(&app.create("/api/v1/org/companies", admin, company("一公司")).await);
    let c2 = id(&app.create("/api/v1/org/companies", admin, company("二公司")).await);
    let mut projects = Vec::new();
    let mut buildings = Vec::new();
    let mut units = Vec::new();
    let mut customers = Vec::new();
    for (name, company) in [("A", &c1), ("B", &c1), ("X", &c2)] {
        let p = app
            .create(
                "/api/v1/org/projects",
                admin,
                json!({"company_id": company, "name": format!("项目{name}")}),
            )
            .await;
        let b = app
            .create("/api/v1/org/buildings", admin, json!({"project_id": id(&p), "name": "1号楼"}))
            .await;
        let u = app
            .create(
                "/api/v1/org/units",
                admin,
                json!({"building_id": id(&b), "number": "1-101", "floor": "1"}),
            )
            .await;
        let c = app
            .create(
                "/api/v1/customers",
                admin,
                json!({"name": format!("业主{name}"),
                "phones": ["13812345678"], "units": [{"unit_id": id(&u)}]}),
            )
            .await;
        projects.push(id(&p));
        buildings.push(id(&b));
        units.push(id(&u));
        customers.push(id(&c));
    }
    let dept = |company: &str, name: &str| json!({"company_id": company, "name": name, "kind": "engineering"});
    let d1 = id(&app.create("/api/v1/org/departments", admin, dept(&c1, "工程部")).await);
    let d2 = id(&app.create("/api/v1/org/departments", admin, dept(&c2, "工程部")).await);
    let three = |v: Vec<String>| -> [String; 3] { v.try_into().unwrap() };
    Org {
        c1,
        c2,
        projects: three(projects),
        buildings: three(buildings),
        units: three(units),
        departments: [d1, d2],
        customers: three(customers),
    }
}
