//! Storage behind two small traits: [`Store`] for reads and the outbox, [`StoreTx`] for the one
//! transaction in which an inbound message (or an operator's action) is applied.
//!
//! Domain code sees only these plain types; SQLite is one implementation ([`sqlite`]), and a
//! PostgreSQL one can follow without touching the rules. Times are Unix milliseconds.

pub mod accounts;
pub mod admin;
pub mod console;
pub mod knowledge;
pub mod portal;
pub mod sqlite;

use std::future::Future;

/// Storage failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt row in {table}: {detail}")]
    Corrupt { table: &'static str, detail: String },
}

impl StoreError {
    /// True when retrying later may succeed (database locked or busy).
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => {
                let code = db.code().unwrap_or_default();
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                code.starts_with('5') || code.starts_with('6') || code == "517" || code == "261"
            }
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => true,
            _ => false,
        }
    }
}

/// A new ticket.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub class: String,
    pub subject: String,
    pub status: String,
    pub category: Option<String>,
    pub priority: String,
    pub sector: String,
    pub requester_email: String,
    pub requester_name: Option<String>,
    pub organisation: Option<String>,
    pub channel: String,
    pub locale: String,
    pub linked_ticket: Option<u64>,
    pub needs_review: bool,
    pub review_reason: Option<String>,
    pub created_at: i64,
    /// SLA due times (`crate::sla`); `None` leaves the ticket without an SLA.
    pub sla_due: Option<crate::sla::DueTimes>,
}

/// A message on a ticket, inbound or outbound.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub ticket: u64,
    pub direction: &'static str,
    pub kind: &'static str,
    pub message_id: Option<String>,
    pub from_addr: String,
    pub from_name: Option<String>,
    pub to_addrs: Vec<String>,
    pub cc_addrs: Vec<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub raw_sha256: Option<String>,
    pub created_at: i64,
}

/// An attachment's metadata; the bytes are in the blob store under `sha256`.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub inline: bool,
    pub content_id: Option<String>,
    pub omitted: bool,
}

/// A mail queued for delivery.
#[derive(Debug, Clone)]
pub struct NewOutbound {
    pub ticket: Option<u64>,
    pub kind: &'static str,
    pub recipient: String,
    pub message_id: String,
    pub raw: Vec<u8>,
    pub created_at: i64,
}

/// The record that an inbound message was taken.
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: Option<String>,
    pub raw_sha256: String,
    pub outcome: &'static str,
    pub ticket: Option<u64>,
    pub detail: Option<String>,
    pub received_at: i64,
    /// Where it came from: `stdin`, `file:<name>`, `lmtp`, `imap:<mailbox>:<uidvalidity>:<uid>`.
    pub source: String,
}

/// What a previous delivery of the same message became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviouslyReceived {
    pub outcome: String,
    pub ticket: Option<u64>,
}

/// A ticket row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub number: u64,
    pub class: String,
    pub subject: String,
    pub status: String,
    pub category: Option<String>,
    pub priority: String,
    pub sector: String,
    pub assignee: Option<String>,
    pub requester_email: String,
    pub requester_name: Option<String>,
    pub organisation: Option<String>,
    pub channel: String,
    pub locale: String,
    pub linked_ticket: Option<u64>,
    pub needs_review: bool,
    pub review_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub resolved_at: Option<i64>,
    pub resolution: Option<String>,
    /// SLA due times; `None` for a ticket without an SLA.
    pub sla_due: Option<crate::sla::DueTimes>,
    /// The first technician reply.
    pub first_response_at: Option<i64>,
}

/// An attachment row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    /// As in `/attachments/{id}`.
    pub id: i64,
    /// The `Content-ID` an HTML body refers to as `cid:`, for inline parts.
    pub content_id: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub inline: bool,
    pub omitted: bool,
}

/// A message row with its attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: i64,
    pub direction: String,
    pub kind: String,
    pub message_id: Option<String>,
    pub from_addr: String,
    pub from_name: Option<String>,
    pub to_addrs: Vec<String>,
    pub cc_addrs: Vec<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub created_at: i64,
    pub attachments: Vec<AttachmentRecord>,
}

/// An outbox row, without the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRecord {
    pub id: i64,
    pub ticket: Option<u64>,
    pub kind: String,
    pub recipient: String,
    pub message_id: String,
    /// `pending`, `sending` (claimed by a delivery in progress), `sent` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// A mail due for delivery.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub id: i64,
    pub message_id: String,
    pub recipient: String,
    pub raw: Vec<u8>,
    pub attempts: u32,
    /// `acknowledgement`, `reply`, `notification`…
    pub kind: String,
    /// When it was queued (Unix ms): delivery time minus this is the mail's latency.
    pub created_at: i64,
}

