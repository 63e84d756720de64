//! The customer portal's moves on tickets, on the same code paths as mail:
//!
//! - a new ticket: [`Desk::open_portal_ticket`] opens it with `open_ticket` (routing, one
//!   transaction, the acknowledgement exactly as for a mailed ticket), channel `portal`;
//! - a reply: [`Desk::portal_reply`] records a `customer` message with its files and moves the
//!   status as a customer's mail would (`status::decide`, [`Actor::Customer`]); a reply that
//!   reopens a resolved ticket is acknowledged like a reopening mail. Where mail would open a
//!   new linked ticket (the reopen window has passed, or the ticket was cancelled) the portal
//!   refuses and says why, and the page offers a new ticket instead;
//! - "Segna come risolto": [`Desk::portal_resolve`], the technician's resolve path done by the
//!   customer, who must give a reason;
//! - "Riapri il ticket": [`Desk::portal_reopen`], only inside the reopen window.
//!
//! Who may act on which ticket is the caller's check (`access::may_see_ticket`).

use chrono::{DateTime, Utc};
use ppdesk_shared::status::{
    self, Actor, Decision, Lifecycle, ReopenWindow, StatusError, StatusEvent, TicketStatus,
};
use ppdesk_shared::ticket::{Channel, Priority};

use super::{
    AckTicket, Answering, FirstMessage, IngestError, Opening, insert_with_attachments,
    lifecycle_of, locale_from,
};
use crate::ack_policy::TicketChange;
use crate::api::submission::SubmittedFile;
use crate::catalog::AckReason;
use crate::desk::Desk;
use crate::mail::inbound::Mailbox;
use crate::mail::machine_mail::Author;
use crate::operator::OperatorError;
use crate::store::{NewAttachment, NewMessage, Store, StoreError, StoreTx, TicketState};

/// The signed-in customer acting on the portal.
#[derive(Debug, Clone, Copy)]
pub struct PortalAuthor<'a> {
    /// Sign-in address (the ticket's requester for a new ticket).
    pub email: &'a str,
    /// Display name, if the account has one.
    pub name: Option<&'a str>,
    /// The account's organisation name, if any.
    pub organisation: Option<&'a str>,
}

/// A ticket asked for with "Apri un nuovo ticket", already checked by the form's rules.
#[derive(Debug, Clone)]
pub struct PortalTicket {
    /// Contact name as typed (prefilled from the account).
    pub contact_name: Option<String>,
    /// One of the configured categories, if chosen.
    pub category: Option<String>,
    pub priority: Priority,
    /// The short title: the ticket's subject.
    pub title: String,
    /// The description (with the contact lines the form adds).
    pub description: String,
    /// Screenshots and files, named and typed for storage.
    pub files: Vec<SubmittedFile>,
}

/// A ticket the portal opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalOpened {
    pub number: u64,
    /// `#Class# Ticket #[N]`.
    pub tag: String,
    /// The acknowledgement was queued.
    pub acknowledged: bool,
}

/// What a portal reply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortalReplied {
    /// The ticket's status afterwards.
    pub status: TicketStatus,
    /// The reply reopened a resolved ticket.
    pub reopened: bool,
}

/// Why a portal move was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("ticket {0} does not exist")]
    NoSuchTicket(u64),
    /// Neither text nor a file.
    #[error("the reply has no text and no file")]
    EmptyReply,
    /// A reply to a resolved ticket whose reopen window has passed.
    #[error("ticket {ticket} was resolved and its reopen window has closed; open a new ticket")]
    ReopenWindowClosed {
        ticket: u64,
        /// When the window closed (None: resolution date unknown).
        closed_at: Option<DateTime<Utc>>,
    },
    /// A reply to a cancelled ticket.
    #[error("ticket {0} was cancelled; open a new ticket")]
    Cancelled(u64),
    /// The status rules refuse the move (no reason to resolve, already resolved, …).
    #[error("ticket {ticket}: {source}")]
    Status {
        ticket: u64,
        #[source]
        source: StatusError,
    },
    #[error(transparent)]
    Ingest(#[from] IngestError),
}

impl From<StoreError> for PortalError {
    fn from(e: StoreError) -> Self {
        PortalError::Ingest(IngestError::Store(e))
    }
}

