//! The embedded default store: SQLite through sqlx, WAL, foreign keys, migrations in the binary.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use super::*;

mod accounts;
mod admin;

mod console;
mod knowledge;
mod portal;

/// The SQLite store.
///
/// SQLite takes one writer at a time, so writes go through a pool of exactly one connection:
/// its page cache stays warm from one transaction to the next (another connection's commit would
/// invalidate it) and no writer ever waits on SQLite's busy lock. Reads use their own pool and
/// see the last commit through WAL without blocking the writer.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating) the database file, applies migrations, and makes sure ticket numbers
    /// start at `first_number`.
    pub async fn open(path: &Path, first_number: u64) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL in WAL mode: a commit survives a crash of the process; only a power loss
            // can take the last transactions back (never corrupting the file).
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-16000");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&writer).await?;
        // sqlite_sequence holds AUTOINCREMENT's high-water mark; seeding it sets the first number.
        let first = i64::try_from(first_number.saturating_sub(1)).unwrap_or(i64::MAX - 1);
        sqlx::query(
            "INSERT INTO sqlite_sequence (name, seq)
             SELECT 'tickets', ?1 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'tickets')",
        )
        .bind(first)
        .execute(&writer)
        .await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }

    /// The writer's pool, for tests that need to look underneath.
    pub fn pool(&self) -> &SqlitePool {
        &self.writer
    }
}

fn to_u64(value: i64, table: &'static str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        table,
        detail: format!("negative number {value}"),
    })
}

fn to_i64(value: u64) -> i64 {
    // Ticket numbers come from SQLite's own i64 rowids, so they always fit.
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn json_list(text: &str, table: &'static str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table,
        detail: e.to_string(),
    })
}

fn json_text(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

const TICKET_COLUMNS: &str = "number, class, subject, status, category, priority, sector, assignee, \
     requester_email, requester_name, organisation, channel, locale, linked_ticket, needs_review, \
     review_reason, created_at, updated_at, resolved_at, resolution, response_due_at, \
     resolution_due_at, response_risk_at, resolution_risk_at, first_response_at";

/// The SLA due times of a row: all four columns, or none (a ticket without an SLA).
fn sla_due_from_row(row: &SqliteRow) -> Result<Option<crate::sla::DueTimes>, StoreError> {
    let column = |name: &str| row.try_get::<Option<i64>, _>(name);
    Ok(
        match (
            column("response_due_at")?,
            column("resolution_due_at")?,
            column("response_risk_at")?,
            column("resolution_risk_at")?,
        ) {
            (Some(response), Some(resolution), Some(response_risk), Some(resolution_risk)) => {
                Some(crate::sla::DueTimes {
                    response_due_at: response,
                    resolution_due_at: resolution,
                    response_risk_at: response_risk,
                    resolution_risk_at: resolution_risk,
                })
            }
            _ => None,
        },
    )
}

fn ticket_from_row(row: &SqliteRow) -> Result<TicketRecord, StoreError> {
    Ok(TicketRecord {
        number: to_u64(row.try_get("number")?, "tickets")?,
        class: row.try_get("class")?,
        subject: row.try_get("subject")?,
        status: row.try_get("status")?,
        category: row.try_get("category")?,
        priority: row.try_get("priority")?,
        sector: row.try_get("sector")?,
        assignee: row.try_get("assignee")?,
        requester_email: row.try_get("requester_email")?,
        requester_name: row.try_get("requester_name")?,
        organisation: row.try_get("organisation")?,
        channel: row.try_get("channel")?,
        locale: row.try_get("locale")?,
        linked_ticket: row
            .try_get::<Option<i64>, _>("linked_ticket")?
            .map(|n| to_u64(n, "tickets"))
            .transpose()?,
        needs_review: row.try_get("needs_review")?,
        review_reason: row.try_get("review_reason")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        resolved_at: row.try_get("resolved_at")?,
        resolution: row.try_get("resolution")?,
        sla_due: sla_due_from_row(row)?,
        first_response_at: row.try_get("first_response_at")?,
    })
}

/// Organisations with their domains (a JSON array, sorted); callers add WHERE/ORDER BY.
const ORGANISATION_SELECT: &str = "SELECT o.name, o.class, o.locale, o.created_at,
        (SELECT json_group_array(domain) FROM
            (SELECT d.domain FROM organisation_domains d WHERE d.organisation = o.id
             ORDER BY d.domain)) AS domains
     FROM organisations o";

fn organisation_from_row(row: &SqliteRow) -> Result<OrganisationRecord, StoreError> {
    Ok(OrganisationRecord {
        name: row.try_get("name")?,
        domains: json_list(row.try_get("domains")?, "organisation_domains")?,
        class: row.try_get("class")?,
        locale: row.try_get("locale")?,
        created_at: row.try_get("created_at")?,
    })
}

fn organisation_sql(tail: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!("{ORGANISATION_SELECT} {tail}"))
}

