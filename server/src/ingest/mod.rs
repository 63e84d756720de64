//! Taking one inbound message: the pipeline behind `ingest`, the IMAP intake and LMTP.
//!
//! Parse → classify the author → look up duplicates and candidate tickets → decide (the pure rules
//! in `correlation`, `ack_policy`, `routing` and the shared status rules) → write the ticket,
//! message, attachments, received-record and acknowledgement in ONE transaction. Blobs (the raw
//! message, attachments) are written just before it. Nothing accepted is lost: a message that
//! cannot be used is quarantined with its raw bytes kept.
//!
//! A new ticket is opened in one place, `open_ticket`, fed plain data: mail uses it here, and
//! the agent API through [`agent`], so both get the same routing, transaction and
//! acknowledgement.

use ppdesk_shared::status::{self, Actor, Decision, Lifecycle, StatusEvent, TicketStatus};
use ppdesk_shared::tag::{self, TicketTag};
use ppdesk_shared::ticket::{Channel, Priority};
use serde::Serialize;

use crate::ack_policy::{self, AckDecision, AckFacts, TicketChange};
use crate::blobs::{BlobError, sha256_hex};
use crate::catalog::{self, AckReason};
use crate::config::{Locale, OrganisationConfig};
use crate::correlation::{self, Correlation, CorrelationInput, TicketParties};
use crate::desk::Desk;
use crate::mail::inbound::{self, InboundMail, Mailbox};
use crate::mail::machine_mail::{self, Author};
use crate::mail::outbound::{self, Draft};
use crate::routing::{self, RoutingInput};
use crate::store::{
    NewAttachment, NewMessage, NewOutbound, NewTicket, Received, Store, StoreError, StoreTx,
    TicketState,
};

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Appended,
    Reopened,
    Duplicate,
    Ignored,
    Quarantined,
}

impl std::str::FromStr for Outcome {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [
            Outcome::Created,
            Outcome::Appended,
            Outcome::Reopened,
            Outcome::Duplicate,
            Outcome::Ignored,
            Outcome::Quarantined,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
        .ok_or_else(|| format!("unknown outcome {text:?}"))
    }
}

impl Outcome {
    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Appended => "appended",
            Outcome::Reopened => "reopened",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored => "ignored",
            Outcome::Quarantined => "quarantined",
        }
    }
}

/// The answer of one ingestion: the JSON line `ingest` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    pub outcome: Outcome,
    pub ticket: Option<u64>,
    pub acknowledged: bool,
    /// Why a message was quarantined or ignored; not part of the JSON contract's required keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Failures after which the caller should retry the same message later (exit 75).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("could not render an outbound mail: {0}")]
    Render(#[from] std::io::Error),
    #[error("could not prepare the message: {0}")]
    Prepare(String),
}

/// Messages parsed and stored as blobs, waiting for their transaction
/// ([`Desk::prepare_batch`], then [`Desk::ingest_prepared`]).
pub struct PreparedBatch {
    messages: Vec<(Vec<u8>, String)>,
    prepared: Vec<Result<Prepared, IngestError>>,
}

/// Where a message came from, kept with quarantined mail.
pub const SOURCE_STDIN: &str = "stdin";

/// A message made ready for its transaction: parsed, hashed, its blobs written.
enum Prepared {
    Mail {
        mail: Box<InboundMail>,
        raw_sha256: String,
        attachments: Vec<NewAttachment>,
    },
    Unusable {
        raw_sha256: String,
        reason: String,
    },
}

/// How many messages one transaction takes in a batch: enough to share the commit and the
/// index pages, few enough that a failing batch is cheap to redo one by one.
pub const BATCH_SIZE: usize = 64;

impl<S: Store> Desk<S> {
    /// Takes one raw RFC 5322 message, in its own transaction.
    pub async fn ingest(&self, raw: &[u8], source: &str) -> Result<IngestReport, IngestError> {
        let prepared = self.prepare(raw)?;
        let mut tx = self.store.begin().await?;
        let report = self.take(&mut tx, &prepared, source).await?;
        tx.commit().await?;
        if report.acknowledged {
            self.outbox_wake.notify_one();
        }
        log_taken(&report, source);
        Ok(report)
    }

