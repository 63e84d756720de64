//! Ticket status rules (feature T3).
//!
//! A ticket is in one of four [`TicketStatus`]es. Things that happen to it are [`StatusEvent`]s
//! done by an [`Actor`]; [`decide`] says what each one does to the status, as a pure function of
//! the current [`Lifecycle`], the [`ReopenWindow`] and the current time. Callers get the time from
//! a [`Clock`] so tests can pin or advance it.
//!
//! The rules in short:
//!
//! - the status says who owes the next move: support ([`TicketStatus::WaitingOnSupport`]) or the
//!   customer ([`TicketStatus::WaitingOnCustomer`]);
//! - a resolved ticket can be reopened for a while ([`ReopenWindow`], 7 days by default), by the
//!   portal button or by replying; after that a customer reply opens a new ticket linked to the
//!   old one, which stays as it is. Replies to a cancelled ticket also open a linked ticket;
//! - automatic messages (auto-replies, bounces) never change anything.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::ticket::ParseEnumError;

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// New, or the customer wrote last: support owes the next move.
    WaitingOnSupport,
    /// A technician asked the customer something.
    WaitingOnCustomer,
    /// Resolved by a technician, or by the customer with a reason. Reopenable for a while.
    Resolved,
    /// Cancelled; never reopened (a reply opens a new linked ticket).
    Cancelled,
}

impl TicketStatus {
    /// Every status, open ones first.
    pub const ALL: [Self; 4] = [
        Self::WaitingOnSupport,
        Self::WaitingOnCustomer,
        Self::Resolved,
        Self::Cancelled,
    ];

    /// The wire form: `waiting_on_support`, `waiting_on_customer`, `resolved`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WaitingOnSupport => "waiting_on_support",
            Self::WaitingOnCustomer => "waiting_on_customer",
            Self::Resolved => "resolved",
            Self::Cancelled => "cancelled",
        }
    }

    /// True while someone still has to act: waiting on support or on the customer.
    pub fn is_open(self) -> bool {
        matches!(self, Self::WaitingOnSupport | Self::WaitingOnCustomer)
    }

    /// Words for messages meant for people.
    fn describe(self) -> &'static str {
        match self {
            Self::WaitingOnSupport => "waiting on support",
            Self::WaitingOnCustomer => "waiting on the customer",
            Self::Resolved => "resolved",
            Self::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TicketStatus {
    type Err = ParseEnumError;

    /// Accepts the wire form in any case, ignoring surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Self::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| ParseEnumError::new("ticket status", s))
    }
}

/// Who causes an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The customer, by email or portal.
    Customer,
    /// Support staff.
    Technician,
    /// ppdesk itself (scheduled jobs, mail rules). Has no staff override.
    System,
}

impl Actor {
    /// The wire form: `customer`, `technician`, `system`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Technician => "technician",
            Self::System => "system",
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that happens to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StatusEvent {
    /// A customer's email/portal reply.
    CustomerMessage,
    /// A technician answered; `awaiting_customer: true` means they asked the customer something.
    TechnicianReply {
        /// Whether the reply leaves the next move to the customer.
        awaiting_customer: bool,
    },
    /// Auto-reply/bounce recorded on the ticket: never changes status.
    AutomaticMessage,
    /// Mark the ticket resolved. A customer MUST give a non-blank reason; a technician may omit it.
    Resolve {
        /// Why the ticket is resolved.
        reason: Option<String>,
    },
    /// Cancel the ticket.
    Cancel,
    /// The explicit "Riapri il ticket" (reopen) action.
    Reopen,
}

impl StatusEvent {
    /// The event's wire name (`customer_message`, `technician_reply`, ...), as in
    /// [`StatusError::NotAllowed`].
    pub fn name(&self) -> &'static str {
        match self {
            Self::CustomerMessage => "customer_message",
            Self::TechnicianReply { .. } => "technician_reply",
            Self::AutomaticMessage => "automatic_message",
            Self::Resolve { .. } => "resolve",
            Self::Cancel => "cancel",
            Self::Reopen => "reopen",
        }
    }
}

