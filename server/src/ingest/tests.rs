//! The ingest story with a controlled clock: what the rules decide once real storage is
//! underneath. The end-to-end fixtures in `tests/` drive the binary; these drive the library,
//! because the 7-day reopen window needs time to pass.

use std::sync::Arc;

use chrono::{TimeDelta, TimeZone, Utc};
use mail_builder::MessageBuilder;
use ppdesk_shared::status::ManualClock;

use super::*;
use crate::api::submission::Submission;
use crate::config::{Config, OrganisationConfig};
use crate::desk::Desk;
use crate::store::sqlite::SqliteStore;

struct TestDesk {
    desk: Desk<SqliteStore>,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

async fn desk_with(config: Config) -> TestDesk {
    let dir = tempfile::tempdir().expect("temp dir");
    let start = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("valid date");
    let clock = Arc::new(ManualClock::new(start));
    let desk = Desk::open(config, dir.path(), clock.clone())
        .await
        .expect("open desk");
    TestDesk {
        desk,
        clock,
        _dir: dir,
    }
}

async fn desk() -> TestDesk {
    let mut config = Config::default();
    config.organisations.push(OrganisationConfig {
        name: "ACME S.r.l.".into(),
        domains: vec!["acme.it".into()],
        class: None,
        locale: None,
    });
    desk_with(config).await
}

/// A mail as a customer's client would send it.
fn mail(from: &str, subject: &str, id: &str) -> MessageBuilder<'static> {
    MessageBuilder::new()
        .from(from.to_string())
        .to("helpdesk@ppdesk.localhost")
        .subject(subject.to_string())
        .message_id(id.to_string())
        .text_body("Buongiorno, la stampa delle fatture si blocca.")
}

async fn take(t: &TestDesk, builder: MessageBuilder<'_>) -> IngestReport {
    let raw = builder.write_to_vec().expect("render");
    t.desk.ingest(&raw, "test").await.expect("ingest")
}

async fn status_of(t: &TestDesk, number: u64) -> String {
    t.desk
        .store
        .ticket(number)
        .await
        .expect("read")
        .expect("ticket exists")
        .status
}

#[tokio::test]
async fn numbers_start_at_the_configured_first_number_and_never_repeat() {
    let t = desk().await;
    let a = take(&t, mail("mario.rossi@acme.it", "Uno", "1@acme.it")).await;
    let b = take(&t, mail("mario.rossi@acme.it", "Due", "2@acme.it")).await;
    assert_eq!((a.ticket, b.ticket), (Some(10000), Some(10001)));
}

#[tokio::test]
async fn a_reply_within_the_window_reopens_and_is_acknowledged_again() {
    let t = desk().await;
    let first = take(
        &t,
        mail("mario.rossi@acme.it", "Fatture bloccate", "a@acme.it"),
    )
    .await;
    let number = first.ticket.expect("ticket");
    t.desk
        .resolve(number, Some("Aggiornato Mago4"))
        .await
        .expect("resolve");
    t.clock.advance(TimeDelta::days(7));
    let reply = take(
        &t,
        mail(
            "mario.rossi@acme.it",
            "R: #Standard# Ticket #[10000] Fatture bloccate",
            "b@acme.it",
        ),
    )
    .await;
    assert_eq!(reply.outcome, Outcome::Reopened);
    assert_eq!(reply.ticket, Some(number));
    assert!(reply.acknowledged);
    assert_eq!(status_of(&t, number).await, "waiting_on_support");
    let view = t
        .desk
        .ticket_view(number)
        .await
        .expect("view")
        .expect("ticket");
    let acks = view
        .messages
        .iter()
        .filter(|m| m.kind == "acknowledgement")
        .count();
    assert_eq!(acks, 2, "one for the opening, one for the reopening");
}

