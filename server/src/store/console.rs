//! What the technician console reads and writes beyond [`Store`](super::Store) and
//! [`StoreTx`](super::StoreTx): queue pages (filters, full-text search, keyset pagination),
//! per-queue counts, merge links and callers' phone numbers; and, inside the desk's write
//! transaction, the few writes a merge, a triage or a review needs.
//!
//! Thread lines written by the console (internal notes, change events) are ordinary messages
//! with direction `internal`: never mailed, never shown to customers (`views::visible_to_customer`).

use std::future::Future;

use ppdesk_shared::ticket::Priority;

use super::{StoreError, StoreTx, TicketRecord, TicketState};
use crate::queue_filter::{Cursor, StatusFilter};
use crate::sla::SlaState;

/// The direction of console lines: internal to the support team.
pub const INTERNAL: &str = "internal";
/// An internal note written by a technician.
pub const KIND_NOTE: &str = "note";
/// A line recording a change (status, sector, priority, assignee, merge, review, registration).
pub const KIND_EVENT: &str = "event";

/// Whose tickets a queue shows, with "mine" already made concrete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeScope<'a> {
    Anyone,
    Unassigned,
    /// This technician's (lower-case address).
    Person(&'a str),
}

/// One page of a queue, as the store is asked for it.
#[derive(Debug, Clone)]
pub struct QueueQuery<'a> {
    /// A configured sector; None: every sector.
    pub sector: Option<&'a str>,
    pub status: StatusFilter,
    pub priority: Option<Priority>,
    /// Tickets in this SLA state at `now_ms`.
    pub sla: Option<SlaState>,
    pub assignee: AssigneeScope<'a>,
    /// Only tickets flagged for review.
    pub needs_review: bool,
    /// A full-text query (FTS5 syntax, from `queue_filter::parse_search`).
    pub text: Option<&'a str>,
    /// Start after this ticket.
    pub after: Option<Cursor>,
    /// Now, Unix ms (what the SLA state is judged at).
    pub now_ms: i64,
    /// Tickets per page.
    pub limit: u32,
}

/// A page of a queue.
#[derive(Debug, Clone, Default)]
pub struct QueuePage {
    /// Newest activity first.
    pub tickets: Vec<TicketRecord>,
    /// Where the next page starts; None on the last page.
    pub next: Option<Cursor>,
    /// A text search matched more than [`SEARCH_CANDIDATES`] messages (or tickets): only the
    /// tickets of the most recent matches are listed. The page says so.
    pub search_capped: bool,
}

/// How many of the most recent matching messages, and separately matching tickets (subject,
/// requester, organisation), a text search looks at. Bounds a search's cost however common its
/// words are: each candidate costs a row lookup (about 3 µs each with 100k tickets), so a word in
/// every ticket still answers in a few milliseconds. 400 messages are a few hundred tickets,
/// pages enough for a search; one matching more says so and asks for more words.
pub const SEARCH_CANDIDATES: u32 = 400;

/// Queued messages indexed per transaction: large enough that FTS5 merges few segments, small
/// enough that ingest never waits long for the writer.
pub const INDEX_BATCH: u32 = 1_000;

/// Tickets in one sector and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCount {
    pub sector: String,
    pub status: String,
    pub tickets: u64,
}

/// The counts a queue page shows beside its tabs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsoleCounts {
    /// Per sector and status, exact (kept by triggers).
    pub per_queue: Vec<QueueCount>,
    /// Open tickets assigned to the viewer.
    pub mine_open: u64,
    /// Tickets flagged for review, any status.
    pub needs_review: u64,
}

/// What the console shows about a ticket beyond [`TicketRecord`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsoleFacts {
    /// Merged into this ticket.
    pub merged_into: Option<u64>,
    /// Tickets merged into this one, oldest first.
    pub merged_from: Vec<u64>,
    /// The caller's phone number (phone and fax tickets).
    pub contact_phone: Option<String>,
}

/// A ticket as the console's write actions decide on it, read inside their transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleState {
    /// What every write path knows about a ticket.
    pub state: TicketState,
    pub priority: String,
    pub assignee: Option<String>,
    pub merged_into: Option<u64>,
    pub needs_review: bool,
    pub linked_ticket: Option<u64>,
}

/// A technician or admin with a web account, as the assignee menus list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Lower-case address.
    pub email: String,
    pub name: Option<String>,
}

/// The console's reads.
pub trait Console: Send + Sync + 'static {
    /// One page of a queue.
    fn queue(
        &self,
        query: &QueueQuery<'_>,
    ) -> impl Future<Output = Result<QueuePage, StoreError>> + Send;

    /// The tab counts; `viewer` is the signed-in technician's address (lower-case).
    fn console_counts(
        &self,
        viewer: &str,
    ) -> impl Future<Output = Result<ConsoleCounts, StoreError>> + Send;

    /// Active technicians and admins with a web account, by address (the assignee menus; the
    /// config's `helpdesk.technicians` are added by the caller).
    fn staff(&self) -> impl Future<Output = Result<Vec<StaffMember>, StoreError>> + Send;

    /// Merge links and the caller's phone of a ticket; None when it does not exist.
    fn console_facts(
        &self,
        number: u64,
    ) -> impl Future<Output = Result<Option<ConsoleFacts>, StoreError>> + Send;

    /// Adds up to `batch` of the messages stored since the last call to the full-text index,
    /// oldest first, in one transaction; returns how many it took off the queue (0: the index
    /// is complete). Ingest only queues a message, so its intake never waits for the index.
    fn index_queued_messages(
        &self,
        batch: u32,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// The console's writes, inside the desk's transaction (so the mail they cause is queued
/// atomically with them).
pub trait ConsoleTx: StoreTx {
    /// The ticket with the facts a console action decides on.
    fn console_state(
        &mut self,
        number: u64,
    ) -> impl Future<Output = Result<Option<ConsoleState>, StoreError>> + Send;

    /// Moves every message of `from` (attachments go with them) and the Message-IDs that thread
    /// replies to `to`; returns how many messages moved.
    fn move_thread(
        &mut self,
        from: u64,
        to: u64,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Records that `from` was merged into `to`, and takes any review flag off `from`.
    fn set_merged_into(
        &mut self,
        from: u64,
        to: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Writes sector, priority and assignee (as given) and the activity time.
    fn set_triage(
        &mut self,
        number: u64,
        sector: &str,
        priority: &str,
        assignee: Option<&str>,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Takes the review flag off a ticket (its reason stays, for the record).
    fn clear_review(
        &mut self,
        number: u64,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records the caller's phone number of a phone or fax ticket.
    fn set_contact_phone(
        &mut self,
        number: u64,
        phone: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
