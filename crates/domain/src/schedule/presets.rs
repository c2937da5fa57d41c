//! The shipped definitions: R-RP-1 … R-RP-12 as RULES.md §7 states them (004 §4.7.6–7,
//! §4.9.6, §4.11.8; 000 ch.4 and annex 2; 003).

use chrono::NaiveTime;

use super::definition::Time;
use super::{
    Cadence, DueRule, ReportDefinition, ReportDefinitions, Responsible, Section, SectionKind,
};
use crate::{access::Role, calendar::DayOfWeek, org::DepartmentKind};

fn at(hour: u32) -> Option<Time> {
    NaiveTime::from_hms_opt(hour, 0, 0).map(Time)
}

fn weekly(weekday: DayOfWeek, hour: u32) -> DueRule {
    DueRule { weekday: Some(weekday), months: None, day: None, time: at(hour) }
}

fn after(months: u32, day: u32, time: Option<Time>) -> DueRule {
    DueRule { weekday: None, months: Some(months), day: Some(day), time }
}

fn section(key: &str, label_zh: &str, kind: SectionKind, required: bool) -> Section {
    Section { key: key.into(), label_zh: label_zh.into(), kind, required }
}

/// The complaint statements' template (R-RP-1/2/3/11): figures pre-filled, then analysis.
fn statement_sections() -> Vec<Section> {
    vec![
        section("figures", "数据统计", SectionKind::Figures, true),
        section("analysis", "分析", SectionKind::Text, true),
        section("measures", "改进措施", SectionKind::Text, false),
    ]
}

/// The typical case template (R-RP-7, 000 annex 2 §3): story with photos, analysis,
/// measures, lessons.
fn case_sections() -> Vec<Section> {
    vec![
        section("story", "事件经过", SectionKind::Text, true),
        section("photos", "照片", SectionKind::Photos, false),
        section("analysis", "分析", SectionKind::Text, true),
        section("measures", "处理措施", SectionKind::Text, true),
        section("lessons", "经验教训", SectionKind::Text, true),
    ]
}

/// A generic report: its content, then problems and suggestions (000 annex 2).
fn report_sections() -> Vec<Section> {
    vec![
        section("content", "报告内容", SectionKind::Text, true),
        section("problems", "存在问题", SectionKind::Text, false),
        section("suggestions", "想法及建议", SectionKind::Text, false),
    ]
}

struct Preset {
    code: &'static str,
    rule: &'static str,
    label: &'static str,
    cadence: Cadence,
    due: DueRule,
    owner: Owner,
    role: Role,
}

/// Who owes a preset.
#[derive(Clone, Copy)]
enum Owner {
    Center,
    Kind(DepartmentKind),
    Project,
}

/// The four complaint statements of one role (R-RP-1, R-RP-2, R-RP-3).
fn statements(
    prefix: &'static [&'static str; 4],
    rule: &'static str,
    labels: &'static [&'static str; 4],
    dues: [DueRule; 4],
    role: Role,
) -> Vec<Preset> {
    let cadences = [Cadence::Weekly, Cadence::Monthly, Cadence::Quarterly, Cadence::Annual];
    dues.into_iter()
        .enumerate()
        .map(|(i, due)| Preset {
            code: prefix[i],
            rule,
            label: labels[i],
            cadence: cadences[i],
            due,
            owner: Owner::Center,
            role,
        })
        .collect()
}