#[tokio::test]
async fn a_reply_after_the_window_opens_a_linked_ticket_and_says_so() {
    let t = desk().await;
    let number = take(
        &t,
        mail("mario.rossi@acme.it", "Fatture bloccate", "a@acme.it"),
    )
    .await
    .ticket
    .expect("ticket");
    t.desk.resolve(number, None).await.expect("resolve");
    t.clock.advance(TimeDelta::days(7) + TimeDelta::seconds(1));
    let reply = take(
        &t,
        mail(
            "mario.rossi@acme.it",
            "R: #Standard# Ticket #[10000] Fatture bloccate",
            "b@acme.it",
        ),
    )
    .await;
    assert_eq!(reply.outcome, Outcome::Created);
    let new_number = reply.ticket.expect("new ticket");
    assert_ne!(new_number, number);
    assert_eq!(status_of(&t, number).await, "resolved");
    let view = t
        .desk
        .ticket_view(new_number)
        .await
        .expect("view")
        .expect("ticket");
    assert_eq!(view.linked_ticket, Some(number));
    assert!(!view.needs_review);
    let ack = view
        .messages
        .iter()
        .find(|m| m.kind == "acknowledgement")
        .expect("acknowledged");
    assert!(
        ack.text_body.contains("#Standard# Ticket #[10000]"),
        "{}",
        ack.text_body
    );
    assert!(ack.subject.contains("#[10001]"), "{}", ack.subject);
}

#[tokio::test]
async fn a_reply_to_a_cancelled_ticket_opens_a_linked_one() {
    let t = desk().await;
    let number = take(&t, mail("mario.rossi@acme.it", "Doppione", "a@acme.it"))
        .await
        .ticket
        .expect("ticket");
    t.desk.cancel(number).await.expect("cancel");
    let reply = take(
        &t,
        mail(
            "mario.rossi@acme.it",
            "Re: #Standard# Ticket #[10000] Doppione",
            "b@acme.it",
        ),
    )
    .await;
    assert_eq!(reply.outcome, Outcome::Created);
    assert_eq!(status_of(&t, number).await, "cancelled");
}

#[tokio::test]
async fn a_technician_reply_waits_on_the_customer_whose_answer_moves_it_back() {
    let t = desk().await;
    let number = take(&t, mail("mario.rossi@acme.it", "Stampante", "a@acme.it"))
        .await
        .ticket
        .expect("ticket");
    t.desk
        .reply(number, "Quale modello di stampante?")
        .await
        .expect("reply");
    assert_eq!(status_of(&t, number).await, "waiting_on_customer");
    let answer = take(
        &t,
        mail(
            "mario.rossi@acme.it",
            "R: #Standard# Ticket #[10000] Stampante",
            "b@acme.it",
        ),
    )
    .await;
    assert_eq!(answer.outcome, Outcome::Appended);
    assert!(!answer.acknowledged);
    assert_eq!(status_of(&t, number).await, "waiting_on_support");
}

#[tokio::test]
async fn an_out_of_office_on_a_ticket_is_recorded_without_changing_its_status() {
    let t = desk().await;
    let number = take(&t, mail("mario.rossi@acme.it", "Stampante", "a@acme.it"))
        .await
        .ticket
        .expect("ticket");
    t.desk.reply(number, "Quale modello?").await.expect("reply");
    let ooo = mail(
        "mario.rossi@acme.it",
        "Risposta automatica: #Standard# Ticket #[10000] Stampante",
        "ooo@acme.it",
    )
    .header(
        "Auto-Submitted",
        mail_builder::headers::raw::Raw::new("auto-replied"),
    );
    let report = take(&t, ooo).await;
    assert_eq!(report.outcome, Outcome::Appended);
    assert!(!report.acknowledged);
    assert_eq!(status_of(&t, number).await, "waiting_on_customer");

    let orphan = mail("nobody@acme.it", "Fuori sede", "ooo2@acme.it").header(
        "Auto-Submitted",
        mail_builder::headers::raw::Raw::new("auto-replied"),
    );
    let report = take(&t, orphan).await;
    assert_eq!(report.outcome, Outcome::Ignored);
    assert_eq!(report.ticket, None);
}

