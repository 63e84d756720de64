//! Who may see a ticket on the web pages. Every customer-facing page asks [`may_see_ticket`]
//! and answers 404 when it says no (a 403 would confirm that the number exists).
//!
//! - technicians and admins: every ticket;
//! - an organisation admin: every ticket of their organisation, plus the ones they requested or
//!   were copied on;
//! - a customer: the tickets they requested, or were in To/CC of (participants).
//!
//! A deactivated user sees nothing.

use crate::store::TicketRecord;
use crate::store::accounts::UserRecord;

/// What the rule needs to know about a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketAccessFacts {
    /// The requester's address.
    pub requester_email: String,
    /// The organisation's name, as the ticket holds it.
    pub organisation: Option<String>,
    /// Everyone in To/CC of the ticket's mail.
    pub participants: Vec<String>,
}

impl TicketAccessFacts {
    /// The facts of a stored ticket and its participants (`Store::participants`).
    pub fn of(ticket: &TicketRecord, participants: Vec<String>) -> Self {
        TicketAccessFacts {
            requester_email: ticket.requester_email.clone(),
            organisation: ticket.organisation.clone(),
            participants,
        }
    }
}

/// Whether `viewer` may see (and so reply to, download from) the ticket.
pub fn may_see_ticket(viewer: &UserRecord, ticket: &TicketAccessFacts) -> bool {
    if !viewer.active {
        return false;
    }
    if viewer.role.is_staff() {
        return true;
    }
    let own = ticket
        .requester_email
        .trim()
        .eq_ignore_ascii_case(viewer.email.trim())
        || ticket
            .participants
            .iter()
            .any(|p| p.trim().eq_ignore_ascii_case(viewer.email.trim()));
    own || (viewer.role == crate::accounts::Role::OrgAdmin
        && same_organisation(
            viewer.organisation.as_deref(),
            ticket.organisation.as_deref(),
        ))
}

/// Whether an organisation admin of `mine` administers tickets of `theirs`: both set and equal
/// without regard to case (names are unique without case).
pub fn same_organisation(mine: Option<&str>, theirs: Option<&str>) -> bool {
    match (mine, theirs) {
        (Some(mine), Some(theirs)) => {
            !mine.trim().is_empty() && mine.trim().to_lowercase() == theirs.trim().to_lowercase()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;

    fn user(email: &str, role: Role, organisation: Option<&str>) -> UserRecord {
        UserRecord {
            id: 1,
            email: email.into(),
            name: None,
            role,
            organisation: organisation.map(String::from),
            locale: None,
            active: true,
        }
    }

    fn ticket(
        requester: &str,
        organisation: Option<&str>,
        participants: &[&str],
    ) -> TicketAccessFacts {
        TicketAccessFacts {
            requester_email: requester.into(),
            organisation: organisation.map(String::from),
            participants: participants.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn staff_see_every_ticket() {
        let t = ticket("x@acme.it", Some("Acme"), &[]);
        assert!(may_see_ticket(
            &user("tech@helpdesk.it", Role::Technician, None),
            &t
        ));
        assert!(may_see_ticket(
            &user("boss@helpdesk.it", Role::Admin, None),
            &t
        ));
    }

    #[test]
    fn customers_see_what_they_requested_or_were_copied_on() {
        let mario = user(
            "mario.rossi@demo.example",
            Role::Customer,
            Some("Demo S.r.l."),
        );
        assert!(may_see_ticket(
            &mario,
            &ticket("Mario.Rossi@Demo.example", Some("Demo S.r.l."), &[])
        ));
        assert!(may_see_ticket(
            &mario,
            &ticket(
                "giulia@demo.example",
                Some("Demo S.r.l."),
                &["mario.rossi@demo.example"]
            )
        ));
        // A colleague's ticket of the same organisation: not for a plain customer.
        assert!(!may_see_ticket(
            &mario,
            &ticket("giulia@demo.example", Some("Demo S.r.l."), &[])
        ));
        // Another company's ticket.
        assert!(!may_see_ticket(
            &mario,
            &ticket("x@acme.it", Some("Acme"), &[])
        ));
    }

    #[test]
    fn organisation_admins_see_their_organisation() {
        let referent = user("anna@demo.example", Role::OrgAdmin, Some("Demo S.r.l."));
        assert!(may_see_ticket(
            &referent,
            &ticket("giulia@demo.example", Some("demo s.r.l."), &[])
        ));
        assert!(!may_see_ticket(
            &referent,
            &ticket("x@acme.it", Some("Acme"), &[])
        ));
        assert!(!may_see_ticket(
            &referent,
            &ticket("x@gmail.com", None, &[])
        ));
        // Their own ticket counts even when it carries no organisation.
        assert!(may_see_ticket(
            &referent,
            &ticket("anna@demo.example", None, &[])
        ));
    }

    #[test]
    fn an_organisation_admin_without_organisation_sees_no_orphan_tickets() {
        let odd = user("anna@demo.example", Role::OrgAdmin, None);
        assert!(!may_see_ticket(&odd, &ticket("x@gmail.com", None, &[])));
        assert!(!same_organisation(Some(" "), Some(" ")));
    }

    #[test]
    fn deactivated_users_see_nothing() {
        let mut tech = user("tech@helpdesk.it", Role::Technician, None);
        tech.active = false;
        assert!(!may_see_ticket(&tech, &ticket("x@acme.it", None, &[])));
        let mut mario = user("mario@acme.it", Role::Customer, None);
        mario.active = false;
        assert!(!may_see_ticket(&mario, &ticket("mario@acme.it", None, &[])));
    }
}