    /// Takes several messages in one transaction (imports, `ingest --dir`, a mailbox backlog):
    /// each is decided exactly as alone, and all commit together. If anything fails the batch is
    /// rolled back and each message is taken alone, so one bad message costs only itself.
    pub async fn ingest_batch(
        &self,
        messages: &[(Vec<u8>, String)],
    ) -> Vec<Result<IngestReport, IngestError>> {
        self.ingest_prepared(self.prepare_batch(messages.to_vec()))
            .await
    }

    /// The part of [`Desk::ingest_batch`] that needs no database (parsing, hashing, writing
    /// blobs), to run on another thread while the previous batch is being committed.
    pub fn prepare_batch(&self, messages: Vec<(Vec<u8>, String)>) -> PreparedBatch {
        let prepared = messages.iter().map(|(raw, _)| self.prepare(raw)).collect();
        PreparedBatch { messages, prepared }
    }

    /// The database part of [`Desk::ingest_batch`].
    pub async fn ingest_prepared(
        &self,
        batch: PreparedBatch,
    ) -> Vec<Result<IngestReport, IngestError>> {
        match self.try_batch(&batch).await {
            Ok(reports) => {
                for (report, (_, source)) in reports.iter().zip(&batch.messages) {
                    log_taken(report, source);
                }
                reports.into_iter().map(Ok).collect()
            }
            Err(e) => {
                tracing::warn!(error = %e, "batch rolled back; taking its messages one by one");
                let mut results = Vec::with_capacity(batch.messages.len());
                for (raw, source) in &batch.messages {
                    results.push(self.ingest(raw, source).await);
                }
                results
            }
        }
    }

    async fn try_batch(&self, batch: &PreparedBatch) -> Result<Vec<IngestReport>, IngestError> {
        let mut prepared = Vec::with_capacity(batch.prepared.len());
        for item in &batch.prepared {
            match item {
                Ok(p) => prepared.push(p),
                // A blob that could not be written: the one-by-one path reports it per message.
                Err(e) => return Err(IngestError::Prepare(e.to_string())),
            }
        }
        let mut tx = self.store.begin().await?;
        let mut reports = Vec::with_capacity(prepared.len());
        for (prepared, (_, source)) in prepared.into_iter().zip(&batch.messages) {
            reports.push(self.take(&mut tx, prepared, source).await?);
        }
        tx.commit().await?;
        if reports.iter().any(|r| r.acknowledged) {
            self.outbox_wake.notify_one();
        }
        Ok(reports)
    }

    /// Everything that needs no database: size check, parsing, hashing, writing blobs. The raw
    /// bytes are kept for every message, usable or not.
    fn prepare(&self, raw: &[u8]) -> Result<Prepared, IngestError> {
        let raw_sha256 = sha256_hex(raw);
        self.blobs.put(&raw_sha256, raw)?;
        let limit = self.config.storage.max_message_bytes;
        if raw.len() as u64 > limit {
            return Ok(Prepared::Unusable {
                raw_sha256,
                reason: format!("message too large: {} bytes, limit {limit}", raw.len()),
            });
        }
        Ok(match inbound::parse(raw) {
            Ok(mail) => Prepared::Mail {
                attachments: self.store_attachments(&mail)?,
                mail: Box::new(mail),
                raw_sha256,
            },
            Err(problem) => Prepared::Unusable {
                raw_sha256,
                reason: problem.to_string(),
            },
        })
    }

    /// Decides and writes one prepared message inside the caller's transaction.
    async fn take(
        &self,
        tx: &mut S::Tx,
        prepared: &Prepared,
        source: &str,
    ) -> Result<IngestReport, IngestError> {
        let now = self.now_ms();
        let (mail, raw_sha256, attachments) = match prepared {
            Prepared::Unusable { raw_sha256, reason } => {
                return self.quarantine(tx, raw_sha256, reason, source, now).await;
            }
            Prepared::Mail {
                mail,
                raw_sha256,
                attachments,
            } => (mail.as_ref(), raw_sha256, attachments),
        };
        if let Some(previous) = tx
            .find_received(mail.message_id.as_deref(), raw_sha256)
            .await?
        {
            return Ok(duplicate(previous.ticket));
        }
        let plan = self.plan(tx, mail).await?;
        let report = self
            .apply(tx, mail, raw_sha256, attachments, plan, now)
            .await?;
        tx.record_received(&Received {
            message_id: mail.message_id.clone(),
            raw_sha256: raw_sha256.clone(),
            outcome: report.outcome.as_str(),
            ticket: report.ticket,
            detail: report.reason.clone(),
            received_at: now,
            source: source.to_string(),
        })
        .await?;
        Ok(report)
    }

