//! One test per rule of RULES.md §1 (R-CLS, R-EVT), named by its ID, on the default policy.

use super::*;
use crate::complaint::{Category as C, Flag as F, Grade as G};

fn grade(category: Option<C>, amount: i64, flags: &[F]) -> Grading {
    let facts = Facts { category, amount_claimed_fen: amount, flags, in_customer_event: false };
    GradingPolicy::default().classify(&facts)
}

fn is(grading: Grading, grade: G, rules: &[&str]) {
    assert_eq!(
        grading,
        Grading { grade, grade_rules: rules.iter().map(|r| (*r).into()).collect() }
    );
}

#[test]
fn r_cls_1_staff_attitude_is_general() {
    is(grade(Some(C::StaffAttitude), 0, &[]), G::General, &["R-CLS-1"]);
}

#[test]
fn r_cls_2_amounts_below_500_cny_are_general() {
    is(grade(None, 1, &[]), G::General, &["R-CLS-2"]);
    is(grade(None, 49_999, &[]), G::General, &["R-CLS-2"]);
    is(grade(Some(C::StaffAttitude), 20_000, &[]), G::General, &["R-CLS-1", "R-CLS-2"]);
}

#[test]
fn r_cls_3_nothing_matched_is_general() {
    is(grade(None, 0, &[]), G::General, &["R-CLS-3"]);
    is(grade(Some(C::Other), 0, &[]), G::General, &["R-CLS-3"]);
    assert_eq!(grade(Some(C::Other), 1, &[]).grade_rules, ["R-CLS-2"], "only when nothing matched");
}

#[test]
fn r_cls_4_sales_promises_are_important() {
    is(grade(Some(C::SalesPromise), 0, &[]), G::Important, &["R-CLS-4"]);
}

#[test]
fn r_cls_5_design_and_planning_defects_are_important() {
    is(grade(Some(C::DesignPlanning), 0, &[]), G::Important, &["R-CLS-5"]);
}

#[test]
fn r_cls_6_construction_quality_without_hazard_is_important() {
    is(grade(Some(C::ConstructionQuality), 0, &[]), G::Important, &["R-CLS-6"]);
}

#[test]
fn r_cls_7_mortgage_and_title_are_important() {
    is(grade(Some(C::MortgageTitle), 0, &[]), G::Important, &["R-CLS-7"]);
}

#[test]
fn r_cls_8_property_service_is_important() {
    is(grade(Some(C::PropertyService), 0, &[]), G::Important, &["R-CLS-8"]);
}

#[test]
fn r_cls_9_several_centers_are_important() {
    is(grade(None, 0, &[F::MultiDepartment]), G::Important, &["R-CLS-9"]);
}

#[test]
fn r_cls_10_amounts_from_500_to_below_10000_cny_are_important() {
    is(grade(None, 50_000, &[]), G::Important, &["R-CLS-10"]);
    is(grade(None, 999_999, &[]), G::Important, &["R-CLS-10"]);
}

#[test]
fn r_cls_11_safety_emergencies_are_major() {
    is(grade(None, 0, &[F::SafetyEmergency]), G::Major, &["R-CLS-11"]);
}

#[test]
fn r_cls_12_mass_handover_group_complaints_are_major() {
    is(grade(None, 0, &[F::MassHandover]), G::Major, &["R-CLS-12"]);
}

#[test]
fn r_cls_13_government_media_consumer_association_public_attention_are_major() {
    for flag in [F::Government, F::ConsumerAssociation, F::PublicAttention] {
        is(grade(None, 0, &[flag]), G::Major, &["R-CLS-13"]);
    }
    is(grade(None, 0, &[F::Government, F::PublicAttention]), G::Major, &["R-CLS-13"]);
    is(grade(None, 0, &[F::Media]), G::Major, &["R-CLS-13", "R-EVT-3"]);
}

#[test]
fn r_cls_14_structural_or_safety_hazards_are_major() {
    is(grade(Some(C::ConstructionQuality), 0, &[F::StructuralHazard]), G::Major, &["R-CLS-14"]);
}

#[test]
fn r_cls_15_amounts_from_10000_cny_are_major() {
    is(grade(None, 1_000_000, &[]), G::Major, &["R-CLS-15"]);
    is(grade(None, 1_999_999, &[]), G::Major, &["R-CLS-15"]);
}

#[test]
fn amount_boundaries() {
    let cases = [
        (0, G::General, "R-CLS-3"),
        (1, G::General, "R-CLS-2"),
        (49_999, G::General, "R-CLS-2"),
        (50_000, G::Important, "R-CLS-10"),
        (999_999, G::Important, "R-CLS-10"),
        (1_000_000, G::Major, "R-CLS-15"),
    ];
    for (amount, expected, rule) in cases {
        is(grade(None, amount, &[]), expected, &[rule]);
    }
    is(grade(None, -5, &[]), G::General, &["R-CLS-3"]);
}

