//! The console's actions on a real SQLite desk: what each writes, what it mails, and what a
//! customer can never see.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use mail_builder::MessageBuilder;
use ppdesk_shared::status::{ManualClock, TicketStatus};
use ppdesk_shared::ticket::{Channel, Priority};

use super::*;
use crate::config::{Config, OrganisationConfig};
use crate::ingest::phone::{PhoneForm, validate};
use crate::merge::MergeRefusal;
use crate::store::sqlite::SqliteStore;
use crate::triage::TriageError;
use crate::views::visible_to_customer;

struct TestDesk {
    desk: Desk<SqliteStore>,
    _dir: tempfile::TempDir,
}

fn anna() -> Technician {
    Technician {
        email: "anna@projectpp.it".into(),
        name: Some("Anna Bianchi".into()),
    }
}

fn technicians() -> Vec<String> {
    vec!["anna@projectpp.it".into(), "luca@projectpp.it".into()]
}

async fn desk() -> TestDesk {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::default();
    config.routing.sectors = vec!["Helpdesk".into(), "Mago".into()];
    for (name, domain) in [("ACME S.r.l.", "acme.it"), ("Beta S.p.A.", "beta.it")] {
        config.organisations.push(OrganisationConfig {
            name: name.into(),
            domains: vec![domain.into()],
            class: None,
            locale: None,
        });
    }
    config.helpdesk.staff_domains = vec!["projectpp.it".into()];
    let start = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("date");
    let desk = Desk::open(config, dir.path(), Arc::new(ManualClock::new(start)))
        .await
        .expect("open desk");
    TestDesk { desk, _dir: dir }
}

async fn take(t: &TestDesk, from: &str, subject: &str, id: &str) -> u64 {
    let raw = MessageBuilder::new()
        .from(from.to_string())
        .to("helpdesk@ppdesk.localhost")
        .subject(subject.to_string())
        .message_id(id.to_string())
        .text_body("Buongiorno, la stampa delle fatture si blocca.")
        .write_to_vec()
        .expect("render");
    t.desk
        .ingest(&raw, "test")
        .await
        .expect("ingest")
        .ticket
        .expect("a ticket")
}

async fn view(t: &TestDesk, number: u64) -> crate::views::TicketView {
    t.desk
        .ticket_view(number)
        .await
        .expect("view")
        .expect("ticket exists")
}

fn events(view: &crate::views::TicketView) -> Vec<ThreadEvent> {
    view.messages
        .iter()
        .filter(|m| m.kind == KIND_EVENT)
        .map(|m| ThreadEvent::parse(&m.text_body).expect("an event line"))
        .collect()
}

#[tokio::test]
async fn a_note_stays_internal_and_is_never_mailed() {
    let t = desk().await;
    let number = take(&t, "mario.rossi@acme.it", "Stampante", "a@acme.it").await;
    let outbox_before = view(&t, number).await.outbox.len();
    t.desk
        .add_note(number, &anna(), "  Il cliente ha il driver vecchio.  ")
        .await
        .expect("note");
    let v = view(&t, number).await;
    let note = v
        .messages
        .iter()
        .find(|m| m.kind == KIND_NOTE)
        .expect("note");
    assert_eq!(note.direction, INTERNAL);
    assert_eq!(note.text_body, "Il cliente ha il driver vecchio.");
    assert_eq!(note.from, "anna@projectpp.it");
    assert!(!note.visible_to_customer());
    assert!(!visible_to_customer(INTERNAL));
    assert!(
        v.messages
            .iter()
            .filter(|m| m.kind != KIND_NOTE)
            .all(|m| m.visible_to_customer())
    );
    assert_eq!(v.outbox.len(), outbox_before, "a note queues no mail");
    assert!(matches!(
        t.desk.add_note(number, &anna(), " \n ").await,
        Err(ConsoleError::EmptyNote)
    ));
    assert!(matches!(
        t.desk.add_note(99_999, &anna(), "x").await,
        Err(ConsoleError::NoSuchTicket(99_999))
    ));
}

