//! The technician's command line (`ticket …`), `check-config` and `serve`.

use ppdesk_tests::{Mail, TestDesk, default_config, fixtures_dir, http_get, tag};
use serde_json::Value;

/// Opens ticket 10000 for Mario and returns the desk.
fn desk_with_marios_ticket() -> TestDesk {
    let desk = TestDesk::new();
    let outcome = desk.ingest(
        &Mail::customer(
            "Mario Rossi <mario.rossi@acme.it>",
            "Problema emissione fatture",
            "cli-1@acme.it",
        )
        .bytes(),
    );
    assert_eq!(outcome.ticket, Some(10000), "{}", outcome.raw);
    desk
}

#[test]
fn a_technician_reply_mails_the_requester_with_the_tag_and_waits_on_the_customer() {
    let desk = desk_with_marios_ticket();
    let body = desk.scratch().join("risposta.txt");
    std::fs::write(
        &body,
        "Buongiorno,\nabbiamo corretto la causale FTV: può riprovare l'emissione?\n\nMarco Ferri\n",
    )
    .expect("write reply body");
    let before = desk.spool_names();
    desk.run(&[
        "ticket",
        "reply",
        "10000",
        "--body-file",
        body.to_str().expect("utf-8 path"),
    ])
    .assert_success();

    let sent = desk.spool_since(&before);
    let reply = sent
        .iter()
        .find(|m| m.to.contains(&"mario.rossi@acme.it".to_string()))
        .unwrap_or_else(|| panic!("no spooled reply to Mario: {sent:?}"));
    assert!(
        reply.subject.contains(&tag(10000)),
        "the reply subject carries the tag: {:?}",
        reply.subject
    );
    assert!(reply.subject.contains("Problema emissione fatture"));
    assert!(
        reply.body.contains("abbiamo corretto la causale FTV"),
        "the reply body is the technician's text: {:?}",
        reply.body
    );

    let shown = desk.show(10000);
    assert_eq!(shown["status"], "waiting_on_customer");
    let messages = shown["messages"].as_array().expect("messages array");
    assert!(
        messages.iter().any(|m| m["direction"] == "outbound"
            && m["kind"] == "reply"
            && m["text_body"]
                .as_str()
                .is_some_and(|t| t.contains("causale FTV"))),
        "the reply is recorded on the ticket: {shown:#}"
    );

    // Mario answers: the customer wrote last, so the ticket waits on support again.
    let answer = Mail::customer(
        "Mario Rossi <mario.rossi@acme.it>",
        &format!("R: {} Problema emissione fatture", tag(10000)),
        "cli-2@acme.it",
    )
    .in_reply_to(reply.message_id().unwrap_or("<none@x>"))
    .body("Ora funziona, grazie.\n");
    let outcome = desk.ingest(&answer.bytes());
    assert_eq!(outcome.outcome, "appended", "{}", outcome.raw);
    assert_eq!(desk.show(10000)["status"], "waiting_on_support");
}

#[test]
fn resolving_a_ticket_records_when() {
    let desk = desk_with_marios_ticket();
    desk.run(&[
        "ticket",
        "resolve",
        "10000",
        "--reason",
        "Corretta la causale di magazzino",
    ])
    .assert_success();
    let shown = desk.show(10000);
    assert_eq!(shown["status"], "resolved");
    assert!(
        !shown["resolved_at"].is_null(),
        "resolved_at is set: {shown:#}"
    );
}

#[test]
fn cancelling_a_ticket() {
    let desk = desk_with_marios_ticket();
    desk.run(&["ticket", "cancel", "10000"]).assert_success();
    assert_eq!(desk.show(10000)["status"], "cancelled");
    let list = desk.list();
    assert_eq!(list[0]["status"], "cancelled", "{list:?}");
}

#[test]
fn ticket_show_json_has_every_documented_field() {
    let desk = desk_with_marios_ticket();
    let shown = desk.show(10000);
    for key in [
        "number",
        "tag",
        "class",
        "subject",
        "status",
        "category",
        "priority",
        "sector",
        "requester",
        "organisation",
        "channel",
        "linked_ticket",
        "needs_review",
        "review_reason",
        "created_at",
        "resolved_at",
        "participants",
        "messages",
        "outbox",
    ] {
        assert!(shown.get(key).is_some(), "missing {key:?} in {shown:#}");
    }
    assert_eq!(shown["requester"]["email"], "mario.rossi@acme.it");
    assert!(shown["requester"].get("name").is_some());
    assert!(shown["participants"].is_array());
    let message = &shown["messages"][0];
    for key in [
        "direction",
        "kind",
        "from",
        "subject",
        "message_id",
        "text_body",
        "attachments",
        "created_at",
    ] {
        assert!(
            message.get(key).is_some(),
            "message lacks {key:?}: {message:#}"
        );
    }
    let item = &shown["outbox"][0];
    for key in ["kind", "recipient", "status", "attempts", "last_error"] {
        assert!(
            item.get(key).is_some(),
            "outbox item lacks {key:?}: {item:#}"
        );
    }
    assert!(
        ["pending", "sent", "failed"].contains(&item["status"].as_str().unwrap_or_default()),
        "{item:#}"
    );
}