    async fn quarantine(
        &self,
        tx: &mut S::Tx,
        raw_sha256: &str,
        reason: &str,
        source: &str,
        now: i64,
    ) -> Result<IngestReport, IngestError> {
        if let Some(previous) = tx.find_received(None, raw_sha256).await? {
            return Ok(duplicate(previous.ticket));
        }
        tx.record_quarantine(raw_sha256, reason, source, now)
            .await?;
        tx.record_received(&Received {
            message_id: None,
            raw_sha256: raw_sha256.to_string(),
            outcome: Outcome::Quarantined.as_str(),
            ticket: None,
            detail: Some(reason.to_string()),
            received_at: now,
            source: source.to_string(),
        })
        .await?;
        Ok(IngestReport {
            outcome: Outcome::Quarantined,
            ticket: None,
            acknowledged: false,
            reason: Some(reason.to_string()),
        })
    }

    /// Attachments within the size limit go to the blob store; larger ones are recorded as
    /// omitted (they stay inside the raw message, which is always kept).
    fn store_attachments(&self, mail: &InboundMail) -> Result<Vec<NewAttachment>, BlobError> {
        let limit = self.config.storage.max_attachment_bytes;
        mail.attachments
            .iter()
            .map(|a| {
                let sha256 = sha256_hex(&a.bytes);
                let omitted = a.bytes.len() as u64 > limit;
                if !omitted {
                    self.blobs.put(&sha256, &a.bytes)?;
                }
                Ok(NewAttachment {
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: a.bytes.len() as u64,
                    sha256,
                    inline: a.inline,
                    content_id: a.content_id.clone(),
                    omitted,
                })
            })
            .collect()
    }

    /// Looks up what the rules need and lets them decide.
    async fn plan(&self, tx: &mut S::Tx, mail: &InboundMail) -> Result<Plan, StoreError> {
        let sender = sender_of(mail);
        if sender.address == self.config.helpdesk.address {
            return Ok(Plan::Ignore("sent by the helpdesk address itself".into()));
        }
        let author = machine_mail::classify(mail);

        let tagged = match tag::parse_tag(&mail.subject) {
            Some(found) => self.surviving_ticket(tx, found.number).await?,
            None => None,
        };
        let threaded = match self.threaded_ticket(tx, mail).await? {
            Some(number) => self
                .surviving_ticket(tx, number)
                .await?
                .map(|state| state.number),
            None => None,
        };
        let parties = match &tagged {
            Some(state) => Some(self.parties(tx, state).await?),
            None => None,
        };
        let sender_is_staff = self.config.is_staff(&sender.address);
        let correlation = correlation::correlate(&CorrelationInput {
            sender: &sender.address,
            sender_is_staff,
            tagged: parties.as_ref(),
            threaded,
        });

        let existing = match correlation {
            Correlation::Existing { ticket, .. } => match tagged {
                Some(state) if state.number == ticket => Some(state),
                _ => tx.ticket_state(ticket).await?,
            },
            _ => None,
        };
        if author.is_machine() {
            return Ok(match existing {
                Some(state) => Plan::Append {
                    state: Box::new(state),
                    author,
                    new_status: None,
                    reopened: false,
                },
                None => Plan::Ignore(format!(
                    "{} with no ticket to record it on",
                    match author {
                        Author::Bounce => "bounce",
                        Author::List => "list or bulk mail",
                        _ => "automatic reply",
                    }
                )),
            });
        }
        match (correlation, existing) {
            (Correlation::Existing { .. }, Some(state)) => {
                let (actor, event) = if sender_is_staff {
                    (
                        Actor::Technician,
                        StatusEvent::TechnicianReply {
                            awaiting_customer: false,
                        },
                    )
                } else {
                    (Actor::Customer, StatusEvent::CustomerMessage)
                };
                let lifecycle = lifecycle_of(&state);
                let decision =
                    status::decide(&lifecycle, actor, &event, self.reopen_window(), self.now())
                        // Customer mail is never refused; a rule that does not apply leaves the
                        // status alone.
                        .unwrap_or(Decision::Unchanged);
                Ok(match decision {
                    Decision::Unchanged => Plan::Append {
                        state: Box::new(state),
                        author,
                        new_status: None,
                        reopened: false,
                    },
                    Decision::MoveTo(status) => Plan::Append {
                        state: Box::new(state),
                        author,
                        new_status: Some(status),
                        reopened: false,
                    },
                    Decision::Reopen => Plan::Append {
                        state: Box::new(state),
                        author,
                        new_status: Some(TicketStatus::WaitingOnSupport),
                        reopened: true,
                    },
                    Decision::OpenLinkedTicket => Plan::Create {
                        linked: Some(Linked {
                            number: state.number,
                            tag: self.tag_text(&state.class, state.number),
                            review_reason: None,
                        }),
                    },
                })
            }
            (Correlation::Suspicious { named, reason }, _) => Ok(Plan::Create {
                linked: Some(Linked {
                    number: named,
                    tag: String::new(),
                    review_reason: Some(reason),
                }),
            }),
            // New, or a thread match whose ticket vanished: a new ticket.
            _ => Ok(Plan::Create { linked: None }),
        }
    }

