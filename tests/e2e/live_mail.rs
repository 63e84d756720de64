//! The mail loop with real servers (features E1, E3, E4): a customer writes through the relay
//! (OpenSMTPD) to the helpdesk mailbox (Dovecot); `ppdesk-server serve` takes it over IMAP IDLE,
//! and the acknowledgement comes back through the relay into the customer's mailbox, read over
//! IMAP. Needs root and the packages tests/run.sh installs.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use ppdesk_tests::mail_servers::MailServers;
use ppdesk_tests::{Mail, TestDesk, http_get, tag, wait_for};
use serde_json::Value;

const HELPDESK: &str = "helpdesk@ppdesk.test";
const MARIO: &str = "mario.rossi@acme.test";

/// A desk reading helpdesk@ppdesk.test over IMAP and sending through the test relay; one
/// customer may open many tickets here.
fn live_desk(servers: &MailServers) -> TestDesk {
    TestDesk::with_config(&format!(
        "{}\n[acknowledgement]\nmax_per_sender_per_hour = 1000\n\n{}",
        servers.relay_config(),
        servers.imap_config()
    ))
}

fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a parsable message")
}

fn acks(messages: &[Vec<u8>]) -> Vec<(String, String, String)> {
    messages
        .iter()
        .map(|raw| {
            let m = parse(raw);
            (
                m.subject().unwrap_or_default().to_string(),
                m.body_text(0).unwrap_or_default().to_string(),
                m.in_reply_to().as_text().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn messages_on(desk: &TestDesk, ticket: u64) -> usize {
    desk.show(ticket)["messages"]
        .as_array()
        .map(Vec::len)
        .unwrap_or_default()
}

#[test]
fn a_mailed_request_is_acknowledged_and_the_replies_thread_back() {
    let servers = MailServers::start();
    let desk = live_desk(&servers);
    let serving = desk.serve("serve");

    let first = Mail::new()
        .from("Mario Rossi <mario.rossi@acme.test>")
        .to(HELPDESK)
        .subject("Problema emissione fatture")
        .message_id("live-1@acme.test")
        .body("Buongiorno, la procedura di emissione fatture si blocca.")
        .bytes();
    servers
        .send_smtp(MARIO, HELPDESK, &first)
        .expect("relay takes it");

    let inbox = servers.wait_for(MARIO, 1, Duration::from_secs(30));
    let (subject, body, in_reply_to) = acks(&inbox).remove(0);
    assert!(subject.starts_with(&tag(10000)), "{subject}");
    assert!(subject.contains("Problema emissione fatture"), "{subject}");
    assert!(body.contains("Settore incaricato: Helpdesk"), "{body}");
    assert_eq!(in_reply_to, "live-1@acme.test");
    let ack_id = parse(&inbox[0])
        .message_id()
        .unwrap_or_default()
        .to_string();

    // Outlook, Italian: "R: " and the tag kept.
    let outlook = Mail::new()
        .from("Mario Rossi <mario.rossi@acme.test>")
        .to(HELPDESK)
        .subject(&format!("R: {} Problema emissione fatture", tag(10000)))
        .message_id("live-2@acme.test")
        .body("Ecco il numero del ddt: 12345.")
        .bytes();
    servers
        .send_smtp(MARIO, HELPDESK, &outlook)
        .expect("relay takes it");
    // The tag deleted by hand, but the client kept References.
    let untagged = Mail::new()
        .from("Mario Rossi <mario.rossi@acme.test>")
        .to(HELPDESK)
        .subject("R: Problema emissione fatture")
        .message_id("live-3@acme.test")
        .references(&format!("<live-1@acme.test> <{ack_id}>"))
        .body("Dimenticavo: succede solo sul registro VENIMM.")
        .bytes();
    servers
        .send_smtp(MARIO, HELPDESK, &untagged)
        .expect("relay takes it");

    let threaded = wait_for(Duration::from_secs(30), || {
        (messages_on(&desk, 10000) == 4).then_some(())
    });
    assert!(
        threaded.is_some(),
        "{:#}\n{}",
        desk.show(10000),
        serving.log_text()
    );
    assert_eq!(desk.list().len(), 1, "no second ticket");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        servers.imap_messages(MARIO).len(),
        1,
        "replies on an open ticket are not acknowledged again"
    );
    assert!(
        servers.imap_messages(HELPDESK).is_empty(),
        "taken mail leaves the inbox for the processed folder"
    );

    let (code, metrics) = http_get(serving.addr(), "/metrics").expect("GET /metrics");
    assert_eq!(code, 200);
    for needle in [
        "ppdesk_messages_ingested_total{outcome=\"created\"} 1",
        "ppdesk_messages_ingested_total{outcome=\"appended\"} 2",
        "ppdesk_acknowledgement_latency_seconds_count 1",
        "ppdesk_outbox_pending 0",
    ] {
        assert!(metrics.contains(needle), "{needle} missing in\n{metrics}");
    }

    let (status, took) = serving.terminate();
    assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
    assert!(took < Duration::from_secs(15), "drained in {took:?}");
}

/// Acknowledgements the outbox sends at once over SMTP (`Transport::parallel_sends`).
const IN_FLIGHT_AT_KILL: usize = 4;

#[test]
fn a_server_killed_while_taking_a_batch_takes_every_message_exactly_once() {
    const COUNT: usize = 200;
    let servers = MailServers::start();
    let desk = live_desk(&servers);
    for i in 0..COUNT {
        let mail = Mail::new()
            .from("Mario Rossi <mario.rossi@acme.test>")
            .to(HELPDESK)
            .subject(&format!("Richiesta numero {i}"))
            .message_id(&format!("batch-{i}@acme.test"))
            .body("La stampante non stampa.")
            .bytes();
        servers
            .send_smtp(MARIO, HELPDESK, &mail)
            .expect("relay takes it");
    }
    servers.wait_for(HELPDESK, COUNT, Duration::from_secs(60));

    let first = desk.serve("first");
    let started = wait_for(Duration::from_secs(30), || {
        let tickets = desk.list().len();
        (tickets > 0).then_some(tickets)
    });
    first.kill_hard();
    let taken_before_kill = started.expect("some mail was taken before the kill");
    eprintln!("killed after {taken_before_kill} of {COUNT} tickets were visible");

    let second = desk.serve("second");
    let inbox = servers.wait_for(MARIO, COUNT, Duration::from_secs(120));
    std::thread::sleep(Duration::from_secs(3));
    let inbox = if servers.imap_messages(MARIO).len() == inbox.len() {
        inbox
    } else {
        servers.imap_messages(MARIO)
    };

    let tickets: Vec<Value> = desk.list();
    assert_eq!(
        tickets.len(),
        COUNT,
        "one ticket per message\n{}",
        second.log_text()
    );
    // Every message is acknowledged, and each by exactly one acknowledgement (one Message-ID).
    // SMTP cannot do better than at-least-once across a crash: a mail the relay committed
    // while we were killed before reading its 250 goes out again after its lease, as the same
    // message. So copies are allowed only as the same Message-ID, and no more than the sends
    // that were in flight at the kill.
    let mut by_parent: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for raw in &inbox {
        let message = parse(raw);
        by_parent
            .entry(
                message
                    .in_reply_to()
                    .as_text()
                    .unwrap_or_default()
                    .to_string(),
            )
            .or_default()
            .insert(message.message_id().unwrap_or_default().to_string());
    }
    assert_eq!(by_parent.len(), COUNT, "every message acknowledged");
    let twice: Vec<_> = by_parent.iter().filter(|(_, ids)| ids.len() > 1).collect();
    assert!(twice.is_empty(), "no message acknowledged twice: {twice:?}");
    let copies = inbox.len() - COUNT;
    assert!(
        copies <= IN_FLIGHT_AT_KILL,
        "{copies} redelivered copies, at most the {IN_FLIGHT_AT_KILL} sends in flight at the kill"
    );
    assert!(
        servers.imap_messages(HELPDESK).is_empty(),
        "the inbox was emptied"
    );
}