impl From<OperatorError> for PortalError {
    fn from(e: OperatorError) -> Self {
        match e {
            OperatorError::NoSuchTicket(n) => PortalError::NoSuchTicket(n),
            OperatorError::Status { ticket, source } => status_refusal(ticket, source),
            OperatorError::EmptyReply => PortalError::EmptyReply,
            OperatorError::Store(e) => e.into(),
            OperatorError::Render(e) => PortalError::Ingest(IngestError::Render(e)),
        }
    }
}

/// A refusal of the status rules in the portal's words.
fn status_refusal(ticket: u64, source: StatusError) -> PortalError {
    match source {
        StatusError::ReopenWindowClosed { closed_at } => {
            PortalError::ReopenWindowClosed { ticket, closed_at }
        }
        source => PortalError::Status { ticket, source },
    }
}

/// What the portal offers on a ticket at a given moment: the buttons a page shows follow the
/// same status rules the moves are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortalOffer {
    /// "Rispondi": the reply editor.
    pub reply: ReplyOffer,
    /// "Segna come risolto".
    pub resolve: bool,
    /// "Riapri il ticket" until this instant (inclusive); None: not offered.
    pub reopen_until: Option<DateTime<Utc>>,
}

/// Whether a reply is taken, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyOffer {
    /// Taken (reopening a resolved ticket inside the window).
    Open,
    /// Resolved and the reopen window has closed at this instant (None: unknown date).
    WindowClosed(Option<DateTime<Utc>>),
    /// Cancelled.
    Cancelled,
}

/// What a customer may do on a ticket in `lifecycle` at `now`.
pub fn portal_offer(
    lifecycle: &Lifecycle,
    window: ReopenWindow,
    now: DateTime<Utc>,
) -> PortalOffer {
    let decide =
        |event: &StatusEvent| status::decide(lifecycle, Actor::Customer, event, window, now);
    let reply = match decide(&StatusEvent::CustomerMessage) {
        Ok(Decision::OpenLinkedTicket) if lifecycle.status == TicketStatus::Cancelled => {
            ReplyOffer::Cancelled
        }
        Ok(Decision::OpenLinkedTicket) => {
            ReplyOffer::WindowClosed(lifecycle.resolved_at.map(|at| window.closes_at(at)))
        }
        _ => ReplyOffer::Open,
    };
    let resolve = decide(&StatusEvent::Resolve {
        reason: Some("?".into()),
    })
    .is_ok();
    let reopen_until = match (decide(&StatusEvent::Reopen), lifecycle.resolved_at) {
        (Ok(_), Some(resolved_at)) => Some(window.closes_at(resolved_at)),
        _ => None,
    };
    PortalOffer {
        reply,
        resolve,
        reopen_until,
    }
}