#[test]
fn the_highest_grade_wins_and_lists_only_its_rules() {
    is(grade(Some(C::StaffAttitude), 60_000, &[]), G::Important, &["R-CLS-10"]);
    is(
        grade(Some(C::SalesPromise), 2_000, &[F::SafetyEmergency, F::MultiDepartment]),
        G::Major,
        &["R-CLS-11"],
    );
}

#[test]
fn grade_rules_ascend_by_number_not_by_text() {
    is(
        grade(Some(C::MortgageTitle), 50_000, &[F::MultiDepartment]),
        G::Important,
        &["R-CLS-7", "R-CLS-9", "R-CLS-10"],
    );
    is(
        grade(None, 2_000_000, &[F::Litigation, F::StructuralHazard, F::Media, F::MassHandover]),
        G::Major,
        &["R-CLS-12", "R-CLS-13", "R-CLS-14", "R-CLS-15", "R-EVT-2", "R-EVT-3", "R-EVT-4"],
    );
}

#[test]
fn r_evt_1_a_complaint_of_a_households_event_is_major() {
    let facts = Facts {
        category: Some(C::ConstructionQuality),
        amount_claimed_fen: 0,
        flags: &[],
        in_customer_event: true,
    };
    is(GradingPolicy::default().classify(&facts), G::Major, &["R-EVT-1"]);
    let facts = Facts { flags: &[F::SafetyEmergency], ..facts };
    is(GradingPolicy::default().classify(&facts), G::Major, &["R-CLS-11", "R-EVT-1"]);
    assert_eq!(GradingPolicy::default().event_households, 10);
}

#[test]
fn r_evt_2_two_million_fen_opens_an_event() {
    let policy = GradingPolicy::default();
    let at = |amount| Facts { amount_claimed_fen: amount, ..Facts::default() };
    assert_eq!(policy.opens_customer_event(&at(1_999_999)), Vec::<String>::new());
    assert_eq!(policy.opens_customer_event(&at(2_000_000)), ["R-EVT-2"]);
    is(grade(None, 2_000_000, &[]), G::Major, &["R-CLS-15", "R-EVT-2"]);
    is(grade(None, 1_999_999, &[]), G::Major, &["R-CLS-15"]);
}

#[test]
fn r_evt_3_media_opens_an_event() {
    let facts = Facts { flags: &[F::Media], ..Facts::default() };
    assert_eq!(GradingPolicy::default().opens_customer_event(&facts), ["R-EVT-3"]);
}

#[test]
fn r_evt_4_litigation_is_major_and_opens_an_event() {
    let facts = Facts { flags: &[F::Litigation], ..Facts::default() };
    assert_eq!(GradingPolicy::default().opens_customer_event(&facts), ["R-EVT-4"]);
    is(grade(Some(C::StaffAttitude), 100, &[F::Litigation]), G::Major, &["R-EVT-4"]);
}

#[test]
fn event_rules_are_listed_but_do_not_grade_by_themselves() {
    // A group that grades only by category still lists the event a large claim opens.
    let policy = GradingPolicy { amount_bands: Vec::new(), ..GradingPolicy::default() };
    let facts = Facts { amount_claimed_fen: 3_000_000, ..Facts::default() };
    is(policy.classify(&facts), G::General, &["R-CLS-3", "R-EVT-2"]);
}

#[test]
fn the_default_policy_is_valid_and_a_document() {
    let policy = GradingPolicy::default();
    assert_eq!(policy.validate(), vec![]);
    let json = serde_json::to_value(&policy).unwrap();
    assert_eq!(json["amount_bands"][1]["from_fen"], 50_000);
    assert_eq!(json["categories"][1]["category"], "sales_promise");
    assert_eq!(json["event_flags"][0]["rule_id"], "R-EVT-3");
    let back: GradingPolicy = serde_json::from_value(json).unwrap();
    assert_eq!(back, policy);
}

#[test]
fn a_bad_policy_names_each_problem() {
    let mut policy = GradingPolicy::default();
    policy.amount_bands[0].from_fen = 0;
    policy.amount_bands[2].from_fen = 50_000;
    policy.amount_bands[2].grade = G::General;
    policy.categories[1].rule_id = "CLS-4".into();
    policy.flags.push(policy.flags[0].clone());
    policy.categories.push(policy.categories[0].clone());
    policy.event_households = 0;
    policy.event_amount_fen = -1;
    let problems: Vec<(String, &str)> =
        policy.validate().into_iter().map(|p| (p.path, p.code)).collect();
    let expected = [
        ("amount_bands[0].from_fen", "not_positive"),
        ("amount_bands[2].from_fen", "not_ascending"),
        ("amount_bands[2].grade", "grade_descending"),
        ("categories[1].rule_id", "invalid_rule_id"),
        ("categories[6].category", "duplicate_category"),
        ("flags[9].flag", "duplicate_flag"),
        ("event_households", "not_positive"),
        ("event_amount_fen", "not_positive"),
    ];
    let expected: Vec<(String, &str)> = expected.iter().map(|(p, c)| ((*p).into(), *c)).collect();
    assert_eq!(problems, expected);
}