    /// The ticket `number`, or the one it was merged into: a customer answering the duplicate's
    /// old mail (by its tag or our signed Message-ID) belongs where its thread went. A merge never
    /// targets a merged ticket, so one hop is the rule; the bound only guards a hand-edited
    /// database against a loop.
    async fn surviving_ticket(
        &self,
        tx: &mut S::Tx,
        number: u64,
    ) -> Result<Option<TicketState>, StoreError> {
        const MAX_MERGE_HOPS: usize = 8;
        let Some(mut state) = tx.ticket_state(number).await? else {
            return Ok(None);
        };
        for _ in 0..MAX_MERGE_HOPS {
            let Some(into) = state.merged_into else { break };
            match tx.ticket_state(into).await? {
                Some(next) => state = next,
                None => break,
            }
        }
        Ok(Some(state))
    }

    /// The ticket named by In-Reply-To/References: our index first, then our signed IDs.
    async fn threaded_ticket(
        &self,
        tx: &mut S::Tx,
        mail: &InboundMail,
    ) -> Result<Option<u64>, StoreError> {
        let referenced = mail.referenced_ids();
        if referenced.is_empty() {
            return Ok(None);
        }
        if let Some(ticket) = tx.ticket_for_message_ids(&referenced).await? {
            return Ok(Some(ticket));
        }
        for id in &referenced {
            if let Some(ticket) = self.signer.recognise(id)
                && tx.ticket_state(ticket).await?.is_some()
            {
                return Ok(Some(ticket));
            }
        }
        Ok(None)
    }

