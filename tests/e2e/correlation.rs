//! How a reply finds its ticket, over generated mail: the tag first, then In-Reply-To/References
//! naming a Message-ID we sent or received, otherwise a new ticket.

use ppdesk_tests::{Mail, SpooledMail, TestDesk, tag};

/// Mario opens two tickets; returns the desk and the acknowledgement of each.
fn two_tickets() -> (TestDesk, SpooledMail, SpooledMail) {
    let desk = TestDesk::new();
    let mut acks = Vec::new();
    for (i, subject) in ["Fatture bloccate", "Stampante in rete"].iter().enumerate() {
        let before = desk.spool_names();
        let outcome = desk.ingest(
            &Mail::customer(
                "Mario Rossi <mario.rossi@acme.it>",
                subject,
                &format!("corr-{i}@acme.it"),
            )
            .bytes(),
        );
        assert_eq!(outcome.ticket, Some(10000 + i as u64), "{}", outcome.raw);
        let mut new = desk.spool_since(&before);
        assert_eq!(new.len(), 1, "one acknowledgement per new ticket");
        acks.push(new.remove(0));
    }
    let second = acks.pop().expect("second ack");
    let first = acks.pop().expect("first ack");
    (desk, first, second)
}

#[test]
fn the_tag_wins_over_references_to_another_ticket() {
    let (desk, first_ack, _) = two_tickets();
    // Mario answers the first acknowledgement but pastes the second ticket's tag.
    let mail = Mail::customer(
        "Mario Rossi <mario.rossi@acme.it>",
        &format!("R: {} Stampante in rete", tag(10001)),
        "corr-3@acme.it",
    )
    .in_reply_to(first_ack.message_id().expect("ack Message-ID"))
    .references(first_ack.message_id().expect("ack Message-ID"));
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(
        (outcome.outcome.as_str(), outcome.ticket),
        ("appended", Some(10001)),
        "{}",
        outcome.raw
    );
}

#[test]
fn in_reply_to_our_acknowledgement_finds_the_ticket_without_a_tag() {
    let (desk, _, second_ack) = two_tickets();
    let mail = Mail::customer(
        "Mario Rossi <mario.rossi@acme.it>",
        "Re: la stampante",
        "corr-4@acme.it",
    )
    .in_reply_to(second_ack.message_id().expect("ack Message-ID"));
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(
        (outcome.outcome.as_str(), outcome.ticket),
        ("appended", Some(10001)),
        "{}",
        outcome.raw
    );
}

#[test]
fn references_to_mail_we_never_saw_open_a_new_ticket() {
    let (desk, _, _) = two_tickets();
    let mail = Mail::customer(
        "Mario Rossi <mario.rossi@acme.it>",
        "Re: discussione interna",
        "corr-5@acme.it",
    )
    .in_reply_to("<thread-interno-42@acme.it>")
    .references("<thread-interno-41@acme.it> <thread-interno-42@acme.it>");
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(
        (outcome.outcome.as_str(), outcome.ticket),
        ("created", Some(10002)),
        "{}",
        outcome.raw
    );
}

#[test]
fn a_forged_message_id_that_looks_like_ours_finds_nothing() {
    // Our Message-IDs name the ticket; a guessed one must not attach mail to it.
    let (desk, first_ack, _) = two_tickets();
    let real = first_ack.message_id().expect("ack Message-ID").to_string();
    let forged = real.replacen('a', "b", 1).replacen('1', "2", 1);
    assert_ne!(forged, real);
    let mail = Mail::customer(
        "Paolo Neri <paolo.neri78@gmail.com>",
        "Re: informazioni",
        "corr-6@gmail.com",
    )
    .in_reply_to(&forged);
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
    assert_eq!(outcome.ticket, Some(10002), "{}", outcome.raw);
}