#[tokio::test]
async fn a_stranger_guessing_a_number_gets_a_new_flagged_ticket() {
    let t = desk().await;
    take(&t, mail("mario.rossi@acme.it", "Fatture", "a@acme.it")).await;
    let guess = take(
        &t,
        mail(
            "eve@evil.example",
            "Re: #Standard# Ticket #[10000] Fatture",
            "e@evil.example",
        ),
    )
    .await;
    assert_eq!(guess.outcome, Outcome::Created);
    let view = t
        .desk
        .ticket_view(guess.ticket.expect("ticket"))
        .await
        .expect("view")
        .expect("ticket");
    assert_eq!(view.linked_ticket, Some(10000));
    assert!(view.needs_review);
    let original = t
        .desk
        .ticket_view(10000)
        .await
        .expect("view")
        .expect("ticket");
    assert_eq!(
        original.messages.len(),
        2,
        "customer mail and acknowledgement only"
    );

    let colleague = take(
        &t,
        mail(
            "anna.bianchi@acme.it",
            "R: #Standard# Ticket #[10000] Fatture",
            "c@acme.it",
        ),
    )
    .await;
    assert_eq!(
        colleague.outcome,
        Outcome::Appended,
        "same organisation may write"
    );
}

#[tokio::test]
async fn our_signed_message_id_threads_a_reply_even_without_its_index_row() {
    let t = desk().await;
    take(&t, mail("mario.rossi@acme.it", "Fatture", "a@acme.it")).await;
    let view = t
        .desk
        .ticket_view(10000)
        .await
        .expect("view")
        .expect("ticket");
    let ack_id = view
        .messages
        .iter()
        .find(|m| m.kind == "acknowledgement")
        .and_then(|m| m.message_id.clone())
        .expect("ack id");
    // A restored backup or a migration may lose the index; the signature still names the ticket.
    sqlx::query("DELETE FROM message_ids")
        .execute(t.desk.store.pool())
        .await
        .expect("delete");
    let reply = take(
        &t,
        mail("mario.rossi@acme.it", "Re: senza tag", "b@acme.it").in_reply_to(ack_id),
    )
    .await;
    assert_eq!(reply.outcome, Outcome::Appended);
    assert_eq!(reply.ticket, Some(10000));
}

#[tokio::test]
async fn the_hourly_cap_stops_acknowledging_a_flooding_sender() {
    let mut config = Config::default();
    config.acknowledgement.max_per_sender_per_hour = 2;
    let t = desk_with(config).await;
    let mut acknowledged = Vec::new();
    for i in 0..3 {
        let report = take(
            &t,
            mail("robot@acme.it", &format!("Allarme {i}"), &format!("{i}@r")),
        )
        .await;
        assert_eq!(report.outcome, Outcome::Created);
        acknowledged.push(report.acknowledged);
    }
    assert_eq!(acknowledged, vec![true, true, false]);
    t.clock.advance(TimeDelta::minutes(61));
    let later = take(&t, mail("robot@acme.it", "Allarme 4", "4@r")).await;
    assert!(later.acknowledged, "the cap is per hour");
}

#[tokio::test]
async fn unusable_mail_is_quarantined_with_its_bytes_kept() {
    let t = desk().await;
    let raw = b"Subject: nessun mittente\r\n\r\ncorpo\r\n";
    let report = t.desk.ingest(raw, "test").await.expect("ingest");
    assert_eq!(report.outcome, Outcome::Quarantined);
    assert!(
        report
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("From")
    );
    let kept = t
        .desk
        .blobs
        .get(&crate::blobs::sha256_hex(raw))
        .expect("raw kept");
    assert_eq!(kept, raw);
    let again = t.desk.ingest(raw, "test").await.expect("ingest");
    assert_eq!(again.outcome, Outcome::Duplicate);
}

#[tokio::test]
async fn oversized_mail_is_quarantined_and_oversized_attachments_omitted() {
    let mut config = Config::default();
    config.storage.max_message_bytes = 4000;
    config.storage.max_attachment_bytes = 1000;
    let t = desk_with(config).await;
    let big = mail("mario.rossi@acme.it", "Allegato grande", "big@acme.it").attachment(
        "application/octet-stream",
        "dump.bin",
        vec![7u8; 5000],
    );
    assert_eq!(take(&t, big).await.outcome, Outcome::Quarantined);

    let medium = mail("mario.rossi@acme.it", "Allegato medio", "medium@acme.it").attachment(
        "application/octet-stream",
        "log.bin",
        vec![7u8; 1500],
    );
    let report = take(&t, medium).await;
    assert_eq!(report.outcome, Outcome::Created);
    let view = t
        .desk
        .ticket_view(report.ticket.expect("ticket"))
        .await
        .expect("view")
        .expect("ticket");
    let attachment = &view.messages[0].attachments[0];
    assert_eq!((attachment.size, attachment.omitted), (1500, true));
}

