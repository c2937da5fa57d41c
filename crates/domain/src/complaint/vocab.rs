//! The words of intake and grading (RULES.md §1–§2, §4, §6): what was received, through which
//! channel, about what, how grave, and how a callback or an apology was made.

use crate::vocabulary;

vocabulary! {
    /// What was received (R-IN-6, R-IN-7). Complaints and early warnings run the complaint
    /// clocks (R-T-1…3); the front-desk kinds run the property front desk's (R-T-11).
    pub enum ComplaintKind as "complaint_kind" {
        /// A complaint (投诉).
        Complaint = "complaint", "投诉";
        /// An early warning (预警), tracked like a complaint, with its source (R-IN-6).
        EarlyWarning = "early_warning", "预警";
        /// A repair request (报修).
        Repair = "repair", "报修";
        /// A consultation (咨询).
        Consultation = "consultation", "咨询";
        /// A request for help (求助).
        Help = "help", "求助";
        /// A suggestion (建议).
        Suggestion = "suggestion", "建议";
        /// Praise (表扬).
        Praise = "praise", "表扬";
    }
}

impl ComplaintKind {
    /// Whether the kind is a front-desk request (R-IN-7) rather than a complaint or an early
    /// warning: its clock is the front desk's (R-T-11), not R-T-1…3.
    pub fn is_front_desk(self) -> bool {
        !matches!(self, Self::Complaint | Self::EarlyWarning)
    }

    /// Whether intake must name the customer (`customer_id`): complaints and repairs.
    pub fn needs_customer(self) -> bool {
        matches!(self, Self::Complaint | Self::Repair)
    }

    /// Whether intake must name a [`WarningSource`]: early warnings only, and only they may.
    pub fn needs_warning_source(self) -> bool {
        self == Self::EarlyWarning
    }
}

vocabulary! {
    /// Where it came in (受理渠道, R-IN-1): on site, or through the back office.
    pub enum Channel as "channel" {
        /// On site at the group's customer center (集团客户中心现场).
        OnSiteCenter = "on_site_center", "客户中心现场";
        /// On site at the property-management office (物业现场).
        OnSiteProperty = "on_site_property", "物业现场";
        /// On site at the sales center (售楼处现场).
        OnSiteSales = "on_site_sales", "销售现场";
        /// Phone (电话).
        Phone = "phone", "电话";
        /// Web site or app (网站).
        Web = "web", "网站";
        /// Forum, potential complaints included (论坛).
        Forum = "forum", "论坛";
        /// Letter (信函).
        Letter = "letter", "信函";
        /// Email (电子邮件).
        Email = "email", "电子邮件";
        /// A visit to the office (来访).
        Visit = "visit", "来访";
        /// Anything else (其他).
        Other = "other", "其他";
    }
}

impl Channel {
    /// Whether it was received on site, in person: only then is a verbal complaint passed on
    /// within 5 minutes (R-IN-4, the `verbal_handover` clock of R-T-1).
    pub fn is_on_site(self) -> bool {
        matches!(self, Self::OnSiteCenter | Self::OnSiteProperty | Self::OnSiteSales)
    }
}

vocabulary! {
    /// Where an early warning (预警) comes from (R-IN-6).
    pub enum WarningSource as "warning_source" {
        /// Forum and online posts, checked at least daily (论坛/网络).
        Forum = "forum", "论坛/网络";
        /// House-inspection findings (验房).
        HouseInspection = "house_inspection", "验房发现";
        /// Title-certificate problems, the weekly warning list (权证).
        TitleCertificate = "title_certificate", "权证问题";
        /// Leadership inspections (领导巡查).
        LeadershipInspection = "leadership_inspection", "领导巡查";
        /// Callbacks (回访).
        Callback = "callback", "回访";
        /// Internal reports (内部反映).
        InternalReport = "internal_report", "内部反映";
    }
}

vocabulary! {
    /// What it is about (投诉类别), for grading (R-CLS-1, R-CLS-4…8).
    pub enum Category as "category" {
        /// Staff attitude, service quality of a center or partner (服务态度).
        StaffAttitude = "staff_attitude", "服务态度";
        /// Sales promises, marketing material outside the contract (销售承诺).
        SalesPromise = "sales_promise", "销售承诺";
        /// Detail-design or planning defects (设计规划).
        DesignPlanning = "design_planning", "设计规划";
        /// Construction or material quality (工程质量).
        ConstructionQuality = "construction_quality", "工程质量";
        /// Mortgage release, payment, title certificate, mortgage processing (按揭权证).
        MortgageTitle = "mortgage_title", "按揭与权证";
        /// The property-management company's service (物业服务).
        PropertyService = "property_service", "物业服务";
        /// Anything else (其他).
        Other = "other", "其他";
    }
}