impl<S: Store> Desk<S> {
    /// Opens a ticket from "Apri un nuovo ticket": requester is the signed-in customer, the
    /// organisation theirs (else the one owning their mail domain), channel `portal`, and the
    /// acknowledgement goes out as for a mailed ticket.
    pub async fn open_portal_ticket(
        &self,
        author: PortalAuthor<'_>,
        ticket: &PortalTicket,
    ) -> Result<PortalOpened, PortalError> {
        // Blobs before the transaction, as for mail: a crash leaves at most unreferenced files.
        let attachments = self.store_files(&ticket.files)?;
        let requester = Mailbox {
            address: author.email.trim().to_lowercase(),
            name: ticket
                .contact_name
                .clone()
                .or_else(|| author.name.map(str::to_string)),
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let organisation = match author.organisation {
            Some(name) => self.organisation_named_in(&mut tx, name).await?,
            None => None,
        };
        let organisation = match organisation {
            Some(org) => Some(org),
            None => {
                self.organisation_for_address(&mut tx, &requester.address)
                    .await?
            }
        };
        let opened = self
            .open_ticket(
                &mut tx,
                Opening {
                    channel: Channel::Portal,
                    requester: &requester,
                    organisation: organisation.as_ref(),
                    subject: &ticket.title,
                    body: &ticket.description,
                    category: self.known_category(ticket.category.as_deref()),
                    priority: Some(ticket.priority),
                    linked: None,
                    first: FirstMessage {
                        message_id: None,
                        to: vec![self.config.helpdesk.address.clone()],
                        cc: Vec::new(),
                        html_body: None,
                        raw_sha256: None,
                        attachments: &attachments,
                    },
                    participants: Vec::new(),
                    answering: portal_answering(&ticket.title),
                },
                now,
            )
            .await?;
        tx.commit().await?;
        if opened.acknowledged {
            self.outbox_wake.notify_one();
        }
        tracing::info!(
            ticket = opened.number,
            files = attachments.len(),
            acknowledged = opened.acknowledged,
            "ticket opened from the portal"
        );
        Ok(PortalOpened {
            number: opened.number,
            tag: self.tag_text(&opened.class, opened.number),
            acknowledged: opened.acknowledged,
        })
    }

    /// A customer's reply from the portal ("Rispondi"), with its files.
    pub async fn portal_reply(
        &self,
        number: u64,
        author: PortalAuthor<'_>,
        body: &str,
        files: &[SubmittedFile],
    ) -> Result<PortalReplied, PortalError> {
        let body = body.replace("\r\n", "\n").trim().to_string();
        if body.is_empty() && files.is_empty() {
            return Err(PortalError::EmptyReply);
        }
        let attachments = self.store_files(files)?;
        let email = author.email.trim().to_lowercase();
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let state = tx
            .ticket_state(number)
            .await?
            .ok_or(PortalError::NoSuchTicket(number))?;
        let lifecycle = lifecycle_of(&state);
        let decision = self.customer_decision(&state, &StatusEvent::CustomerMessage)?;
        let (next, reopened) = match decision {
            Decision::Unchanged => (lifecycle.status, false),
            Decision::MoveTo(status) => (status, false),
            Decision::Reopen => (TicketStatus::WaitingOnSupport, true),
            Decision::OpenLinkedTicket if lifecycle.status == TicketStatus::Cancelled => {
                return Err(PortalError::Cancelled(number));
            }
            Decision::OpenLinkedTicket => {
                return Err(PortalError::ReopenWindowClosed {
                    ticket: number,
                    closed_at: lifecycle
                        .resolved_at
                        .map(|at| self.reopen_window().closes_at(at)),
                });
            }
        };
        let message = NewMessage {
            ticket: number,
            direction: "inbound",
            kind: "customer",
            message_id: None,
            from_addr: email.clone(),
            from_name: author.name.map(str::to_string),
            to_addrs: vec![self.config.helpdesk.address.clone()],
            cc_addrs: Vec::new(),
            subject: state.subject.clone(),
            text_body: body,
            html_body: None,
            raw_sha256: None,
            created_at: now,
        };
        insert_with_attachments(&mut tx, &message, &attachments).await?;
        // A colleague (an organisation admin) answering joins the ticket, as a mail would.
        if email != state.requester_email && !state.participants.contains(&email) {
            tx.add_participants(number, std::slice::from_ref(&email))
                .await?;
        }
        if next == lifecycle.status {
            tx.touch(number, now).await?;
        } else {
            tx.set_status(number, next.as_str(), None, None, now)
                .await?;
        }
        let acknowledged = if reopened {
            self.acknowledge_reopening(&mut tx, &state, author, now)
                .await?
        } else {
            false
        };
        tx.commit().await?;
        if acknowledged {
            self.outbox_wake.notify_one();
        }
        tracing::info!(
            ticket = number,
            files = attachments.len(),
            reopened,
            status = next.as_str(),
            "portal reply"
        );
        Ok(PortalReplied {
            status: next,
            reopened,
        })
    }

    /// "Segna come risolto": the customer resolves their ticket and must say why. The same
    /// path as a technician's resolve, so the requester gets the resolution notice with the
    /// reopen deadline.
    pub async fn portal_resolve(
        &self,
        number: u64,
        reason: &str,
    ) -> Result<TicketStatus, PortalError> {
        let status = self
            .resolve_as(Actor::Customer, number, Some(reason))
            .await?;
        tracing::info!(ticket = number, "resolved by the customer on the portal");
        Ok(status)
    }

    /// "Riapri il ticket": back to waiting on support, only inside the reopen window; the
    /// customer is acknowledged as when a mail reopens a ticket.
    pub async fn portal_reopen(
        &self,
        number: u64,
        author: PortalAuthor<'_>,
    ) -> Result<TicketStatus, PortalError> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let state = tx
            .ticket_state(number)
            .await?
            .ok_or(PortalError::NoSuchTicket(number))?;
        let next = match self.customer_decision(&state, &StatusEvent::Reopen)? {
            Decision::MoveTo(status) => status,
            // Reopen is the only other answer the rules give to this event.
            _ => TicketStatus::WaitingOnSupport,
        };
        tx.set_status(number, next.as_str(), None, None, now)
            .await?;
        let acknowledged = self
            .acknowledge_reopening(&mut tx, &state, author, now)
            .await?;
        tx.commit().await?;
        if acknowledged {
            self.outbox_wake.notify_one();
        }
        tracing::info!(ticket = number, "reopened by the customer on the portal");
        Ok(next)
    }