    async fn parties(
        &self,
        tx: &mut S::Tx,
        state: &TicketState,
    ) -> Result<TicketParties, StoreError> {
        let organisation_domains = match state.organisation.as_deref() {
            Some(name) => self
                .organisation_named_in(tx, name)
                .await?
                .map(|org| org.domains)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(TicketParties {
            number: state.number,
            requester: state.requester_email.clone(),
            participants: state.participants.clone(),
            organisation_domains,
        })
    }

    /// Writes what the plan says, inside the caller's transaction.
    async fn apply(
        &self,
        tx: &mut S::Tx,
        mail: &InboundMail,
        raw_sha256: &str,
        attachments: &[NewAttachment],
        plan: Plan,
        now: i64,
    ) -> Result<IngestReport, IngestError> {
        let sender = sender_of(mail);
        match plan {
            Plan::Ignore(reason) => Ok(IngestReport {
                outcome: Outcome::Ignored,
                ticket: None,
                acknowledged: false,
                reason: Some(reason),
            }),
            Plan::Append {
                state,
                author,
                new_status,
                reopened,
            } => {
                let kind = if author == Author::Person && self.config.is_staff(&sender.address) {
                    "technician"
                } else {
                    author.message_kind()
                };
                let message = inbound_message(state.number, mail, kind, raw_sha256, now);
                insert_with_attachments(tx, &message, attachments).await?;
                if kind == "technician" {
                    // Staff answering by mail is a first response too (SLA).
                    tx.record_first_response(state.number, now).await?;
                }
                if author == Author::Person {
                    tx.add_participants(state.number, &self.new_participants(mail, &state))
                        .await?;
                }
                match new_status {
                    Some(status) => {
                        tx.set_status(state.number, status.as_str(), None, None, now)
                            .await?
                    }
                    None => tx.touch(state.number, now).await?,
                }
                let acknowledged = if reopened {
                    let locale = locale_from(&state.locale);
                    let ticket = AckTicket {
                        number: state.number,
                        class: &state.class,
                        subject: &state.subject,
                        sector: &state.sector,
                        locale,
                    };
                    self.acknowledge(
                        tx,
                        sender,
                        &self.answering(mail),
                        &ticket,
                        AckReason::Reopened,
                        TicketChange::Reopened,
                        now,
                    )
                    .await?
                } else {
                    false
                };
                Ok(IngestReport {
                    outcome: if reopened {
                        Outcome::Reopened
                    } else {
                        Outcome::Appended
                    },
                    ticket: Some(state.number),
                    acknowledged,
                    reason: None,
                })
            }
            Plan::Create { linked } => {
                let organisation = self.organisation_for_address(tx, &sender.address).await?;
                let participants: Vec<String> = mail
                    .recipients()
                    .map(|m| m.address.clone())
                    .filter(|a| *a != self.config.helpdesk.address && *a != sender.address)
                    .collect();
                let opened = self
                    .open_ticket(
                        tx,
                        Opening {
                            channel: Channel::Email,
                            requester: sender,
                            organisation: organisation.as_ref(),
                            subject: &mail.subject,
                            body: &mail.text_body,
                            category: None,
                            priority: None,
                            linked,
                            first: FirstMessage {
                                message_id: mail.message_id.clone(),
                                to: mail.to.iter().map(|m| m.address.clone()).collect(),
                                cc: mail.cc.iter().map(|m| m.address.clone()).collect(),
                                html_body: mail.html_body.clone(),
                                raw_sha256: Some(raw_sha256.to_string()),
                                attachments,
                            },
                            participants,
                            answering: self.answering(mail),
                        },
                        now,
                    )
                    .await?;
                Ok(IngestReport {
                    outcome: Outcome::Created,
                    ticket: Some(opened.number),
                    acknowledged: opened.acknowledged,
                    reason: None,
                })
            }
        }
    }

    /// Opens a ticket, whatever channel brought it (mail, the agent API), inside the caller's
    /// transaction: class and language from the organisation, routing, the ticket row, its
    /// first message with attachments, the participants, and the acknowledgement when the
    /// policy says so. The one place a ticket is created.
    async fn open_ticket(
        &self,
        tx: &mut S::Tx,
        opening: Opening<'_>,
        now: i64,
    ) -> Result<Opened, IngestError> {
        let Opening {
            channel,
            requester,
            organisation,
            subject: written_subject,
            body,
            category,
            priority,
            linked,
            first,
            participants,
            answering,
        } = opening;
        let class = self.config.class_for(organisation).to_string();
        let locale = self.config.locale_for(organisation);
        let clean = tag::clean_subject(written_subject);
        let subject = if clean.is_empty() {
            catalog::no_subject(locale).to_string()
        } else {
            clean
        };
        // A category the user picked is matched by keyword rules like a word of the subject.
        let routed_subject = match category {
            Some(category) => format!("{subject} {category}"),
            None => subject.clone(),
        };
        let routed = routing::route(
            &self.config.routing,
            &RoutingInput {
                subject: &routed_subject,
                body,
                sender_domain: inbound::domain_of(&requester.address),
                category,
            },
        );
        // The requester's own choice wins over a rule's.
        let priority = priority.or(routed.priority).unwrap_or(Priority::Normal);
        let number = tx
            .insert_ticket(&NewTicket {
                class: class.clone(),
                subject: subject.clone(),
                status: TicketStatus::WaitingOnSupport.as_str().to_string(),
                category: routed.category,
                priority: priority.as_str().to_string(),
                sector: routed.sector.clone(),
                requester_email: requester.address.clone(),
                requester_name: requester.name.clone(),
                organisation: organisation.map(|o| o.name.clone()),
                channel: channel.as_str().to_string(),
                locale: locale.as_str().to_string(),
                linked_ticket: linked.as_ref().map(|l| l.number),
                needs_review: linked.as_ref().is_some_and(|l| l.review_reason.is_some()),
                review_reason: linked.as_ref().and_then(|l| l.review_reason.clone()),
                created_at: now,
                sla_due: Some(self.sla_due_times(&class, priority, now)),
            })
            .await?;
        let message = NewMessage {
            ticket: number,
            direction: "inbound",
            kind: "customer",
            message_id: first.message_id,
            from_addr: requester.address.clone(),
            from_name: requester.name.clone(),
            to_addrs: first.to,
            cc_addrs: first.cc,
            subject: written_subject.to_string(),
            text_body: body.to_string(),
            html_body: first.html_body,
            raw_sha256: first.raw_sha256,
            created_at: now,
        };
        insert_with_attachments(tx, &message, first.attachments).await?;
        tx.add_participants(number, &participants).await?;
        let reason = match linked {
            Some(Linked {
                tag,
                review_reason: None,
                ..
            }) => AckReason::LinkedTo {
                previous_tag: tag,
                window_days: self.config.tickets.reopen_window_days,
            },
            _ => AckReason::Created,
        };
        let ticket = AckTicket {
            number,
            class: &class,
            subject: &subject,
            sector: &routed.sector,
            locale,
        };
        let acknowledged = self
            .acknowledge(
                tx,
                requester,
                &answering,
                &ticket,
                reason,
                TicketChange::Created,
                now,
            )
            .await?;
        Ok(Opened {
            number,
            class,
            sector: routed.sector,
            acknowledged,
        })
    }

    /// How an acknowledgement answers this mail: threaded under it, with its author's kind.
    fn answering<'m>(&self, mail: &'m InboundMail) -> Answering<'m> {
        let helpdesk = &self.config.helpdesk.address;
        Answering {
            author: machine_mail::classify(mail),
            staff_in_cc: mail
                .recipients()
                .any(|m| m.address != *helpdesk && self.config.is_staff(&m.address)),
            unverified_address: false,
            subject: &mail.subject,
            in_reply_to: mail.message_id.as_deref(),
            references: outbound::references_for_reply(
                &mail.references,
                mail.message_id.as_deref(),
            ),
        }
    }

    /// To/CC addresses of a reply not yet on the ticket (never ourselves or the requester).
    fn new_participants(&self, mail: &InboundMail, state: &TicketState) -> Vec<String> {
        let sender = sender_of(mail);
        std::iter::once(&sender.address)
            .chain(mail.recipients().map(|m| &m.address))
            .filter(|a| {
                **a != self.config.helpdesk.address
                    && **a != state.requester_email
                    && !state.participants.contains(a)
            })
            .cloned()
            .collect()
    }

    /// Queues the acknowledgement to `requester` when the policy says so; returns whether it did.
    #[allow(clippy::too_many_arguments)]
    async fn acknowledge(
        &self,
        tx: &mut S::Tx,
        requester: &Mailbox,
        answering: &Answering<'_>,
        ticket: &AckTicket<'_>,
        reason: AckReason,
        change: TicketChange,
        now: i64,
    ) -> Result<bool, IngestError> {
        let ack = &self.config.acknowledgement;
        let sent_last_hour = if ack.enabled {
            tx.acks_since(&requester.address, now - 3_600_000).await?
        } else {
            0
        };
        let decision = ack_policy::decide(&AckFacts {
            enabled: ack.enabled,
            author: answering.author,
            change,
            from_ourselves: requester.address == self.config.helpdesk.address,
            unverified_address: answering.unverified_address,
            sent_to_sender_last_hour: sent_last_hour,
            max_per_sender_per_hour: ack.max_per_sender_per_hour,
        });
        if let AckDecision::Skip(why) = decision {
            tracing::debug!(?why, ticket = ticket.number, "no acknowledgement");
            return Ok(false);
        }
        let tag = self.tag_text(ticket.class, ticket.number);
        let helpdesk = &self.config.helpdesk;
        let portal_link = self.portal_link(ticket.number);
        let body = catalog::acknowledgement(
            ticket.locale,
            &catalog::AckText {
                requester_name: requester.name.as_deref(),
                tag: &tag,
                subject: ticket.subject,
                sector: ticket.sector,
                portal_link: &portal_link,
                helpdesk_address: &helpdesk.address,
                helpdesk_name: &helpdesk.name,
                phone: helpdesk.phone.as_deref(),
                reason,
                staff_in_cc: answering.staff_in_cc,
            },
        );
        let subject = self.tagged_subject(ticket.class, ticket.number, answering.subject);
        let message_id = self.signer.mint(ticket.number);
        let raw = outbound::render(&Draft {
            from_name: &helpdesk.name,
            from_address: &helpdesk.address,
            to_name: requester.name.as_deref(),
            to_address: &requester.address,
            subject: &subject,
            message_id: &message_id,
            in_reply_to: answering.in_reply_to,
            references: &answering.references,
            text_body: &body,
            automatic: true,
            language: ticket.locale.as_str(),
            date: now / 1000,
        })?;
        self.record_outbound(
            tx,
            OutboundRecord {
                ticket: ticket.number,
                kind: "acknowledgement",
                to: &requester.address,
                subject: &subject,
                message_id: &message_id,
                body: &body,
                raw,
            },
            now,
        )
        .await?;
        Ok(true)
    }

    /// Records an outbound mail on its ticket and queues it, in the caller's transaction.
    pub(crate) async fn record_outbound(
        &self,
        tx: &mut S::Tx,
        mail: OutboundRecord<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        tx.insert_message(&NewMessage {
            ticket: mail.ticket,
            direction: "outbound",
            kind: mail.kind,
            message_id: Some(mail.message_id.to_string()),
            from_addr: self.config.helpdesk.address.clone(),
            from_name: Some(self.config.helpdesk.name.clone()),
            to_addrs: vec![mail.to.to_string()],
            cc_addrs: Vec::new(),
            subject: mail.subject.to_string(),
            text_body: mail.body.to_string(),
            html_body: None,
            raw_sha256: None,
            created_at: now,
        })
        .await?;
        tx.enqueue(&NewOutbound {
            ticket: Some(mail.ticket),
            kind: mail.kind,
            recipient: mail.to.to_string(),
            message_id: mail.message_id.to_string(),
            raw: mail.raw,
            created_at: now,
        })
        .await
    }

    /// `#Class# Ticket #[N]`, as the subject tag and the catalog show it.
    pub(crate) fn tag_text(&self, class: &str, number: u64) -> String {
        self.ticket_tag(class, number)
            .map(|tag| tag.to_string())
            .unwrap_or_else(|| format!("Ticket #[{number:05}]"))
    }

    pub(crate) fn tagged_subject(&self, class: &str, number: u64, subject: &str) -> String {
        match self.ticket_tag(class, number) {
            Some(tag) => tag::tagged_subject(&tag, subject),
            None => format!("Ticket #[{number:05}] {}", tag::clean_subject(subject)),
        }
    }

    /// The ticket's tag. The class is validated by the config, so the default class only
    /// stands in for rows written under an older config whose class has since been removed;
    /// None only if that fails too (number 0, which SQLite never gives).
    fn ticket_tag(&self, class: &str, number: u64) -> Option<TicketTag> {
        TicketTag::new(class, number)
            .or_else(|_| TicketTag::new(self.config.tickets.default_class.as_str(), number))
            .ok()
    }

    pub(crate) fn portal_link(&self, number: u64) -> String {
        format!(
            "{}/tickets/{number}",
            self.config.helpdesk.portal_url.trim_end_matches('/')
        )
    }
}

