//! What a technician sees of a ticket's SLA in a queue: on track, at risk, breached, met.
//!
//! The rules, for a ticket with due times ([`super::DueTimes`]):
//!
//! - the **first response** target is met by the first technician reply sent by its due time,
//!   or, when there was none, by resolving the ticket by then;
//! - the **resolution** target is met by resolving the ticket by its due time;
//! - a ticket is **breached** as soon as either target is missed, and stays so (a late first
//!   reply is a breach even if the resolution is still in time);
//! - an open ticket not breached is **at risk** once it is in the at-risk stretch of the target
//!   it is working towards ([`super::targets::at_risk_minutes`]: the last 20% of the business
//!   time, at least the last 30 business minutes), else **on track**;
//! - a resolved ticket is **met** or **breached**; a cancelled ticket, or one without due times,
//!   has no SLA (**none**).
//!
//! The clock does not stop while the ticket waits on the customer: the targets are promises
//! counted in business time from the opening, as contracts state them. A reopened ticket keeps
//! its due times, so it is judged against the original promise.
//!
//! Everything here reduces to two instants per ticket, [`breach_at`] and [`risk_at`], which the
//! database keeps as generated columns (`sla_breach_at`, `sla_risk_at`, see
//! [`super::sql`]): the SQL filters and this function agree by construction, and a unit test
//! checks it on real SQLite.

use std::fmt;
use std::str::FromStr;

use ppdesk_shared::status::TicketStatus;
use serde::Serialize;

use super::targets::DueTimes;

/// A ticket's SLA state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Open, with more than the at-risk stretch left.
    OnTrack,
    /// Open, in the at-risk stretch of the target it works towards.
    AtRisk,
    /// A target was missed (open or resolved).
    Breached,
    /// Resolved with both targets met.
    Met,
    /// No SLA: cancelled, or opened without due times.
    #[serde(rename = "none")]
    NotApplicable,
}

impl SlaState {
    /// Every state, in the order a filter menu lists them.
    pub const ALL: [SlaState; 5] = [
        SlaState::OnTrack,
        SlaState::AtRisk,
        SlaState::Breached,
        SlaState::Met,
        SlaState::NotApplicable,
    ];

    /// The form used in query strings and JSON: `on_track`, `at_risk`, `breached`, `met`,
    /// `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::OnTrack => "on_track",
            SlaState::AtRisk => "at_risk",
            SlaState::Breached => "breached",
            SlaState::Met => "met",
            SlaState::NotApplicable => "none",
        }
    }
}

impl fmt::Display for SlaState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SlaState {
    type Err = String;

    /// The [`SlaState::as_str`] form, any case, surrounding spaces ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim();
        SlaState::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                format!("unknown SLA state {text:?} (on_track, at_risk, breached, met, none)")
            })
    }
}

/// The facts about a ticket its SLA state depends on (times in Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaFacts {
    pub status: TicketStatus,
    /// `None` for a ticket opened without an SLA.
    pub due: Option<DueTimes>,
    /// The first technician reply, if any.
    pub first_response_at: Option<i64>,
    pub resolved_at: Option<i64>,
}

/// The instant the ticket breaches (or breached) its SLA, given what has happened so far: the
/// response due time while there was no first reply or the reply was late, else the resolution
/// due time. `None` without due times. Same as the `sla_breach_at` column.
pub fn breach_at(facts: &SlaFacts) -> Option<i64> {
    let due = facts.due?;
    Some(match facts.first_response_at {
        Some(replied) if replied <= due.response_due_at => due.resolution_due_at,
        _ => due.response_due_at.min(due.resolution_due_at),
    })
}

/// The instant the ticket becomes at risk: the response's while there was no first reply, else
/// the resolution's; never after [`breach_at`]. Same as the `sla_risk_at` column.
pub fn risk_at(facts: &SlaFacts) -> Option<i64> {
    let due = facts.due?;
    let risk = match facts.first_response_at {
        None => due.response_risk_at.min(due.resolution_risk_at),
        Some(_) => due.resolution_risk_at,
    };
    Some(risk.min(breach_at(facts)?))
}