/// The status-related state of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lifecycle {
    /// The current status.
    pub status: TicketStatus,
    /// When the ticket was last resolved; set while `status` is [`TicketStatus::Resolved`].
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Lifecycle {
    /// A new ticket: waiting on support.
    pub fn new() -> Self {
        Self {
            status: TicketStatus::WaitingOnSupport,
            resolved_at: None,
        }
    }

    /// Whether the ticket is resolved and can still be reopened at `now`. A resolved ticket with
    /// no `resolved_at` counts as closed: without a date the window cannot be checked.
    pub fn can_reopen_at(&self, window: ReopenWindow, now: DateTime<Utc>) -> bool {
        self.status == TicketStatus::Resolved
            && self
                .resolved_at
                .is_some_and(|resolved_at| window.is_open_at(resolved_at, now))
    }

    /// The ticket's lifecycle after `decision` was carried out at `now`.
    ///
    /// [`Decision::OpenLinkedTicket`] leaves this ticket as it is (the new ticket starts with
    /// [`Lifecycle::new`]); moving to [`TicketStatus::Resolved`] records `now` as `resolved_at`,
    /// any other move clears it.
    pub fn apply(self, decision: Decision, now: DateTime<Utc>) -> Self {
        let status = match decision {
            Decision::Unchanged | Decision::OpenLinkedTicket => return self,
            Decision::MoveTo(status) => status,
            Decision::Reopen => TicketStatus::WaitingOnSupport,
        };
        Self {
            status,
            resolved_at: (status == TicketStatus::Resolved).then_some(now),
        }
    }
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self::new()
    }
}

/// How long after resolution a ticket can still be reopened (default 7 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReopenWindow(pub TimeDelta);

impl ReopenWindow {
    /// A window of `n` whole days.
    pub fn days(n: u32) -> Self {
        // u32::MAX days is well inside TimeDelta's range; the fallback only keeps this panic-free.
        Self(TimeDelta::try_days(i64::from(n)).unwrap_or(TimeDelta::MAX))
    }

    /// The last instant at which a ticket resolved at `resolved_at` can be reopened (inclusive).
    /// Saturates at the ends of the representable range instead of overflowing.
    pub fn closes_at(&self, resolved_at: DateTime<Utc>) -> DateTime<Utc> {
        resolved_at
            .checked_add_signed(self.0)
            .unwrap_or(if self.0 < TimeDelta::zero() {
                DateTime::<Utc>::MIN_UTC
            } else {
                DateTime::<Utc>::MAX_UTC
            })
    }

    /// Whether the window is still open at `now`; exactly at [`Self::closes_at`] it still is.
    pub fn is_open_at(&self, resolved_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now <= self.closes_at(resolved_at)
    }
}

impl Default for ReopenWindow {
    fn default() -> Self {
        Self::days(7)
    }
}

/// What to do about an event. A `MoveTo` never names the current status (that is `Unchanged`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Record the event; the status stays.
    Unchanged,
    /// Change the status.
    MoveTo(TicketStatus),
    /// Reopen a resolved ticket: back to [`TicketStatus::WaitingOnSupport`].
    Reopen,
    /// Open a new ticket linked to this one, which stays as it is; the event goes to the new one.
    OpenLinkedTicket,
}

/// Why an event is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// This actor cannot do this in this status.
    #[error("`{event}` by the {actor} is not allowed on a ticket that is {}", .status.describe())]
    NotAllowed {
        /// Who tried.
        actor: Actor,
        /// [`StatusEvent::name`] of what they tried.
        event: &'static str,
        /// The ticket's status at the time.
        status: TicketStatus,
    },
    /// A customer tried to resolve a ticket without saying why.
    #[error("a customer must give a reason to resolve a ticket")]
    ReasonRequired,
    /// The reopen window of a resolved ticket has passed (or its resolution date is unknown).
    #[error("{}", reopen_closed_message(.closed_at))]
    ReopenWindowClosed {
        /// When the window closed; None when the resolution date is unknown.
        closed_at: Option<DateTime<Utc>>,
    },
}