#[tokio::test]
async fn triage_changes_what_differs_records_each_change_and_recomputes_the_sla() {
    let t = desk().await;
    let number = take(&t, "mario.rossi@acme.it", "Stampante", "a@acme.it").await;
    let before = t.desk.store.ticket(number).await.unwrap().unwrap();
    let request = TriageRequest {
        status: Some(TicketStatus::WaitingOnSupport),
        resolution: None,
        sector: Some("mago".into()),
        priority: Some(Priority::Urgent),
        assignee: Some(Some("Anna@ProjectPP.it".into())),
    };
    let plan = t
        .desk
        .triage(number, &anna(), &request, &technicians())
        .await
        .expect("triage");
    assert!(plan.status.is_none());
    let after = t.desk.store.ticket(number).await.unwrap().unwrap();
    assert_eq!(after.sector, "Mago");
    assert_eq!(after.priority, "urgent");
    assert_eq!(after.assignee.as_deref(), Some("anna@projectpp.it"));
    let expected = t
        .desk
        .sla_due_times(&before.class, Priority::Urgent, before.created_at);
    assert_eq!(after.sla_due, Some(expected));
    assert_ne!(after.sla_due, before.sla_due, "urgent targets are shorter");
    assert_eq!(
        events(&view(&t, number).await),
        vec![
            ThreadEvent::Sector {
                from: "Helpdesk".into(),
                to: "Mago".into()
            },
            ThreadEvent::Priority {
                from: Priority::Normal,
                to: Priority::Urgent
            },
            ThreadEvent::Assignee {
                from: None,
                to: Some("anna@projectpp.it".into())
            },
        ]
    );

    // The same form again changes nothing and writes nothing.
    let again = t
        .desk
        .triage(number, &anna(), &request, &technicians())
        .await
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(events(&view(&t, number).await).len(), 3);

    // One bad field refuses the whole form.
    let refused = t
        .desk
        .triage(
            number,
            &anna(),
            &TriageRequest {
                priority: Some(Priority::Low),
                assignee: Some(Some("mario.rossi@acme.it".into())),
                ..TriageRequest::default()
            },
            &technicians(),
        )
        .await;
    assert!(matches!(
        refused,
        Err(ConsoleError::Triage(TriageError::NotATechnician { .. }))
    ));
    assert_eq!(
        t.desk.store.ticket(number).await.unwrap().unwrap().priority,
        "urgent"
    );
}

#[tokio::test]
async fn resolving_from_the_console_mails_the_requester_and_cancelling_does_not() {
    let t = desk().await;
    let a = take(&t, "mario.rossi@acme.it", "Stampante", "a@acme.it").await;
    let b = take(&t, "mario.rossi@acme.it", "Scanner", "b@acme.it").await;
    let resolve = TriageRequest {
        status: Some(TicketStatus::Resolved),
        resolution: Some("Driver aggiornato".into()),
        ..TriageRequest::default()
    };
    t.desk
        .triage(a, &anna(), &resolve, &[])
        .await
        .expect("resolve");
    let v = view(&t, a).await;
    assert_eq!(v.status, "resolved");
    assert_eq!(v.resolution.as_deref(), Some("Driver aggiornato"));
    let notice = v
        .outbox
        .iter()
        .find(|o| o.kind == "notification")
        .expect("mailed");
    assert_eq!(notice.recipient, "mario.rossi@acme.it");
    assert!(matches!(
        events(&v).last(),
        Some(ThreadEvent::Status {
            to: TicketStatus::Resolved,
            reason: Some(_),
            ..
        })
    ));

    let cancel = TriageRequest {
        status: Some(TicketStatus::Cancelled),
        ..TriageRequest::default()
    };
    let outbox = view(&t, b).await.outbox.len();
    t.desk
        .triage(b, &anna(), &cancel, &[])
        .await
        .expect("cancel");
    let v = view(&t, b).await;
    assert_eq!(v.status, "cancelled");
    assert_eq!(v.outbox.len(), outbox);

    // Back from resolved: a technician reopens; a cancelled ticket stays cancelled.
    let reopen = TriageRequest {
        status: Some(TicketStatus::WaitingOnSupport),
        ..TriageRequest::default()
    };
    t.desk
        .triage(a, &anna(), &reopen, &[])
        .await
        .expect("reopen");
    assert_eq!(view(&t, a).await.status, "waiting_on_support");
    assert!(matches!(
        t.desk.triage(b, &anna(), &reopen, &[]).await,
        Err(ConsoleError::Triage(TriageError::Status(_)))
    ));
}

