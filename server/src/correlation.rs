//! How an inbound message finds its ticket (feature E3).
//!
//! In order: our tag in the subject; then In-Reply-To/References naming a Message-ID we sent or
//! received on a ticket; otherwise a new ticket. A tag is only a number anyone can type, so a
//! tag-only match from someone with no part in that ticket is not appended: it opens a new ticket
//! linked to the named one and flagged for a technician (no hijacking by guessing numbers).

use crate::mail::inbound::domain_of;

/// What correlation needs to know about an existing ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketParties {
    pub number: u64,
    /// Lower-cased requester address.
    pub requester: String,
    /// Lower-cased To/CC addresses seen on the ticket.
    pub participants: Vec<String>,
    /// Mail domains of the requester's organisation (empty when the requester has none).
    pub organisation_domains: Vec<String>,
}

/// The facts correlation decides on, looked up beforehand.
#[derive(Debug, Clone)]
pub struct CorrelationInput<'a> {
    /// Lower-cased sender address.
    pub sender: &'a str,
    /// Whether the sender is a technician or from a staff domain.
    pub sender_is_staff: bool,
    /// The ticket our tag names, when the subject has a tag and that ticket exists.
    pub tagged: Option<&'a TicketParties>,
    /// The ticket that a Message-ID in In-Reply-To/References belongs to.
    pub threaded: Option<u64>,
}

/// How the message matched its ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    Tag,
    Thread,
}

/// The outcome of correlation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correlation {
    /// The message belongs to this ticket.
    Existing { ticket: u64, by: MatchedBy },
    /// A tag named this ticket, but the sender has no part in it: open a new ticket linked to
    /// it and flag it for a technician.
    Suspicious { named: u64, reason: String },
    /// Nothing matched: a new ticket.
    New,
}

/// Decides which ticket a message belongs to.
pub fn correlate(input: &CorrelationInput<'_>) -> Correlation {
    if let Some(tagged) = input.tagged {
        let same_thread = input.threaded == Some(tagged.number);
        if same_thread || may_write_to(input.sender, input.sender_is_staff, tagged) {
            return Correlation::Existing {
                ticket: tagged.number,
                by: MatchedBy::Tag,
            };
        }
        return Correlation::Suspicious {
            named: tagged.number,
            reason: format!(
                "{} used the tag of ticket {} but is neither its requester, a participant, \
                 staff, nor of the requester's organisation",
                input.sender, tagged.number
            ),
        };
    }
    match input.threaded {
        Some(ticket) => Correlation::Existing {
            ticket,
            by: MatchedBy::Thread,
        },
        None => Correlation::New,
    }
}

/// Whether `sender` has a part in the ticket: requester, participant, staff, or a colleague
/// from the requester's organisation.
pub fn may_write_to(sender: &str, sender_is_staff: bool, ticket: &TicketParties) -> bool {
    let sender_domain = domain_of(sender);
    sender_is_staff
        || sender == ticket.requester
        || ticket.participants.iter().any(|p| p == sender)
        || (!sender_domain.is_empty()
            && ticket
                .organisation_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(sender_domain)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> TicketParties {
        TicketParties {
            number: 10000,
            requester: "mario.rossi@acme.it".into(),
            participants: vec!["anna@partner.com".into()],
            organisation_domains: vec!["acme.it".into()],
        }
    }

    fn input<'a>(sender: &'a str, tagged: Option<&'a TicketParties>) -> CorrelationInput<'a> {
        CorrelationInput {
            sender,
            sender_is_staff: false,
            tagged,
            threaded: None,
        }
    }

    #[test]
    fn the_tag_wins_for_everyone_with_a_part_in_the_ticket() {
        let t = ticket();
        for sender in ["mario.rossi@acme.it", "anna@partner.com", "luca@acme.it"] {
            assert_eq!(
                correlate(&input(sender, Some(&t))),
                Correlation::Existing {
                    ticket: 10000,
                    by: MatchedBy::Tag
                },
                "{sender}"
            );
        }
        let staff = CorrelationInput {
            sender_is_staff: true,
            ..input("tech@projectpp.it", Some(&t))
        };
        assert!(matches!(correlate(&staff), Correlation::Existing { .. }));
    }

    #[test]
    fn a_stranger_with_a_valid_tag_opens_a_flagged_linked_ticket() {
        let t = ticket();
        match correlate(&input("eve@evil.example", Some(&t))) {
            Correlation::Suspicious { named, reason } => {
                assert_eq!(named, 10000);
                assert!(reason.contains("eve@evil.example"));
            }
            other => panic!("expected Suspicious, got {other:?}"),
        }
    }

    #[test]
    fn a_stranger_replying_in_the_thread_is_appended() {
        // Forwarded to a colleague at another company who answers in the same thread: the
        // References prove they saw our mail, which a guessed number cannot.
        let t = ticket();
        let threaded = CorrelationInput {
            threaded: Some(10000),
            ..input("consultant@other.example", Some(&t))
        };
        assert!(matches!(
            correlate(&threaded),
            Correlation::Existing { ticket: 10000, .. }
        ));
    }

    #[test]
    fn references_alone_find_the_ticket_when_the_tag_was_deleted() {
        let threaded = CorrelationInput {
            threaded: Some(10007),
            ..input("mario.rossi@acme.it", None)
        };
        assert_eq!(
            correlate(&threaded),
            Correlation::Existing {
                ticket: 10007,
                by: MatchedBy::Thread
            }
        );
        assert_eq!(
            correlate(&input("mario.rossi@acme.it", None)),
            Correlation::New
        );
    }

    #[test]
    fn organisation_domains_compare_without_case() {
        let t = ticket();
        assert!(may_write_to("boss@ACME.IT", false, &t));
        assert!(!may_write_to("boss@notacme.it", false, &t));
        assert!(!may_write_to("nodomain", false, &t));
    }
}