fn reopen_closed_message(closed_at: &Option<DateTime<Utc>>) -> String {
    match closed_at {
        Some(at) => format!(
            "the ticket can no longer be reopened: the reopen window closed at {}; \
             a reply will open a new linked ticket",
            at.to_rfc3339()
        ),
        None => "the ticket can no longer be reopened: its resolution date is unknown; \
                 a reply will open a new linked ticket"
            .to_owned(),
    }
}

/// Decides what `event`, done by `actor` at `now`, does to a ticket in `current`.
///
/// "Within the window" means the ticket is resolved and `now <= resolved_at + window`
/// ([`Lifecycle::can_reopen_at`]); a resolved ticket without `resolved_at` is outside it.
///
/// - [`StatusEvent::CustomerMessage`] (judged by the event, whoever records it, e.g. a technician
///   typing in a phone call): waiting on support → `Unchanged`; waiting on the customer →
///   `MoveTo(WaitingOnSupport)`; resolved within the window → `Reopen`, after it →
///   `OpenLinkedTicket`; cancelled → `OpenLinkedTicket`.
/// - [`StatusEvent::TechnicianReply`] (not by a customer → `NotAllowed`): on an open ticket the
///   status follows whoever owes the next move: `awaiting_customer` → waiting on the customer,
///   otherwise → waiting on support (`Unchanged` if already there). On a resolved or cancelled
///   ticket it is a note after closing → `Unchanged`.
/// - [`StatusEvent::AutomaticMessage`] → `Unchanged`, always.
/// - [`StatusEvent::Resolve`]: only from open statuses (else `NotAllowed`); a customer needs a
///   non-blank reason (`ReasonRequired`); technician and system may omit it.
///   → `MoveTo(Resolved)`.
/// - [`StatusEvent::Cancel`]: by anyone (a customer cancels their own ticket), only from open
///   statuses (else `NotAllowed`) → `MoveTo(Cancelled)`.
/// - [`StatusEvent::Reopen`]: only a resolved ticket (else `NotAllowed`). Within the window →
///   `Reopen`; after it → `ReopenWindowClosed`, except for a technician, who may reopen anytime
///   (staff override; the system has none).
pub fn decide(
    current: &Lifecycle,
    actor: Actor,
    event: &StatusEvent,
    window: ReopenWindow,
    now: DateTime<Utc>,
) -> Result<Decision, StatusError> {
    use TicketStatus::{Cancelled, Resolved, WaitingOnCustomer, WaitingOnSupport};

    let status = current.status;
    let not_allowed = StatusError::NotAllowed {
        actor,
        event: event.name(),
        status,
    };
    let within_window = current.can_reopen_at(window, now);
    let move_to = |target: TicketStatus| {
        if target == status {
            Decision::Unchanged
        } else {
            Decision::MoveTo(target)
        }
    };

    let decision = match event {
        StatusEvent::AutomaticMessage => Decision::Unchanged,
        StatusEvent::CustomerMessage => match status {
            WaitingOnSupport | WaitingOnCustomer => move_to(WaitingOnSupport),
            Resolved if within_window => Decision::Reopen,
            Resolved | Cancelled => Decision::OpenLinkedTicket,
        },
        StatusEvent::TechnicianReply { awaiting_customer } => {
            if actor == Actor::Customer {
                return Err(not_allowed);
            }
            match status {
                WaitingOnSupport | WaitingOnCustomer if *awaiting_customer => {
                    move_to(WaitingOnCustomer)
                }
                WaitingOnSupport | WaitingOnCustomer => move_to(WaitingOnSupport),
                Resolved | Cancelled => Decision::Unchanged,
            }
        }
        StatusEvent::Resolve { reason } => {
            if !status.is_open() {
                return Err(not_allowed);
            }
            let has_reason = reason.as_deref().is_some_and(|r| !r.trim().is_empty());
            if actor == Actor::Customer && !has_reason {
                return Err(StatusError::ReasonRequired);
            }
            Decision::MoveTo(Resolved)
        }
        StatusEvent::Cancel => {
            if !status.is_open() {
                return Err(not_allowed);
            }
            Decision::MoveTo(Cancelled)
        }
        StatusEvent::Reopen => match status {
            Resolved if within_window || actor == Actor::Technician => Decision::Reopen,
            Resolved => {
                return Err(StatusError::ReopenWindowClosed {
                    closed_at: current.resolved_at.map(|at| window.closes_at(at)),
                });
            }
            WaitingOnSupport | WaitingOnCustomer | Cancelled => return Err(not_allowed),
        },
    };
    Ok(decision)
}