#[test]
fn ticket_list_json_has_one_row_per_ticket() {
    let desk = desk_with_marios_ticket();
    desk.ingest(
        &Mail::customer(
            "Laura Gallo <laura.gallo@ferramentagallo.it>",
            "Stampa DDT",
            "cli-list@ferramentagallo.it",
        )
        .bytes(),
    );
    let list = desk.list();
    assert_eq!(list.len(), 2, "{list:?}");
    let mut numbers: Vec<u64> = list.iter().filter_map(|t| t["number"].as_u64()).collect();
    numbers.sort();
    assert_eq!(numbers, vec![10000, 10001]);
    for row in &list {
        for key in [
            "number",
            "tag",
            "subject",
            "status",
            "sector",
            "requester",
            "updated_at",
        ] {
            assert!(row.get(key).is_some(), "list row lacks {key:?}: {row}");
        }
        // The contract does not say whether requester is an address or an object.
        let requester = match &row["requester"] {
            Value::Object(o) => o.get("email").cloned().unwrap_or_default(),
            other => other.clone(),
        };
        assert!(
            requester.as_str().is_some_and(|r| r.contains('@')),
            "the requester is shown: {row}"
        );
    }
}

#[test]
fn ticket_show_without_json_is_for_humans() {
    let desk = desk_with_marios_ticket();
    let out = desk.run(&["ticket", "show", "10000"]);
    out.assert_success();
    assert!(out.stdout.contains(&tag(10000)), "{}", out.transcript());
    assert!(out.stdout.contains("Problema emissione fatture"));
}

#[test]
fn an_unknown_ticket_is_an_error_not_a_crash() {
    let desk = desk_with_marios_ticket();
    for args in [
        vec!["ticket", "show", "424242", "--json"],
        vec!["ticket", "resolve", "424242", "--reason", "x"],
        vec!["ticket", "cancel", "424242"],
    ] {
        let out = desk.run(&args);
        out.assert_no_panic();
        assert!(
            !out.status.success(),
            "`{}` must fail\n{}",
            args.join(" "),
            out.transcript()
        );
        assert!(
            format!("{}{}", out.stdout, out.stderr).contains("424242"),
            "the error names the ticket\n{}",
            out.transcript()
        );
    }
}

#[test]
fn check_config_accepts_the_default_and_every_fixture_config() {
    let mut configs = vec![("default".to_string(), default_config())];
    for entry in std::fs::read_dir(fixtures_dir().join("mail")).expect("fixture dirs") {
        let path = entry.expect("entry").path().join("config.toml");
        if path.is_file() {
            let text = std::fs::read_to_string(&path).expect("read config");
            configs.push((path.display().to_string(), text));
        }
    }
    assert!(configs.len() >= 3);
    for (name, text) in configs {
        let desk = TestDesk::with_config(&text);
        let out = desk.run(&["check-config"]);
        out.assert_no_panic();
        assert!(
            out.status.success(),
            "{name} is valid\n{}",
            out.transcript()
        );
    }
}

#[test]
fn check_config_reports_every_problem_as_file_line_key_reason() {
    // Line numbers matter: keep this text as is.
    let broken = "\
# config with three mistakes
[helpdesk]
address = \"helpdesk@projectpp.it\"
staff_domains = \"projectpp.it\"

[tickets]
first_number = \"diecimila\"

[acknowledgement]
max_per_sender_per_hour = -3
";
    let desk = TestDesk::with_config(broken);
    let out = desk.run(&["check-config"]);
    out.assert_no_panic();
    assert!(
        !out.status.success(),
        "a broken config must fail\n{}",
        out.transcript()
    );
    let printed = format!("{}\n{}", out.stdout, out.stderr);
    let mut missing = Vec::new();
    for (line, key) in [
        (4, "helpdesk.staff_domains"),
        (7, "tickets.first_number"),
        (10, "acknowledgement.max_per_sender_per_hour"),
    ] {
        let wanted = format!("config.toml:{line}: {key}: ");
        let found = printed.lines().any(|l| {
            l.find(&wanted)
                .is_some_and(|at| !l[at + wanted.len()..].trim().is_empty())
        });
        if !found {
            missing.push(wanted);
        }
    }
    assert!(
        missing.is_empty(),
        "every problem as `file:line: key: reason`; missing {missing:?}\n{}",
        out.transcript()
    );
}

#[test]
fn check_config_points_at_a_toml_syntax_error() {
    let desk = TestDesk::with_config("[helpdesk]\naddress = \"helpdesk@projectpp.it\"\n[tickets\n");
    let out = desk.run(&["check-config"]);
    out.assert_no_panic();
    assert!(!out.status.success(), "{}", out.transcript());
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("config.toml:3"),
        "the error names file and line 3\n{}",
        out.transcript()
    );
}

#[test]
fn serve_answers_healthz_while_mail_keeps_arriving() {
    let desk = TestDesk::new();
    // `serve` returns once /healthz answered 200.
    let mut server = desk.serve("serve");
    let addr = server.addr().to_string();

    // The MTA pipe keeps working while the server runs on the same data dir.
    let outcome = desk.ingest(
        &Mail::customer("mario.rossi@acme.it", "Durante il serve", "serve-1@acme.it").bytes(),
    );
    assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
    let (status, _) = http_get(&addr, "/healthz").expect("still answering");
    assert_eq!(status, 200);

    assert!(server.is_running());
    let logged = server.log_text();
    server.kill_hard();
    assert!(!logged.contains("panicked"), "{logged}");
}