#[tokio::test]
async fn mail_from_our_own_address_is_ignored() {
    let t = desk().await;
    let report = take(&t, mail("helpdesk@ppdesk.localhost", "Loop", "loop@x")).await;
    assert_eq!(report.outcome, Outcome::Ignored);
}

fn organisation(name: &str, domains: &[&str]) -> OrganisationConfig {
    OrganisationConfig {
        name: name.into(),
        domains: domains.iter().map(|d| d.to_string()).collect(),
        class: None,
        locale: None,
    }
}

#[tokio::test]
async fn mail_finds_a_database_organisation_by_domain_like_a_configured_one() {
    let mut config = Config::default();
    config.tickets.classes.push("Gold".into());
    config
        .organisations
        .push(organisation("ACME S.r.l.", &["acme.it"]));
    let t = desk_with(config).await;
    let mut beta = organisation("Beta S.p.A.", &["beta.it"]);
    beta.class = Some("Gold".into());
    beta.locale = Some(Locale::En);
    t.desk.create_organisation(beta).await.expect("created");

    let from_config = take(&t, mail("mario@acme.it", "Stampante", "c1@acme.it")).await;
    let from_database = take(&t, mail("anna@BETA.it", "Printer", "d1@beta.it")).await;
    let nobody = take(&t, mail("x@gmail.com", "Ciao", "n1@gmail.com")).await;
    let ticket = |n: Option<u64>| {
        let store = &t.desk.store;
        async move {
            store
                .ticket(n.expect("a ticket"))
                .await
                .expect("read")
                .expect("exists")
        }
    };
    assert_eq!(
        ticket(from_config.ticket).await.organisation.as_deref(),
        Some("ACME S.r.l.")
    );
    let beta_ticket = ticket(from_database.ticket).await;
    assert_eq!(beta_ticket.organisation.as_deref(), Some("Beta S.p.A."));
    assert_eq!(beta_ticket.class, "Gold");
    assert_eq!(beta_ticket.locale, "en");
    assert_eq!(ticket(nobody.ticket).await.organisation, None);
}

fn submission(subject: &str, contact: &str, id: Option<&str>) -> Submission {
    Submission {
        subject: subject.into(),
        description: "La stampante del magazzino non stampa.".into(),
        category: None,
        priority: Some(Priority::High),
        contact_name: Some("Mario Rossi".into()),
        contact_email: contact.into(),
        machine: None,
        submission_id: id.map(str::to_string),
        screenshot: None,
        attachments: Vec::new(),
        ignored: Vec::new(),
    }
}

