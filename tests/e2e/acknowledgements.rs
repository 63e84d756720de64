//! The acknowledgement policy over generated mail: what is acknowledged, what never is, numbering
//! and the per-sender cap from config. The fixture stories cover the content of the mail itself.

use ppdesk_tests::{HELPDESK_ADDRESS, Mail, TestDesk, default_config, tag};

/// The default test config plus some extra TOML tables.
fn config_with(extra: &str) -> String {
    format!("{}\n{extra}\n", default_config())
}

#[test]
fn reply_prefixes_do_not_reach_the_acknowledgement_subject() {
    let desk = TestDesk::new();
    let mail = Mail::customer(
        "Mario Rossi <mario.rossi@acme.it>",
        "R: Re: RIF: Ordine 2025/1187 bloccato",
        "prefixes@acme.it",
    );
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
    let spool = desk.spool();
    let ack = spool
        .iter()
        .find(|m| m.to.contains(&"mario.rossi@acme.it".to_string()))
        .expect("an acknowledgement to Mario");
    assert_eq!(
        ack.subject, "#Standard# Ticket #[10000] Ordine 2025/1187 bloccato",
        "the tag, then the subject without reply prefixes"
    );
}

#[test]
fn first_ticket_number_comes_from_config_and_is_shown_with_five_digits() {
    let desk = TestDesk::with_config(&config_with("[tickets]\nfirst_number = 42\n"));
    let outcome =
        desk.ingest(&Mail::customer("mario.rossi@acme.it", "Prova", "n42@acme.it").bytes());
    assert_eq!(outcome.ticket, Some(42), "{}", outcome.raw);
    let shown = desk.show(42);
    assert_eq!(shown["tag"], "#Standard# Ticket #[00042]");
    let spool = desk.spool();
    assert!(
        spool.iter().any(|m| m.subject.starts_with(&tag(42))),
        "the acknowledgement carries #[00042]: {:?}",
        spool.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let next = desk.ingest(&Mail::customer("mario.rossi@acme.it", "Altra", "n43@acme.it").bytes());
    assert_eq!(next.ticket, Some(43));
}

#[test]
fn numbers_beyond_five_digits_are_shown_in_full() {
    let desk = TestDesk::with_config(&config_with("[tickets]\nfirst_number = 123456\n"));
    let outcome =
        desk.ingest(&Mail::customer("mario.rossi@acme.it", "Prova", "big@acme.it").bytes());
    assert_eq!(outcome.ticket, Some(123456), "{}", outcome.raw);
    assert_eq!(desk.show(123456)["tag"], "#Standard# Ticket #[123456]");
}

#[test]
fn the_per_sender_cap_comes_from_config_and_counts_each_sender_apart() {
    let desk = TestDesk::with_config(&config_with(
        "[acknowledgement]\nmax_per_sender_per_hour = 2\n",
    ));
    let acked: Vec<bool> = (0..3)
        .map(|i| {
            let mail = Mail::customer(
                "mario.rossi@acme.it",
                &format!("Problema {i}"),
                &format!("cap-{i}@acme.it"),
            );
            let outcome = desk.ingest(&mail.bytes());
            assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
            outcome.acknowledged
        })
        .collect();
    assert_eq!(acked, vec![true, true, false]);
    let other = desk
        .ingest(&Mail::customer("laura.gallo@ferramentagallo.it", "Altro", "cap-x@fg.it").bytes());
    assert!(other.acknowledged, "another sender has her own allowance");
}

#[test]
fn the_per_sender_cap_is_not_dodged_by_writing_the_address_in_capitals() {
    let desk = TestDesk::with_config(&config_with(
        "[acknowledgement]\nmax_per_sender_per_hour = 1\n",
    ));
    let first = desk.ingest(&Mail::customer("mario.rossi@acme.it", "Uno", "up-1@acme.it").bytes());
    assert!(first.acknowledged, "{}", first.raw);
    let shouting =
        desk.ingest(&Mail::customer("MARIO.ROSSI@ACME.IT", "Due", "up-2@acme.it").bytes());
    assert_eq!(shouting.outcome, "created", "{}", shouting.raw);
    assert!(
        !shouting.acknowledged,
        "the same mailbox in capitals is the same sender: {}",
        shouting.raw
    );
}

/// Machine mail that correlates with nothing: never a ticket, never an answer.
#[test]
fn machine_mail_is_ignored_and_never_answered() {
    let base = || {
        Mail::new()
            .from("Sistema <sistema@acme.it>")
            .to(HELPDESK_ADDRESS)
            .subject("Notifica")
            .body("Messaggio generato automaticamente.\n")
    };
    let cases: Vec<(&str, Mail)> = vec![
        (
            "Auto-Submitted: auto-generated",
            base().header("Auto-Submitted", "auto-generated"),
        ),
        (
            "Auto-Submitted: auto-replied with a parameter",
            base().header("Auto-Submitted", "auto-replied; owner-email=\"x@acme.it\""),
        ),
        (
            "Auto-Submitted in capitals",
            base().header("Auto-Submitted", "Auto-Replied"),
        ),
        ("Precedence: bulk", base().header("Precedence", "bulk")),
        ("Precedence: junk", base().header("Precedence", "junk")),
        ("Precedence: list", base().header("Precedence", "list")),
        ("X-Autoreply", base().header("X-Autoreply", "yes")),
        ("X-Autorespond", base().header("X-Autorespond", "Fuori ufficio")),
        (
            "List-Id",
            base().header("List-Id", "Utenti Mago <utenti-mago.liste.example.it>"),
        ),
        ("null Return-Path", base().header("Return-Path", "<>")),
        (
            "From MAILER-DAEMON",
            base().from("MAILER-DAEMON@mail.acme.it (Mail Delivery System)"),
        ),
        (
            "From postmaster",
            base().from("Postmaster <postmaster@acme.it>"),
        ),
        (
            "multipart/report",
            base()
                .set_header(
                    "Content-Type",
                    "multipart/report; report-type=delivery-status; boundary=\"b1\"",
                )
                .set_header("Content-Transfer-Encoding", "7bit")
                .body(
                    "--b1\nContent-Type: text/plain\n\nDelivery failed.\n--b1\n\
                     Content-Type: message/delivery-status\n\nAction: failed\nStatus: 5.1.1\n--b1--\n",
                ),
        ),
        (
            "our own helpdesk address",
            base().from("Helpdesk Project++ <helpdesk@projectpp.it>"),
        ),
    ];
    let desk = TestDesk::new();
    let mut failures = Vec::new();
    for (i, (what, mail)) in cases.into_iter().enumerate() {
        let mail = mail.message_id(&format!("machine-{i}@acme.it"));
        let outcome = desk.ingest(&mail.bytes());
        if outcome.outcome != "ignored" || outcome.ticket.is_some() || outcome.acknowledged {
            failures.push(format!(
                "{what}: expected ignored/null/false, got {}",
                outcome.raw
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(desk.spool().is_empty(), "nothing may be sent to machines");
    assert!(desk.list().is_empty(), "no tickets for machines");
}

#[test]
fn a_reply_on_an_existing_ticket_is_appended_and_not_acknowledged_again() {
    let desk = TestDesk::new();
    let first = desk.ingest(
        &Mail::customer(
            "Mario Rossi <mario.rossi@acme.it>",
            "Fatture",
            "thread-1@acme.it",
        )
        .bytes(),
    );
    assert_eq!(first.ticket, Some(10000));
    let spooled = desk.spool().len();
    let reply = Mail::customer(
        "Mario Rossi <mario.rossi@acme.it>",
        &format!("R: {} Fatture", tag(10000)),
        "thread-2@acme.it",
    );
    let outcome = desk.ingest(&reply.bytes());
    assert_eq!(
        (
            outcome.outcome.as_str(),
            outcome.ticket,
            outcome.acknowledged
        ),
        ("appended", Some(10000), false),
        "{}",
        outcome.raw
    );
    assert_eq!(desk.spool().len(), spooled, "no second acknowledgement");
}

#[test]
fn a_tag_naming_a_ticket_that_does_not_exist_opens_a_new_ticket() {
    let desk = TestDesk::new();
    let mail = Mail::customer(
        "mario.rossi@acme.it",
        &format!("R: {} Vecchia richiesta", tag(99999)),
        "ghost@acme.it",
    );
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
    assert_eq!(outcome.ticket, Some(10000));
}