/// How many mails wait, and since when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxDepth {
    /// Not delivered yet: waiting for an attempt, or being sent right now.
    pub pending: u64,
    pub failed: u64,
    /// Creation time of the oldest pending mail.
    pub oldest_pending_at: Option<i64>,
}

/// Filters for listing tickets.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub status: Option<String>,
    pub requester: Option<String>,
    pub limit: Option<u32>,
}

/// An organisation kept in the database (made with `org create`); the config's are not here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRecord {
    pub name: String,
    /// Lower-case, sorted.
    pub domains: Vec<String>,
    pub class: Option<String>,
    /// `it`, `en`, or None for the helpdesk's default.
    pub locale: Option<String>,
    pub created_at: i64,
}

/// An API token's row. The token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    /// The organisation's name (config or database).
    pub organisation: String,
    pub label: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A new API token.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub organisation: String,
    pub label: Option<String>,
    /// Lower-case hex SHA-256 of the token as presented.
    pub sha256: String,
    pub created_at: i64,
}

/// What was kept of an API submission, with the ticket it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRecord {
    pub ticket: u64,
    pub organisation: String,
    pub submission_id: Option<String>,
    /// JSON of `ppdesk_shared::api::MachineFacts`, as received (validated).
    pub machine: Option<String>,
    /// The contact's mail domain is not one of the organisation's domains.
    pub contact_outside_organisation: bool,
    pub created_at: i64,
}