/// Every preset, in rule order.
pub fn presets() -> ReportDefinitions {
    use Cadence::*;
    use DayOfWeek::*;
    let noon = || at(12);
    let four = || at(16);
    let mut all = statements(
        &["rp1_weekly", "rp1_monthly", "rp1_quarterly", "rp1_annual"],
        "R-RP-1",
        &["投诉处理周报表", "投诉处理月报表", "投诉处理季报表", "投诉处理年报表"],
        [weekly(Friday, 12), after(1, 1, noon()), after(3, 1, noon()), after(12, 5, None)],
        Role::CsSpecialist,
    );
    all.extend(statements(
        &["rp2_weekly", "rp2_monthly", "rp2_quarterly", "rp2_annual"],
        "R-RP-2",
        &["汇总周报表", "汇总月报表", "汇总季报表", "汇总年报表"],
        [weekly(Friday, 16), after(1, 1, four()), after(3, 1, four()), after(12, 8, None)],
        Role::CsSpecialist,
    ));
    all.extend(statements(
        &["rp3_weekly", "rp3_monthly", "rp3_quarterly", "rp3_annual"],
        "R-RP-3",
        &["客户总监周报表", "客户总监月报表", "客户总监季报表", "投诉处理年度分析报告"],
        [weekly(Monday, 12), after(1, 2, four()), after(3, 2, four()), after(12, 15, None)],
        Role::CustomerDirector,
    ));
    let one = |code, rule, label, cadence, due, owner, role| Preset {
        code,
        rule,
        label,
        cadence,
        due,
        owner,
        role,
    };
    let brokerage = Owner::Kind(DepartmentKind::Brokerage);
    all.extend([
        // With the monthly, quarterly and annual statements (004 §4.2.1.5, §4.9.6).
        one(
            "rp4_monthly",
            "R-RP-4",
            "典型案例月度分析",
            Monthly,
            after(1, 1, noon()),
            Owner::Center,
            Role::CsSpecialist,
        ),
        one(
            "rp4_quarterly",
            "R-RP-4",
            "典型事件季度分析",
            Quarterly,
            after(3, 1, noon()),
            Owner::Center,
            Role::CsSpecialist,
        ),
        one(
            "rp4_annual",
            "R-RP-4",
            "典型事件年度分析",
            Annual,
            after(12, 5, None),
            Owner::Center,
            Role::CsSpecialist,
        ),
        one(
            "rp6",
            "R-RP-6",
            "产权证和抵押登记办理情况报告",
            Quarterly,
            after(2, 25, None),
            brokerage,
            Role::BrokerageStaff,
        ),
        one(
            "rp7",
            "R-RP-7",
            "典型客户投诉处理案例报告",
            Quarterly,
            after(2, 25, None),
            Owner::Project,
            Role::CsSpecialist,
        ),
        one(
            "rp8",
            "R-RP-8",
            "客户退房分析报告",
            Quarterly,
            after(2, 25, None),
            brokerage,
            Role::BrokerageStaff,
        ),
        one(
            "rp9",
            "R-RP-9",
            "客户分析报告",
            HalfYearly,
            after(6, 25, None),
            brokerage,
            Role::BrokerageStaff,
        ),
        one(
            "rp10_annual",
            "R-RP-10",
            "年度客户满意度调查报告",
            Annual,
            after(12, 25, None),
            Owner::Project,
            Role::CsSpecialist,
        ),
        one(
            "rp10_move_in",
            "R-RP-10",
            "入住满意度调查报告",
            MoveIn,
            DueRule { weekday: None, months: Some(3), day: None, time: None },
            Owner::Project,
            Role::CsSpecialist,
        ),
        one(
            "rp11",
            "R-RP-11",
            "客户投诉分析报告",
            Annual,
            after(12, 25, None),
            Owner::Project,
            Role::CsSpecialist,
        ),
        one(
            "rp12",
            "R-RP-12",
            "节点回访汇总",
            Monthly,
            after(1, 10, None),
            Owner::Center,
            Role::CsSpecialist,
        ),
    ]);
    let definitions = all
        .into_iter()
        .map(|p| {
            let prefill = matches!(p.rule, "R-RP-1" | "R-RP-2" | "R-RP-3" | "R-RP-11");
            let sections = match p.rule {
                _ if prefill => statement_sections(),
                "R-RP-4" | "R-RP-7" => case_sections(),
                _ => report_sections(),
            };
            let (responsible, department_kind) = match p.owner {
                Owner::Center => (Responsible::Department, Some(DepartmentKind::CustomerCenter)),
                Owner::Kind(kind) => (Responsible::Department, Some(kind)),
                Owner::Project => (Responsible::Project, None),
            };
            ReportDefinition {
                code: p.code.into(),
                rule_id: p.rule.into(),
                label_zh: p.label.into(),
                cadence: p.cadence,
                due: p.due,
                responsible,
                department_kind,
                preparing_role: p.role,
                sections,
                prefill,
                remind_hours_before: if p.cadence == Weekly { 4 } else { 24 },
                active: true,
            }
        })
        .collect();
    ReportDefinitions { definitions }
}