/// What the rules decided for a message.
enum Plan {
    Ignore(String),
    Append {
        // Boxed: the other variants are small.
        state: Box<TicketState>,
        author: Author,
        new_status: Option<TicketStatus>,
        reopened: bool,
    },
    Create {
        linked: Option<Linked>,
    },
}

/// The ticket a new one is linked to.
struct Linked {
    number: u64,
    tag: String,
    /// Set when the link comes from a suspicious tag match: flag the new ticket.
    review_reason: Option<String>,
}

/// The ticket facts an acknowledgement needs.
struct AckTicket<'a> {
    number: u64,
    class: &'a str,
    subject: &'a str,
    sector: &'a str,
    locale: Locale,
}

/// A ticket to open, from any channel, as plain data ([`Desk::open_ticket`]).
struct Opening<'a> {
    channel: Channel,
    /// Who asked: the ticket's requester, and the acknowledgement's recipient.
    requester: &'a Mailbox,
    /// Mail: the one owning the sender's domain. Agent: the token's.
    organisation: Option<&'a OrganisationConfig>,
    /// As the requester wrote it (tags are cleaned off for the ticket).
    subject: &'a str,
    /// The first message's text, also what keyword routing reads.
    body: &'a str,
    /// Chosen by the requester (agent, portal).
    category: Option<&'a str>,
    /// Chosen by the requester; wins over a routing rule's.
    priority: Option<Priority>,
    linked: Option<Linked>,
    first: FirstMessage<'a>,
    /// Other addresses that may write to the ticket.
    participants: Vec<String>,
    answering: Answering<'a>,
}

