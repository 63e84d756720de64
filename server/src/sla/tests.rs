//! The SLA on real storage: due times written with the ticket, the first response, a priority
//! change, the backfill of older tickets, and the SQL filters agreeing with [`sla_state`] and
//! using their indexes.

use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use mail_builder::MessageBuilder;
use ppdesk_shared::status::ManualClock;
use sqlx::Row;

use super::*;
use crate::config::Config;
use crate::store::sqlite::SqliteStore;
use crate::store::{NewTicket, StoreTx};

struct TestDesk {
    desk: Desk<SqliteStore>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// Monday 2 November 2026, 10:00 in Rome (09:00 UTC): business hours.
fn monday_10() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("valid date")
}

fn rome(d: u32, h: u32, m: u32) -> i64 {
    chrono_tz::Europe::Rome
        .with_ymd_and_hms(2026, 11, d, h, m, 0)
        .single()
        .expect("local time")
        .timestamp_millis()
}

async fn desk() -> TestDesk {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(monday_10()));
    let desk = Desk::open(Config::default(), dir.path(), clock.clone())
        .await
        .expect("open desk");
    TestDesk {
        desk,
        clock,
        _dir: dir,
    }
}

async fn mail_ticket(t: &TestDesk, subject: &str, id: &str) -> u64 {
    let raw = MessageBuilder::new()
        .from("mario.rossi@acme.it")
        .to("helpdesk@ppdesk.localhost")
        .subject(subject.to_string())
        .message_id(id.to_string())
        .text_body("La stampante non stampa.")
        .write_to_vec()
        .expect("render");
    let report = t.desk.ingest(&raw, "test").await.expect("ingest");
    report.ticket.expect("a ticket")
}

async fn record(t: &TestDesk, number: u64) -> TicketRecord {
    t.desk
        .store
        .ticket(number)
        .await
        .expect("read")
        .expect("ticket exists")
}

#[tokio::test]
async fn a_reply_records_the_first_response_once_and_moves_the_clock_to_the_resolution() {
    let t = desk().await;
    let number = mail_ticket(&t, "Stampante", "1@acme.it").await;
    let ticket = record(&t, number).await;
    let due = ticket.sla_due.expect("due times");
    // Normal priority, 4h response: 10:00-13:00 and 14:00-15:00.
    assert_eq!(due.response_due_at, rome(2, 15, 0));
    assert_eq!(ticket.first_response_at, None);
    assert_eq!(t.desk.sla_state_of(&ticket), SlaState::OnTrack);

    // At 14:30 the response is at risk (its last 48 minutes started at 14:12).
    t.clock
        .set(Utc.timestamp_millis_opt(rome(2, 14, 30)).unwrap());
    assert_eq!(t.desk.sla_state_of(&ticket), SlaState::AtRisk);
    t.desk
        .reply(number, "Buongiorno, riavvii la stampante.")
        .await
        .expect("reply");
    let answered = record(&t, number).await;
    assert_eq!(answered.first_response_at, Some(rome(2, 14, 30)));
    assert_eq!(t.desk.sla_state_of(&answered), SlaState::OnTrack);

    // A second reply keeps the first response time.
    t.clock.advance(TimeDelta::hours(1));
    t.desk.reply(number, "Altro?").await.expect("reply");
    assert_eq!(
        record(&t, number).await.first_response_at,
        Some(rome(2, 14, 30))
    );

    // The view shows it.
    let view = t
        .desk
        .ticket_view(number)
        .await
        .expect("view")
        .expect("ticket");
    let sla = view.sla.clone().expect("an SLA");
    assert_eq!(sla.state, SlaState::OnTrack);
    assert_eq!(
        sla.first_response_at.as_deref(),
        Some("2026-11-02T13:30:00Z")
    );
    assert!(
        view.to_text().contains("sla: on_track"),
        "{}",
        view.to_text()
    );
    // 2 business days: the resolution is due Wednesday 10:00 Rome.
    assert_eq!(sla.resolution_due_at, "2026-11-04T09:00:00Z");
}

#[tokio::test]
async fn an_unanswered_ticket_is_breached_after_its_response_time() {
    let t = desk().await;
    let number = mail_ticket(&t, "Rete", "2@acme.it").await;
    t.clock
        .set(Utc.timestamp_millis_opt(rome(2, 15, 1)).unwrap());
    let ticket = record(&t, number).await;
    assert_eq!(t.desk.sla_state_of(&ticket), SlaState::Breached);
    let lines = t
        .desk
        .ticket_lines(&crate::store::TicketFilter::default())
        .await
        .expect("list");
    assert_eq!(lines[0].sla, SlaState::Breached);
}

