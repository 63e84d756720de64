//! What a technician does to a ticket: reply, resolve, cancel. The status rules decide whether
//! the move is allowed; the mail it causes is queued in the same transaction.

use ppdesk_shared::status::{self, Actor, Decision, StatusError, StatusEvent, TicketStatus};

use crate::catalog;
use crate::desk::Desk;
use crate::ingest::{OutboundRecord, lifecycle_of, locale_from};
use crate::mail::outbound::{self, Draft};
use crate::store::{Store, StoreError, StoreTx, TicketState};

/// Why an operator action was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("ticket {0} does not exist")]
    NoSuchTicket(u64),
    #[error("ticket {ticket}: {source}")]
    Status {
        ticket: u64,
        #[source]
        source: StatusError,
    },
    #[error("the reply is empty")]
    EmptyReply,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not render the mail: {0}")]
    Render(#[from] std::io::Error),
}

impl<S: Store> Desk<S> {
    /// A technician's reply: mailed to the requester with the tag, status → waiting on customer.
    pub async fn reply(&self, number: u64, body: &str) -> Result<TicketStatus, OperatorError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(OperatorError::EmptyReply);
        }
        // The newest message with a Message-ID is the one the customer's client threads under.
        let thread = self.store.messages(number).await?;
        let parent = thread.iter().rev().find(|m| m.message_id.is_some());
        let parent_id = parent.and_then(|m| m.message_id.clone());

        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let state = self.state_of(&mut tx, number).await?;
        let decision = self.decide(
            &state,
            &StatusEvent::TechnicianReply {
                awaiting_customer: true,
            },
        )?;
        let locale = locale_from(&state.locale);
        let tag = self.tag_text(&state.class, number);
        let text = format!(
            "{body}{}",
            catalog::reply_footer(locale, &tag, &self.config.helpdesk.address)
        );
        let subject = self.tagged_subject(&state.class, number, &state.subject);
        let references = outbound::references_for_reply(&[], parent_id.as_deref());
        self.queue_mail(
            &mut tx,
            &state,
            "reply",
            &subject,
            &text,
            parent_id.as_deref(),
            &references,
            false,
            now,
        )
        .await?;
        let status = self
            .apply_decision(&mut tx, &state, decision, None, now)
            .await?;
        // The SLA's first response, if this is it.
        tx.record_first_response(number, now).await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        Ok(status)
    }

    /// Resolves a ticket and tells the requester until when they can reopen it.
    pub async fn resolve(
        &self,
        number: u64,
        reason: Option<&str>,
    ) -> Result<TicketStatus, OperatorError> {
        self.resolve_as(Actor::Technician, number, reason).await
    }

    /// [`Desk::resolve`] by `actor`: the customer's "Segna come risolto" (portal) takes the
    /// same path, and the status rules ask them for a reason.
    pub(crate) async fn resolve_as(
        &self,
        actor: Actor,
        number: u64,
        reason: Option<&str>,
    ) -> Result<TicketStatus, OperatorError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let state = self.state_of(&mut tx, number).await?;
        let decision = self.decide_as(
            actor,
            &state,
            &StatusEvent::Resolve {
                reason: reason.map(str::to_string),
            },
        )?;
        let locale = locale_from(&state.locale);
        let tag = self.tag_text(&state.class, number);
        let reopen_until = self.reopen_window().closes_at(self.now());
        let text = catalog::resolution_notice(
            locale,
            &tag,
            reason,
            &catalog::date(locale, self.config.sla.timezone.0, reopen_until),
        );
        let subject = self.tagged_subject(&state.class, number, &state.subject);
        self.queue_mail(
            &mut tx,
            &state,
            "notification",
            &subject,
            &text,
            None,
            &[],
            true,
            now,
        )
        .await?;
        let status = self
            .apply_decision(&mut tx, &state, decision, reason, now)
            .await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        Ok(status)
    }

    /// Cancels a ticket (a duplicate, a mistake): no mail is sent.
    pub async fn cancel(&self, number: u64) -> Result<TicketStatus, OperatorError> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let state = self.state_of(&mut tx, number).await?;
        let decision = self.decide(&state, &StatusEvent::Cancel)?;
        let status = self
            .apply_decision(&mut tx, &state, decision, None, now)
            .await?;
        tx.commit().await?;
        self.outbox_wake.notify_one();
        Ok(status)
    }

    async fn state_of(&self, tx: &mut S::Tx, number: u64) -> Result<TicketState, OperatorError> {
        tx.ticket_state(number)
            .await?
            .ok_or(OperatorError::NoSuchTicket(number))
    }

    fn decide(&self, state: &TicketState, event: &StatusEvent) -> Result<Decision, OperatorError> {
        self.decide_as(Actor::Technician, state, event)
    }

    fn decide_as(
        &self,
        actor: Actor,
        state: &TicketState,
        event: &StatusEvent,
    ) -> Result<Decision, OperatorError> {
        status::decide(
            &lifecycle_of(state),
            actor,
            event,
            self.reopen_window(),
            self.now(),
        )
        .map_err(|source| OperatorError::Status {
            ticket: state.number,
            source,
        })
    }

    async fn apply_decision(
        &self,
        tx: &mut S::Tx,
        state: &TicketState,
        decision: Decision,
        resolution: Option<&str>,
        now: i64,
    ) -> Result<TicketStatus, OperatorError> {
        let current = lifecycle_of(state).status;
        let next = match decision {
            Decision::MoveTo(status) => status,
            Decision::Reopen => TicketStatus::WaitingOnSupport,
            Decision::Unchanged | Decision::OpenLinkedTicket => current,
        };
        if next == current {
            tx.touch(state.number, now).await?;
        } else {
            let resolved_at = (next == TicketStatus::Resolved).then_some(now);
            tx.set_status(state.number, next.as_str(), resolved_at, resolution, now)
                .await?;
        }
        Ok(next)
    }

    #[allow(clippy::too_many_arguments)]
    async fn queue_mail(
        &self,
        tx: &mut S::Tx,
        state: &TicketState,
        kind: &'static str,
        subject: &str,
        text: &str,
        in_reply_to: Option<&str>,
        references: &[String],
        automatic: bool,
        now: i64,
    ) -> Result<(), OperatorError> {
        let helpdesk = &self.config.helpdesk;
        let message_id = self.signer.mint(state.number);
        let raw = outbound::render(&Draft {
            from_name: &helpdesk.name,
            from_address: &helpdesk.address,
            to_name: state.requester_name.as_deref(),
            to_address: &state.requester_email,
            subject,
            message_id: &message_id,
            in_reply_to,
            references,
            text_body: text,
            automatic,
            language: &state.locale,
            date: now / 1000,
        })?;
        self.record_outbound(
            tx,
            OutboundRecord {
                ticket: state.number,
                kind,
                to: &state.requester_email,
                subject,
                message_id: &message_id,
                body: text,
                raw,
            },
            now,
        )
        .await?;
        Ok(())
    }
}
