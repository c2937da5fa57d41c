//! The organisation (组织): what its companies and departments are.

use crate::vocabulary;

vocabulary! {
    /// What a company does.
    pub enum CompanyKind as "company_kind" {
        /// Developer (开发商).
        Developer = "developer", "开发商";
        /// Property management (物业公司).
        PropertyManagement = "property_management", "物业公司";
        /// Brokerage and sales (经纪/销售).
        Brokerage = "brokerage", "经纪/销售公司";
    }
}

vocabulary! {
    /// What a department does (R-WO-1): the customer center sends work orders to the others.
    pub enum DepartmentKind as "department_kind" {
        /// Customer center (客户中心).
        CustomerCenter = "customer_center", "客户中心";
        /// Production / engineering (工程).
        Engineering = "engineering", "工程部";
        /// Marketing (营销).
        Marketing = "marketing", "营销部";
        /// Cost control (成本).
        CostControl = "cost_control", "成本部";
        /// Finance (财务).
        Finance = "finance", "财务部";
        /// Administration (行政).
        Administration = "administration", "行政部";
        /// Property service center (物业服务中心).
        PropertyService = "property_service", "物业服务中心";
        /// Sales (销售).
        Sales = "sales", "销售部";
        /// Brokerage (经纪).
        Brokerage = "brokerage", "经纪部";
        /// Anything else.
        Other = "other", "其他";
    }
}
