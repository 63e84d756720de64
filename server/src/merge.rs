//! What merging a duplicate ticket A into ticket B does, and when it is refused.
//!
//! A merge moves A's whole thread (messages with their attachments, and the Message-IDs that
//! thread replies) to B; A's requester and participants join B so their next mails are taken
//! there; A becomes cancelled with a link to B; A's requester is mailed B's number. Refused:
//! merging a ticket into itself, a ticket already merged, into a merged or cancelled ticket,
//! a closed duplicate, and — unless the technician confirms — across organisations, because
//! whoever joins B may then read B's whole thread.

use ppdesk_shared::status::TicketStatus;

/// One side of a merge, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeSide {
    pub number: u64,
    pub status: TicketStatus,
    /// Set when this ticket was itself merged into another one.
    pub merged_into: Option<u64>,
    pub organisation: Option<String>,
    /// Lower-case address.
    pub requester: String,
    /// Lower-case To/CC addresses that may write to the ticket.
    pub participants: Vec<String>,
}

/// What a merge writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePlan {
    /// The duplicate (A): its messages move, it becomes cancelled and points to `target`.
    pub source: u64,
    /// The ticket that stays (B).
    pub target: u64,
    /// A's status before the merge (the status rules' Cancel applies to open tickets only).
    pub source_was: TicketStatus,
    /// Addresses that become participants of B (A's requester and participants, minus those
    /// B already has).
    pub joining: Vec<String>,
    /// Who is mailed B's number: A's requester.
    pub notify: String,
    /// The two tickets belong to different organisations (the technician confirmed).
    pub cross_organisation: bool,
}

/// Why a merge was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeRefusal {
    #[error("a ticket cannot be merged into itself")]
    SameTicket,
    #[error("ticket {source_ticket} was already merged into ticket {into}")]
    SourceMerged { source_ticket: u64, into: u64 },
    #[error("ticket {target} was merged into ticket {into}: merge into {into} instead")]
    TargetMerged { target: u64, into: u64 },
    #[error("ticket {target} is cancelled: a duplicate cannot be merged into it")]
    TargetCancelled { target: u64 },
    #[error(
        "ticket {source_ticket} is {}: only an open ticket can be merged away (reopen it first)",
        .status.as_str()
    )]
    SourceClosed {
        source_ticket: u64,
        status: TicketStatus,
    },
    /// Not a refusal for good: the form asks again with a confirmation box.
    #[error(
        "ticket {source_ticket} belongs to {} and ticket {target} to {}: its people would see \
         the other organisation's thread; confirm to merge anyway",
        .source_organisation.as_deref().unwrap_or("no organisation"),
        .target_organisation.as_deref().unwrap_or("no organisation")
    )]
    CrossOrganisation {
        source_ticket: u64,
        target: u64,
        source_organisation: Option<String>,
        target_organisation: Option<String>,
    },
}

/// Decides the merge of `source` (A) into `target` (B). `confirmed_cross_organisation`: the
/// technician ticked "merge anyway" after being told the organisations differ.
pub fn plan(
    source: &MergeSide,
    target: &MergeSide,
    confirmed_cross_organisation: bool,
) -> Result<MergePlan, MergeRefusal> {
    if source.number == target.number {
        return Err(MergeRefusal::SameTicket);
    }
    if let Some(into) = source.merged_into {
        return Err(MergeRefusal::SourceMerged {
            source_ticket: source.number,
            into,
        });
    }
    if let Some(into) = target.merged_into {
        return Err(MergeRefusal::TargetMerged {
            target: target.number,
            into,
        });
    }
    if target.status == TicketStatus::Cancelled {
        return Err(MergeRefusal::TargetCancelled {
            target: target.number,
        });
    }
    if !source.status.is_open() {
        return Err(MergeRefusal::SourceClosed {
            source_ticket: source.number,
            status: source.status,
        });
    }
    let cross_organisation = !same_organisation(source, target);
    if cross_organisation && !confirmed_cross_organisation {
        return Err(MergeRefusal::CrossOrganisation {
            source_ticket: source.number,
            target: target.number,
            source_organisation: source.organisation.clone(),
            target_organisation: target.organisation.clone(),
        });
    }
    let mut joining: Vec<String> = Vec::new();
    for address in std::iter::once(&source.requester).chain(&source.participants) {
        let address = address.trim().to_lowercase();
        let known = address == target.requester.to_lowercase()
            || target
                .participants
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&address));
        if !address.is_empty() && !known && !joining.contains(&address) {
            joining.push(address);
        }
    }
    Ok(MergePlan {
        source: source.number,
        target: target.number,
        source_was: source.status,
        joining,
        notify: source.requester.clone(),
        cross_organisation,
    })
}