/// The SLA state at `now_ms`; see the module docs for the rules.
pub fn sla_state(now_ms: i64, facts: &SlaFacts) -> SlaState {
    let (Some(breach), Some(risk)) = (breach_at(facts), risk_at(facts)) else {
        return SlaState::NotApplicable;
    };
    match facts.status {
        TicketStatus::Cancelled => SlaState::NotApplicable,
        TicketStatus::Resolved => {
            // A resolved ticket always has its time; if a row lacks it, judge it as of now.
            if facts.resolved_at.unwrap_or(now_ms) <= breach {
                SlaState::Met
            } else {
                SlaState::Breached
            }
        }
        TicketStatus::WaitingOnSupport | TicketStatus::WaitingOnCustomer => {
            if now_ms > breach {
                SlaState::Breached
            } else if now_ms >= risk {
                SlaState::AtRisk
            } else {
                SlaState::OnTrack
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    const OPENED: i64 = 1_800_000_000_000;

    /// Response due in 4h (at risk from 3h12m), resolution in 16h (at risk from 12h48m).
    fn due() -> DueTimes {
        DueTimes {
            response_due_at: OPENED + 4 * HOUR,
            resolution_due_at: OPENED + 16 * HOUR,
            response_risk_at: OPENED + 3 * HOUR,
            resolution_risk_at: OPENED + 13 * HOUR,
        }
    }

    fn open(first_response_at: Option<i64>) -> SlaFacts {
        SlaFacts {
            status: TicketStatus::WaitingOnSupport,
            due: Some(due()),
            first_response_at,
            resolved_at: None,
        }
    }

    fn resolved(first_response_at: Option<i64>, resolved_at: i64) -> SlaFacts {
        SlaFacts {
            status: TicketStatus::Resolved,
            due: Some(due()),
            first_response_at,
            resolved_at: Some(resolved_at),
        }
    }

    #[test]
    fn an_unanswered_ticket_goes_on_track_then_at_risk_then_breached() {
        let facts = open(None);
        assert_eq!(sla_state(OPENED, &facts), SlaState::OnTrack);
        assert_eq!(sla_state(OPENED + 3 * HOUR - 1, &facts), SlaState::OnTrack);
        assert_eq!(sla_state(OPENED + 3 * HOUR, &facts), SlaState::AtRisk);
        // Due at 4h: still at risk at the due instant itself, breached right after.
        assert_eq!(sla_state(OPENED + 4 * HOUR, &facts), SlaState::AtRisk);
        assert_eq!(sla_state(OPENED + 4 * HOUR + 1, &facts), SlaState::Breached);
        assert_eq!(sla_state(OPENED + 100 * HOUR, &facts), SlaState::Breached);
    }

    #[test]
    fn an_answer_in_time_moves_the_clock_to_the_resolution() {
        let facts = open(Some(OPENED + 2 * HOUR));
        assert_eq!(sla_state(OPENED + 5 * HOUR, &facts), SlaState::OnTrack);
        assert_eq!(sla_state(OPENED + 13 * HOUR, &facts), SlaState::AtRisk);
        assert_eq!(
            sla_state(OPENED + 16 * HOUR + 1, &facts),
            SlaState::Breached
        );
        // Waiting on the customer does not stop the clock.
        let waiting = SlaFacts {
            status: TicketStatus::WaitingOnCustomer,
            ..facts
        };
        assert_eq!(sla_state(OPENED + 17 * HOUR, &waiting), SlaState::Breached);
        // An answer exactly at the due time is in time.
        let on_the_dot = open(Some(OPENED + 4 * HOUR));
        assert_eq!(sla_state(OPENED + 5 * HOUR, &on_the_dot), SlaState::OnTrack);
    }

    #[test]
    fn a_late_answer_is_a_breach_that_stays() {
        let facts = open(Some(OPENED + 5 * HOUR));
        assert_eq!(sla_state(OPENED + 5 * HOUR, &facts), SlaState::Breached);
        assert_eq!(breach_at(&facts), Some(OPENED + 4 * HOUR));
        assert_eq!(
            sla_state(
                OPENED + 6 * HOUR,
                &resolved(Some(OPENED + 5 * HOUR), OPENED + 6 * HOUR)
            ),
            SlaState::Breached
        );
    }

    #[test]
    fn resolved_tickets_are_met_or_breached() {
        // Answered in time, resolved in time: met, whenever it is looked at.
        let met = resolved(Some(OPENED + HOUR), OPENED + 10 * HOUR);
        assert_eq!(sla_state(OPENED + 10 * HOUR, &met), SlaState::Met);
        assert_eq!(sla_state(OPENED + 1000 * HOUR, &met), SlaState::Met);
        // Resolved after the resolution due time.
        let late = resolved(Some(OPENED + HOUR), OPENED + 17 * HOUR);
        assert_eq!(sla_state(OPENED + 17 * HOUR, &late), SlaState::Breached);
        // Resolved without a reply, within the response time: the resolution answered it.
        let quick = resolved(None, OPENED + 2 * HOUR);
        assert_eq!(sla_state(OPENED + 50 * HOUR, &quick), SlaState::Met);
        // Resolved without a reply after the response time: the response was missed.
        let silent = resolved(None, OPENED + 6 * HOUR);
        assert_eq!(sla_state(OPENED + 6 * HOUR, &silent), SlaState::Breached);
    }

    #[test]
    fn cancelled_tickets_and_tickets_without_due_times_have_no_sla() {
        let cancelled = SlaFacts {
            status: TicketStatus::Cancelled,
            ..open(None)
        };
        assert_eq!(
            sla_state(OPENED + 100 * HOUR, &cancelled),
            SlaState::NotApplicable
        );
        let without = SlaFacts {
            due: None,
            ..open(None)
        };
        assert_eq!(sla_state(OPENED, &without), SlaState::NotApplicable);
        assert_eq!(breach_at(&without), None);
        assert_eq!(risk_at(&without), None);
    }

    #[test]
    fn a_response_target_longer_than_the_resolution_still_breaches_at_the_resolution() {
        let odd = SlaFacts {
            due: Some(DueTimes {
                response_due_at: OPENED + 8 * HOUR,
                resolution_due_at: OPENED + 4 * HOUR,
                response_risk_at: OPENED + 7 * HOUR,
                resolution_risk_at: OPENED + 3 * HOUR,
            }),
            ..open(None)
        };
        assert_eq!(sla_state(OPENED + 3 * HOUR, &odd), SlaState::AtRisk);
        assert_eq!(sla_state(OPENED + 5 * HOUR, &odd), SlaState::Breached);
    }

    #[test]
    fn states_read_back_from_their_names() {
        for state in SlaState::ALL {
            assert_eq!(state.as_str().parse(), Ok(state));
            assert_eq!(state.to_string().to_uppercase().parse(), Ok(state));
            assert_eq!(
                serde_json::to_value(state).expect("json"),
                serde_json::Value::String(state.as_str().to_string())
            );
        }
        assert!("late".parse::<SlaState>().is_err());
    }
}
