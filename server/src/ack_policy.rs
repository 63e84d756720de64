//! Whether an inbound message gets an acknowledgement (feature E4).
//!
//! People get one when their message opens or reopens a ticket. Machines never do (auto-replies,
//! bounces, lists, ourselves), and a per-sender hourly cap stops two robots that slip through
//! from looping.

use crate::mail::machine_mail::Author;

/// What the message did to its ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketChange {
    Created,
    Reopened,
    Appended,
}

/// The facts the decision is made on.
#[derive(Debug, Clone, Copy)]
pub struct AckFacts {
    pub enabled: bool,
    pub author: Author,
    pub change: TicketChange,
    /// The sender is the helpdesk's own address.
    pub from_ourselves: bool,
    /// The address was typed into an API form (not proven by a mail from it) and lies outside
    /// the token's organisation: acknowledging it would let a token holder make the helpdesk
    /// mail any address.
    pub unverified_address: bool,
    /// Acknowledgements already queued for this sender in the last hour.
    pub sent_to_sender_last_hour: u32,
    pub max_per_sender_per_hour: u32,
}

/// Why no acknowledgement is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    Disabled,
    Machine,
    Ourselves,
    /// An address no mail proved, outside the organisation ([`AckFacts::unverified_address`]).
    UnverifiedAddress,
    /// Replies on an existing ticket are not re-acknowledged.
    NotNew,
    RateLimited,
}

/// The decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckDecision {
    Send,
    Skip(SkipReason),
}

/// Decides whether to acknowledge.
pub fn decide(facts: &AckFacts) -> AckDecision {
    let skip = if !facts.enabled {
        Some(SkipReason::Disabled)
    } else if facts.from_ourselves {
        Some(SkipReason::Ourselves)
    } else if facts.author.is_machine() {
        Some(SkipReason::Machine)
    } else if facts.unverified_address {
        Some(SkipReason::UnverifiedAddress)
    } else if facts.change == TicketChange::Appended {
        Some(SkipReason::NotNew)
    } else if facts.sent_to_sender_last_hour >= facts.max_per_sender_per_hour {
        Some(SkipReason::RateLimited)
    } else {
        None
    };
    skip.map_or(AckDecision::Send, AckDecision::Skip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> AckFacts {
        AckFacts {
            enabled: true,
            author: Author::Person,
            change: TicketChange::Created,
            from_ourselves: false,
            unverified_address: false,
            sent_to_sender_last_hour: 0,
            max_per_sender_per_hour: 5,
        }
    }

    #[test]
    fn people_opening_or_reopening_a_ticket_are_acknowledged() {
        assert_eq!(decide(&facts()), AckDecision::Send);
        let reopened = AckFacts {
            change: TicketChange::Reopened,
            ..facts()
        };
        assert_eq!(decide(&reopened), AckDecision::Send);
    }

    #[test]
    fn replies_machines_ourselves_and_disabled_are_not() {
        let table = [
            (
                AckFacts {
                    change: TicketChange::Appended,
                    ..facts()
                },
                SkipReason::NotNew,
            ),
            (
                AckFacts {
                    author: Author::AutoReply,
                    ..facts()
                },
                SkipReason::Machine,
            ),
            (
                AckFacts {
                    unverified_address: true,
                    ..facts()
                },
                SkipReason::UnverifiedAddress,
            ),
            (
                AckFacts {
                    author: Author::Bounce,
                    ..facts()
                },
                SkipReason::Machine,
            ),
            (
                AckFacts {
                    author: Author::List,
                    ..facts()
                },
                SkipReason::Machine,
            ),
            (
                AckFacts {
                    from_ourselves: true,
                    ..facts()
                },
                SkipReason::Ourselves,
            ),
            (
                AckFacts {
                    enabled: false,
                    ..facts()
                },
                SkipReason::Disabled,
            ),
        ];
        for (case, reason) in table {
            assert_eq!(decide(&case), AckDecision::Skip(reason), "{case:?}");
        }
    }

    #[test]
    fn the_hourly_cap_counts_per_sender() {
        let at_cap = AckFacts {
            sent_to_sender_last_hour: 5,
            ..facts()
        };
        assert_eq!(decide(&at_cap), AckDecision::Skip(SkipReason::RateLimited));
        let below = AckFacts {
            sent_to_sender_last_hour: 4,
            ..facts()
        };
        assert_eq!(decide(&below), AckDecision::Send);
    }
}