#[tokio::test]
async fn an_api_submission_opens_a_ticket_like_mail_and_a_repeat_opens_nothing() {
    let t = desk().await;
    let acme = organisation("ACME S.r.l.", &["acme.it"]);
    let first = t
        .desk
        .submit(
            &acme,
            &submission("Stampante", "mario@gmail.com", Some("d-1")),
        )
        .await
        .expect("submitted");
    assert!(first.created);
    assert_eq!(first.ticket.number, 10000);
    assert_eq!(first.ticket.tag, "#Standard# Ticket #[10000]");

    let again = t
        .desk
        .submit(
            &acme,
            &submission("Stampante", "mario@gmail.com", Some("d-1")),
        )
        .await
        .expect("submitted");
    assert!(!again.created);
    assert_eq!(again.ticket, first.ticket);

    // The same id from another organisation is another submission.
    let other = organisation("Beta", &[]);
    let beta = t
        .desk
        .submit(
            &other,
            &submission("Stampante", "anna@beta.it", Some("d-1")),
        )
        .await
        .expect("submitted");
    assert!(beta.created);
    assert_eq!(beta.ticket.number, 10001);

    let view = t
        .desk
        .ticket_view(10000)
        .await
        .expect("view")
        .expect("ticket");
    assert_eq!(view.channel, "agent");
    assert_eq!(view.priority, "high");
    assert_eq!(view.organisation.as_deref(), Some("ACME S.r.l."));
    let facts = view.submission.as_ref().expect("submission facts");
    assert!(
        facts.contact_outside_organisation,
        "gmail.com is not ACME's"
    );
    assert_eq!(
        view.messages[0].text_body,
        "La stampante del magazzino non stampa."
    );
    assert_eq!(
        acknowledged(&view),
        Vec::<&str>::new(),
        "an address outside ACME, typed into a form, is not mailed"
    );
    let beta_view = t
        .desk
        .ticket_view(10001)
        .await
        .expect("view")
        .expect("ticket");
    assert_eq!(
        acknowledged(&beta_view),
        ["anna@beta.it"],
        "an organisation without domains: no one is outside"
    );
    let listed = t
        .desk
        .ticket_summaries("ACME S.r.l.", "mario@gmail.com", 100)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
}

/// Recipients of the acknowledgements queued for a ticket.
fn acknowledged(view: &crate::views::TicketView) -> Vec<&str> {
    view.outbox
        .iter()
        .filter(|o| o.kind == "acknowledgement")
        .map(|o| o.recipient.as_str())
        .collect()
}

#[tokio::test]
async fn a_new_ticket_gets_sla_due_times_from_its_class_and_priority() {
    let mut config = Config::default();
    config.tickets.classes.push("Gold".into());
    config.organisations.push(OrganisationConfig {
        name: "ACME S.r.l.".into(),
        domains: vec!["acme.it".into()],
        class: Some("Gold".into()),
        locale: None,
    });
    let gold = crate::config::sla::ClassTargets {
        normal: Some(
            toml::from_str("response = \"1h\"\nresolution = \"4h\"").expect("a target row"),
        ),
        ..Default::default()
    };
    config.sla.targets.insert("Gold".into(), gold);
    let t = desk_with(config).await;
    // Monday 2 November 2026, 10:00 in Rome.
    let report = take(&t, mail("mario.rossi@acme.it", "Stampante", "sla@acme.it")).await;
    let ticket = t
        .desk
        .store
        .ticket(report.ticket.expect("ticket"))
        .await
        .expect("read")
        .expect("ticket exists");
    assert_eq!(
        (ticket.class.as_str(), ticket.priority.as_str()),
        ("Gold", "normal")
    );
    let due = ticket.sla_due.expect("due times");
    let utc = |h: u32| {
        Utc.with_ymd_and_hms(2026, 11, 2, h, 0, 0)
            .single()
            .expect("time")
            .timestamp_millis()
    };
    // 1h response → 11:00 Rome; 4h resolution → 10:00-13:00, 14:00-15:00 → 15:00 Rome.
    assert_eq!(due.response_due_at, utc(10));
    assert_eq!(due.resolution_due_at, utc(14));
    assert_eq!(
        due,
        t.desk
            .sla_due_times("Gold", Priority::Normal, ticket.created_at)
    );
    assert_eq!(ticket.first_response_at, None);
}

#[tokio::test]
async fn a_technician_answering_by_mail_is_the_first_response() {
    let mut config = Config::default();
    config.helpdesk.technicians.push("luca@projectpp.it".into());
    let t = desk_with(config).await;
    let number = take(&t, mail("mario.rossi@acme.it", "Stampante", "c@acme.it"))
        .await
        .ticket
        .expect("ticket");
    t.clock.advance(TimeDelta::minutes(20));
    let answer = take(
        &t,
        mail(
            "luca@projectpp.it",
            "R: #Standard# Ticket #[10000] Stampante",
            "d@projectpp.it",
        ),
    )
    .await;
    assert_eq!(answer.outcome, Outcome::Appended);
    let ticket = t
        .desk
        .store
        .ticket(number)
        .await
        .expect("read")
        .expect("ticket");
    assert_eq!(ticket.first_response_at, Some(t.desk.now_ms()));
}