#[tokio::test]
async fn a_merge_moves_the_thread_joins_the_people_and_tells_the_requester_the_new_number() {
    let t = desk().await;
    let target = take(&t, "mario.rossi@acme.it", "Fatture bloccate", "a@acme.it").await;
    let source = take(&t, "luca.verdi@acme.it", "Fatture ferme", "b@acme.it").await;
    let moving = view(&t, source).await.messages.len();
    let kept = view(&t, target).await.messages.len();

    let merged = t
        .desk
        .merge(source, target, &anna(), false)
        .await
        .expect("merge");
    assert_eq!(merged.messages as usize, moving);
    assert_eq!(merged.notified, "luca.verdi@acme.it");

    let a = view(&t, source).await;
    assert_eq!(a.status, "cancelled");
    assert_eq!(events(&a), vec![ThreadEvent::MergedInto { ticket: target }]);
    let b = view(&t, target).await;
    assert!(b.participants.contains(&"luca.verdi@acme.it".to_string()));
    assert!(
        b.messages
            .iter()
            .any(|m| m.text_body.contains("fatture") && m.from == "luca.verdi@acme.it")
    );
    let notice = b
        .messages
        .iter()
        .find(|m| m.kind == "notification")
        .expect("the notice is on the thread");
    assert_eq!(notice.to, vec!["luca.verdi@acme.it".to_string()]);
    assert!(
        notice.subject.contains(&format!("#[{target}]")),
        "{}",
        notice.subject
    );
    assert!(notice.text_body.contains(&format!("#[{source}]")));
    assert!(notice.message_id.is_some());
    // moved messages + the "merged from" line + the notice
    assert_eq!(b.messages.len(), kept + moving + 2);
    let facts = t.desk.store.console_facts(target).await.unwrap().unwrap();
    assert_eq!(facts.merged_from, vec![source]);

    // A reply to the duplicate's old mail threads to the ticket that took it.
    let raw = MessageBuilder::new()
        .from("luca.verdi@acme.it")
        .to("helpdesk@ppdesk.localhost")
        .subject("Re: Fatture ferme")
        .message_id("c@acme.it")
        .in_reply_to("b@acme.it")
        .text_body("Ancora bloccate.")
        .write_to_vec()
        .unwrap();
    let reply = t.desk.ingest(&raw, "test").await.unwrap();
    assert_eq!(reply.ticket, Some(target));

    // So does one that only carries the duplicate's tag (a new mail, not a reply): it neither
    // lands on the cancelled duplicate nor opens a ticket linked to it.
    let tagged = MessageBuilder::new()
        .from("luca.verdi@acme.it")
        .to("helpdesk@ppdesk.localhost")
        .subject(format!("Ancora per #Standard# Ticket #[{source}]"))
        .message_id("tag-only@acme.it")
        .text_body("Vi scrivo di nuovo per lo stesso problema.")
        .write_to_vec()
        .unwrap();
    let tagged = t.desk.ingest(&tagged, "test").await.unwrap();
    assert_eq!(tagged.ticket, Some(target));
    assert_eq!(view(&t, source).await.status, "cancelled");
    assert!(
        view(&t, target)
            .await
            .messages
            .iter()
            .any(|m| m.text_body.contains("di nuovo"))
    );

    // Refusals.
    assert!(matches!(
        t.desk.merge(target, target, &anna(), true).await,
        Err(ConsoleError::Merge(MergeRefusal::SameTicket))
    ));
    assert!(matches!(
        t.desk.merge(source, target, &anna(), true).await,
        Err(ConsoleError::Merge(MergeRefusal::SourceMerged { .. }))
    ));
    let third = take(&t, "mario.rossi@acme.it", "Altro", "d@acme.it").await;
    assert!(matches!(
        t.desk.merge(third, source, &anna(), true).await,
        Err(ConsoleError::Merge(MergeRefusal::TargetMerged { .. }))
    ));
}

#[tokio::test]
async fn a_merge_across_organisations_needs_a_confirmation() {
    let t = desk().await;
    let target = take(&t, "mario.rossi@acme.it", "VPN", "a@acme.it").await;
    let source = take(&t, "eva@beta.it", "VPN giù", "b@beta.it").await;
    assert!(matches!(
        t.desk.merge(source, target, &anna(), false).await,
        Err(ConsoleError::Merge(MergeRefusal::CrossOrganisation { .. }))
    ));
    assert_eq!(view(&t, source).await.status, "waiting_on_support");
    t.desk
        .merge(source, target, &anna(), true)
        .await
        .expect("confirmed");
    assert_eq!(view(&t, source).await.status, "cancelled");
}

