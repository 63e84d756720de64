//! Contractual response times (T6): what the SLA means in ppdesk.
//!
//! Each ticket gets two targets from its contract class and priority (`[sla]` in the config,
//! [`targets`]): a **first response** (the first technician reply) and a **resolution**, both in
//! business time on a [`calendar`]: working days and hours in a time zone, without the Italian
//! public holidays ([`holidays`]) and any extra ones configured. When the ticket is opened its
//! due times are computed and stored with it ([`DueTimes`]), together with the instants from which
//! it is "at risk" (the last 20% of each target's business time, at least the last 30 minutes);
//! a priority change recomputes them from the opening time ([`Desk::reset_sla_due_times`]).
//!
//! The ticket's [`SlaState`] (on track, at risk, breached, met, none) follows from those times,
//! the first reply and the resolution ([`state`]); the database can filter and sort by it
//! ([`sql`]). The clock does not stop while waiting on the customer, and a reopened ticket keeps
//! its due times: the targets are the promises made when the ticket was opened.
//!
//! Everything but the [`Desk`] methods here is pure and unit-tested.

pub mod calendar;
pub mod holidays;
pub mod sql;
pub mod state;
pub mod targets;

use chrono::{DateTime, Utc};
use ppdesk_shared::status::TicketStatus;
use ppdesk_shared::ticket::Priority;
use serde::Serialize;

pub use calendar::{BusinessCalendar, TimeRange};
pub use holidays::{ExtraHoliday, Holidays, italian_public_holidays};
pub use sql::{sparse_state_index, state_filter_sql};
pub use state::{SlaFacts, SlaState, breach_at, risk_at, sla_state};
pub use targets::{
    DueTimes, PriorityTargets, SlaTargets, Target, TargetDuration, at_risk_minutes, due_times,
};

use crate::desk::Desk;
use crate::store::{Store, StoreError, StoreTx, TicketRecord};
use crate::views::timestamp;

impl SlaFacts {
    /// The facts of a stored ticket. A status the database should not hold reads as open, so
    /// the ticket is never hidden as closed.
    pub fn of(ticket: &TicketRecord) -> Self {
        SlaFacts {
            status: ticket
                .status
                .parse()
                .unwrap_or(TicketStatus::WaitingOnSupport),
            due: ticket.sla_due,
            first_response_at: ticket.first_response_at,
            resolved_at: ticket.resolved_at,
        }
    }
}

/// A ticket's SLA as pages and `ticket show --json` show it (times RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlaView {
    pub state: SlaState,
    pub response_due_at: String,
    pub resolution_due_at: String,
    pub first_response_at: Option<String>,
    /// When the ticket breaches (or breached): the deadline it works towards while open.
    pub breach_at: String,
    /// When it becomes (or became) at risk.
    pub risk_at: String,
}

impl SlaView {
    /// The view of `ticket` at `now_ms`; `None` for a ticket without due times.
    pub fn of(ticket: &TicketRecord, now_ms: i64) -> Option<Self> {
        let facts = SlaFacts::of(ticket);
        let due = facts.due?;
        Some(SlaView {
            state: sla_state(now_ms, &facts),
            response_due_at: timestamp(due.response_due_at),
            resolution_due_at: timestamp(due.resolution_due_at),
            first_response_at: facts.first_response_at.map(timestamp),
            breach_at: breach_at(&facts).map(timestamp).unwrap_or_default(),
            risk_at: risk_at(&facts).map(timestamp).unwrap_or_default(),
        })
    }

    /// The line `ticket show` prints.
    pub fn to_text(&self) -> String {
        let answered = match &self.first_response_at {
            Some(at) => format!("answered {at}"),
            None => "not answered yet".to_string(),
        };
        format!(
            "sla: {}   response due: {} ({answered})   resolution due: {}\n",
            self.state, self.response_due_at, self.resolution_due_at
        )
    }
}

/// An instant from stored Unix ms; times outside chrono's range (only a corrupt row has them)
/// read as the epoch.
fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default()
}

/// How many tickets one backfill transaction updates.
const BACKFILL_BATCH: u32 = 500;

impl<S: Store> Desk<S> {
    /// The business calendar of the config.
    pub fn sla_calendar(&self) -> BusinessCalendar {
        self.config.sla.calendar()
    }

    /// The due times of a ticket of `class` and `priority` opened at `opened_at_ms`.
    pub fn sla_due_times(&self, class: &str, priority: Priority, opened_at_ms: i64) -> DueTimes {
        due_times(
            &self.config.sla.calendar(),
            &self.config.sla.targets(),
            class,
            priority,
            instant(opened_at_ms),
        )
    }

    /// The SLA state of `ticket` now.
    pub fn sla_state_of(&self, ticket: &TicketRecord) -> SlaState {
        sla_state(self.now_ms(), &SlaFacts::of(ticket))
    }

    /// Recomputes ticket `number`'s due times for `priority`, counted from its opening at
    /// `opened_at_ms`, inside the caller's transaction: what a priority change does.
    pub async fn reset_sla_due_times(
        &self,
        tx: &mut S::Tx,
        number: u64,
        class: &str,
        priority: Priority,
        opened_at_ms: i64,
    ) -> Result<DueTimes, StoreError> {
        let due = self.sla_due_times(class, priority, opened_at_ms);
        tx.set_sla_due(number, &due).await?;
        Ok(due)
    }

    /// Gives due times to the tickets that have none (opened before the SLA existed), from
    /// their class, priority and opening time; returns how many were updated. Idempotent and
    /// cheap when there is nothing to do (one indexed query).
    pub async fn backfill_sla_due_times(&self) -> Result<u64, StoreError> {
        let calendar = self.config.sla.calendar();
        let targets = self.config.sla.targets();
        let mut updated = 0;
        loop {
            let batch = self.store.tickets_without_sla(BACKFILL_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            let mut tx = self.store.begin().await?;
            for ticket in &batch {
                let priority = ticket.priority.parse().unwrap_or(Priority::Normal);
                let due = due_times(
                    &calendar,
                    &targets,
                    &ticket.class,
                    priority,
                    instant(ticket.created_at),
                );
                tx.set_sla_due(ticket.number, &due).await?;
            }
            tx.commit().await?;
            updated += batch.len() as u64;
        }
        if updated > 0 {
            tracing::info!(tickets = updated, "gave SLA due times to older tickets");
        }
        Ok(updated)
    }
}

#[cfg(test)]
mod tests;
