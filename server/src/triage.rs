//! What a technician may change on a ticket from the console, and what each change causes:
//! status (through the shared status rules, as [`Actor::Technician`]), sector (a configured
//! one), priority (the SLA due times are computed again), assignee (a technician, or nobody).
//!
//! [`plan`] compares the form with the ticket: only what differs is a change, each change
//! becomes one line in the thread, and nothing is written when one of them is refused.

use chrono::{DateTime, Utc};
use ppdesk_shared::status::{
    self, Actor, Decision, Lifecycle, ReopenWindow, StatusError, StatusEvent, TicketStatus,
};
use ppdesk_shared::ticket::Priority;

/// The ticket as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageFacts {
    pub lifecycle: Lifecycle,
    pub sector: String,
    pub priority: Priority,
    /// Lower-case address.
    pub assignee: Option<String>,
}

/// What the form asks for. None: leave that field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageRequest {
    pub status: Option<TicketStatus>,
    /// Why it is resolved (only read when the status becomes resolved; mailed to the requester).
    pub resolution: Option<String>,
    pub sector: Option<String>,
    pub priority: Option<Priority>,
    /// `Some(None)`: take it off whoever has it.
    pub assignee: Option<Option<String>>,
}

/// What the rules need besides the ticket.
#[derive(Debug, Clone, Copy)]
pub struct TriageContext<'a> {
    /// The configured sectors.
    pub sectors: &'a [String],
    /// Who may be assigned (lower-case addresses).
    pub technicians: &'a [String],
    pub window: ReopenWindow,
    pub now: DateTime<Utc>,
}

/// How the status moves, as the status rules name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusStep {
    /// Resolved: the requester is told, with the reason and until when they can reopen it.
    Resolve { reason: Option<String> },
    /// Cancelled: nobody is mailed.
    Cancel,
    /// A resolved ticket back to waiting on support.
    Reopen,
    /// Waiting on the customer without a reply (e.g. asked on the phone).
    AwaitCustomer,
    /// Back to waiting on support (the customer answered some other way).
    AwaitSupport,
}

/// One field's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

/// What the changes do, for the desk to write in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriagePlan {
    pub status: Option<(Change<TicketStatus>, StatusStep)>,
    pub sector: Option<Change<String>>,
    pub priority: Option<Change<Priority>>,
    pub assignee: Option<Change<Option<String>>>,
}

impl TriagePlan {
    /// Nothing differs from the ticket as it is.
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.sector.is_none()
            && self.priority.is_none()
            && self.assignee.is_none()
    }

    /// A new priority means new SLA due times (counted from when the ticket was opened).
    pub fn recomputes_sla(&self) -> bool {
        self.priority.is_some()
    }
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    #[error("unknown sector {given:?}; the configured sectors are: {}", .configured.join(", "))]
    UnknownSector {
        given: String,
        configured: Vec<String>,
    },
    #[error("{given} is not a technician and cannot be assigned the ticket")]
    NotATechnician { given: String },
    #[error(
        "a {} ticket cannot become {} directly: reopen it first (it goes back to waiting on support)",
        .from.as_str(), .to.as_str()
    )]
    Unreachable {
        from: TicketStatus,
        to: TicketStatus,
    },
    #[error(transparent)]
    Status(#[from] StatusError),
}

/// Decides what the form's changes do to the ticket.
pub fn plan(
    facts: &TriageFacts,
    request: &TriageRequest,
    context: &TriageContext<'_>,
) -> Result<TriagePlan, TriageError> {
    let mut plan = TriagePlan::default();

    if let Some(given) = request.sector.as_deref().map(str::trim) {
        let sector = context
            .sectors
            .iter()
            .find(|s| s.eq_ignore_ascii_case(given))
            .ok_or_else(|| TriageError::UnknownSector {
                given: given.to_string(),
                configured: context.sectors.to_vec(),
            })?;
        if *sector != facts.sector {
            plan.sector = Some(Change {
                from: facts.sector.clone(),
                to: sector.clone(),
            });
        }
    }

    if let Some(priority) = request.priority
        && priority != facts.priority
    {
        plan.priority = Some(Change {
            from: facts.priority,
            to: priority,
        });
    }

    if let Some(wanted) = &request.assignee {
        let wanted = wanted
            .as_deref()
            .map(|a| a.trim().to_lowercase())
            .filter(|a| !a.is_empty());
        if let Some(address) = &wanted
            && !context.technicians.iter().any(|t| t == address)
        {
            return Err(TriageError::NotATechnician {
                given: address.clone(),
            });
        }
        if wanted != facts.assignee {
            plan.assignee = Some(Change {
                from: facts.assignee.clone(),
                to: wanted,
            });
        }
    }

    if let Some(to) = request.status {
        let from = facts.lifecycle.status;
        if to != from {
            let step = status_step(facts.lifecycle, to, request.resolution.as_deref(), context)?;
            plan.status = Some((Change { from, to }, step));
        }
    }
    Ok(plan)
}

