//! Who may do what to complaints, work orders and contractors: every operation and the
//! [`Permission`] it needs, as one table. The scope (which complaints) is the caller's
//! [`Reach`](crate::access::Reach) for that permission; R-CB-2 adds who should call back.

use serde::Serialize;

use super::{ComplaintAction, Grade, Snapshot, WorkOrderAction, allowed_actions};
use crate::access::Permission;

/// An operation of the complaint API other than a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Read complaints, their timeline and clocks; list them.
    ReadComplaints,
    /// Receive a complaint (`POST /complaints`).
    Receive,
    /// Change a complaint's facts or people, raise its grade by hand (`PATCH`).
    Patch,
    /// Add an internal note to the timeline.
    AddNote,
    /// Upload an attachment (what came with the complaint, or evidence).
    UploadAttachment,
    /// Download an attachment.
    ReadAttachment,
    /// Take an action of the complaint's lifecycle.
    Transition(ComplaintAction),
    /// Create a shared problem (共性问题).
    CreateProblem,
    /// Read shared problems and customer events.
    ReadCustomerEvents,
    /// Send a work order (`POST /complaints/{id}/work-orders`).
    SendWorkOrder,
    /// Read work orders; a department's queue.
    ReadWorkOrders,
    /// Take an action of a work order's lifecycle.
    WorkOrderTransition(WorkOrderAction),
    /// Read contractors (to pick one for a rectification).
    ReadContractors,
    /// Create and change contractors.
    ManageContractors,
}

impl Operation {
    /// The permission the operation needs.
    pub fn permission(self) -> Permission {
        use Permission as P;
        match self {
            Self::ReadComplaints | Self::ReadAttachment | Self::ReadCustomerEvents => {
                P::ComplaintsRead
            }
            Self::Receive | Self::UploadAttachment => P::ComplaintsReceive,
            Self::Patch | Self::AddNote | Self::CreateProblem => P::ComplaintsWork,
            Self::Transition(action) => action.permission(),
            Self::SendWorkOrder => P::WorkOrdersManage,
            Self::ReadWorkOrders | Self::ReadContractors => P::WorkOrdersRead,
            Self::WorkOrderTransition(action) => action.permission(),
            Self::ManageContractors => P::ContractorsManage,
        }
    }
}

impl ComplaintAction {
    /// The permission the action needs: approving the final plan, recording a callback and
    /// closing (archive, reopen, withdraw) have their own; everything else is work.
    pub fn permission(self) -> Permission {
        use ComplaintAction as A;
        use Permission as P;
        match self {
            A::ApprovePlan => P::ComplaintsApprove,
            A::RecordCallback => P::ComplaintsCallback,
            A::Archive | A::Reopen | A::Withdraw => P::ComplaintsClose,
            A::WriteTicket
            | A::HandOver
            | A::CollectEvidence
            | A::Handle
            | A::Escalate
            | A::ProposePlan
            | A::Agree
            | A::StartRectification
            | A::CompleteRectification
            | A::Accept
            | A::Reject
            | A::Resolve
            | A::AwaitCustomer
            | A::Resume
            | A::ReportProgress => P::ComplaintsWork,
        }
    }
}

impl WorkOrderAction {
    /// The permission the action needs: the department responds, its head approves, the
    /// customer center manages the rest.
    pub fn permission(self) -> Permission {
        use Permission as P;
        use WorkOrderAction as A;
        match self {
            A::CommitReplyTime | A::Reply | A::RecordSurvey => P::WorkOrdersRespond,
            A::ApproveReply => P::WorkOrdersApprove,
            A::AssignRectification | A::RecordAcceptance | A::Apologize | A::Close => {
                P::WorkOrdersManage
            }
        }
    }
}

/// The actions `snapshot` allows to a caller who holds the permissions `permits` says yes to
/// (within reach of the complaint): the complaint's `allowed_actions` in the API.
pub fn allowed_actions_for(
    snapshot: &Snapshot,
    permits: impl Fn(Permission) -> bool,
) -> Vec<ComplaintAction> {
    allowed_actions(snapshot).into_iter().filter(|a| permits(a.permission())).collect()
}

/// Whether the customer director calls the customer back himself (R-CB-2: every major
/// complaint). Others holding [`Permission::ComplaintsCallback`] may still record attempts;
/// the API decides whether to insist.
pub fn director_calls_back(grade: Grade) -> bool {
    grade == Grade::Major
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use crate::complaint::{ComplaintKind, ComplaintState};

    #[test]
    fn every_operation_needs_a_complaint_or_work_order_permission() {
        use Permission as P;
        let table = [
            (Operation::ReadComplaints, P::ComplaintsRead),
            (Operation::Receive, P::ComplaintsReceive),
            (Operation::Patch, P::ComplaintsWork),
            (Operation::AddNote, P::ComplaintsWork),
            (Operation::UploadAttachment, P::ComplaintsReceive),
            (Operation::ReadAttachment, P::ComplaintsRead),
            (Operation::CreateProblem, P::ComplaintsWork),
            (Operation::ReadCustomerEvents, P::ComplaintsRead),
            (Operation::SendWorkOrder, P::WorkOrdersManage),
            (Operation::ReadWorkOrders, P::WorkOrdersRead),
            (Operation::ReadContractors, P::WorkOrdersRead),
            (Operation::ManageContractors, P::ContractorsManage),
        ];
        for (operation, permission) in table {
            assert_eq!(operation.permission(), permission, "{operation:?}");
        }
        let special: Vec<(ComplaintAction, Permission)> = ComplaintAction::ALL
            .iter()
            .map(|a| (*a, Operation::Transition(*a).permission()))
            .filter(|(_, p)| *p != P::ComplaintsWork)
            .collect();
        assert_eq!(
            special,
            [
                (ComplaintAction::ApprovePlan, P::ComplaintsApprove),
                (ComplaintAction::RecordCallback, P::ComplaintsCallback),
                (ComplaintAction::Archive, P::ComplaintsClose),
                (ComplaintAction::Reopen, P::ComplaintsClose),
                (ComplaintAction::Withdraw, P::ComplaintsClose),
            ]
        );
    }

    #[test]
    fn allowed_actions_narrow_to_the_callers_permissions() {
        let snapshot = Snapshot {
            state: ComplaintState::Investigating,
            grade: Grade::General,
            kind: ComplaintKind::Complaint,
            paused_from: None,
        };
        let specialist = allowed_actions_for(&snapshot, |p| Role::CsSpecialist.permits(p));
        assert_eq!(
            specialist,
            [
                ComplaintAction::HandOver,
                ComplaintAction::Handle,
                ComplaintAction::Escalate,
                ComplaintAction::AwaitCustomer,
                ComplaintAction::ReportProgress,
            ]
        );
        let manager = allowed_actions_for(&snapshot, |p| Role::CsManager.permits(p));
        assert_eq!(manager.last(), Some(&ComplaintAction::Withdraw));
        assert_eq!(allowed_actions_for(&snapshot, |p| Role::Auditor.permits(p)), []);
    }

    #[test]
    fn r_cb_2_major_complaints_are_called_back_by_the_customer_director() {
        assert!(director_calls_back(Grade::Major));
        assert!(!director_calls_back(Grade::Important) && !director_calls_back(Grade::General));
        assert!(Role::CustomerDirector.permits(Permission::ComplaintsCallback));
    }
}
