//! SLA state as SQL conditions, so a queue can filter and sort 100k tickets in the database.
//!
//! The `tickets` table keeps the due times (`response_due_at`, `resolution_due_at`,
//! `response_risk_at`, `resolution_risk_at`) and `first_response_at`; two generated columns
//! reduce them to the two instants [`super::state`] decides on:
//!
//! - `sla_breach_at` = [`super::breach_at`]: when the ticket breaches (or breached) its SLA;
//! - `sla_risk_at` = [`super::risk_at`]: when it becomes at risk.
//!
//! Two partial indexes over open tickets (`status IN ('waiting_on_support',
//! 'waiting_on_customer')`, which a query must repeat word for word, as [`OPEN_STATUSES`] and
//! these conditions do): `tickets_sla_open (sla_breach_at, sla_risk_at)` and
//! `tickets_sla_open_sector (sector, sla_breach_at)`. They find the few tickets at risk, and list
//! open tickets most urgent first (`ORDER BY sla_breach_at`).
//!
//! A queue in activity order (`ORDER BY updated_at DESC`) with an SLA filter is fastest read
//! through the queue's own index in that order, the condition filtering as it goes: on track and
//! breached are most of the open tickets, met most of the resolved ones. Only "at risk" is sparse:
//! read it through [`sparse_state_index`]. Measured on 100k tickets (5k open, 5 sectors; Python's
//! SQLite, page of 51): every state and scope under 1.5 ms that way; "at risk" without its index
//! 11-14 ms, "on track" or "at risk" of one sector through an all-statuses index 150+ ms (those
//! states imply an open status: read them as the open queue). `state_filter_sql(Breached, …)`
//! marks its resolved branch `+status` so SQLite does not answer it with a MULTI-INDEX OR over
//! every resolved ticket (400 ms).

use super::state::SlaState;

/// Generated column: when the ticket breaches (or breached) its SLA, Unix ms; NULL without an
/// SLA. `ORDER BY sla_breach_at` lists open tickets most urgent first (NULLs sort first in
/// SQLite; every ticket opened since the SLA existed has a value).
pub const BREACH_AT_COLUMN: &str = "sla_breach_at";

/// Generated column: when the ticket becomes at risk, Unix ms; NULL without an SLA.
pub const RISK_AT_COLUMN: &str = "sla_risk_at";

/// The condition of the open-ticket partial indexes, as it must appear in a query to use them.
pub const OPEN_STATUSES: &str = "status IN ('waiting_on_support', 'waiting_on_customer')";

/// An SQL condition over the `tickets` table that holds exactly for the tickets in `state` at
/// the time bound to `now_placeholder` (Unix ms; a parameter such as `?`, `?4` or `:now`, which
/// appears once in the text). `column_prefix` qualifies the columns: `""`, or `"t."` when the
/// query calls the table `t`. The condition is parenthesised, ready to be ANDed with others.
///
/// ```text
/// on_track  open AND sla_risk_at > now
/// at_risk   open AND now BETWEEN sla_risk_at AND sla_breach_at
/// breached  (open AND sla_breach_at < now) OR (+status = 'resolved' AND resolved_at > sla_breach_at)
/// met       status = 'resolved' AND resolved_at <= sla_breach_at
/// none      status = 'cancelled' OR sla_breach_at IS NULL
/// ```
///
/// (`open` is [`OPEN_STATUSES`].) The same as [`super::sla_state`] for every ticket whose
/// resolved tickets carry `resolved_at`, which the store always writes.
pub fn state_filter_sql(state: SlaState, column_prefix: &str, now_placeholder: &str) -> String {
    let p = column_prefix;
    let now = now_placeholder;
    let open = format!("{p}{OPEN_STATUSES}");
    match state {
        SlaState::OnTrack => format!("({open} AND {p}sla_risk_at > {now})"),
        SlaState::AtRisk => {
            format!("({open} AND {now} BETWEEN {p}sla_risk_at AND {p}sla_breach_at)")
        }
        // `+` keeps SQLite from serving the resolved branch with an index (see the module docs).
        SlaState::Breached => format!(
            "(({open} AND {p}sla_breach_at < {now}) \
             OR (+{p}status = 'resolved' AND {p}resolved_at > {p}sla_breach_at))"
        ),
        SlaState::Met => {
            format!("({p}status = 'resolved' AND {p}resolved_at <= {p}sla_breach_at)")
        }
        SlaState::NotApplicable => {
            format!("({p}status = 'cancelled' OR {p}sla_breach_at IS NULL)")
        }
    }
}

/// The index to read a queue filtered by `state` through (`INDEXED BY`), when the state is
/// sparse enough that finding its tickets and sorting them beats walking the queue's order:
/// at risk (a handful at any time), `by_sector` when the query also has `sector = ?`. `None`:
/// read through the queue's own index. The index's condition is part of the state's condition.
pub fn sparse_state_index(state: SlaState, by_sector: bool) -> Option<&'static str> {
    match (state, by_sector) {
        (SlaState::AtRisk, false) => Some("tickets_sla_open"),
        (SlaState::AtRisk, true) => Some("tickets_sla_open_sector"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_name_the_prefixed_columns_and_use_now_once() {
        for state in SlaState::ALL {
            let sql = state_filter_sql(state, "t.", ":now");
            assert!(sql.starts_with('(') && sql.ends_with(')'), "{sql}");
            assert!(sql.matches(":now").count() <= 1, "{sql}");
            assert!(
                !sql.contains(" status") && !sql.contains("+status"),
                "unqualified column in {sql}"
            );
        }
        assert_eq!(
            state_filter_sql(SlaState::OnTrack, "", "?3"),
            "(status IN ('waiting_on_support', 'waiting_on_customer') AND sla_risk_at > ?3)"
        );
    }
}