/// The status event that takes a ticket from where it is to `to`, checked by the status rules.
fn status_step(
    lifecycle: Lifecycle,
    to: TicketStatus,
    resolution: Option<&str>,
    context: &TriageContext<'_>,
) -> Result<StatusStep, TriageError> {
    use TicketStatus::{Cancelled, Resolved, WaitingOnCustomer, WaitingOnSupport};
    let from = lifecycle.status;
    let unreachable = TriageError::Unreachable { from, to };
    let reason = resolution
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let (event, step) = match (from, to) {
        (_, Resolved) => (
            StatusEvent::Resolve {
                reason: reason.clone(),
            },
            StatusStep::Resolve { reason },
        ),
        (_, Cancelled) => (StatusEvent::Cancel, StatusStep::Cancel),
        (Resolved | Cancelled, WaitingOnSupport) => (StatusEvent::Reopen, StatusStep::Reopen),
        (WaitingOnCustomer, WaitingOnSupport) => (
            StatusEvent::TechnicianReply {
                awaiting_customer: false,
            },
            StatusStep::AwaitSupport,
        ),
        (WaitingOnSupport, WaitingOnCustomer) => (
            StatusEvent::TechnicianReply {
                awaiting_customer: true,
            },
            StatusStep::AwaitCustomer,
        ),
        _ => return Err(unreachable),
    };
    let decision = status::decide(
        &lifecycle,
        Actor::Technician,
        &event,
        context.window,
        context.now,
    )?;
    let lands_on = match decision {
        Decision::MoveTo(status) => Some(status),
        Decision::Reopen => Some(WaitingOnSupport),
        Decision::Unchanged | Decision::OpenLinkedTicket => None,
    };
    if lands_on == Some(to) {
        Ok(step)
    } else {
        Err(unreachable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketStatus::{Cancelled, Resolved, WaitingOnCustomer, WaitingOnSupport};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_764_000_000, 0).unwrap()
    }

    fn facts(status: TicketStatus) -> TriageFacts {
        TriageFacts {
            lifecycle: Lifecycle {
                status,
                resolved_at: (status == Resolved).then(|| now() - chrono::TimeDelta::days(30)),
            },
            sector: "Helpdesk".into(),
            priority: Priority::Normal,
            assignee: None,
        }
    }

    fn plan_for(facts: &TriageFacts, request: TriageRequest) -> Result<TriagePlan, TriageError> {
        let sectors = vec!["Helpdesk".to_string(), "Mago".to_string()];
        let technicians = vec!["anna@projectpp.it".to_string()];
        plan(
            facts,
            &request,
            &TriageContext {
                sectors: &sectors,
                technicians: &technicians,
                window: ReopenWindow::days(7),
                now: now(),
            },
        )
    }

    fn to_status(status: TicketStatus) -> TriageRequest {
        TriageRequest {
            status: Some(status),
            ..TriageRequest::default()
        }
    }

    #[test]
    fn the_same_values_change_nothing() {
        let f = facts(WaitingOnSupport);
        let same = TriageRequest {
            status: Some(WaitingOnSupport),
            resolution: None,
            sector: Some("helpdesk".into()),
            priority: Some(Priority::Normal),
            assignee: Some(None),
        };
        let plan = plan_for(&f, same).unwrap();
        assert!(plan.is_empty(), "{plan:?}");
        assert!(!plan.recomputes_sla());
    }

    #[test]
    fn sector_must_be_configured_and_is_spelled_as_configured() {
        let f = facts(WaitingOnSupport);
        let plan = plan_for(
            &f,
            TriageRequest {
                sector: Some(" mago ".into()),
                ..TriageRequest::default()
            },
        )
        .unwrap();
        assert_eq!(
            plan.sector,
            Some(Change {
                from: "Helpdesk".into(),
                to: "Mago".into()
            })
        );
        let refused = plan_for(
            &f,
            TriageRequest {
                sector: Some("Contabilità".into()),
                ..TriageRequest::default()
            },
        );
        let err = refused.unwrap_err();
        assert!(matches!(err, TriageError::UnknownSector { .. }));
        assert!(err.to_string().contains("Helpdesk, Mago"), "{err}");
    }

    #[test]
    fn a_new_priority_recomputes_the_sla() {
        let plan = plan_for(
            &facts(WaitingOnCustomer),
            TriageRequest {
                priority: Some(Priority::Urgent),
                ..TriageRequest::default()
            },
        )
        .unwrap();
        assert_eq!(
            plan.priority,
            Some(Change {
                from: Priority::Normal,
                to: Priority::Urgent
            })
        );
        assert!(plan.recomputes_sla());
    }

    #[test]
    fn only_technicians_are_assigned_and_anyone_can_be_unassigned() {
        let f = facts(WaitingOnSupport);
        let assign = |who: Option<&str>| {
            plan_for(
                &f,
                TriageRequest {
                    assignee: Some(who.map(str::to_string)),
                    ..TriageRequest::default()
                },
            )
        };
        assert_eq!(
            assign(Some(" Anna@ProjectPP.it")).unwrap().assignee,
            Some(Change {
                from: None,
                to: Some("anna@projectpp.it".into())
            })
        );
        assert_eq!(
            assign(Some("mario.rossi@acme.it")),
            Err(TriageError::NotATechnician {
                given: "mario.rossi@acme.it".into()
            })
        );
        let mut assigned = f.clone();
        assigned.assignee = Some("anna@projectpp.it".into());
        let cleared = plan_for(
            &assigned,
            TriageRequest {
                assignee: Some(Some("  ".into())),
                ..TriageRequest::default()
            },
        )
        .unwrap();
        assert_eq!(
            cleared.assignee,
            Some(Change {
                from: Some("anna@projectpp.it".into()),
                to: None
            })
        );
    }

    #[test]
    fn status_moves_follow_the_status_rules() {
        let step = |from, to| {
            plan_for(&facts(from), to_status(to)).map(|p| p.status.map(|(_, step)| step))
        };
        assert_eq!(
            step(WaitingOnSupport, Resolved),
            Ok(Some(StatusStep::Resolve { reason: None }))
        );
        assert_eq!(
            step(WaitingOnCustomer, Cancelled),
            Ok(Some(StatusStep::Cancel))
        );
        assert_eq!(
            step(WaitingOnSupport, WaitingOnCustomer),
            Ok(Some(StatusStep::AwaitCustomer))
        );
        assert_eq!(
            step(WaitingOnCustomer, WaitingOnSupport),
            Ok(Some(StatusStep::AwaitSupport))
        );
        // A technician may reopen after the customer's window closed (30 days here).
        assert_eq!(
            step(Resolved, WaitingOnSupport),
            Ok(Some(StatusStep::Reopen))
        );
        assert_eq!(
            step(Resolved, WaitingOnCustomer),
            Err(TriageError::Unreachable {
                from: Resolved,
                to: WaitingOnCustomer
            })
        );
        assert!(matches!(
            step(Cancelled, WaitingOnSupport),
            Err(TriageError::Status(StatusError::NotAllowed { .. }))
        ));
        assert!(matches!(
            step(Resolved, Cancelled),
            Err(TriageError::Status(StatusError::NotAllowed { .. }))
        ));
        assert_eq!(step(Resolved, Resolved), Ok(None));
    }

    #[test]
    fn the_resolution_reason_goes_with_the_resolve_step() {
        let plan = plan_for(
            &facts(WaitingOnSupport),
            TriageRequest {
                status: Some(Resolved),
                resolution: Some("  Aggiornato Mago4 ".into()),
                ..TriageRequest::default()
            },
        )
        .unwrap();
        assert_eq!(
            plan.status,
            Some((
                Change {
                    from: WaitingOnSupport,
                    to: Resolved
                },
                StatusStep::Resolve {
                    reason: Some("Aggiornato Mago4".into())
                }
            ))
        );
    }

    #[test]
    fn one_refused_change_refuses_the_whole_form() {
        let refused = plan_for(
            &facts(Cancelled),
            TriageRequest {
                status: Some(WaitingOnSupport),
                priority: Some(Priority::High),
                ..TriageRequest::default()
            },
        );
        assert!(refused.is_err());
    }
}
