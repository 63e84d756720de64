//! [`Portal`] on SQLite. Each source of a list (requested, in To/CC, the organisation's) is read
//! in index order with its own LIMIT, then the few rows are merged: a page costs the same with
//! ten tickets or a hundred thousand (indexes in `20261126000009_portal.sql`).

use ppdesk_shared::status::TicketStatus;

use super::*;
use crate::store::portal::{AttachmentFile, Portal, PortalScope, TicketCursor};

/// Tickets the person asked for, page-limited; `?1` email, `?2` status, `?3`/`?4` cursor,
/// `?5` limit.
fn requested_sql() -> String {
    format!(
        "SELECT * FROM (SELECT {TICKET_COLUMNS} FROM tickets
             WHERE requester_email = ?1 AND status = ?2 AND (updated_at, number) < (?3, ?4)
             ORDER BY updated_at DESC, number DESC LIMIT ?5)"
    )
}

/// Tickets the person was in To/CC of, page-limited; same parameters. CROSS JOIN keeps
/// SQLite reading the person's few participations first, never every ticket of the status.
fn participating_sql() -> String {
    let columns = TICKET_COLUMNS
        .split(',')
        .map(|column| format!("t.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT * FROM (SELECT {columns} FROM participants p CROSS JOIN tickets t
             ON t.number = p.ticket
             WHERE p.email = ?1 AND t.status = ?2 AND (t.updated_at, t.number) < (?3, ?4)
             ORDER BY t.updated_at DESC, t.number DESC LIMIT ?5)"
    )
}

/// The organisation's tickets, page-limited; `?6` the organisation's name.
fn organisation_sql() -> String {
    format!(
        "SELECT * FROM (SELECT {TICKET_COLUMNS} FROM tickets
             WHERE organisation = ?6 COLLATE NOCASE AND status = ?2
               AND (updated_at, number) < (?3, ?4)
             ORDER BY updated_at DESC, number DESC LIMIT ?5)"
    )
}

