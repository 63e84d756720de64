//! [`Console`] and [`ConsoleTx`] on SQLite (indexes, counters and full-text tables in
//! `20261126000008_console.sql`).
//!
//! A queue page is one query: the filters as conditions, `ORDER BY updated_at DESC, number DESC`
//! and a keyset cursor. Which index yields that order is chosen here from the filter's shape
//! (`INDEXED BY`), not left to the planner: without statistics SQLite prefers an index with more
//! equalities and sorts every matching row (15 ms for one sector's 20k tickets), where the index
//! in queue order stops after one page. A text search instead starts from the full-text tables,
//! bounded to the most recent [`SEARCH_CANDIDATES`] matches of each, read newest first.

use super::*;
use crate::queue_filter::{Cursor, StatusFilter};
use crate::sla::sql::OPEN_STATUSES;
use crate::store::console::{
    AssigneeScope, Console, ConsoleCounts, ConsoleFacts, ConsoleState, ConsoleTx, INDEX_BATCH,
    QueueCount, QueuePage, QueueQuery, SEARCH_CANDIDATES, StaffMember,
};

/// A bound value of a dynamically built query.
enum Arg<'a> {
    Text(&'a str),
    Int(i64),
}

/// Conditions and their values, numbered in order.
#[derive(Default)]
struct Conditions<'a> {
    terms: Vec<String>,
    args: Vec<Arg<'a>>,
}

impl<'a> Conditions<'a> {
    /// Adds a value; returns its placeholder.
    fn arg(&mut self, value: Arg<'a>) -> String {
        self.args.push(value);
        format!("?{}", self.args.len())
    }

    fn and(&mut self, term: String) {
        self.terms.push(term);
    }
}

/// The index that yields the queue's order for this filter shape; None: let SQLite choose (a
/// text search starts from the full-text tables, an SLA state from its own index).
fn order_index(query: &QueueQuery<'_>) -> Option<&'static str> {
    if query.text.is_some() || query.sla.is_some() {
        return None;
    }
    if query.needs_review {
        return Some("tickets_review");
    }
    match (query.status, query.sector, query.assignee) {
        (StatusFilter::Open, _, AssigneeScope::Person(_) | AssigneeScope::Unassigned) => {
            Some("tickets_open_assignee")
        }
        (StatusFilter::Open, Some(_), AssigneeScope::Anyone) => Some("tickets_open_sector"),
        (StatusFilter::Open, None, AssigneeScope::Anyone) => Some("tickets_open"),
        (StatusFilter::Only(_), Some(_), _) => Some("tickets_sector_status"),
        (StatusFilter::Only(_), None, _) => Some("tickets_status"),
        (StatusFilter::All, _, _) => Some("tickets_updated"),
    }
}

/// The tickets of a text search's hits, as an SQL set over two JSON arrays of ids bound as
/// `messages` (message ids) and `tickets` (ticket numbers).
fn search_candidates(messages: &str, tickets: &str) -> String {
    format!(
        "(SELECT ticket FROM messages WHERE id IN (SELECT value FROM json_each({messages}))
          UNION SELECT value FROM json_each({tickets}))"
    )
}

/// The most recent full-text hits of a search, at most [`SEARCH_CANDIDATES`] of each kind.
struct SearchHits {
    /// JSON array of message ids.
    messages: String,
    /// JSON array of ticket numbers (subject, requester, organisation).
    tickets: String,
    /// More matched than were kept.
    capped: bool,
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments>,
    args: &'q [Arg<'q>],
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments> {
    for arg in args {
        query = match arg {
            Arg::Text(text) => query.bind(*text),
            Arg::Int(n) => query.bind(*n),
        };
    }
    query
}