vocabulary! {
    /// A circumstance that raises the grade (R-CLS-9, R-CLS-11…14) or opens a major customer
    /// event (R-EVT-3, R-EVT-4).
    pub enum Flag as "flag" {
        /// An emergency touching life or property safety (人身财产安全突发事件).
        SafetyEmergency = "safety_emergency", "人身财产安全突发事件";
        /// A structural or safety hazard (结构或安全隐患).
        StructuralHazard = "structural_hazard", "结构或安全隐患";
        /// A group complaint during mass handover (集中交房群诉).
        MassHandover = "mass_handover", "集中交房群诉";
        /// Accepted by a government body (政府部门受理).
        Government = "government", "政府部门受理";
        /// Media involved (媒体介入).
        Media = "media", "媒体介入";
        /// Accepted by the consumer association (消协受理).
        ConsumerAssociation = "consumer_association", "消协受理";
        /// Public attention (公众关注).
        PublicAttention = "public_attention", "公众关注";
        /// Litigation (诉讼).
        Litigation = "litigation", "诉讼";
        /// Needs several centers to cooperate (需多部门协同).
        MultiDepartment = "multi_department", "需多部门协同";
    }
}

vocabulary! {
    /// A complaint's grade (投诉等级, R-CLS). Ordered: `general < important < major`, so the
    /// highest of the grades matched is their maximum.
    pub enum Grade as "grade" {
        /// General (一般).
        General = "general", "一般";
        /// Important (重要).
        Important = "important", "重要";
        /// Major (重大).
        Major = "major", "重大";
    }
}

vocabulary! {
    /// How a callback was made (回访方式, R-CB-3); every callback leaves a record.
    pub enum CallbackMethod as "callback_method" {
        /// Phone, recorded (电话).
        Phone = "phone", "电话回访";
        /// A visit; the customer signs the record (上门).
        Visit = "visit", "上门回访";
        /// On site; the customer signs the record (现场).
        OnSite = "on_site", "现场回访";
        /// Letter (信函).
        Letter = "letter", "信函回访";
        /// Email (电子邮件).
        Email = "email", "电子邮件回访";
    }
}

vocabulary! {
    /// How an apology the customer center requires is made (致歉方式, R-WO-5).
    pub enum ApologyMeans as "apology_means" {
        /// By phone (电话).
        Phone = "phone", "电话致歉";
        /// By a visit (上门).
        Visit = "visit", "上门致歉";
        /// In person (当面).
        InPerson = "in_person", "当面致歉";
        /// In writing (书面).
        Letter = "letter", "书面致歉";
        /// On the forum (论坛).
        Forum = "forum", "论坛致歉";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_in_1_channels_are_on_site_or_back_office() {
        let on_site: Vec<&str> =
            Channel::ALL.iter().filter(|c| c.is_on_site()).map(|c| c.as_str()).collect();
        assert_eq!(on_site, ["on_site_center", "on_site_property", "on_site_sales"]);
        let back_office: Vec<&str> =
            Channel::ALL.iter().filter(|c| !c.is_on_site()).map(|c| c.as_str()).collect();
        assert_eq!(back_office, ["phone", "web", "forum", "letter", "email", "visit", "other"]);
    }

    #[test]
    fn r_in_6_early_warnings_name_their_source_and_run_like_complaints() {
        let sources: Vec<&str> = WarningSource::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            sources,
            [
                "forum",
                "house_inspection",
                "title_certificate",
                "leadership_inspection",
                "callback",
                "internal_report"
            ]
        );
        let kind = ComplaintKind::EarlyWarning;
        assert!(kind.needs_warning_source() && !kind.needs_customer() && !kind.is_front_desk());
    }

    #[test]
    fn r_in_7_front_desk_kinds() {
        let front: Vec<&str> =
            ComplaintKind::ALL.iter().filter(|k| k.is_front_desk()).map(|k| k.as_str()).collect();
        assert_eq!(front, ["repair", "consultation", "help", "suggestion", "praise"]);
        let with_customer: Vec<&str> =
            ComplaintKind::ALL.iter().filter(|k| k.needs_customer()).map(|k| k.as_str()).collect();
        assert_eq!(with_customer, ["complaint", "repair"]);
    }

    #[test]
    fn grades_are_ordered_so_the_highest_wins() {
        assert!(Grade::General < Grade::Important && Grade::Important < Grade::Major);
        assert_eq!(
            [Grade::Important, Grade::Major, Grade::General].iter().max(),
            Some(&Grade::Major)
        );
        assert_eq!("major".parse::<Grade>().unwrap(), Grade::Major);
        assert_eq!(serde_json::to_string(&Grade::Important).unwrap(), "\"important\"");
    }

    #[test]
    fn r_cb_3_callback_means_and_r_wo_5_apology_means() {
        let methods: Vec<&str> = CallbackMethod::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(methods, ["phone", "visit", "on_site", "letter", "email"]);
        let means: Vec<&str> = ApologyMeans::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(means, ["phone", "visit", "in_person", "letter", "forum"]);
    }
}