/// What the first message carries besides its author, subject and text.
struct FirstMessage<'a> {
    message_id: Option<String>,
    to: Vec<String>,
    cc: Vec<String>,
    html_body: Option<String>,
    /// The raw message's blob, for mail.
    raw_sha256: Option<String>,
    /// Already in the blob store.
    attachments: &'a [NewAttachment],
}

/// How an acknowledgement answers what opened or reopened a ticket.
struct Answering<'a> {
    /// A person, or a machine (which the policy never answers).
    author: Author,
    /// Staff addresses were in CC: the acknowledgement reminds of the rule.
    staff_in_cc: bool,
    /// The requester's address was typed in a form, outside the organisation's domains.
    unverified_address: bool,
    /// The subject as the requester wrote it; the tag is put in front.
    subject: &'a str,
    in_reply_to: Option<&'a str>,
    references: Vec<String>,
}

/// A ticket just opened.
struct Opened {
    number: u64,
    class: String,
    sector: String,
    acknowledged: bool,
}

/// An outbound mail to record on a ticket and queue.
pub(crate) struct OutboundRecord<'a> {
    pub ticket: u64,
    pub kind: &'static str,
    pub to: &'a str,
    pub subject: &'a str,
    pub message_id: &'a str,
    pub body: &'a str,
    pub raw: Vec<u8>,
}