impl Console for SqliteStore {
    async fn queue(&self, query: &QueueQuery<'_>) -> Result<QueuePage, StoreError> {
        let mut c = Conditions::default();
        match query.status {
            // Word for word the partial indexes' condition, or SQLite will not use them.
            StatusFilter::Open => c.and(OPEN_STATUSES.to_string()),
            StatusFilter::Only(status) => {
                let p = c.arg(Arg::Text(status.as_str()));
                c.and(format!("status = {p}"));
            }
            StatusFilter::All => {}
        }
        if let Some(sector) = query.sector {
            let p = c.arg(Arg::Text(sector));
            c.and(format!("sector = {p}"));
        }
        if let Some(priority) = query.priority {
            let p = c.arg(Arg::Text(priority.as_str()));
            c.and(format!("priority = {p}"));
        }
        match query.assignee {
            AssigneeScope::Anyone => {}
            AssigneeScope::Unassigned => c.and("assignee IS NULL".into()),
            AssigneeScope::Person(address) => {
                let p = c.arg(Arg::Text(address));
                c.and(format!("assignee = {p}"));
            }
        }
        if query.needs_review {
            c.and("needs_review = 1".into());
        }
        if let Some(state) = query.sla {
            let p = c.arg(Arg::Int(query.now_ms));
            c.and(crate::sla::state_filter_sql(state, "", &p));
        }
        let hits = match query.text {
            Some(text) => Some(self.search_hits(text).await?),
            None => None,
        };
        if let Some(hits) = &hits {
            let messages = c.arg(Arg::Text(&hits.messages));
            let tickets = c.arg(Arg::Text(&hits.tickets));
            c.and(format!(
                "number IN {}",
                search_candidates(&messages, &tickets)
            ));
        }
        if let Some(after) = query.after {
            let at = c.arg(Arg::Int(after.updated_at));
            let number = c.arg(Arg::Int(to_i64(after.number)));
            c.and(format!("(updated_at, number) < ({at}, {number})"));
        }
        // One more than a page: whether there is a next page, without counting.
        let limit = c.arg(Arg::Int(i64::from(query.limit) + 1));
        let indexed = order_index(query)
            .map(|index| format!(" INDEXED BY {index}"))
            .unwrap_or_default();
        let filter = if c.terms.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", c.terms.join(" AND "))
        };
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets{indexed} {filter}
             ORDER BY updated_at DESC, number DESC LIMIT {limit}"
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &c.args)
            .fetch_all(&self.reader)
            .await?;
        let mut tickets = rows
            .iter()
            .map(ticket_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let next = if tickets.len() > limit {
            tickets.truncate(limit);
            tickets.last().map(|t| Cursor {
                updated_at: t.updated_at,
                number: t.number,
            })
        } else {
            None
        };
        let search_capped = hits.as_ref().is_some_and(|h| h.capped);
        Ok(QueuePage {
            tickets,
            next,
            search_capped,
        })
    }

    async fn console_counts(&self, viewer: &str) -> Result<ConsoleCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT sector, status, n FROM queue_counts WHERE n > 0 ORDER BY sector, status",
        )
        .fetch_all(&self.reader)
        .await?;
        let per_queue = rows
            .iter()
            .map(|row| {
                Ok(QueueCount {
                    sector: row.try_get("sector")?,
                    status: row.try_get("status")?,
                    tickets: to_u64(row.try_get("n")?, "queue_counts")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let sql = format!(
            "SELECT
                (SELECT COUNT(*) FROM tickets INDEXED BY tickets_open_assignee
                 WHERE assignee = ?1 AND {OPEN_STATUSES}) AS mine,
                (SELECT COUNT(*) FROM tickets INDEXED BY tickets_review
                 WHERE needs_review = 1) AS review"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(viewer)
            .fetch_one(&self.reader)
            .await?;
        Ok(ConsoleCounts {
            per_queue,
            mine_open: to_u64(row.try_get("mine")?, "tickets")?,
            needs_review: to_u64(row.try_get("review")?, "tickets")?,
        })
    }

    async fn staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        // The accounts' table (20261126000005_accounts.sql); a few rows per technician at most.
        let rows = sqlx::query(
            "SELECT lower(email) AS email, name FROM users
             WHERE role IN ('technician', 'admin') AND active = 1 ORDER BY lower(email)",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StaffMember {
                    email: row.try_get("email")?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    async fn index_queued_messages(&self, batch: u32) -> Result<u64, StoreError> {
        // A look through a reader first: an empty queue (the usual case) never waits for the
        // writer, which ingest may be holding.
        let queued: Option<i64> = sqlx::query_scalar("SELECT id FROM messages_fts_queue LIMIT 1")
            .fetch_optional(&self.reader)
            .await?;
        if queued.is_none() {
            return Ok(0);
        }
        let mut tx = self.writer.begin().await?;
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT max(id) FROM (SELECT id FROM messages_fts_queue ORDER BY id LIMIT ?1)",
        )
        .bind(i64::from(batch.max(1)))
        .fetch_one(&mut *tx)
        .await?;
        let Some(last) = last else {
            return Ok(0);
        };
        // The kinds the migrations' triggers index; the message's text and kind as they are
        // now (an update while queued needs no index work).
        sqlx::query(
            "INSERT INTO messages_fts (rowid, text_body)
             SELECT m.id, m.text_body FROM messages_fts_queue q JOIN messages m ON m.id = q.id
             WHERE q.id <= ?1 AND m.kind IN ('customer', 'technician', 'reply', 'note')",
        )
        .bind(last)
        .execute(&mut *tx)
        .await?;
        let taken = sqlx::query("DELETE FROM messages_fts_queue WHERE id <= ?1")
            .bind(last)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(taken.rows_affected())
    }

    async fn console_facts(&self, number: u64) -> Result<Option<ConsoleFacts>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT merged_into, contact_phone FROM tickets WHERE number = ?1")
                .bind(to_i64(number))
                .fetch_optional(&self.reader)
                .await?
        else {
            return Ok(None);
        };
        let merged_from = sqlx::query(
            "SELECT number FROM tickets WHERE merged_into = ?1 AND merged_into IS NOT NULL
             ORDER BY number",
        )
        .bind(to_i64(number))
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(|r| to_u64(r.try_get("number")?, "tickets"))
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(ConsoleFacts {
            merged_into: row
                .try_get::<Option<i64>, _>("merged_into")?
                .map(|n| to_u64(n, "tickets"))
                .transpose()?,
            merged_from,
            contact_phone: row.try_get("contact_phone")?,
        }))
    }
}

impl SqliteStore {
    /// The most recent hits of a text search in messages and in tickets: each read newest
    /// first from its index and cut at [`SEARCH_CANDIDATES`] (one more is read to tell whether
    /// there were more).
    async fn search_hits(&self, fts: &str) -> Result<SearchHits, StoreError> {
        // Messages stored since `serve` last indexed: a search never misses what is stored.
        while self.index_queued_messages(INDEX_BATCH).await? > 0 {}
        let over = i64::from(SEARCH_CANDIDATES) + 1;
        let mut capped = false;
        let mut lists = Vec::with_capacity(2);
        for table in ["messages_fts", "tickets_fts"] {
            let sql = format!(
                "SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rowid DESC LIMIT ?2"
            );
            let mut ids: Vec<i64> = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(fts)
                .bind(over)
                .fetch_all(&self.reader)
                .await?
                .iter()
                .map(|row| row.try_get("rowid"))
                .collect::<Result<_, _>>()?;
            if ids.len() > SEARCH_CANDIDATES as usize {
                ids.truncate(SEARCH_CANDIDATES as usize);
                capped = true;
            }
            lists.push(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()));
        }
        let tickets = lists.pop().unwrap_or_else(|| "[]".into());
        let messages = lists.pop().unwrap_or_else(|| "[]".into());
        Ok(SearchHits {
            messages,
            tickets,
            capped,
        })
    }
}

