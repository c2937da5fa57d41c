//! Approvals (审批, RULES.md §5): the matrix that says who reviews and who approves a document
//! by its kind, its grade and its money; the route a request takes through it; and how the
//! decisions on a step add up (countersign 会签 or any one of several roles).
//!
//! - [`Matrix::route`]: the steps a request would take (R-AP table, R-AP-3, R-AP-4).
//! - [`Progress`]: where a request stands after its decisions (R-AP-1 countersign).
//! - [`presets`]: `jinyu-2012` (the R-AP table) and `service-fund` (R-AP-3).

mod matrix;
pub mod presets;
mod progress;
mod vocab;

pub use matrix::{GradeMatch, Matrix, MatrixProblem, Row, Step};
pub use progress::{Credit, Progress, StepDecision};
pub use vocab::{
    ApprovalState, CommitteeForm, CommitteeState, Decision, DisbursementState, DocumentKind,
    FundSource, FundUse, StepKind, StepMode,
};
