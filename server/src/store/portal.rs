//! What the customer portal reads beyond [`Store`](super::Store): one person's or one
//! organisation's tickets in one status, most recently active first, a page at a time; and one
//! attachment together with the ticket and message it belongs to (for `/attachments/{id}`).

use std::future::Future;

use ppdesk_shared::status::TicketStatus;

use super::{StoreError, TicketRecord};

/// Whose tickets a portal list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalScope<'a> {
    /// A customer: the tickets they asked for, and those they were in To/CC of.
    /// The address is compared as given: pass it lower-case, as tickets store it.
    Person {
        /// The customer's sign-in address.
        email: &'a str,
    },
    /// An organisation admin: every ticket of the organisation (name compared
    /// case-insensitively), plus their own as for [`PortalScope::Person`].
    Organisation {
        /// The organisation's name, as tickets record it.
        name: &'a str,
        /// The admin's own sign-in address, lower-case.
        email: &'a str,
    },
}

/// Where a page of a list starts: strictly after (older than) this ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketCursor {
    /// The last shown ticket's `updated_at` (Unix ms).
    pub updated_at: i64,
    /// The last shown ticket's number (ties on `updated_at`).
    pub number: u64,
}

/// An attachment with what decides who may download it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFile {
    /// The attachment's id, as in `/attachments/{id}`.
    pub id: i64,
    /// The ticket its message is on.
    pub ticket: u64,
    /// Its message's direction (`inbound`, `outbound`, or `internal` for staff notes).
    pub message_direction: String,
    /// Its message's kind (`customer`, `reply`, `note`…).
    pub message_kind: String,
    /// As the sender named it; safe as a file name for inbound mail and uploads.
    pub filename: String,
    /// As declared by the sender.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Where the bytes are in the blob store.
    pub sha256: String,
    /// Shown inside the message body (`cid:`) rather than listed.
    pub inline: bool,
    /// Over the size limit: the bytes are only inside the raw message.
    pub omitted: bool,
}

/// The portal's reads.
pub trait Portal: Send + Sync + 'static {
    /// Up to `limit` tickets of `scope` in `status`, newest activity first (`updated_at`, then
    /// number, descending), starting after `after` when given.
    fn portal_tickets(
        &self,
        scope: PortalScope<'_>,
        status: TicketStatus,
        after: Option<TicketCursor>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<TicketRecord>, StoreError>> + Send;

    /// The ticket a merged duplicate went into (the console's merge), if it was merged.
    fn merged_into(
        &self,
        number: u64,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// The attachment with this id, or None.
    fn attachment_file(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<AttachmentFile>, StoreError>> + Send;
}