    /// What the portal offers on a ticket now.
    pub fn portal_offer_for(&self, status: &str, resolved_at: Option<i64>) -> PortalOffer {
        let lifecycle = Lifecycle {
            // An unknown status in the database is treated as open, never as closed.
            status: status.parse().unwrap_or(TicketStatus::WaitingOnSupport),
            resolved_at: resolved_at.and_then(DateTime::from_timestamp_millis),
        };
        portal_offer(&lifecycle, self.reopen_window(), self.now())
    }

    fn customer_decision(
        &self,
        state: &TicketState,
        event: &StatusEvent,
    ) -> Result<Decision, PortalError> {
        status::decide(
            &lifecycle_of(state),
            Actor::Customer,
            event,
            self.reopen_window(),
            self.now(),
        )
        .map_err(|source| status_refusal(state.number, source))
    }

    /// The acknowledgement of a reopening, to whoever reopened it (as for a reopening mail).
    async fn acknowledge_reopening(
        &self,
        tx: &mut S::Tx,
        state: &TicketState,
        author: PortalAuthor<'_>,
        now: i64,
    ) -> Result<bool, IngestError> {
        let to = Mailbox {
            address: author.email.trim().to_lowercase(),
            name: author.name.map(str::to_string),
        };
        let ticket = AckTicket {
            number: state.number,
            class: &state.class,
            subject: &state.subject,
            sector: &state.sector,
            locale: locale_from(&state.locale),
        };
        self.acknowledge(
            tx,
            &to,
            &portal_answering(&state.subject),
            &ticket,
            AckReason::Reopened,
            TicketChange::Reopened,
            now,
        )
        .await
    }

    fn store_files(&self, files: &[SubmittedFile]) -> Result<Vec<NewAttachment>, IngestError> {
        files.iter().map(|file| self.store_file(file)).collect()
    }
}

