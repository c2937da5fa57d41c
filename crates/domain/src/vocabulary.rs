//! The vocabulary of the API: every enumerated value a client sends or reads (grades, states,
//! kinds, roles, …), defined once with its API and database text and its Chinese label. The
//! same definitions give the parsing, the serde form, the OpenAPI schema (feature `openapi`)
//! and the catalogue that `GET /api/v1/vocabularies` publishes for front ends.

use std::fmt;

/// A text that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownName {
    /// Which vocabulary.
    pub what: &'static str,
    /// The offending value.
    pub value: String,
}

/// One value of a vocabulary, as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Term {
    /// The API and database text.
    pub value: &'static str,
    /// Its label for people (中文).
    pub label_zh: &'static str,
}

/// An enumeration of the API.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Its name in the catalogue (`company_kind`).
    const NAME: &'static str;
    /// Every value, in API order.
    const ALL: &'static [Self];
    /// The API and database text.
    fn as_str(self) -> &'static str;
    /// The Chinese label.
    fn label_zh(self) -> &'static str;
    /// Every value with its label.
    fn terms() -> Vec<Term> {
        Self::ALL.iter().map(|v| Term { value: v.as_str(), label_zh: v.label_zh() }).collect()
    }
}

/// Formats a vocabulary value as its API text.
pub fn display<V: Vocabulary>(v: V, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(v.as_str())
}

/// Parses the API text of a vocabulary value.
pub fn parse<V: Vocabulary>(s: &str) -> Result<V, UnknownName> {
    V::ALL
        .iter()
        .copied()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| UnknownName { what: V::NAME, value: s.to_owned() })
}

/// Defines an enumeration of the API: each variant with its text and its Chinese label.
///
/// ```ignore
/// vocabulary! {
///     /// What a company does.
///     pub enum CompanyKind as "company_kind" {
///         /// Developer.
///         Developer = "developer", "开发商";
///     }
/// }
/// ```
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $vis:vis enum $name:ident as $key:tt {
        $($(#[$vmeta:meta])* $variant:ident = $value:tt, $label:tt;)+
    }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $value)] $variant,)+
        }

        impl $crate::vocabulary::Vocabulary for $name {
            const NAME: &'static str = $key;
            const ALL: &'static [Self] = &[$(Self::$variant,)+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value,)+ }
            }
            fn label_zh(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }
        }

        impl $name {
            /// Every value, in API order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The API and database text.
            pub fn as_str(self) -> &'static str {
                $crate::vocabulary::Vocabulary::as_str(self)
            }

            /// The label for people (中文).
            pub fn label_zh(self) -> &'static str {
                $crate::vocabulary::Vocabulary::label_zh(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                $crate::vocabulary::display(*self, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::vocabulary::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::vocabulary::UnknownName;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $crate::vocabulary::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }
    };
}

/// One vocabulary as published: its name and its values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Published {
    /// Its name (`grade`, `role`, …).
    pub name: &'static str,
    /// Its values, in API order.
    pub values: Vec<Term>,
}

fn published<V: Vocabulary>() -> Published {
    Published { name: V::NAME, values: V::terms() }
}

/// Every vocabulary of the API, for `GET /api/v1/vocabularies`.
pub fn catalogue() -> Vec<Published> {
    use crate::complaint::{self, work_order};
    use crate::{access, approval, calendar, org, sla, survey, work_plan};
    vec![
        published::<access::Role>(),
        published::<access::ScopeKind>(),
        published::<access::GrantScope>(),
        published::<access::PrincipalKind>(),
        published::<org::CompanyKind>(),
        published::<org::DepartmentKind>(),
        published::<calendar::CalendarDayKind>(),
        published::<calendar::Coverage>(),
        published::<calendar::DayOfWeek>(),
        published::<sla::ClockState>(),
        published::<complaint::ComplaintKind>(),
        published::<complaint::Channel>(),
        published::<complaint::WarningSource>(),
        published::<complaint::Category>(),
        published::<complaint::Flag>(),
        published::<complaint::Grade>(),
        published::<complaint::ComplaintState>(),
        published::<complaint::ComplaintAction>(),
        published::<complaint::CallbackMethod>(),
        published::<crate::callback::CallbackReason>(),
        published::<crate::callback::CallbackState>(),
        published::<crate::callback::CallbackOutcome>(),
        published::<crate::callback::Dissatisfaction>(),
        published::<crate::schedule::Cadence>(),
        published::<crate::schedule::Responsible>(),
        published::<crate::schedule::SectionKind>(),
        published::<crate::schedule::ObligationState>(),
        published::<crate::schedule::ObligationAction>(),
        published::<complaint::ApologyMeans>(),
        published::<work_order::WorkOrderState>(),
        published::<work_order::WarrantyCover>(),
        published::<work_order::WorkOrderAction>(),
        published::<approval::DocumentKind>(),
        published::<approval::GradeMatch>(),
        published::<approval::StepKind>(),
        published::<approval::StepMode>(),
        published::<approval::ApprovalState>(),
        published::<approval::Decision>(),
        published::<approval::FundSource>(),
        published::<approval::FundUse>(),
        published::<approval::DisbursementState>(),
        published::<approval::CommitteeForm>(),
        published::<approval::CommitteeState>(),
        published::<survey::SurveyDimension>(),
        published::<survey::SurveyState>(),
        published::<survey::SurveyAction>(),
        published::<survey::ClockResult>(),
        published::<survey::plan::PlanState>(),
        published::<survey::plan::PlanAction>(),
        published::<work_plan::WorkPlanKind>(),
        published::<work_plan::WorkPlanState>(),
        published::<work_plan::WorkPlanAction>(),
        published::<crate::stats::StatsGroup>(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_round_trips_and_is_labelled() {
        let catalogue = catalogue();
        let mut names: Vec<&str> = catalogue.iter().map(|v| v.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), catalogue.len(), "vocabulary names are unique");
        for vocabulary in &catalogue {
            assert!(!vocabulary.values.is_empty(), "{}", vocabulary.name);
            for term in &vocabulary.values {
                assert!(!term.label_zh.is_empty(), "{}.{}", vocabulary.name, term.value);
                assert!(
                    term.value.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{}: {} is snake_case",
                    vocabulary.name,
                    term.value
                );
            }
        }
        let kind: crate::org::CompanyKind = "property_management".parse().unwrap();
        assert_eq!(kind.as_str(), "property_management");
        assert_eq!(kind.label_zh(), "物业公司");
        assert_eq!(serde_json::to_string(&kind).unwrap(), "\"property_management\"");
        let err = "tenant".parse::<crate::org::CompanyKind>().unwrap_err();
        assert_eq!(err.what, "company_kind");
    }
}