const TOKEN_COLUMNS: &str = "id, organisation, label, created_at, revoked_at";

fn token_from_row(row: &SqliteRow) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: row.try_get("id")?,
        organisation: row.try_get("organisation")?,
        label: row.try_get("label")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

impl Store for SqliteStore {
    type Tx = SqliteTx;

    async fn begin(&self) -> Result<SqliteTx, StoreError> {
        let tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        Ok(SqliteTx { tx })
    }

    async fn ticket(&self, number: u64) -> Result<Option<TicketRecord>, StoreError> {
        let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE number = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(to_i64(number))
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(ticket_from_row).transpose()
    }

    async fn tickets(&self, filter: &TicketFilter) -> Result<Vec<TicketRecord>, StoreError> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets
             WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR requester_email = ?2)
             ORDER BY updated_at DESC, number DESC LIMIT ?3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(filter.status.as_deref())
            .bind(filter.requester.as_deref())
            .bind(filter.limit.map(i64::from).unwrap_or(-1))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn messages(&self, ticket: u64) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, direction, kind, message_id, from_addr, from_name, to_addrs, cc_addrs,
                    subject, text_body, html_body, created_at
             FROM messages WHERE ticket = ?1 ORDER BY id",
        )
        .bind(to_i64(ticket))
        .fetch_all(&self.reader)
        .await?;
        let attachment_rows = sqlx::query(
            "SELECT a.id, a.message, a.filename, a.content_type, a.size, a.sha256, a.inline,
                    a.content_id, a.omitted
             FROM attachments a JOIN messages m ON m.id = a.message
             WHERE m.ticket = ?1 ORDER BY a.id",
        )
        .bind(to_i64(ticket))
        .fetch_all(&self.reader)
        .await?;
        let mut messages = rows
            .iter()
            .map(|row| {
                Ok(MessageRecord {
                    id: row.try_get("id")?,
                    direction: row.try_get("direction")?,
                    kind: row.try_get("kind")?,
                    message_id: row.try_get("message_id")?,
                    from_addr: row.try_get("from_addr")?,
                    from_name: row.try_get("from_name")?,
                    to_addrs: json_list(row.try_get("to_addrs")?, "messages")?,
                    cc_addrs: json_list(row.try_get("cc_addrs")?, "messages")?,
                    subject: row.try_get("subject")?,
                    text_body: row.try_get("text_body")?,
                    html_body: row.try_get("html_body")?,
                    created_at: row.try_get("created_at")?,
                    attachments: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        for row in &attachment_rows {
            let message: i64 = row.try_get("message")?;
            if let Some(m) = messages.iter_mut().find(|m| m.id == message) {
                m.attachments.push(AttachmentRecord {
                    id: row.try_get("id")?,
                    content_id: row.try_get("content_id")?,
                    filename: row.try_get("filename")?,
                    content_type: row.try_get("content_type")?,
                    size: to_u64(row.try_get("size")?, "attachments")?,
                    sha256: row.try_get("sha256")?,
                    inline: row.try_get("inline")?,
                    omitted: row.try_get("omitted")?,
                });
            }
        }
        Ok(messages)
    }

    async fn participants(&self, ticket: u64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT email FROM participants WHERE ticket = ?1 ORDER BY email")
            .bind(to_i64(ticket))
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|r| r.try_get("email").map_err(StoreError::from))
            .collect()
    }

    async fn outbox_for_ticket(&self, ticket: u64) -> Result<Vec<OutboxRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, ticket, kind, recipient, message_id, status, attempts, next_attempt_at,
                    last_error, created_at, sent_at
             FROM outbox WHERE ticket = ?1 ORDER BY id",
        )
        .bind(to_i64(ticket))
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OutboxRecord {
                    id: row.try_get("id")?,
                    ticket: row
                        .try_get::<Option<i64>, _>("ticket")?
                        .map(|n| to_u64(n, "outbox"))
                        .transpose()?,
                    kind: row.try_get("kind")?,
                    recipient: row.try_get("recipient")?,
                    message_id: row.try_get("message_id")?,
                    status: row.try_get("status")?,
                    attempts: row.try_get("attempts")?,
                    next_attempt_at: row.try_get("next_attempt_at")?,
                    last_error: row.try_get("last_error")?,
                    created_at: row.try_get("created_at")?,
                    sent_at: row.try_get("sent_at")?,
                })
            })
            .collect()
    }

    async fn due_outbound(&self, now: i64, limit: u32) -> Result<Vec<DueMail>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, message_id, recipient, raw, attempts, kind, created_at FROM outbox
             WHERE (status = 'pending' AND next_attempt_at <= ?1)
                OR (status = 'sending' AND lease_until <= ?1)
             ORDER BY next_attempt_at, id LIMIT ?2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DueMail {
                    id: row.try_get("id")?,
                    message_id: row.try_get("message_id")?,
                    recipient: row.try_get("recipient")?,
                    raw: row.try_get("raw")?,
                    attempts: row.try_get("attempts")?,
                    kind: row.try_get("kind")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn claim(&self, id: i64, now: i64, lease_until: i64) -> Result<Option<u32>, StoreError> {
        // One statement: the due check and the claim are atomic, so of two processes racing for
        // the same row exactly one gets it back.
        let row = sqlx::query(
            "UPDATE outbox SET status = 'sending', lease_until = ?3, attempts = attempts + 1
             WHERE id = ?1
               AND ((status = 'pending' AND next_attempt_at <= ?2)
                 OR (status = 'sending' AND lease_until <= ?2))
             RETURNING attempts",
        )
        .bind(id)
        .bind(now)
        .bind(lease_until)
        .fetch_optional(&self.writer)
        .await?;
        row.map(|row| {
            let attempts: i64 = row.try_get("attempts")?;
            u32::try_from(attempts).map_err(|_| StoreError::Corrupt {
                table: "outbox",
                detail: format!("attempts {attempts}"),
            })
        })
        .transpose()
    }

    async fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT MIN(CASE status WHEN 'pending' THEN next_attempt_at ELSE lease_until END) AS due
             FROM outbox WHERE status IN ('pending', 'sending')",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(row.try_get("due")?)
    }

    async fn mark_sent(&self, ids: &[i64], at: i64) -> Result<(), StoreError> {
        // One statement for the whole round: the ids travel as a JSON array. Rows already sent
        // are left as they are, so replaying the delivery journal changes nothing twice.
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_string());
        sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = ?2,
                attempts = CASE status WHEN 'sending' THEN attempts ELSE attempts + 1 END,
                last_error = NULL, lease_until = NULL
             WHERE id IN (SELECT value FROM json_each(?1)) AND status <> 'sent'",
        )
        .bind(ids)
        .bind(at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn mark_retry(
        &self,
        id: i64,
        attempts: u32,
        next_attempt_at: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            // Never downgrades a mail already recorded as sent.
            "UPDATE outbox SET status = 'pending', attempts = ?2, next_attempt_at = ?3,
                last_error = ?4, lease_until = NULL
             WHERE id = ?1 AND status != 'sent'",
        )
        .bind(id)
        .bind(attempts)
        .bind(next_attempt_at)
        .bind(error)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, attempts: u32, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = ?2, last_error = ?3, lease_until = NULL
             WHERE id = ?1 AND status != 'sent'",
        )
        .bind(id)
        .bind(attempts)
        .bind(error)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn outbox_depth(&self) -> Result<OutboxDepth, StoreError> {
        let row = sqlx::query(
            "SELECT
                COALESCE(SUM(status IN ('pending', 'sending')), 0) AS pending,
                COALESCE(SUM(status = 'failed'), 0) AS failed,
                MIN(CASE WHEN status IN ('pending', 'sending') THEN created_at END) AS oldest
             FROM outbox WHERE status != 'sent'",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(OutboxDepth {
            pending: to_u64(row.try_get("pending")?, "outbox")?,
            failed: to_u64(row.try_get("failed")?, "outbox")?,
            oldest_pending_at: row.try_get("oldest")?,
        })
    }

    async fn received_outcome(&self, source: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT outcome FROM received WHERE source = ?1 LIMIT 1")
            .bind(source)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| r.try_get("outcome").map_err(StoreError::from))
            .transpose()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn organisations(&self) -> Result<Vec<OrganisationRecord>, StoreError> {
        let rows = sqlx::query(organisation_sql("ORDER BY o.name"))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(organisation_from_row).collect()
    }

    async fn organisation_named(
        &self,
        name: &str,
    ) -> Result<Option<OrganisationRecord>, StoreError> {
        let row = sqlx::query(organisation_sql("WHERE o.name = ?1"))
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    async fn token_by_hash(&self, sha256: &str) -> Result<Option<TokenRecord>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE sha256 = ?1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(sha256)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn tokens(&self, organisation: &str) -> Result<Vec<TokenRecord>, StoreError> {
        let sql =
            format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE organisation = ?1 ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(organisation)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn requester_tickets(
        &self,
        organisation: &str,
        requester_email: &str,
        limit: u32,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets
             WHERE organisation = ?1 AND requester_email = ?2
             ORDER BY created_at DESC, number DESC LIMIT ?3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(organisation)
            .bind(requester_email)
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn tickets_without_sla(&self, limit: u32) -> Result<Vec<TicketRecord>, StoreError> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE response_due_at IS NULL
             ORDER BY number LIMIT ?1"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn submission(&self, ticket: u64) -> Result<Option<SubmissionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT ticket, organisation, submission_id, machine, contact_outside_organisation,
                    created_at
             FROM submissions WHERE ticket = ?1",
        )
        .bind(to_i64(ticket))
        .fetch_optional(&self.reader)
        .await?;
        row.map(|row| {
            Ok(SubmissionRecord {
                ticket: to_u64(row.try_get("ticket")?, "submissions")?,
                organisation: row.try_get("organisation")?,
                submission_id: row.try_get("submission_id")?,
                machine: row.try_get("machine")?,
                contact_outside_organisation: row.try_get("contact_outside_organisation")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .transpose()
    }
}

/// A write transaction on the SQLite store.
pub struct SqliteTx {
    tx: Transaction<'static, Sqlite>,
}

impl StoreTx for SqliteTx {
    async fn find_received(
        &mut self,
        message_id: Option<&str>,
        raw_sha256: &str,
    ) -> Result<Option<PreviouslyReceived>, StoreError> {
        let row = sqlx::query(
            "SELECT outcome, ticket FROM received WHERE raw_sha256 = ?2
             UNION ALL
             SELECT outcome, ticket FROM received WHERE ?1 IS NOT NULL AND message_id = ?1
             LIMIT 1",
        )
        .bind(message_id)
        .bind(raw_sha256)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|row| {
            Ok(PreviouslyReceived {
                outcome: row.try_get("outcome")?,
                ticket: row
                    .try_get::<Option<i64>, _>("ticket")?
                    .map(|n| to_u64(n, "received"))
                    .transpose()?,
            })
        })
        .transpose()
    }

    async fn ticket_state(&mut self, number: u64) -> Result<Option<TicketState>, StoreError> {
        let row = sqlx::query(
            "SELECT number, class, subject, status, sector, requester_email, requester_name,
                    organisation, locale, resolved_at, created_at, merged_into,
                    (SELECT json_group_array(email) FROM participants p WHERE p.ticket = t.number)
                        AS participants
             FROM tickets t WHERE number = ?1",
        )
        .bind(to_i64(number))
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|row| {
            Ok(TicketState {
                number: to_u64(row.try_get("number")?, "tickets")?,
                class: row.try_get("class")?,
                subject: row.try_get("subject")?,
                status: row.try_get("status")?,
                sector: row.try_get("sector")?,
                requester_email: row.try_get("requester_email")?,
                requester_name: row.try_get("requester_name")?,
                organisation: row.try_get("organisation")?,
                locale: row.try_get("locale")?,
                resolved_at: row.try_get("resolved_at")?,
                participants: json_list(row.try_get("participants")?, "participants")?,
                created_at: row.try_get("created_at")?,
                merged_into: row
                    .try_get::<Option<i64>, _>("merged_into")?
                    .map(|n| to_u64(n, "tickets"))
                    .transpose()?,
            })
        })
        .transpose()
    }

    async fn ticket_for_message_ids(&mut self, ids: &[String]) -> Result<Option<u64>, StoreError> {
        for id in ids {
            let row = sqlx::query("SELECT ticket FROM message_ids WHERE message_id = ?1")
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?;
            if let Some(row) = row {
                return Ok(Some(to_u64(row.try_get("ticket")?, "message_ids")?));
            }
        }
        Ok(None)
    }

    async fn acks_since(&mut self, recipient: &str, since: i64) -> Result<u32, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM outbox
             WHERE recipient = ?1 AND kind = 'acknowledgement' AND created_at >= ?2",
        )
        .bind(recipient)
        .bind(since)
        .fetch_one(&mut *self.tx)
        .await?;
        let n: i64 = row.try_get("n")?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn insert_ticket(&mut self, t: &NewTicket) -> Result<u64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO tickets (class, subject, status, category, priority, sector,
                requester_email, requester_name, organisation, channel, locale, linked_ticket,
                needs_review, review_reason, created_at, updated_at, response_due_at,
                resolution_due_at, response_risk_at, resolution_risk_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16,
                ?17, ?18, ?19)
             RETURNING number",
        )
        .bind(&t.class)
        .bind(&t.subject)
        .bind(&t.status)
        .bind(t.category.as_deref())
        .bind(&t.priority)
        .bind(&t.sector)
        .bind(&t.requester_email)
        .bind(t.requester_name.as_deref())
        .bind(t.organisation.as_deref())
        .bind(&t.channel)
        .bind(&t.locale)
        .bind(t.linked_ticket.map(to_i64))
        .bind(t.needs_review)
        .bind(t.review_reason.as_deref())
        .bind(t.created_at)
        .bind(t.sla_due.map(|d| d.response_due_at))
        .bind(t.sla_due.map(|d| d.resolution_due_at))
        .bind(t.sla_due.map(|d| d.response_risk_at))
        .bind(t.sla_due.map(|d| d.resolution_risk_at))
        .fetch_one(&mut *self.tx)
        .await?;
        to_u64(row.try_get("number")?, "tickets")
    }

    async fn insert_message(&mut self, m: &NewMessage) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO messages (ticket, direction, kind, message_id, from_addr, from_name,
                to_addrs, cc_addrs, subject, text_body, html_body, raw_sha256, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             RETURNING id",
        )
        .bind(to_i64(m.ticket))
        .bind(m.direction)
        .bind(m.kind)
        .bind(m.message_id.as_deref())
        .bind(&m.from_addr)
        .bind(m.from_name.as_deref())
        .bind(json_text(&m.to_addrs))
        .bind(json_text(&m.cc_addrs))
        .bind(&m.subject)
        .bind(&m.text_body)
        .bind(m.html_body.as_deref())
        .bind(m.raw_sha256.as_deref())
        .bind(m.created_at)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(row.try_get("id")?)
    }

    async fn insert_attachment(
        &mut self,
        message: i64,
        a: &NewAttachment,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO attachments (message, filename, content_type, size, sha256, inline,
                content_id, omitted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(message)
        .bind(&a.filename)
        .bind(&a.content_type)
        .bind(i64::try_from(a.size).unwrap_or(i64::MAX))
        .bind(&a.sha256)
        .bind(a.inline)
        .bind(a.content_id.as_deref())
        .bind(a.omitted)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn add_participants(&mut self, ticket: u64, emails: &[String]) -> Result<(), StoreError> {
        for email in emails {
            sqlx::query("INSERT OR IGNORE INTO participants (ticket, email) VALUES (?1, ?2)")
                .bind(to_i64(ticket))
                .bind(email)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn set_status(
        &mut self,
        ticket: u64,
        status: &str,
        resolved_at: Option<i64>,
        resolution: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tickets SET status = ?2, resolved_at = ?3, resolution = ?4, updated_at = ?5
             WHERE number = ?1",
        )
        .bind(to_i64(ticket))
        .bind(status)
        .bind(resolved_at)
        .bind(resolution)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn touch(&mut self, ticket: u64, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE tickets SET updated_at = ?2 WHERE number = ?1")
            .bind(to_i64(ticket))
            .bind(now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn enqueue(&mut self, mail: &NewOutbound) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO outbox (ticket, kind, recipient, message_id, raw, status, attempts,
                next_attempt_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6)",
        )
        .bind(mail.ticket.map(to_i64))
        .bind(mail.kind)
        .bind(&mail.recipient)
        .bind(&mail.message_id)
        .bind(&mail.raw)
        .bind(mail.created_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn record_received(&mut self, r: &Received) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO received (message_id, raw_sha256, outcome, ticket, detail, received_at,
                source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(r.message_id.as_deref())
        .bind(&r.raw_sha256)
        .bind(r.outcome)
        .bind(r.ticket.map(to_i64))
        .bind(r.detail.as_deref())
        .bind(r.received_at)
        .bind(&r.source)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn record_quarantine(
        &mut self,
        raw_sha256: &str,
        reason: &str,
        source: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO quarantine (raw_sha256, reason, source, received_at) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(raw_sha256)
        .bind(reason)
        .bind(source)
        .bind(at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn organisation_for_domain(
        &mut self,
        domain: &str,
    ) -> Result<Option<OrganisationRecord>, StoreError> {
        let row = sqlx::query(organisation_sql(
            "WHERE o.id = (SELECT organisation FROM organisation_domains WHERE domain = ?1)",
        ))
        .bind(domain)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    async fn organisation_named(
        &mut self,
        name: &str,
    ) -> Result<Option<OrganisationRecord>, StoreError> {
        let row = sqlx::query(organisation_sql("WHERE o.name = ?1"))
            .bind(name)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    async fn organisations(&mut self) -> Result<Vec<OrganisationRecord>, StoreError> {
        let rows = sqlx::query(organisation_sql("ORDER BY o.name"))
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(organisation_from_row).collect()
    }

    async fn insert_organisation(&mut self, o: &OrganisationRecord) -> Result<(), StoreError> {
        let row = sqlx::query(
            "INSERT INTO organisations (name, class, locale, created_at) VALUES (?1, ?2, ?3, ?4)
             RETURNING id",
        )
        .bind(&o.name)
        .bind(o.class.as_deref())
        .bind(o.locale.as_deref())
        .bind(o.created_at)
        .fetch_one(&mut *self.tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        for domain in &o.domains {
            sqlx::query("INSERT INTO organisation_domains (domain, organisation) VALUES (?1, ?2)")
                .bind(domain)
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn insert_token(&mut self, t: &NewToken) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (organisation, label, sha256, created_at)
             VALUES (?1, ?2, ?3, ?4) RETURNING id",
        )
        .bind(&t.organisation)
        .bind(t.label.as_deref())
        .bind(&t.sha256)
        .bind(t.created_at)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(row.try_get("id")?)
    }

    async fn revoke_token(
        &mut self,
        organisation: &str,
        id: i64,
        at: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?3)
             WHERE id = ?2 AND organisation = ?1",
        )
        .bind(organisation)
        .bind(id)
        .bind(at)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn find_submission(
        &mut self,
        organisation: &str,
        submission_id: &str,
    ) -> Result<Option<u64>, StoreError> {
        let row = sqlx::query(
            "SELECT ticket FROM submissions WHERE organisation = ?1 AND submission_id = ?2",
        )
        .bind(organisation)
        .bind(submission_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|row| to_u64(row.try_get("ticket")?, "submissions"))
            .transpose()
    }

    async fn record_submission(&mut self, s: &SubmissionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO submissions (ticket, organisation, submission_id, machine,
                contact_outside_organisation, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(to_i64(s.ticket))
        .bind(&s.organisation)
        .bind(s.submission_id.as_deref())
        .bind(s.machine.as_deref())
        .bind(s.contact_outside_organisation)
        .bind(s.created_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn record_first_response(&mut self, ticket: u64, at: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tickets SET first_response_at = ?2
             WHERE number = ?1 AND first_response_at IS NULL",
        )
        .bind(to_i64(ticket))
        .bind(at)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_sla_due(
        &mut self,
        ticket: u64,
        due: &crate::sla::DueTimes,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tickets SET response_due_at = ?2, resolution_due_at = ?3,
                response_risk_at = ?4, resolution_risk_at = ?5
             WHERE number = ?1",
        )
        .bind(to_i64(ticket))
        .bind(due.response_due_at)
        .bind(due.resolution_due_at)
        .bind(due.response_risk_at)
        .bind(due.resolution_risk_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// Where the database file lives in a data dir.
pub fn database_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("ppdesk.sqlite3")
}