#[tokio::test]
async fn a_priority_change_counts_the_new_targets_from_the_opening() {
    let t = desk().await;
    let number = mail_ticket(&t, "Gestionale fermo", "3@acme.it").await;
    let opened = record(&t, number).await.created_at;
    t.clock.advance(TimeDelta::hours(2));
    let mut tx = t.desk.store.begin().await.expect("begin");
    let state = tx
        .ticket_state(number)
        .await
        .expect("read")
        .expect("ticket");
    assert_eq!(state.created_at, opened);
    let due = t
        .desk
        .reset_sla_due_times(
            &mut tx,
            number,
            &state.class,
            Priority::Urgent,
            state.created_at,
        )
        .await
        .expect("reset");
    tx.commit().await.expect("commit");
    // Urgent: 1h response, 4h resolution, from 10:00.
    assert_eq!(due.response_due_at, rome(2, 11, 0));
    assert_eq!(due.resolution_due_at, rome(2, 15, 0));
    let ticket = record(&t, number).await;
    assert_eq!(ticket.sla_due, Some(due));
    // Two hours after opening, an unanswered urgent ticket is breached.
    assert_eq!(t.desk.sla_state_of(&ticket), SlaState::Breached);
}

fn bare_ticket(created_at: i64, sla_due: Option<DueTimes>) -> NewTicket {
    NewTicket {
        class: "Standard".into(),
        subject: "Prova".into(),
        status: TicketStatus::WaitingOnSupport.as_str().into(),
        category: None,
        priority: Priority::High.as_str().into(),
        sector: "Helpdesk".into(),
        requester_email: "mario.rossi@acme.it".into(),
        requester_name: None,
        organisation: None,
        channel: "email".into(),
        locale: "it".into(),
        linked_ticket: None,
        needs_review: false,
        review_reason: None,
        created_at,
        sla_due,
    }
}

#[tokio::test]
async fn the_backfill_gives_older_tickets_due_times_once() {
    let t = desk().await;
    let created = rome(2, 12, 0);
    let mut tx = t.desk.store.begin().await.expect("begin");
    let old = tx
        .insert_ticket(&bare_ticket(created, None))
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    let before = record(&t, old).await;
    assert_eq!(before.sla_due, None);
    assert_eq!(t.desk.sla_state_of(&before), SlaState::NotApplicable);

    assert_eq!(t.desk.backfill_sla_due_times().await.expect("backfill"), 1);
    assert_eq!(t.desk.backfill_sla_due_times().await.expect("again"), 0);
    let after = record(&t, old).await;
    assert_eq!(
        after.sla_due,
        Some(t.desk.sla_due_times("Standard", Priority::High, created))
    );
    // High: 2h response from 12:00 → 13:00, lunch, 14:00-15:00.
    assert_eq!(
        after.sla_due.map(|d| d.response_due_at),
        Some(rome(2, 15, 0))
    );
}