/// The record of an inbound mail on a ticket.
fn inbound_message(
    ticket: u64,
    mail: &InboundMail,
    kind: &'static str,
    raw_sha256: &str,
    now: i64,
) -> NewMessage {
    let sender = sender_of(mail);
    NewMessage {
        ticket,
        direction: "inbound",
        kind,
        message_id: mail.message_id.clone(),
        from_addr: sender.address.clone(),
        from_name: sender.name.clone(),
        to_addrs: mail.to.iter().map(|m| m.address.clone()).collect(),
        cc_addrs: mail.cc.iter().map(|m| m.address.clone()).collect(),
        subject: mail.subject.clone(),
        text_body: mail.text_body.clone(),
        html_body: mail.html_body.clone(),
        raw_sha256: Some(raw_sha256.to_string()),
        created_at: now,
    }
}

async fn insert_with_attachments<T: StoreTx>(
    tx: &mut T,
    message: &NewMessage,
    attachments: &[NewAttachment],
) -> Result<(), StoreError> {
    let id = tx.insert_message(message).await?;
    for attachment in attachments {
        tx.insert_attachment(id, attachment).await?;
    }
    Ok(())
}

fn duplicate(ticket: Option<u64>) -> IngestReport {
    IngestReport {
        outcome: Outcome::Duplicate,
        ticket,
        acknowledged: false,
        reason: None,
    }
}

fn log_taken(report: &IngestReport, source: &str) {
    metrics::counter!("ppdesk_messages_ingested_total", "outcome" => report.outcome.as_str())
        .increment(1);
    match report.outcome {
        Outcome::Quarantined => tracing::warn!(
            reason = report.reason.as_deref().unwrap_or_default(),
            source,
            "message quarantined"
        ),
        outcome => tracing::info!(
            outcome = outcome.as_str(),
            ticket = report.ticket,
            acknowledged = report.acknowledged,
            source,
            "message taken"
        ),
    }
}

/// The sender; parse() guarantees there is one.
fn sender_of(mail: &InboundMail) -> &Mailbox {
    static NOBODY: std::sync::OnceLock<Mailbox> = std::sync::OnceLock::new();
    mail.from.as_ref().unwrap_or_else(|| {
        NOBODY.get_or_init(|| Mailbox {
            address: String::new(),
            name: None,
        })
    })
}

pub(crate) fn lifecycle_of(state: &TicketState) -> Lifecycle {
    Lifecycle {
        // An unknown status in the database is treated as open, never as closed.
        status: state
            .status
            .parse()
            .unwrap_or(TicketStatus::WaitingOnSupport),
        resolved_at: state
            .resolved_at
            .and_then(chrono::DateTime::from_timestamp_millis),
    }
}

pub(crate) fn locale_from(text: &str) -> Locale {
    if text.eq_ignore_ascii_case("en") {
        Locale::En
    } else {
        Locale::It
    }
}

pub mod agent;
pub mod phone;
#[cfg(test)]
mod tests;
pub mod web;