impl ConsoleTx for SqliteTx {
    async fn console_state(&mut self, number: u64) -> Result<Option<ConsoleState>, StoreError> {
        let Some(state) = self.ticket_state(number).await? else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT priority, assignee, merged_into, needs_review, linked_ticket
             FROM tickets WHERE number = ?1",
        )
        .bind(to_i64(number))
        .fetch_one(&mut *self.tx)
        .await?;
        let number_of = |column: &str| -> Result<Option<u64>, StoreError> {
            row.try_get::<Option<i64>, _>(column)?
                .map(|n| to_u64(n, "tickets"))
                .transpose()
        };
        Ok(Some(ConsoleState {
            priority: row.try_get("priority")?,
            assignee: row.try_get("assignee")?,
            merged_into: number_of("merged_into")?,
            needs_review: row.try_get("needs_review")?,
            linked_ticket: number_of("linked_ticket")?,
            state,
        }))
    }

    async fn move_thread(&mut self, from: u64, to: u64) -> Result<u64, StoreError> {
        let moved = sqlx::query("UPDATE messages SET ticket = ?2 WHERE ticket = ?1")
            .bind(to_i64(from))
            .bind(to_i64(to))
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        // Replies to the duplicate's mails now thread to the ticket that took them.
        sqlx::query("UPDATE message_ids SET ticket = ?2 WHERE ticket = ?1")
            .bind(to_i64(from))
            .bind(to_i64(to))
            .execute(&mut *self.tx)
            .await?;
        Ok(moved)
    }

    async fn set_merged_into(&mut self, from: u64, to: u64) -> Result<(), StoreError> {
        sqlx::query("UPDATE tickets SET merged_into = ?2, needs_review = 0 WHERE number = ?1")
            .bind(to_i64(from))
            .bind(to_i64(to))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn set_triage(
        &mut self,
        number: u64,
        sector: &str,
        priority: &str,
        assignee: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tickets SET sector = ?2, priority = ?3, assignee = ?4, updated_at = ?5
             WHERE number = ?1",
        )
        .bind(to_i64(number))
        .bind(sector)
        .bind(priority)
        .bind(assignee)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn clear_review(&mut self, number: u64, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE tickets SET needs_review = 0, updated_at = ?2 WHERE number = ?1")
            .bind(to_i64(number))
            .bind(now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn set_contact_phone(&mut self, number: u64, phone: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE tickets SET contact_phone = ?2 WHERE number = ?1")
            .bind(to_i64(number))
            .bind(phone)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use ppdesk_shared::status::TicketStatus;
    use ppdesk_shared::ticket::Priority;

    use super::*;
    use crate::sla::{DueTimes, SlaFacts, SlaState, sla_state};
    use crate::store::{NewMessage, NewTicket, StoreTx};

    const NOW: i64 = 1_764_000_000_000;
    const HOUR: i64 = 3_600_000;
    const SECTORS: [&str; 3] = ["Helpdesk", "Mago", "Web"];
    const TECHS: [&str; 2] = ["anna@pp.it", "luca@pp.it"];

    async fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), 10000)
            .await
            .unwrap();
        (dir, store)
    }

    fn new_ticket(i: i64) -> NewTicket {
        let created = NOW - (i * 7 % 200) * HOUR;
        NewTicket {
            class: "Standard".into(),
            subject: format!("Richiesta numero {i}"),
            status: "waiting_on_support".into(),
            category: None,
            priority: Priority::ALL[(i % 4) as usize].as_str().into(),
            sector: SECTORS[(i % 3) as usize].into(),
            requester_email: format!("user{}@org{}.it", i % 11, i % 5),
            requester_name: None,
            organisation: Some(format!("Org {}", i % 5)),
            channel: "email".into(),
            locale: "it".into(),
            linked_ticket: None,
            needs_review: i % 13 == 0,
            review_reason: (i % 13 == 0).then(|| "stranger".into()),
            created_at: created,
            // Due from 4 h to 80 h after opening: some breached, some at risk, some on track.
            sla_due: Some(DueTimes {
                response_due_at: created + (4 + i % 5) * HOUR,
                resolution_due_at: created + (40 + i % 41) * HOUR,
                response_risk_at: created + (3 + i % 5) * HOUR,
                resolution_risk_at: created + (30 + i % 41) * HOUR,
            }),
        }
    }

    fn message(ticket: u64, kind: &'static str, body: &str, at: i64) -> NewMessage {
        NewMessage {
            ticket,
            direction: if kind == "note" {
                "internal"
            } else {
                "inbound"
            },
            kind,
            message_id: Some(format!("<{ticket}.{kind}.{at}@test>")),
            from_addr: "someone@example.it".into(),
            from_name: None,
            to_addrs: Vec::new(),
            cc_addrs: Vec::new(),
            subject: "Re: aiuto".into(),
            text_body: body.into(),
            html_body: None,
            raw_sha256: None,
            created_at: at,
        }
    }

    /// 120 tickets in every sector, status, priority, assignee and SLA state; activity times
    /// with ties, so the cursor's tie-break on the number is exercised.
    async fn populated() -> (tempfile::TempDir, SqliteStore) {
        let (dir, store) = store().await;
        let mut tx = store.begin().await.unwrap();
        for i in 0..120i64 {
            let t = new_ticket(i);
            let number = tx.insert_ticket(&t).await.unwrap();
            let status = TicketStatus::ALL[(i % 4) as usize];
            let at = t.created_at + (i % 6) * HOUR;
            let resolved = (status == TicketStatus::Resolved).then_some(at);
            tx.set_status(number, status.as_str(), resolved, None, at)
                .await
                .unwrap();
            let assignee = match i % 3 {
                0 => None,
                n => Some(TECHS[(n - 1) as usize]),
            };
            tx.set_triage(number, &t.sector, &t.priority, assignee, at)
                .await
                .unwrap();
            if i % 2 == 0 {
                tx.record_first_response(number, t.created_at + 2 * HOUR)
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        (dir, store)
    }

    fn matches(t: &TicketRecord, q: &QueueQuery<'_>) -> bool {
        let status: TicketStatus = t.status.parse().unwrap();
        let status_ok = match q.status {
            StatusFilter::Open => status.is_open(),
            StatusFilter::Only(s) => s == status,
            StatusFilter::All => true,
        };
        let assignee_ok = match q.assignee {
            AssigneeScope::Anyone => true,
            AssigneeScope::Unassigned => t.assignee.is_none(),
            AssigneeScope::Person(a) => t.assignee.as_deref() == Some(a),
        };
        status_ok
            && assignee_ok
            && q.sector.is_none_or(|s| t.sector == s)
            && q.priority.is_none_or(|p| t.priority == p.as_str())
            && (!q.needs_review || t.needs_review)
            && q.sla
                .is_none_or(|s| sla_state(q.now_ms, &SlaFacts::of(t)) == s)
    }

    async fn all_pages(store: &SqliteStore, query: &QueueQuery<'_>) -> Vec<u64> {
        let mut query = query.clone();
        let mut seen = Vec::new();
        loop {
            let page = store.queue(&query).await.unwrap_or_else(|e| {
                panic!("{query:?}: {e}");
            });
            assert!(page.tickets.len() <= query.limit as usize);
            seen.extend(page.tickets.iter().map(|t| t.number));
            match page.next {
                Some(next) => query.after = Some(next),
                None => return seen,
            }
        }
    }

    #[tokio::test]
    async fn every_filter_shape_pages_through_exactly_the_matching_tickets_in_order() {
        let (_dir, store) = populated().await;
        let everything = store
            .tickets(&crate::store::TicketFilter::default())
            .await
            .unwrap();
        assert_eq!(everything.len(), 120);
        let statuses = [
            StatusFilter::Open,
            StatusFilter::Only(TicketStatus::WaitingOnCustomer),
            StatusFilter::Only(TicketStatus::Resolved),
            StatusFilter::All,
        ];
        let assignees = [
            AssigneeScope::Anyone,
            AssigneeScope::Unassigned,
            AssigneeScope::Person("anna@pp.it"),
        ];
        let mut shapes = 0;
        for status in statuses {
            for sector in [None, Some("Mago")] {
                for priority in [None, Some(Priority::High)] {
                    for assignee in assignees {
                        for needs_review in [false, true] {
                            for sla in [None, Some(SlaState::Breached), Some(SlaState::OnTrack)] {
                                let query = QueueQuery {
                                    sector,
                                    status,
                                    priority,
                                    sla,
                                    assignee,
                                    needs_review,
                                    text: None,
                                    after: None,
                                    now_ms: NOW,
                                    limit: 4,
                                };
                                let mut expected: Vec<&TicketRecord> =
                                    everything.iter().filter(|t| matches(t, &query)).collect();
                                expected
                                    .sort_by_key(|t| std::cmp::Reverse((t.updated_at, t.number)));
                                let expected: Vec<u64> =
                                    expected.iter().map(|t| t.number).collect();
                                assert_eq!(all_pages(&store, &query).await, expected, "{query:?}");
                                shapes += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(shapes, 288);
    }

    #[tokio::test]
    async fn text_search_finds_bodies_subjects_requesters_and_notes_but_not_boilerplate() {
        let (_dir, store) = populated().await;
        let mut tx = store.begin().await.unwrap();
        tx.insert_message(&message(
            10005,
            "customer",
            "La stampante Kyocera non stampa",
            NOW,
        ))
        .await
        .unwrap();
        tx.insert_message(&message(
            10007,
            "note",
            "Richiamare il cliente: città Foggia",
            NOW,
        ))
        .await
        .unwrap();
        tx.insert_message(&message(
            10009,
            "acknowledgement",
            "Kyocera abbiamo preso in carico",
            NOW,
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let search = |text: &'static str| {
            let store = store.clone();
            async move {
                let query = search_query(text, 50);
                let page = store.queue(&query).await.unwrap();
                assert!(!page.search_capped);
                page.tickets.iter().map(|t| t.number).collect::<Vec<_>>()
            }
        };
        assert_eq!(search("\"kyocera\"").await, vec![10005]);
        assert_eq!(search("\"KYOCERA\" \"stampa\"").await, vec![10005]);
        // Diacritics do not matter; internal notes are searchable by technicians.
        assert_eq!(search("\"citta\"").await, vec![10007]);
        // The subject and the requester's address are indexed with the ticket.
        assert_eq!(search("\"numero\" \"17\"").await, vec![10017]);
        let org3: Vec<u64> = search("\"user3\" \"org3\" \"it\"").await;
        assert!(!org3.is_empty());
        for number in &org3 {
            let t = store.ticket(*number).await.unwrap().unwrap();
            assert_eq!(t.requester_email, "user3@org3.it");
        }
        assert!(search("\"stamp\"*").await.contains(&10005));
        assert!(search("\"preso\" \"carico\"").await.is_empty());
    }

    /// A text search over every ticket, whatever its status, sector or assignee.
    fn search_query(text: &str, limit: u32) -> QueueQuery<'_> {
        QueueQuery {
            sector: None,
            status: StatusFilter::All,
            priority: None,
            sla: None,
            assignee: AssigneeScope::Anyone,
            needs_review: false,
            text: Some(text),
            after: None,
            now_ms: NOW,
            limit,
        }
    }

    /// Ids the raw full-text index holds for `word` (no catching up, unlike a search).
    async fn indexed(store: &SqliteStore, word: &str) -> Vec<i64> {
        sqlx::query_scalar("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1")
            .bind(word)
            .fetch_all(store.pool())
            .await
            .unwrap()
    }

    /// Runs `sql` with the message id `id` bound as ?1, as a hand edit of the table would.
    async fn edit(store: &SqliteStore, sql: &str, id: i64) {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();
    }

    async fn queued(store: &SqliteStore) -> Vec<i64> {
        sqlx::query_scalar("SELECT id FROM messages_fts_queue ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn stored_messages_wait_in_a_queue_for_the_index_and_edits_meanwhile_keep_it_sound() {
        let (_dir, store) = populated().await;
        let mut tx = store.begin().await.unwrap();
        let plotter = tx
            .insert_message(&message(
                10005,
                "customer",
                "Il plotter perde inchiostro",
                NOW,
            ))
            .await
            .unwrap();
        let gone = tx
            .insert_message(&message(10006, "note", "Scanner da sostituire", NOW))
            .await
            .unwrap();
        let edited = tx
            .insert_message(&message(10007, "technician", "Bozza di risposta", NOW))
            .await
            .unwrap();
        let boilerplate = tx
            .insert_message(&message(10008, "acknowledgement", "Presa in carico", NOW))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Queued (boilerplate is not), not indexed yet.
        assert_eq!(queued(&store).await, vec![plotter, gone, edited]);
        assert!(indexed(&store, "plotter").await.is_empty());

        // Deleted or edited while queued: no 'delete' reaches FTS5 for a row it never had.
        edit(&store, "DELETE FROM messages WHERE id = ?1", gone).await;
        edit(
            &store,
            "UPDATE messages SET text_body = 'Risposta definitiva' WHERE id = ?1",
            edited,
        )
        .await;
        assert_eq!(queued(&store).await, vec![plotter, edited]);

        // One batch at a time, oldest first.
        assert_eq!(store.index_queued_messages(1).await.unwrap(), 1);
        assert_eq!(indexed(&store, "plotter").await, vec![plotter]);
        assert_eq!(store.index_queued_messages(100).await.unwrap(), 1);
        assert_eq!(store.index_queued_messages(100).await.unwrap(), 0);
        assert!(queued(&store).await.is_empty());
        assert_eq!(indexed(&store, "definitiva").await, vec![edited]);
        assert!(indexed(&store, "bozza").await.is_empty());
        assert!(indexed(&store, "scanner").await.is_empty());

        // Once indexed, an edit and a delete go through the index.
        edit(
            &store,
            "UPDATE messages SET text_body = 'Plotter sostituito' WHERE id = ?1",
            edited,
        )
        .await;
        edit(&store, "DELETE FROM messages WHERE id = ?1", plotter).await;
        assert_eq!(indexed(&store, "plotter").await, vec![edited]);
        assert!(indexed(&store, "definitiva").await.is_empty());
        // FTS5 compares its index with the messages table and fails on any difference; the
        // table then holds only indexed kinds (boilerplate is left out of the index by design).
        edit(&store, "DELETE FROM messages WHERE id = ?1", boilerplate).await;
        sqlx::query("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
            .execute(store.pool())
            .await
            .expect("the full-text index matches the messages");

        // A search catches up first: what was stored a moment ago is found.
        let mut tx = store.begin().await.unwrap();
        tx.insert_message(&message(10009, "customer", "Il fax non riceve", NOW))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let query = search_query("\"fax\"", 50);
        let page = store.queue(&query).await.unwrap();
        assert_eq!(
            page.tickets.iter().map(|t| t.number).collect::<Vec<_>>(),
            vec![10009]
        );
        assert!(queued(&store).await.is_empty());
    }

    #[tokio::test]
    async fn a_search_matching_too_much_says_so_and_keeps_the_newest() {
        let (_dir, store) = populated().await;
        let mut tx = store.begin().await.unwrap();
        let over = SEARCH_CANDIDATES as i64 + 5;
        for i in 0..over {
            let ticket = 10000 + (i % 120) as u64;
            tx.insert_message(&message(ticket, "customer", "errore ovunque", NOW + i))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let query = search_query("\"ovunque\"", 200);
        let page = store.queue(&query).await.unwrap();
        assert!(page.search_capped);
        // The newest hits kept still cover every one of the 120 tickets.
        assert_eq!(page.tickets.len(), 120);
        let rare = QueueQuery {
            text: Some("\"inesistente\""),
            ..query
        };
        let page = store.queue(&rare).await.unwrap();
        assert!(!page.search_capped && page.tickets.is_empty());
    }

    #[tokio::test]
    async fn counts_follow_new_tickets_status_and_sector_changes() {
        let (_dir, store) = populated().await;
        let count = |counts: &ConsoleCounts, sector: &str, status: &str| {
            counts
                .per_queue
                .iter()
                .find(|c| c.sector == sector && c.status == status)
                .map_or(0, |c| c.tickets)
        };
        let before = store.console_counts("anna@pp.it").await.unwrap();
        let total: u64 = before.per_queue.iter().map(|c| c.tickets).sum();
        assert_eq!(total, 120);
        let everything = store
            .tickets(&crate::store::TicketFilter::default())
            .await
            .unwrap();
        let mine = everything
            .iter()
            .filter(|t| {
                t.assignee.as_deref() == Some("anna@pp.it")
                    && t.status.parse::<TicketStatus>().unwrap().is_open()
            })
            .count() as u64;
        assert_eq!(before.mine_open, mine);
        assert_eq!(
            before.needs_review,
            everything.iter().filter(|t| t.needs_review).count() as u64
        );

        let t = store.ticket(10000).await.unwrap().unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.set_status(10000, "resolved", Some(NOW), None, NOW)
            .await
            .unwrap();
        tx.set_triage(10000, "Web", &t.priority, t.assignee.as_deref(), NOW)
            .await
            .unwrap();
        tx.insert_ticket(&new_ticket(1)).await.unwrap();
        tx.touch(10001, NOW).await.unwrap();
        tx.commit().await.unwrap();
        let after = store.console_counts("anna@pp.it").await.unwrap();
        assert_eq!(
            count(&after, &t.sector, &t.status),
            count(&before, &t.sector, &t.status) - 1
        );
        assert_eq!(
            count(&after, "Web", "resolved"),
            count(&before, "Web", "resolved") + 1
        );
        let new_sector = SECTORS[1];
        assert_eq!(
            count(&after, new_sector, "waiting_on_support"),
            count(&before, new_sector, "waiting_on_support") + 1
                - u64::from(t.sector == new_sector && t.status == "waiting_on_support")
        );
    }

    #[tokio::test]
    async fn a_thread_moves_with_its_message_ids_and_stays_searchable() {
        let (_dir, store) = populated().await;
        let mut tx = store.begin().await.unwrap();
        tx.insert_message(&message(
            10003,
            "customer",
            "Fattura elettronica scartata",
            NOW,
        ))
        .await
        .unwrap();
        let moved = tx.move_thread(10003, 10004).await.unwrap();
        assert_eq!(moved, 1);
        tx.set_merged_into(10003, 10004).await.unwrap();
        let id = format!("<10003.customer.{NOW}@test>");
        assert_eq!(
            tx.ticket_for_message_ids(std::slice::from_ref(&id))
                .await
                .unwrap(),
            Some(10004)
        );
        let state = tx.console_state(10003).await.unwrap().unwrap();
        assert_eq!(state.merged_into, Some(10004));
        assert!(!state.needs_review);
        tx.set_contact_phone(10004, "+39 0881 666679")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(store.messages(10003).await.unwrap().is_empty());
        assert_eq!(store.messages(10004).await.unwrap().len(), 1);
        let facts = store.console_facts(10004).await.unwrap().unwrap();
        assert_eq!(facts.merged_from, vec![10003]);
        assert_eq!(facts.contact_phone.as_deref(), Some("+39 0881 666679"));
        assert_eq!(store.console_facts(99999).await.unwrap(), None);
        let query = search_query("\"scartata\"", 10);
        let found: Vec<u64> = store
            .queue(&query)
            .await
            .unwrap()
            .tickets
            .iter()
            .map(|t| t.number)
            .collect();
        assert_eq!(found, vec![10004]);
    }
}