/// A signed-in person typed it: acknowledged like a person's mail, nothing to thread under.
fn portal_answering(subject: &str) -> Answering<'_> {
    Answering {
        author: Author::Person,
        staff_in_cc: false,
        // The address is the account's, proven at sign-in.
        unverified_address: false,
        subject,
        in_reply_to: None,
        references: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_764_000_000 + seconds, 0).unwrap()
    }

    fn lifecycle(status: TicketStatus, resolved_at: Option<DateTime<Utc>>) -> Lifecycle {
        Lifecycle {
            status,
            resolved_at,
        }
    }

    const WEEK: i64 = 7 * 86_400;

    #[test]
    fn open_tickets_take_replies_and_can_be_resolved_not_reopened() {
        for status in [
            TicketStatus::WaitingOnSupport,
            TicketStatus::WaitingOnCustomer,
        ] {
            let offer = portal_offer(&lifecycle(status, None), ReopenWindow::days(7), at(0));
            assert_eq!(
                offer,
                PortalOffer {
                    reply: ReplyOffer::Open,
                    resolve: true,
                    reopen_until: None
                }
            );
        }
    }

    #[test]
    fn a_resolved_ticket_reopens_until_the_window_closes() {
        let resolved = lifecycle(TicketStatus::Resolved, Some(at(0)));
        let inside = portal_offer(&resolved, ReopenWindow::days(7), at(WEEK));
        assert_eq!(inside.reply, ReplyOffer::Open);
        assert!(!inside.resolve);
        assert_eq!(inside.reopen_until, Some(at(WEEK)));

        let after = portal_offer(&resolved, ReopenWindow::days(7), at(WEEK + 1));
        assert_eq!(after.reply, ReplyOffer::WindowClosed(Some(at(WEEK))));
        assert_eq!(after.reopen_until, None);
        assert!(!after.resolve);
    }

    #[test]
    fn a_zero_day_window_closes_at_resolution() {
        let resolved = lifecycle(TicketStatus::Resolved, Some(at(0)));
        let window = ReopenWindow(TimeDelta::zero());
        assert_eq!(
            portal_offer(&resolved, window, at(0)).reopen_until,
            Some(at(0))
        );
        assert_eq!(
            portal_offer(&resolved, window, at(1)).reply,
            ReplyOffer::WindowClosed(Some(at(0)))
        );
    }

    #[test]
    fn a_cancelled_ticket_offers_nothing_but_a_new_ticket() {
        let offer = portal_offer(
            &lifecycle(TicketStatus::Cancelled, None),
            ReopenWindow::days(7),
            at(0),
        );
        assert_eq!(
            offer,
            PortalOffer {
                reply: ReplyOffer::Cancelled,
                resolve: false,
                reopen_until: None
            }
        );
    }

    #[test]
    fn a_resolved_ticket_without_a_date_is_closed() {
        let offer = portal_offer(
            &lifecycle(TicketStatus::Resolved, None),
            ReopenWindow::days(7),
            at(0),
        );
        assert_eq!(offer.reply, ReplyOffer::WindowClosed(None));
        assert_eq!(offer.reopen_until, None);
    }
}

/// The moves on a real store, with a clock the tests move.
#[cfg(test)]
mod desk_tests {
    use std::sync::Arc;

    use chrono::{TimeDelta, TimeZone};
    use ppdesk_shared::status::ManualClock;

    use super::*;
    use crate::config::{Config, OrganisationConfig};
    use crate::store::sqlite::SqliteStore;

    struct TestDesk {
        desk: Desk<SqliteStore>,
        clock: Arc<ManualClock>,
        _dir: tempfile::TempDir,
    }

    async fn desk() -> TestDesk {
        let mut config = Config::default();
        config.organisations.push(OrganisationConfig {
            name: "ACME S.r.l.".into(),
            domains: vec!["acme.it".into()],
            class: Some("Standard".into()),
            locale: None,
        });
        let dir = tempfile::tempdir().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let desk = Desk::open(config, dir.path(), clock.clone()).await.unwrap();
        TestDesk {
            desk,
            clock,
            _dir: dir,
        }
    }

