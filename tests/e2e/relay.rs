//! Outbound mail through a real SMTP relay (feature E5): OpenSMTPD on loopback delivering into
//! Dovecot, the customer's mailbox read over IMAP (`ppdesk_tests::mail_servers`). Needs root and
//! the packages `dovecot-imapd dovecot-lmtpd opensmtpd` (tests/run.sh installs them).

use std::time::Duration;

use ppdesk_tests::mail_servers::MailServers;
use ppdesk_tests::{Mail, TestDesk, tag};
use serde_json::Value;

const HELPDESK: &str = "helpdesk@ppdesk.test";
const MARIO: &str = "mario.rossi@acme.test";

/// A desk that hands its mail to the test relay, retrying after 1–2 s.
fn relay_desk(servers: &MailServers) -> TestDesk {
    TestDesk::with_config(&servers.relay_config())
}

fn customer_mail(from: &str, subject: &str, message_id: &str) -> Vec<u8> {
    Mail::new()
        .from(from)
        .to(HELPDESK)
        .subject(subject)
        .message_id(message_id)
        .body("Buongiorno,\nla procedura si blocca con un errore.\n\nGrazie\n")
        .bytes()
}

/// The ticket's only outbox row.
fn outbox_row(desk: &TestDesk, ticket: u64) -> Value {
    let shown = desk.show(ticket);
    let outbox = shown["outbox"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        outbox.len(),
        1,
        "one mail queued on ticket {ticket}: {shown:#}"
    );
    outbox[0].clone()
}

fn subject_of(raw: &[u8]) -> String {
    mail_parser::MessageParser::default()
        .parse(raw)
        .and_then(|m| m.subject().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn acknowledgements_wait_for_a_stopped_relay_and_arrive_exactly_once() {
    let servers = MailServers::start();
    let desk = relay_desk(&servers);
    servers.stop_smtp();

    // Three customer mails while the relay is down: the tickets are made, the MTA pipe gets its
    // exit 0, and each acknowledgement waits in the outbox with the reason.
    let mut tickets = Vec::new();
    for i in 0..3 {
        let outcome = desk.ingest(&customer_mail(
            &format!("Mario Rossi <{MARIO}>"),
            &format!("Stampa bloccata {i}"),
            &format!("relay-{i}@acme.test"),
        ));
        assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
        assert!(outcome.acknowledged, "{}", outcome.raw);
        tickets.push(outcome.ticket.expect("a ticket number"));
    }
    assert_eq!(tickets, vec![10000, 10001, 10002]);
    for &ticket in &tickets {
        let row = outbox_row(&desk, ticket);
        assert_eq!(row["status"], "pending", "{row:#}");
        assert!(row["attempts"].as_u64().unwrap_or(0) >= 1, "{row:#}");
        let error = row["last_error"].as_str().unwrap_or_default();
        assert!(
            !error.is_empty(),
            "the refused connection is recorded: {row:#}"
        );
    }
    assert!(servers.imap_messages(MARIO).is_empty());

    // The relay comes back; the server's outbox worker delivers on its next round.
    servers.start_smtp();
    let mut server = desk.serve("serve");
    let arrived = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        servers.wait_for(MARIO, 3, Duration::from_secs(20))
    }))
    .unwrap_or_else(|_| {
        panic!(
            "acknowledgements did not arrive\n--- serve ---\n{}",
            server.log_text()
        )
    });
    assert!(server.is_running(), "`serve` exited\n{}", server.log_text());
    let mut subjects: Vec<String> = arrived.iter().map(|raw| subject_of(raw)).collect();
    subjects.sort();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    for (subject, (i, &ticket)) in subjects.iter().zip(tickets.iter().enumerate()) {
        assert_eq!(
            subject,
            &format!("{} Stampa bloccata {i}", tag(ticket)),
            "{subjects:?}"
        );
    }

    // No second copy comes later: the worker keeps running rounds (every ≤ 2 s).
    std::thread::sleep(Duration::from_secs(3));
    let settled = servers.imap_messages(MARIO);
    assert_eq!(
        settled.len(),
        3,
        "exactly one acknowledgement per ticket: {:?}\n{}",
        settled
            .iter()
            .map(|raw| subject_of(raw))
            .collect::<Vec<_>>(),
        server.log_text()
    );
    let logged = server.log_text();
    drop(server);
    for &ticket in &tickets {
        let row = outbox_row(&desk, ticket);
        assert_eq!(row["status"], "sent", "{row:#}");
        assert_eq!(row["last_error"], Value::Null, "{row:#}");
    }
    assert!(!logged.contains("panicked"), "{logged}");
}

#[test]
fn a_recipient_the_relay_refuses_fails_after_one_attempt_with_the_reply() {
    let servers = MailServers::start();
    let desk = relay_desk(&servers);
    // The relay knows only the test users: anyone else gets 550 at RCPT.
    assert!(
        servers
            .send_smtp(HELPDESK, "nobody@acme.test", b"Subject: probe\r\n\r\nx\r\n")
            .is_err_and(|reply| reply.starts_with("550")),
        "the relay refuses unknown recipients"
    );

    let outcome = desk.ingest(&customer_mail(
        "nobody@acme.test",
        "Chi sono?",
        "nobody-1@acme.test",
    ));
    assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
    let ticket = outcome.ticket.expect("a ticket number");
    let row = outbox_row(&desk, ticket);
    assert_eq!(row["recipient"], "nobody@acme.test", "{row:#}");
    assert_eq!(row["status"], "failed", "{row:#}");
    assert_eq!(row["attempts"], 1, "{row:#}");
    let error = row["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("550") && error.contains("Invalid recipient"),
        "the relay's reply is shown: {row:#}"
    );

    // The technician's view says the same.
    let shown = desk.run(&["ticket", "show", &ticket.to_string()]);
    shown.assert_success();
    assert!(
        shown.stdout.contains("failed") && shown.stdout.contains("550"),
        "{}",
        shown.transcript()
    );
}