#[tokio::test]
async fn a_stranger_with_a_tag_is_appended_or_kept_apart_in_one_click() {
    let t = desk().await;
    let named = take(&t, "mario.rossi@acme.it", "Stampante", "a@acme.it").await;
    let subject = format!("R: #Standard# Ticket #[{named}] Stampante");
    let flagged = take(
        &t,
        "consulente@studio.example",
        &subject,
        "s1@studio.example",
    )
    .await;
    assert_ne!(flagged, named);
    assert!(view(&t, flagged).await.needs_review);

    let merged = t
        .desk
        .review(flagged, &anna(), ReviewChoice::Append)
        .await
        .expect("append")
        .expect("a merge");
    assert_eq!(merged.target, named);
    let v = view(&t, named).await;
    assert!(
        v.participants
            .contains(&"consulente@studio.example".to_string())
    );
    assert!(!view(&t, flagged).await.needs_review);
    // Now a participant, the consultant's next tagged mail goes straight to the ticket.
    assert_eq!(
        take(
            &t,
            "consulente@studio.example",
            &subject,
            "s2@studio.example"
        )
        .await,
        named
    );

    let other = take(&t, "eve@evil.example", &subject, "e1@evil.example").await;
    t.desk
        .review(other, &anna(), ReviewChoice::KeepSeparate)
        .await
        .expect("keep");
    let v = view(&t, other).await;
    assert!(!v.needs_review);
    assert_eq!(v.status, "waiting_on_support");
    assert_eq!(events(&v), vec![ThreadEvent::ReviewKeptSeparate]);
    assert!(matches!(
        t.desk.review(other, &anna(), ReviewChoice::Append).await,
        Err(ConsoleError::NotFlagged(_))
    ));
}

#[tokio::test]
async fn a_reply_with_files_mails_them_and_waits_on_the_customer() {
    let t = desk().await;
    let number = take(&t, "mario.rossi@acme.it", "Stampante", "a@acme.it").await;
    let status = t
        .desk
        .reply_with_files(
            number,
            "Installi questo driver.",
            &[ReplyFile {
                filename: "driver.txt".into(),
                content_type: "text/plain".into(),
                bytes: b"driver bytes".to_vec(),
            }],
        )
        .await
        .expect("reply");
    assert_eq!(status, TicketStatus::WaitingOnCustomer);
    let v = view(&t, number).await;
    let reply = v
        .messages
        .iter()
        .find(|m| m.kind == "reply")
        .expect("reply");
    assert_eq!(reply.attachments.len(), 1);
    assert_eq!(reply.attachments[0].filename, "driver.txt");
    assert!(v.outbox.iter().any(|o| o.kind == "reply"));
    let ticket = t.desk.store.ticket(number).await.unwrap().unwrap();
    assert!(ticket.first_response_at.is_some());
}

#[tokio::test]
async fn a_call_becomes_a_phone_ticket_acknowledged_to_the_caller() {
    let t = desk().await;
    let call = validate(&PhoneForm {
        caller_email: "mario.rossi@acme.it".into(),
        caller_name: "Mario Rossi".into(),
        caller_phone: "+39 0881 666679".into(),
        channel: "phone".into(),
        priority: "alta".into(),
        subject: "Bolla non stampa".into(),
        description: "Chiamata delle 10.".into(),
        ..PhoneForm::default()
    })
    .expect("valid");
    let registered = t
        .desk
        .register_call(&call, &anna())
        .await
        .expect("registered");
    assert!(registered.acknowledged);
    let v = view(&t, registered.number).await;
    assert_eq!(v.channel, Channel::Phone.as_str());
    assert_eq!(v.priority, "high");
    assert_eq!(v.organisation.as_deref(), Some("ACME S.r.l."));
    assert_eq!(v.requester.email, "mario.rossi@acme.it");
    assert!(
        v.outbox
            .iter()
            .any(|o| o.kind == "acknowledgement" && o.recipient == "mario.rossi@acme.it")
    );
    assert_eq!(
        events(&v),
        vec![ThreadEvent::Registered {
            channel: "phone".into()
        }]
    );
    let facts = t
        .desk
        .store
        .console_facts(registered.number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(facts.contact_phone.as_deref(), Some("+39 0881 666679"));

    let fax = crate::ingest::phone::PhoneCall {
        channel: Channel::Fax,
        organisation: Some("Nessuna S.r.l.".into()),
        ..call
    };
    assert!(matches!(
        t.desk.register_call(&fax, &anna()).await,
        Err(crate::ingest::phone::PhoneError::UnknownOrganisation(_))
    ));
}