impl Portal for SqliteStore {
    async fn portal_tickets(
        &self,
        scope: PortalScope<'_>,
        status: TicketStatus,
        after: Option<TicketCursor>,
        limit: u32,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let (email, organisation) = match scope {
            PortalScope::Person { email } => (email, None),
            PortalScope::Organisation { name, email } => (email, Some(name)),
        };
        let mut parts = vec![requested_sql(), participating_sql()];
        if organisation.is_some() {
            parts.push(organisation_sql());
        }
        let sql = format!(
            "{} ORDER BY updated_at DESC, number DESC LIMIT ?5",
            parts.join(" UNION ")
        );
        // No cursor: start above every real ticket.
        let (updated_at, number) =
            after.map_or((i64::MAX, i64::MAX), |c| (c.updated_at, to_i64(c.number)));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email)
            .bind(status.as_str())
            .bind(updated_at)
            .bind(number)
            .bind(i64::from(limit));
        if let Some(name) = organisation {
            query = query.bind(name);
        }
        let rows = query.fetch_all(&self.reader).await?;
        rows.iter().map(ticket_from_row).collect()
    }

    async fn merged_into(&self, number: u64) -> Result<Option<u64>, StoreError> {
        let row = sqlx::query("SELECT merged_into FROM tickets WHERE number = ?1")
            .bind(to_i64(number))
            .fetch_optional(&self.reader)
            .await?;
        match row {
            Some(row) => row
                .try_get::<Option<i64>, _>("merged_into")?
                .map(|n| to_u64(n, "tickets"))
                .transpose(),
            None => Ok(None),
        }
    }

    async fn attachment_file(&self, id: i64) -> Result<Option<AttachmentFile>, StoreError> {
        let row = sqlx::query(
            "SELECT a.id, m.ticket, m.direction, m.kind, a.filename, a.content_type, a.size,
                    a.sha256, a.inline, a.omitted
             FROM attachments a JOIN messages m ON m.id = a.message
             WHERE a.id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|row| {
            Ok(AttachmentFile {
                id: row.try_get("id")?,
                ticket: to_u64(row.try_get("ticket")?, "messages")?,
                message_direction: row.try_get("direction")?,
                message_kind: row.try_get("kind")?,
                filename: row.try_get("filename")?,
                content_type: row.try_get("content_type")?,
                size: to_u64(row.try_get("size")?, "attachments")?,
                sha256: row.try_get("sha256")?,
                inline: row.try_get("inline")?,
                omitted: row.try_get("omitted")?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewAttachment, NewMessage, NewTicket, StoreTx};

    async fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), 10000)
            .await
            .unwrap();
        (dir, store)
    }

    fn ticket(requester: &str, organisation: Option<&str>, status: &str, at: i64) -> NewTicket {
        NewTicket {
            class: "Standard".into(),
            subject: format!("{requester} {status} {at}"),
            status: status.into(),
            category: None,
            priority: "normal".into(),
            sector: "Helpdesk".into(),
            requester_email: requester.into(),
            requester_name: None,
            organisation: organisation.map(str::to_string),
            channel: "email".into(),
            locale: "it".into(),
            linked_ticket: None,
            needs_review: false,
            review_reason: None,
            created_at: at,
            sla_due: None,
        }
    }

    async fn insert(store: &SqliteStore, tickets: &[NewTicket]) -> Vec<u64> {
        let mut tx = store.begin().await.unwrap();
        let mut numbers = Vec::new();
        for t in tickets {
            numbers.push(tx.insert_ticket(t).await.unwrap());
        }
        tx.commit().await.unwrap();
        numbers
    }

    fn numbers(records: &[TicketRecord]) -> Vec<u64> {
        records.iter().map(|t| t.number).collect()
    }

    const WAITING: TicketStatus = TicketStatus::WaitingOnSupport;

    #[tokio::test]
    async fn a_person_sees_requested_and_participated_tickets_newest_first() {
        let (_dir, store) = store().await;
        let n = insert(
            &store,
            &[
                ticket("anna@rossi.it", Some("Rossi"), "waiting_on_support", 1_000),
                ticket("bruno@rossi.it", Some("Rossi"), "waiting_on_support", 2_000),
                ticket("anna@rossi.it", Some("Rossi"), "resolved", 3_000),
                ticket("anna@rossi.it", Some("Rossi"), "waiting_on_support", 4_000),
                ticket("carla@verdi.it", Some("Verdi"), "waiting_on_support", 5_000),
            ],
        )
        .await;
        let mut tx = store.begin().await.unwrap();
        tx.add_participants(n[4], &["anna@rossi.it".to_string()])
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let anna = PortalScope::Person {
            email: "anna@rossi.it",
        };
        let waiting = store.portal_tickets(anna, WAITING, None, 10).await.unwrap();
        assert_eq!(numbers(&waiting), vec![n[4], n[3], n[0]]);
        let resolved = store
            .portal_tickets(anna, TicketStatus::Resolved, None, 10)
            .await
            .unwrap();
        assert_eq!(numbers(&resolved), vec![n[2]]);
        let bruno = PortalScope::Person {
            email: "bruno@rossi.it",
        };
        let bruno_waiting = store
            .portal_tickets(bruno, WAITING, None, 10)
            .await
            .unwrap();
        assert_eq!(numbers(&bruno_waiting), vec![n[1]]);
    }

    #[tokio::test]
    async fn an_organisation_admin_sees_the_organisation_in_pages() {
        let (_dir, store) = store().await;
        let n = insert(
            &store,
            &[
                ticket(
                    "anna@rossi.it",
                    Some("Rossi Srl"),
                    "waiting_on_support",
                    1_000,
                ),
                ticket(
                    "bruno@rossi.it",
                    Some("ROSSI SRL"),
                    "waiting_on_support",
                    2_000,
                ),
                ticket("carla@verdi.it", Some("Verdi"), "waiting_on_support", 3_000),
                ticket(
                    "dario@rossi.it",
                    Some("Rossi Srl"),
                    "waiting_on_support",
                    3_000,
                ),
                ticket("capo@rossi.it", None, "waiting_on_support", 500),
            ],
        )
        .await;
        let admin = PortalScope::Organisation {
            name: "Rossi Srl",
            email: "capo@rossi.it",
        };
        let all = store
            .portal_tickets(admin, WAITING, None, 10)
            .await
            .unwrap();
        assert_eq!(numbers(&all), vec![n[3], n[1], n[0], n[4]]);

        let first = store.portal_tickets(admin, WAITING, None, 2).await.unwrap();
        assert_eq!(numbers(&first), vec![n[3], n[1]]);
        let last = &first[1];
        let cursor = TicketCursor {
            updated_at: last.updated_at,
            number: last.number,
        };
        let second = store
            .portal_tickets(admin, WAITING, Some(cursor), 2)
            .await
            .unwrap();
        assert_eq!(numbers(&second), vec![n[0], n[4]]);
    }

    /// The plan SQLite makes for `sql` with these parameters, one line per step.
    async fn plan(store: &SqliteStore, sql: &str, scope_org: bool) -> String {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
            .bind("anna@rossi.it")
            .bind("resolved")
            .bind(i64::MAX)
            .bind(i64::MAX)
            .bind(51_i64);
        if scope_org {
            query = query.bind("Rossi Srl");
        }
        let rows = query.fetch_all(store.pool()).await.unwrap();
        rows.iter()
            .map(|r| r.try_get::<String, _>("detail").unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[tokio::test]
    async fn every_list_reads_an_index_never_the_whole_table() {
        let (_dir, store) = store().await;
        // No ANALYZE statistics, as in a fresh production database.
        for (sql, org, index) in [
            (
                requested_sql(),
                false,
                "USING INDEX tickets_requester_status",
            ),
            (
                participating_sql(),
                false,
                "USING COVERING INDEX participants_email",
            ),
            (
                organisation_sql(),
                true,
                "USING INDEX tickets_organisation_status",
            ),
        ] {
            let plan = plan(&store, &sql, org).await;
            assert!(plan.contains(index), "{index} expected:\n{plan}");
            assert!(!plan.contains("SCAN tickets"), "a full scan:\n{plan}");
            assert!(
                !plan.contains("tickets_status"),
                "every ticket of a status:\n{plan}"
            );
        }
    }

    #[tokio::test]
    async fn an_attachment_names_its_ticket_and_message() {
        let (_dir, store) = store().await;
        let n = insert(
            &store,
            &[ticket("anna@rossi.it", None, "waiting_on_support", 1)],
        )
        .await;
        let mut tx = store.begin().await.unwrap();
        let message = tx
            .insert_message(&NewMessage {
                ticket: n[0],
                direction: "inbound",
                kind: "customer",
                message_id: None,
                from_addr: "anna@rossi.it".into(),
                from_name: None,
                to_addrs: vec![],
                cc_addrs: vec![],
                subject: "s".into(),
                text_body: "b".into(),
                html_body: None,
                raw_sha256: None,
                created_at: 1,
            })
            .await
            .unwrap();
        tx.insert_attachment(
            message,
            &NewAttachment {
                filename: "fattura.pdf".into(),
                content_type: "application/pdf".into(),
                size: 3,
                sha256: "abc".into(),
                inline: false,
                content_id: None,
                omitted: false,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let id = store.messages(n[0]).await.unwrap()[0].attachments[0].id;
        let file = store.attachment_file(id).await.unwrap().unwrap();
        assert_eq!(file.ticket, n[0]);
        assert_eq!(file.message_kind, "customer");
        assert_eq!(file.filename, "fattura.pdf");
        assert!(store.attachment_file(id + 1).await.unwrap().is_none());
    }
}