    const MARIO: PortalAuthor<'static> = PortalAuthor {
        email: "Mario.Rossi@acme.it",
        name: Some("Mario Rossi"),
        organisation: Some("acme s.r.l."),
    };

    fn file(name: &str, bytes: &[u8]) -> SubmittedFile {
        SubmittedFile {
            filename: name.into(),
            content_type: "text/plain".into(),
            bytes: bytes.to_vec(),
        }
    }

    fn new_ticket() -> PortalTicket {
        PortalTicket {
            contact_name: Some("Mario Rossi".into()),
            category: Some("mago".into()),
            priority: Priority::High,
            title: "Problema emissione fatture".into(),
            description: "La procedura di emissione ddt si blocca.".into(),
            files: vec![file("errore.txt", b"Errore 42")],
        }
    }

    async fn open(t: &TestDesk) -> u64 {
        t.desk
            .open_portal_ticket(MARIO, &new_ticket())
            .await
            .unwrap()
            .number
    }

    async fn status_of(t: &TestDesk, number: u64) -> String {
        t.desk.store.ticket(number).await.unwrap().unwrap().status
    }

    async fn outbox_kinds(t: &TestDesk, number: u64) -> Vec<String> {
        let outbox = t.desk.store.outbox_for_ticket(number).await.unwrap();
        outbox.into_iter().map(|o| o.kind).collect()
    }

    #[tokio::test]
    async fn a_portal_ticket_is_opened_like_a_mailed_one_and_acknowledged() {
        let t = desk().await;
        let opened = t
            .desk
            .open_portal_ticket(MARIO, &new_ticket())
            .await
            .unwrap();
        assert!(opened.acknowledged);
        assert_eq!(
            opened.tag,
            format!("#Standard# Ticket #[{}]", opened.number)
        );
        let ticket = t.desk.store.ticket(opened.number).await.unwrap().unwrap();
        assert_eq!(ticket.channel, "portal");
        assert_eq!(ticket.requester_email, "mario.rossi@acme.it");
        assert_eq!(ticket.requester_name.as_deref(), Some("Mario Rossi"));
        assert_eq!(ticket.organisation.as_deref(), Some("ACME S.r.l."));
        assert_eq!(ticket.category.as_deref(), Some("Mago"));
        assert_eq!(ticket.priority, "high");
        assert_eq!(ticket.status, "waiting_on_support");
        let thread = t.desk.store.messages(opened.number).await.unwrap();
        assert_eq!(thread[0].kind, "customer");
        assert_eq!(thread[0].attachments[0].filename, "errore.txt");
        let sha = &thread[0].attachments[0].sha256;
        assert_eq!(t.desk.blobs.get(sha).unwrap(), b"Errore 42");
        let outbox = t.desk.store.outbox_for_ticket(opened.number).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].kind, "acknowledgement");
        assert_eq!(outbox[0].recipient, "mario.rossi@acme.it");
    }

    #[tokio::test]
    async fn a_reply_hands_the_ticket_back_to_support() {
        let t = desk().await;
        let n = open(&t).await;
        t.desk.reply(n, "Quale registro?").await.unwrap();
        assert_eq!(status_of(&t, n).await, "waiting_on_customer");
        let replied = t
            .desk
            .portal_reply(n, MARIO, "  Registro VENIMM  ", &[file("log.txt", b"x")])
            .await
            .unwrap();
        assert_eq!(
            replied,
            PortalReplied {
                status: TicketStatus::WaitingOnSupport,
                reopened: false
            }
        );
        let thread = t.desk.store.messages(n).await.unwrap();
        let last = thread.last().unwrap();
        assert_eq!(
            (last.direction.as_str(), last.kind.as_str()),
            ("inbound", "customer")
        );
        assert_eq!(last.text_body, "Registro VENIMM");
        assert_eq!(last.from_addr, "mario.rossi@acme.it");
        assert_eq!(last.attachments[0].filename, "log.txt");
    }

    #[tokio::test]
    async fn a_reply_needs_text_or_a_file() {
        let t = desk().await;
        let n = open(&t).await;
        let err = t
            .desk
            .portal_reply(n, MARIO, " \r\n ", &[])
            .await
            .unwrap_err();
        assert!(matches!(err, PortalError::EmptyReply), "{err}");
        let only_file = t
            .desk
            .portal_reply(n, MARIO, "", &[file("a.txt", b"a")])
            .await;
        assert!(only_file.is_ok());
    }

    #[tokio::test]
    async fn a_colleague_replying_joins_the_ticket() {
        let t = desk().await;
        let n = open(&t).await;
        let referent = PortalAuthor {
            email: "anna@acme.it",
            name: None,
            organisation: Some("ACME S.r.l."),
        };
        t.desk
            .portal_reply(n, referent, "Confermo", &[])
            .await
            .unwrap();
        assert_eq!(
            t.desk.store.participants(n).await.unwrap(),
            vec!["anna@acme.it".to_string()]
        );
    }

    #[tokio::test]
    async fn resolving_needs_a_reason_and_mails_the_deadline() {
        let t = desk().await;
        let n = open(&t).await;
        let err = t.desk.portal_resolve(n, "   ").await.unwrap_err();
        assert!(
            matches!(
                err,
                PortalError::Status {
                    source: StatusError::ReasonRequired,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(status_of(&t, n).await, "waiting_on_support");
        let status = t
            .desk
            .portal_resolve(n, "Il problema è rientrato")
            .await
            .unwrap();
        assert_eq!(status, TicketStatus::Resolved);
        let ticket = t.desk.store.ticket(n).await.unwrap().unwrap();
        assert_eq!(
            ticket.resolution.as_deref(),
            Some("Il problema è rientrato")
        );
        assert_eq!(
            outbox_kinds(&t, n).await,
            vec!["acknowledgement", "notification"]
        );
        // Twice is refused by the rules, not silently repeated.
        let again = t.desk.portal_resolve(n, "ancora").await.unwrap_err();
        assert!(matches!(again, PortalError::Status { .. }), "{again}");
    }

    #[tokio::test]
    async fn reopening_works_inside_the_window_only() {
        let t = desk().await;
        let n = open(&t).await;
        t.desk.portal_resolve(n, "Risolto da solo").await.unwrap();
        t.clock.advance(TimeDelta::days(7));
        let status = t.desk.portal_reopen(n, MARIO).await.unwrap();
        assert_eq!(status, TicketStatus::WaitingOnSupport);
        let ticket = t.desk.store.ticket(n).await.unwrap().unwrap();
        assert_eq!(ticket.resolved_at, None);
        assert_eq!(
            outbox_kinds(&t, n).await,
            vec!["acknowledgement", "notification", "acknowledgement"]
        );

        t.desk.portal_resolve(n, "Di nuovo a posto").await.unwrap();
        let resolved_at = t.desk.now();
        t.clock.advance(TimeDelta::days(7) + TimeDelta::seconds(1));
        let err = t.desk.portal_reopen(n, MARIO).await.unwrap_err();
        match err {
            PortalError::ReopenWindowClosed { ticket, closed_at } => {
                assert_eq!(ticket, n);
                let expected = resolved_at + TimeDelta::days(7);
                assert_eq!(closed_at.map(|c| c.timestamp()), Some(expected.timestamp()));
            }
            other => panic!("expected the window to be closed, got {other}"),
        }
        assert_eq!(status_of(&t, n).await, "resolved");
    }

    #[tokio::test]
    async fn a_reply_reopens_inside_the_window_and_is_refused_after_it() {
        let t = desk().await;
        let n = open(&t).await;
        t.desk.portal_resolve(n, "ok").await.unwrap();
        t.clock.advance(TimeDelta::days(2));
        let replied = t
            .desk
            .portal_reply(n, MARIO, "Il problema si ripresenta", &[])
            .await
            .unwrap();
        assert_eq!(
            replied,
            PortalReplied {
                status: TicketStatus::WaitingOnSupport,
                reopened: true
            }
        );
        assert_eq!(outbox_kinds(&t, n).await.last().unwrap(), "acknowledgement");

        t.desk.portal_resolve(n, "ok").await.unwrap();
        t.clock.advance(TimeDelta::days(8));
        let before = t.desk.store.messages(n).await.unwrap().len();
        let err = t
            .desk
            .portal_reply(n, MARIO, "Ancora", &[file("x.txt", b"x")])
            .await
            .unwrap_err();
        assert!(
            matches!(err, PortalError::ReopenWindowClosed { .. }),
            "{err}"
        );
        assert_eq!(t.desk.store.messages(n).await.unwrap().len(), before);
        assert_eq!(status_of(&t, n).await, "resolved");
    }

    #[tokio::test]
    async fn a_cancelled_ticket_takes_no_reply() {
        let t = desk().await;
        let n = open(&t).await;
        t.desk.cancel(n).await.unwrap();
        let err = t.desk.portal_reply(n, MARIO, "?", &[]).await.unwrap_err();
        assert!(matches!(err, PortalError::Cancelled(_)), "{err}");
        let err = t.desk.portal_reopen(n, MARIO).await.unwrap_err();
        assert!(matches!(err, PortalError::Status { .. }), "{err}");
    }

    #[tokio::test]
    async fn a_missing_ticket_is_named() {
        let t = desk().await;
        let err = t
            .desk
            .portal_reply(99_999, MARIO, "x", &[])
            .await
            .unwrap_err();
        assert!(matches!(err, PortalError::NoSuchTicket(99_999)), "{err}");
        let err = t.desk.portal_resolve(99_999, "x").await.unwrap_err();
        assert!(matches!(err, PortalError::NoSuchTicket(99_999)), "{err}");
    }
}