/// A source of the current time, injected so rules and jobs can be tested at fixed instants.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock that tests set and advance by hand; shareable across threads.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.lock() = now;
    }

    /// Moves the time by `by` (may be negative), saturating at the representable range.
    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.lock();
        *now = ReopenWindow(by).closes_at(*now);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A panic while holding the lock cannot leave a DateTime half-written.
        self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    use Actor::{Customer, System, Technician};
    use TicketStatus::{Cancelled, Resolved, WaitingOnCustomer, WaitingOnSupport};

    /// 2024-03-01T10:00:00Z: resolution time of the resolved tickets in the table.
    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_709_287_200, 0).unwrap()
    }

    fn secs(n: i64) -> TimeDelta {
        TimeDelta::seconds(n)
    }

    const DAY: i64 = 86_400;
    const WEEK: i64 = 7 * DAY;

    fn open(status: TicketStatus) -> Lifecycle {
        Lifecycle {
            status,
            resolved_at: None,
        }
    }

    fn resolved() -> Lifecycle {
        Lifecycle {
            status: Resolved,
            resolved_at: Some(t0()),
        }
    }

    fn reply(awaiting_customer: bool) -> StatusEvent {
        StatusEvent::TechnicianReply { awaiting_customer }
    }

    fn resolve(reason: Option<&str>) -> StatusEvent {
        StatusEvent::Resolve {
            reason: reason.map(str::to_owned),
        }
    }

    fn not_allowed(actor: Actor, event: &'static str, status: TicketStatus) -> StatusError {
        StatusError::NotAllowed {
            actor,
            event,
            status,
        }
    }

    /// (lifecycle, actor, event, seconds after t0, expected)
    type Row = (
        Lifecycle,
        Actor,
        StatusEvent,
        i64,
        Result<Decision, StatusError>,
    );

    #[test]
    fn decision_table() {
        use Decision::{MoveTo, OpenLinkedTicket, Reopen, Unchanged};
        use StatusEvent::{AutomaticMessage, Cancel, CustomerMessage};

        let closed_at = Some(t0() + secs(WEEK));
        let no_date = Lifecycle {
            status: Resolved,
            resolved_at: None,
        };
        #[rustfmt::skip]
        let table: Vec<Row> = vec![
            // Customer messages.
            (open(WaitingOnSupport), Customer, CustomerMessage, 0, Ok(Unchanged)),
            (open(WaitingOnCustomer), Customer, CustomerMessage, 0, Ok(MoveTo(WaitingOnSupport))),
            (resolved(), Customer, CustomerMessage, 3 * DAY, Ok(Reopen)),
            (resolved(), Customer, CustomerMessage, WEEK, Ok(Reopen)),
            (resolved(), Customer, CustomerMessage, WEEK + 1, Ok(OpenLinkedTicket)),
            (resolved(), Customer, CustomerMessage, -DAY, Ok(Reopen)),
            (no_date, Customer, CustomerMessage, 0, Ok(OpenLinkedTicket)),
            (open(Cancelled), Customer, CustomerMessage, 0, Ok(OpenLinkedTicket)),
            (open(WaitingOnCustomer), Technician, CustomerMessage, 0, Ok(MoveTo(WaitingOnSupport))),
            // Technician replies.
            (open(WaitingOnSupport), Technician, reply(true), 0, Ok(MoveTo(WaitingOnCustomer))),
            (open(WaitingOnSupport), Technician, reply(false), 0, Ok(Unchanged)),
            (open(WaitingOnCustomer), Technician, reply(true), 0, Ok(Unchanged)),
            (open(WaitingOnCustomer), Technician, reply(false), 0, Ok(MoveTo(WaitingOnSupport))),
            (open(WaitingOnSupport), System, reply(true), 0, Ok(MoveTo(WaitingOnCustomer))),
            (resolved(), Technician, reply(true), DAY, Ok(Unchanged)),
            (open(Cancelled), Technician, reply(false), 0, Ok(Unchanged)),
            (open(WaitingOnSupport), Customer, reply(true), 0,
                Err(not_allowed(Customer, "technician_reply", WaitingOnSupport))),
            // Automatic messages.
            (open(WaitingOnSupport), System, AutomaticMessage, 0, Ok(Unchanged)),
            (open(WaitingOnCustomer), Customer, AutomaticMessage, 0, Ok(Unchanged)),
            (resolved(), System, AutomaticMessage, WEEK + 1, Ok(Unchanged)),
            (open(Cancelled), Technician, AutomaticMessage, 0, Ok(Unchanged)),
            // Resolve.
            (open(WaitingOnSupport), Technician, resolve(None), 0, Ok(MoveTo(Resolved))),
            (open(WaitingOnCustomer), Technician, resolve(Some("fixed")), 0, Ok(MoveTo(Resolved))),
            (open(WaitingOnCustomer), System, resolve(None), 0, Ok(MoveTo(Resolved))),
            (open(WaitingOnSupport), Customer, resolve(Some("works now")), 0, Ok(MoveTo(Resolved))),
            (open(WaitingOnSupport), Customer, resolve(None), 0, Err(StatusError::ReasonRequired)),
            (open(WaitingOnCustomer), Customer, resolve(Some(" \t\u{a0}")), 0,
                Err(StatusError::ReasonRequired)),
            (resolved(), Technician, resolve(None), 0, Err(not_allowed(Technician, "resolve", Resolved))),
            (resolved(), Customer, resolve(None), 0, Err(not_allowed(Customer, "resolve", Resolved))),
            (open(Cancelled), Customer, resolve(Some("ok")), 0,
                Err(not_allowed(Customer, "resolve", Cancelled))),
            // Cancel.
            (open(WaitingOnSupport), Technician, Cancel, 0, Ok(MoveTo(Cancelled))),
            (open(WaitingOnCustomer), Customer, Cancel, 0, Ok(MoveTo(Cancelled))),
            (resolved(), Technician, Cancel, 0, Err(not_allowed(Technician, "cancel", Resolved))),
            (open(Cancelled), Customer, Cancel, 0, Err(not_allowed(Customer, "cancel", Cancelled))),
            // Reopen.
            (resolved(), Customer, StatusEvent::Reopen, DAY, Ok(Reopen)),
            (resolved(), Customer, StatusEvent::Reopen, WEEK, Ok(Reopen)),
            (resolved(), Customer, StatusEvent::Reopen, WEEK + 1,
                Err(StatusError::ReopenWindowClosed { closed_at })),
            (resolved(), System, StatusEvent::Reopen, WEEK + 1,
                Err(StatusError::ReopenWindowClosed { closed_at })),
            (no_date, Customer, StatusEvent::Reopen, 0,
                Err(StatusError::ReopenWindowClosed { closed_at: None })),
            (resolved(), Technician, StatusEvent::Reopen, DAY, Ok(Reopen)),
            (resolved(), Technician, StatusEvent::Reopen, 365 * DAY, Ok(Reopen)),
            (no_date, Technician, StatusEvent::Reopen, 0, Ok(Reopen)),
            (open(WaitingOnSupport), Customer, StatusEvent::Reopen, 0,
                Err(not_allowed(Customer, "reopen", WaitingOnSupport))),
            (open(WaitingOnCustomer), Technician, StatusEvent::Reopen, 0,
                Err(not_allowed(Technician, "reopen", WaitingOnCustomer))),
            (open(Cancelled), Technician, StatusEvent::Reopen, 0,
                Err(not_allowed(Technician, "reopen", Cancelled))),
        ];

        for (lifecycle, actor, event, offset, expected) in table {
            let now = t0() + secs(offset);
            let got = decide(&lifecycle, actor, &event, ReopenWindow::default(), now);
            assert_eq!(
                got, expected,
                "{lifecycle:?} / {actor} / {event:?} at t0{offset:+}s"
            );
        }
    }

    #[test]
    fn window_is_configurable() {
        let window = ReopenWindow::days(1);
        let at = |offset| {
            decide(
                &resolved(),
                Customer,
                &StatusEvent::CustomerMessage,
                window,
                t0() + secs(offset),
            )
        };
        assert_eq!(at(DAY), Ok(Decision::Reopen));
        assert_eq!(at(DAY + 1), Ok(Decision::OpenLinkedTicket));
        // A zero window allows reopening only at the very instant of resolution.
        let zero = ReopenWindow::days(0);
        assert!(zero.is_open_at(t0(), t0()));
        assert!(!zero.is_open_at(t0(), t0() + secs(1)));
    }

    #[test]
    fn window_saturates_instead_of_overflowing() {
        let huge = ReopenWindow(TimeDelta::MAX);
        assert_eq!(huge.closes_at(t0()), DateTime::<Utc>::MAX_UTC);
        let negative = ReopenWindow(TimeDelta::MIN);
        assert_eq!(negative.closes_at(t0()), DateTime::<Utc>::MIN_UTC);
        assert_eq!(ReopenWindow::default(), ReopenWindow::days(7));
        assert_eq!(ReopenWindow::default().0, TimeDelta::days(7));
    }

    #[test]
    fn apply_follows_decisions() {
        let now = t0() + secs(DAY);
        let start = open(WaitingOnSupport);
        let resolved_now = start.apply(Decision::MoveTo(Resolved), now);
        assert_eq!(
            resolved_now,
            Lifecycle {
                status: Resolved,
                resolved_at: Some(now)
            }
        );
        assert_eq!(resolved_now.apply(Decision::Reopen, now), Lifecycle::new());
        assert_eq!(
            resolved_now.apply(Decision::OpenLinkedTicket, now),
            resolved_now
        );
        assert_eq!(start.apply(Decision::Unchanged, now), start);
        assert_eq!(
            start.apply(Decision::MoveTo(WaitingOnCustomer), now),
            open(WaitingOnCustomer)
        );
    }

    #[test]
    fn error_messages_are_readable() {
        assert_eq!(
            not_allowed(Customer, "resolve", Cancelled).to_string(),
            "`resolve` by the customer is not allowed on a ticket that is cancelled"
        );
        assert_eq!(
            StatusError::ReasonRequired.to_string(),
            "a customer must give a reason to resolve a ticket"
        );
        let closed = StatusError::ReopenWindowClosed {
            closed_at: Some(t0()),
        };
        assert_eq!(
            closed.to_string(),
            "the ticket can no longer be reopened: the reopen window closed at \
             2024-03-01T10:00:00+00:00; a reply will open a new linked ticket"
        );
        let unknown = StatusError::ReopenWindowClosed { closed_at: None };
        assert!(unknown.to_string().contains("resolution date is unknown"));
    }

    #[test]
    fn status_strings() {
        for status in TicketStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
            assert_eq!(status.as_str().to_uppercase().parse(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
            let de: StrDeserializer<'_, DeError> = status.as_str().into_deserializer();
            assert_eq!(TicketStatus::deserialize(de).ok(), Some(status));
        }
        assert!(WaitingOnSupport.is_open() && WaitingOnCustomer.is_open());
        assert!(!Resolved.is_open() && !Cancelled.is_open());
        let err = "closed".parse::<TicketStatus>().unwrap_err();
        assert_eq!(err.value, "closed");
        assert_eq!(err.to_string(), "unknown ticket status \"closed\"");
    }

    #[test]
    fn clocks() {
        assert_eq!(FixedClock(t0()).now(), t0());
        let manual = Arc::new(ManualClock::new(t0()));
        let shared: Arc<dyn Clock> = manual.clone();
        manual.advance(secs(WEEK));
        assert_eq!(shared.now(), t0() + secs(WEEK));
        manual.set(t0());
        // Borrowed clocks are clocks too.
        fn read(clock: impl Clock) -> DateTime<Utc> {
            clock.now()
        }
        assert_eq!(read(&*manual), t0());
        manual.advance(TimeDelta::MAX);
        assert_eq!(manual.now(), DateTime::<Utc>::MAX_UTC);
        let boxed: Box<dyn Clock> = Box::new(SystemClock);
        assert!(boxed.now() > t0());
    }

    fn any_status() -> impl Strategy<Value = TicketStatus> {
        prop::sample::select(TicketStatus::ALL.to_vec())
    }

    fn any_actor() -> impl Strategy<Value = Actor> {
        prop::sample::select(vec![Customer, Technician, System])
    }

    fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
        let min = DateTime::<Utc>::MIN_UTC.timestamp();
        let max = DateTime::<Utc>::MAX_UTC.timestamp();
        prop_oneof![
            // Near t0, where the interesting decisions are.
            (-30 * DAY..30 * DAY).prop_map(|offset| t0() + secs(offset)),
            (min..=max).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or(t0())),
        ]
    }

    fn any_window() -> impl Strategy<Value = ReopenWindow> {
        prop_oneof![
            any::<u32>().prop_map(ReopenWindow::days),
            any::<i64>().prop_map(|ms| ReopenWindow(
                TimeDelta::try_milliseconds(ms).unwrap_or(TimeDelta::MAX)
            )),
            Just(ReopenWindow(TimeDelta::MIN)),
        ]
    }

    fn any_event() -> impl Strategy<Value = StatusEvent> {
        prop_oneof![
            Just(StatusEvent::CustomerMessage),
            any::<bool>()
                .prop_map(|awaiting_customer| StatusEvent::TechnicianReply { awaiting_customer }),
            Just(StatusEvent::AutomaticMessage),
            proptest::option::of(".{0,8}").prop_map(|reason| StatusEvent::Resolve { reason }),
            Just(StatusEvent::Cancel),
            Just(StatusEvent::Reopen),
        ]
    }

    fn any_lifecycle() -> impl Strategy<Value = Lifecycle> {
        (any_status(), proptest::option::of(any_time())).prop_map(|(status, resolved_at)| {
            Lifecycle {
                status,
                resolved_at,
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn decide_is_total_and_consistent(
            lifecycle in any_lifecycle(),
            actor in any_actor(),
            event in any_event(),
            window in any_window(),
            now in any_time(),
        ) {
            let decision = decide(&lifecycle, actor, &event, window, now);
            match decision {
                Ok(Decision::MoveTo(target)) => prop_assert_ne!(target, lifecycle.status),
                Ok(Decision::Reopen) => prop_assert_eq!(lifecycle.status, Resolved),
                Ok(Decision::OpenLinkedTicket) => prop_assert!(!lifecycle.status.is_open()),
                Ok(Decision::Unchanged) | Err(_) => {}
            }
            if let Ok(decision) = decision {
                let next = lifecycle.apply(decision, now);
                if decision != Decision::Unchanged && decision != Decision::OpenLinkedTicket {
                    prop_assert_eq!(next.resolved_at.is_some(), next.status == Resolved);
                }
            }
        }

        #[test]
        fn automatic_messages_never_change_anything(
            lifecycle in any_lifecycle(),
            actor in any_actor(),
            window in any_window(),
            now in any_time(),
        ) {
            prop_assert_eq!(
                decide(&lifecycle, actor, &StatusEvent::AutomaticMessage, window, now),
                Ok(Decision::Unchanged)
            );
        }
    }
}