/// Same organisation (by name, any case); two tickets without one count as the same only when
/// they have the same requester.
fn same_organisation(a: &MergeSide, b: &MergeSide) -> bool {
    match (&a.organisation, &b.organisation) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => a.requester.eq_ignore_ascii_case(&b.requester),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TicketStatus::{Cancelled, Resolved, WaitingOnCustomer, WaitingOnSupport};

    fn side(number: u64, organisation: Option<&str>, requester: &str) -> MergeSide {
        MergeSide {
            number,
            status: WaitingOnSupport,
            merged_into: None,
            organisation: organisation.map(str::to_string),
            requester: requester.to_string(),
            participants: Vec::new(),
        }
    }

    #[test]
    fn a_duplicate_joins_its_people_to_the_target_and_its_requester_is_told() {
        let mut a = side(10001, Some("ACME"), "luca@acme.it");
        a.participants = vec!["anna@acme.it".into(), "mario@acme.it".into()];
        let mut b = side(10000, Some("acme"), "mario@acme.it");
        b.participants = vec!["Anna@acme.it".into()];
        let plan = plan(&a, &b, false).unwrap();
        assert_eq!(plan.source, 10001);
        assert_eq!(plan.target, 10000);
        assert_eq!(plan.joining, vec!["luca@acme.it".to_string()]);
        assert_eq!(plan.notify, "luca@acme.it");
        assert_eq!(plan.source_was, WaitingOnSupport);
        assert!(!plan.cross_organisation);
    }

    #[test]
    fn refused_into_itself_merged_or_cancelled_tickets() {
        let a = side(10001, Some("ACME"), "luca@acme.it");
        assert_eq!(plan(&a, &a, true), Err(MergeRefusal::SameTicket));

        let mut merged_a = a.clone();
        merged_a.merged_into = Some(10005);
        assert_eq!(
            plan(&merged_a, &side(10000, Some("ACME"), "x@acme.it"), true),
            Err(MergeRefusal::SourceMerged {
                source_ticket: 10001,
                into: 10005
            })
        );

        let mut merged_b = side(10000, Some("ACME"), "x@acme.it");
        merged_b.status = Cancelled;
        merged_b.merged_into = Some(10007);
        let refused = plan(&a, &merged_b, true).unwrap_err();
        assert_eq!(
            refused,
            MergeRefusal::TargetMerged {
                target: 10000,
                into: 10007
            }
        );
        assert!(refused.to_string().contains("merge into 10007 instead"));

        let mut cancelled_b = side(10000, Some("ACME"), "x@acme.it");
        cancelled_b.status = Cancelled;
        assert_eq!(
            plan(&a, &cancelled_b, true),
            Err(MergeRefusal::TargetCancelled { target: 10000 })
        );
    }

    #[test]
    fn only_open_duplicates_are_merged_but_a_resolved_target_is_fine() {
        let b = side(10000, Some("ACME"), "x@acme.it");
        for status in [Resolved, Cancelled] {
            let mut a = side(10001, Some("ACME"), "luca@acme.it");
            a.status = status;
            assert_eq!(
                plan(&a, &b, true),
                Err(MergeRefusal::SourceClosed {
                    source_ticket: 10001,
                    status
                })
            );
        }
        let mut a = side(10001, Some("ACME"), "luca@acme.it");
        a.status = WaitingOnCustomer;
        let mut resolved_b = b.clone();
        resolved_b.status = Resolved;
        assert!(plan(&a, &resolved_b, false).is_ok());
    }

    #[test]
    fn across_organisations_only_when_confirmed() {
        let a = side(10001, Some("ACME"), "luca@acme.it");
        let b = side(10000, Some("Beta S.p.A."), "eva@beta.it");
        let refused = plan(&a, &b, false).unwrap_err();
        assert!(matches!(refused, MergeRefusal::CrossOrganisation { .. }));
        assert!(refused.to_string().contains("Beta S.p.A."), "{refused}");
        let confirmed = plan(&a, &b, true).unwrap();
        assert!(confirmed.cross_organisation);
        assert_eq!(confirmed.joining, vec!["luca@acme.it".to_string()]);

        // Without organisations, only the same requester counts as the same party.
        let stranger = side(10002, None, "eve@evil.example");
        let same_person = side(10003, None, "EVE@evil.example");
        let other = side(10004, None, "bob@else.example");
        assert!(plan(&stranger, &same_person, false).is_ok());
        assert!(plan(&stranger, &other, false).is_err());
        assert!(plan(&stranger, &a, false).is_err());
    }
}