/// Reads and outbox bookkeeping, outside the ingest transaction.
pub trait Store: Send + Sync + 'static {
    type Tx: StoreTx;

    /// Starts a write transaction that holds the write lock from the start, so what it reads
    /// (duplicates, ticket state) cannot change before it commits.
    fn begin(&self) -> impl Future<Output = Result<Self::Tx, StoreError>> + Send;
    fn ticket(
        &self,
        number: u64,
    ) -> impl Future<Output = Result<Option<TicketRecord>, StoreError>> + Send;
    fn tickets(
        &self,
        filter: &TicketFilter,
    ) -> impl Future<Output = Result<Vec<TicketRecord>, StoreError>> + Send;
    fn messages(
        &self,
        ticket: u64,
    ) -> impl Future<Output = Result<Vec<MessageRecord>, StoreError>> + Send;
    fn participants(
        &self,
        ticket: u64,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
    fn outbox_for_ticket(
        &self,
        ticket: u64,
    ) -> impl Future<Output = Result<Vec<OutboxRecord>, StoreError>> + Send;
    /// Mails due at `now`, oldest first: pending ones whose next attempt has come, and ones
    /// still `sending` whose delivery lease ran out (the process sending them died).
    fn due_outbound(
        &self,
        now: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DueMail>, StoreError>> + Send;
    /// Claims a due mail for one delivery attempt, in one short write: if it is still due at
    /// `now` (as [`Store::due_outbound`] defines it), it becomes `sending` with its lease until
    /// `lease_until` and one more attempt counted; returns that attempt count. `None` when it is
    /// no longer due: another process claimed it (or delivered it) first.
    fn claim(
        &self,
        id: i64,
        now: i64,
        lease_until: i64,
    ) -> impl Future<Output = Result<Option<u32>, StoreError>> + Send;
    /// When the next mail is due (a pending one's next attempt, or the end of a lease), if any.
    fn next_due_at(&self) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
    /// Marks mails delivered, in one transaction, and releases their leases. Counts the attempt
    /// for mails that were not claimed (a claim has counted it already).
    fn mark_sent(
        &self,
        ids: &[i64],
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Puts a mail back to `pending` until `next_attempt_at`, releasing its lease.
    fn mark_retry(
        &self,
        id: i64,
        attempts: u32,
        next_attempt_at: i64,
        error: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Gives a mail up (`failed`, shown on the ticket), releasing its lease.
    fn mark_failed(
        &self,
        id: i64,
        attempts: u32,
        error: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn outbox_depth(&self) -> impl Future<Output = Result<OutboxDepth, StoreError>> + Send;
    /// The outcome recorded for the message taken from `source`, if one was.
    fn received_outcome(
        &self,
        source: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    /// A cheap query that proves the database answers.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every organisation kept in the database, by name.
    fn organisations(
        &self,
    ) -> impl Future<Output = Result<Vec<OrganisationRecord>, StoreError>> + Send;
    /// The database organisation with this name (case-insensitive).
    fn organisation_named(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<OrganisationRecord>, StoreError>> + Send;
    /// The token with this SHA-256, revoked or not.
    fn token_by_hash(
        &self,
        sha256: &str,
    ) -> impl Future<Output = Result<Option<TokenRecord>, StoreError>> + Send;
    /// The tokens of an organisation (by exact name), oldest first.
    fn tokens(
        &self,
        organisation: &str,
    ) -> impl Future<Output = Result<Vec<TokenRecord>, StoreError>> + Send;
    /// One organisation's tickets of one requester, newest first (by creation).
    fn requester_tickets(
        &self,
        organisation: &str,
        requester_email: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<TicketRecord>, StoreError>> + Send;
    /// What an API submission left on a ticket, if the ticket came from one.
    fn submission(
        &self,
        ticket: u64,
    ) -> impl Future<Output = Result<Option<SubmissionRecord>, StoreError>> + Send;
    /// Up to `limit` tickets without SLA due times (opened before the SLA existed).
    fn tickets_without_sla(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<TicketRecord>, StoreError>> + Send;
}

/// The facts about a ticket that ingestion decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketState {
    pub number: u64,
    pub class: String,
    pub subject: String,
    pub status: String,
    pub sector: String,
    pub requester_email: String,
    pub requester_name: Option<String>,
    pub organisation: Option<String>,
    pub locale: String,
    pub resolved_at: Option<i64>,
    pub participants: Vec<String>,
    /// When it was opened (what SLA due times count from).
    pub created_at: i64,
    /// Set when a technician merged this ticket into another one: mail for it goes there.
    pub merged_into: Option<u64>,
}

/// One write transaction. Dropped without [`StoreTx::commit`], it rolls back.
pub trait StoreTx: Send {
    fn find_received(
        &mut self,
        message_id: Option<&str>,
        raw_sha256: &str,
    ) -> impl Future<Output = Result<Option<PreviouslyReceived>, StoreError>> + Send;
    fn ticket_state(
        &mut self,
        number: u64,
    ) -> impl Future<Output = Result<Option<TicketState>, StoreError>> + Send;
    /// The ticket that any of these Message-IDs (sent or received) belongs to; the first match in
    /// the given order wins.
    fn ticket_for_message_ids(
        &mut self,
        ids: &[String],
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;
    /// Acknowledgements queued for `recipient` at or after `since`.
    fn acks_since(
        &mut self,
        recipient: &str,
        since: i64,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;
    fn insert_ticket(
        &mut self,
        ticket: &NewTicket,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
    /// Inserts the message; its Message-ID becomes findable for threading.
    fn insert_message(
        &mut self,
        message: &NewMessage,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    fn insert_attachment(
        &mut self,
        message: i64,
        attachment: &NewAttachment,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn add_participants(
        &mut self,
        ticket: u64,
        emails: &[String],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Sets the status; `resolved_at`/`resolution` are written as given (None clears them).
    fn set_status(
        &mut self,
        ticket: u64,
        status: &str,
        resolved_at: Option<i64>,
        resolution: Option<&str>,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn touch(
        &mut self,
        ticket: u64,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Queues a mail. Record it with [`StoreTx::insert_message`] too, which makes its
    /// Message-ID findable for threading.
    fn enqueue(
        &mut self,
        mail: &NewOutbound,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn record_received(
        &mut self,
        received: &Received,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn record_quarantine(
        &mut self,
        raw_sha256: &str,
        reason: &str,
        source: &str,
        at: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The database organisation owning this mail domain (lower-case), if any.
    fn organisation_for_domain(
        &mut self,
        domain: &str,
    ) -> impl Future<Output = Result<Option<OrganisationRecord>, StoreError>> + Send;
    /// The database organisation with this name (case-insensitive).
    fn organisation_named(
        &mut self,
        name: &str,
    ) -> impl Future<Output = Result<Option<OrganisationRecord>, StoreError>> + Send;
    /// Every database organisation (to check a new one against all of them).
    fn organisations(
        &mut self,
    ) -> impl Future<Output = Result<Vec<OrganisationRecord>, StoreError>> + Send;
    /// Inserts an organisation with its domains.
    fn insert_organisation(
        &mut self,
        organisation: &OrganisationRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Inserts a token; returns its id.
    fn insert_token(
        &mut self,
        token: &NewToken,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Revokes token `id` of `organisation` (exact name); false when there is no such token.
    /// Revoking a revoked token keeps its first revocation time and answers true.
    fn revoke_token(
        &mut self,
        organisation: &str,
        id: i64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The ticket an earlier submission with this id opened for this organisation.
    fn find_submission(
        &mut self,
        organisation: &str,
        submission_id: &str,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;
    fn record_submission(
        &mut self,
        submission: &SubmissionRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Records the first technician reply at `at`, unless there was one already; true when
    /// this was the first.
    fn record_first_response(
        &mut self,
        ticket: u64,
        at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Replaces the SLA due times (a priority change, the backfill of older tickets).
    fn set_sla_due(
        &mut self,
        ticket: u64,
        due: &crate::sla::DueTimes,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn commit(self) -> impl Future<Output = Result<(), StoreError>> + Send;
}