/// The ticket numbers in `state` at `now`, by the SQL filter.
async fn numbers_in(store: &SqliteStore, state: SlaState, now: i64) -> Vec<u64> {
    let sql = format!(
        "SELECT number FROM tickets WHERE {} ORDER BY number",
        state_filter_sql(state, "t.", "?1").replace("t.", "tickets.")
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .fetch_all(store.pool())
        .await
        .expect("query")
        .iter()
        .map(|row| row.get::<i64, _>("number") as u64)
        .collect()
}

#[tokio::test]
async fn the_sql_filters_agree_with_sla_state() {
    let t = desk().await;
    const H: i64 = 3_600_000;
    let opened = rome(2, 10, 0);
    let due = DueTimes {
        response_due_at: opened + 4 * H,
        resolution_due_at: opened + 16 * H,
        response_risk_at: opened + 3 * H,
        resolution_risk_at: opened + 13 * H,
    };
    let statuses = TicketStatus::ALL;
    let first_responses = [
        None,
        Some(opened + H),
        Some(opened + 4 * H),
        Some(opened + 5 * H),
    ];
    let resolutions = [opened + 2 * H, opened + 16 * H, opened + 17 * H];
    let mut tx = t.desk.store.begin().await.expect("begin");
    let mut facts = Vec::new();
    for status in statuses {
        for first in first_responses {
            for (i, resolved) in resolutions.iter().enumerate() {
                let resolved_at = (status == TicketStatus::Resolved).then_some(*resolved);
                // Only resolved tickets differ by resolution time.
                if resolved_at.is_none() && i > 0 {
                    continue;
                }
                for sla_due in [Some(due), None] {
                    let number = tx
                        .insert_ticket(&NewTicket {
                            status: status.as_str().into(),
                            ..bare_ticket(opened, sla_due)
                        })
                        .await
                        .expect("insert");
                    if let Some(first) = first {
                        tx.record_first_response(number, first)
                            .await
                            .expect("reply");
                    }
                    tx.set_status(number, status.as_str(), resolved_at, None, opened)
                        .await
                        .expect("status");
                    facts.push((
                        number,
                        SlaFacts {
                            status,
                            due: sla_due,
                            first_response_at: first,
                            resolved_at,
                        },
                    ));
                }
            }
        }
    }
    tx.commit().await.expect("commit");
    let mut seen = std::collections::HashSet::new();
    for offset in [
        0,
        3 * H - 1,
        3 * H,
        4 * H,
        4 * H + 1,
        13 * H,
        16 * H,
        16 * H + 1,
        50 * H,
    ] {
        let now = opened + offset;
        for state in SlaState::ALL {
            let by_sql = numbers_in(&t.desk.store, state, now).await;
            let by_rule: Vec<u64> = facts
                .iter()
                .filter(|(_, f)| sla_state(now, f) == state)
                .map(|(n, _)| *n)
                .collect();
            assert_eq!(by_sql, by_rule, "{state} at +{offset} ms");
            seen.insert(state);
        }
        // Every ticket is in exactly one state.
        let mut total = 0;
        for state in SlaState::ALL {
            total += numbers_in(&t.desk.store, state, now).await.len();
        }
        assert_eq!(total, facts.len());
    }
    // The grid exercises every state.
    for state in SlaState::ALL {
        assert!(
            facts.iter().any(|(_, f)| [0, 3 * H, 5 * H, 50 * H]
                .iter()
                .any(|o| sla_state(opened + o, f) == state)),
            "{state} never happens"
        );
    }
}

/// What SQLite plans for `sql`, one line per step.
async fn plan(store: &SqliteStore, sql: &str) -> String {
    sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
        .bind(0_i64)
        .bind("Helpdesk")
        .fetch_all(store.pool())
        .await
        .expect("plan")
        .iter()
        .map(|row| row.get::<String, _>("detail"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_sla_indexes_serve_the_state_filters() {
    let t = desk().await;
    let store = &t.desk.store;
    // At risk, read through its index (INDEXED BY fails outright if the index cannot serve the
    // condition), with and without a sector, in queue order.
    for by_sector in [false, true] {
        let index = sparse_state_index(SlaState::AtRisk, by_sector).expect("an index");
        let sector = if by_sector { "sector = ?2 AND " } else { "" };
        let filter = state_filter_sql(SlaState::AtRisk, "", "?1");
        let found = plan(
            store,
            &format!(
                "SELECT number FROM tickets INDEXED BY {index} WHERE {sector}{filter} \
                 ORDER BY updated_at DESC, number DESC LIMIT 51"
            ),
        )
        .await;
        assert!(found.contains(&format!("USING INDEX {index}")), "{found}");
        assert!(
            found.contains("sla_breach_at>?"),
            "a range, not a scan: {found}"
        );
    }
    for state in [SlaState::OnTrack, SlaState::Breached, SlaState::Met] {
        assert_eq!(sparse_state_index(state, true), None);
    }
    // Breached is never answered with an index per OR branch (every resolved ticket).
    let breached = plan(
        store,
        &format!(
            "SELECT number FROM tickets WHERE {} AND ?2 IS NOT NULL \
             ORDER BY updated_at DESC LIMIT 51",
            state_filter_sql(SlaState::Breached, "", "?1")
        ),
    )
    .await;
    assert!(!breached.contains("MULTI-INDEX OR"), "{breached}");
    // Open tickets of a sector, most urgent first, overdue ones only.
    let urgent = plan(
        store,
        &format!(
            "SELECT number FROM tickets WHERE sector = ?2 AND {} AND sla_breach_at < ?1 \
             ORDER BY sla_breach_at LIMIT 50",
            sql::OPEN_STATUSES
        ),
    )
    .await;
    assert!(
        urgent.contains("USING INDEX tickets_sla_open_sector (sector=? AND sla_breach_at<?)"),
        "{urgent}"
    );
    assert!(!urgent.contains("TEMP B-TREE"), "{urgent}");
}
