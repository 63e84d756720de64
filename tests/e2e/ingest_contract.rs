//! `ppdesk-server ingest`, as an MTA pipe sees it: one message on stdin, one JSON line on stdout,
//! exit 0 once the message is stored (or deliberately ignored), 75 when the MTA should retry,
//! never a panic. And `ingest --dir`, one line per file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ppdesk_tests::{Mail, OUTCOMES, Outcome, TestDesk, fixtures_dir};

fn first_mail() -> Vec<u8> {
    Mail::customer(
        "Mario Rossi <mario.rossi@acme.it>",
        "Problema emissione fatture",
        "contract-1@acme.it",
    )
    .bytes()
}

#[test]
fn a_customer_mail_on_stdin_prints_one_json_line_and_opens_ticket_10000() {
    let desk = TestDesk::new();
    let out = desk.run_with_stdin(&["ingest"], &first_mail());
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line\n{}", out.transcript());
    let outcome = Outcome::parse(lines[0]).expect("the documented JSON object");
    assert_eq!(outcome.outcome, "created");
    assert_eq!(outcome.ticket, Some(10000));
    assert!(
        outcome.acknowledged,
        "a new ticket from a human is acknowledged"
    );
    assert_eq!(
        outcome.file, None,
        "\"file\" is only for `ingest --dir`: {}",
        outcome.raw
    );
}

#[test]
fn ticket_numbers_follow_on_from_10000() {
    let desk = TestDesk::new();
    for (i, expected) in [10000, 10001, 10002].into_iter().enumerate() {
        let mail = Mail::customer(
            "laura.gallo@ferramentagallo.it",
            &format!("Richiesta numero {i}"),
            &format!("seq-{i}@ferramentagallo.it"),
        );
        let outcome = desk.ingest(&mail.bytes());
        assert_eq!(outcome.outcome, "created");
        assert_eq!(outcome.ticket, Some(expected), "{}", outcome.raw);
    }
}

#[test]
fn empty_stdin_is_quarantined_not_a_crash() {
    let desk = TestDesk::new();
    let outcome = desk.ingest(b"");
    assert_eq!(outcome.outcome, "quarantined", "{}", outcome.raw);
    assert_eq!(outcome.ticket, None);
    assert!(!outcome.acknowledged);
}

#[test]
fn binary_garbage_is_quarantined_not_a_crash() {
    let desk = TestDesk::new();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let outcome = desk.ingest(&garbage);
    assert_eq!(outcome.outcome, "quarantined", "{}", outcome.raw);
    assert_eq!(outcome.ticket, None);
}

#[test]
fn headers_without_a_body_separator_still_get_an_answer() {
    // A truncated message: headers and no blank line, no final newline.
    let desk = TestDesk::new();
    let outcome =
        desk.ingest(b"From: mario.rossi@acme.it\r\nTo: helpdesk@projectpp.it\r\nSubject: troncato");
    assert!(
        ["created", "quarantined"].contains(&outcome.outcome.as_str()),
        "a truncated message is either usable or quarantined: {}",
        outcome.raw
    );
}

#[test]
fn the_same_bytes_twice_without_a_message_id_are_a_duplicate() {
    let desk = TestDesk::new();
    let mail = Mail::new()
        .from("Laura Gallo <laura.gallo@ferramentagallo.it>")
        .to("helpdesk@projectpp.it")
        .subject("Senza Message-ID")
        .body("Il mio client non mette il Message-ID.\n")
        .bytes();
    let first = desk.ingest(&mail);
    assert_eq!(first.outcome, "created", "{}", first.raw);
    let spooled = desk.spool().len();
    let second = desk.ingest(&mail);
    assert_eq!(second.outcome, "duplicate", "{}", second.raw);
    assert!(!second.acknowledged);
    assert_eq!(desk.spool().len(), spooled, "a duplicate sends nothing");
    assert_eq!(desk.list().len(), 1, "a duplicate creates nothing");
}

#[test]
fn same_message_id_with_different_bytes_is_a_duplicate() {
    let desk = TestDesk::new();
    let first = Mail::customer("mario.rossi@acme.it", "Fatture", "same-id@acme.it");
    let again = first
        .clone()
        .header("X-Redelivered", "yes")
        .body("altro testo\n");
    assert_eq!(desk.ingest(&first.bytes()).outcome, "created");
    let outcome = desk.ingest(&again.bytes());
    assert_eq!(outcome.outcome, "duplicate", "{}", outcome.raw);
    assert_eq!(desk.list().len(), 1);
}

#[test]
fn storage_that_cannot_be_opened_exits_75_so_the_mta_retries() {
    let desk = TestDesk::new();
    // The data dir lies under a regular file: nothing can be created there.
    let blocker = desk.scratch().join("not-a-folder");
    std::fs::write(&blocker, b"x").expect("write blocker file");
    let data_dir = blocker.join("data");
    let config = desk.config_path().expect("config").to_owned();
    let mut cmd = std::process::Command::new(ppdesk_tests::server_bin());
    cmd.arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("ingest");
    let out = ppdesk_tests::run_command(cmd, Some(&first_mail()));
    out.assert_no_panic();
    assert_eq!(
        out.code(),
        Some(75),
        "storage unavailable must exit 75 (EX_TEMPFAIL) so the MTA keeps the message\n{}",
        out.transcript()
    );
}

#[test]
fn a_broken_config_makes_ingest_exit_75_so_the_mta_keeps_the_mail() {
    let desk = TestDesk::with_config("[helpdesk]\naddress = 42\n");
    let out = desk.run_with_stdin(&["ingest"], &first_mail());
    out.assert_no_panic();
    assert_eq!(
        out.code(),
        Some(75),
        "a config that cannot be used is a temporary failure\n{}",
        out.transcript()
    );
}

#[test]
fn ingest_works_on_the_built_in_defaults_without_any_config() {
    let desk = TestDesk::without_config();
    let outcome = desk.ingest(&first_mail());
    assert_eq!(
        (
            outcome.outcome.as_str(),
            outcome.ticket,
            outcome.acknowledged
        ),
        ("created", Some(10000), true),
        "{}",
        outcome.raw
    );
    assert_eq!(desk.spool().len(), 1, "the acknowledgement is spooled");
}

/// Every regular file under `dir`, relative, `/`-separated, in path order.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("list fixture dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.is_file() {
                let rel = path.strip_prefix(root).expect("under root");
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    // Path order compares component by component ("a/b" before "a-b").
    out.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
    out
}

#[test]
fn ingest_dir_over_the_fixture_stories_gives_one_line_per_file_in_path_order() {
    let desk = TestDesk::new();
    let root = fixtures_dir().join("mail");
    let expected = files_under(&root);
    let outcomes = desk.ingest_dir(&root);
    let got: Vec<String> = outcomes
        .iter()
        .map(|o| {
            o.file
                .clone()
                .unwrap_or_else(|| panic!("`ingest --dir` line without \"file\": {}", o.raw))
        })
        .collect();
    assert_eq!(
        got.iter().collect::<BTreeSet<_>>(),
        expected.iter().collect::<BTreeSet<_>>(),
        "one line per regular file (subfolders included), named relative to the folder"
    );
    assert_eq!(got, expected, "lines come in path order");
    for o in &outcomes {
        assert!(OUTCOMES.contains(&o.outcome.as_str()));
        if o.outcome == "quarantined" || o.outcome == "ignored" {
            assert_eq!(o.ticket, None, "{}", o.raw);
        }
    }
    // expect.toml, config.toml and .txt files are not mail: quarantined, and they stop nothing.
    let by_file = |name: &str| {
        outcomes
            .iter()
            .find(|o| o.file.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no line for {name}"))
    };
    assert_eq!(
        by_file("new-ticket-acknowledged/expect.toml").outcome,
        "quarantined"
    );
    assert_eq!(
        by_file("new-ticket-acknowledged/01-problema-emissione-fatture.eml").outcome,
        "created"
    );
}

#[test]
fn ingest_dir_keeps_going_after_a_bad_file() {
    let desk = TestDesk::new();
    let inbox = desk.scratch().join("inbox");
    std::fs::create_dir_all(inbox.join("sub")).expect("inbox dirs");
    std::fs::write(inbox.join("a-bad.eml"), b"\x00\x01 not mail at all").expect("write");
    std::fs::write(
        inbox.join("b-good.eml"),
        Mail::customer("mario.rossi@acme.it", "Primo", "dir-1@acme.it").bytes(),
    )
    .expect("write");
    std::fs::write(
        inbox.join("sub").join("c-good.eml"),
        Mail::customer("laura.gallo@ferramentagallo.it", "Secondo", "dir-2@x.it").bytes(),
    )
    .expect("write");
    let outcomes = desk.ingest_dir(&inbox);
    let summary: Vec<(String, String, Option<u64>)> = outcomes
        .iter()
        .map(|o| {
            (
                o.file.clone().unwrap_or_default(),
                o.outcome.clone(),
                o.ticket,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("a-bad.eml".into(), "quarantined".into(), None),
            ("b-good.eml".into(), "created".into(), Some(10000)),
            ("sub/c-good.eml".into(), "created".into(), Some(10001)),
        ]
    );
    assert_eq!(
        desk.spool().len(),
        2,
        "`ingest --dir` delivers the acknowledgements it queued before exiting"
    );
}

#[test]
fn ingest_dir_takes_every_regular_file_hidden_ones_included() {
    // The contract: every regular file of the folder and its subfolders. A message saved as
    // `.msg.eml` (or a maildir's `.Sent/cur/…`) is still mail somebody expects to be taken.
    let desk = TestDesk::new();
    let inbox = desk.scratch().join("inbox");
    std::fs::create_dir_all(inbox.join(".Archivio")).expect("inbox dirs");
    std::fs::write(
        inbox.join(".nascosto.eml"),
        Mail::customer("mario.rossi@acme.it", "Nascosto", "hidden-1@acme.it").bytes(),
    )
    .expect("write");
    std::fs::write(
        inbox.join(".Archivio").join("vecchio.eml"),
        Mail::customer(
            "laura.gallo@ferramentagallo.it",
            "Archivio",
            "hidden-2@x.it",
        )
        .bytes(),
    )
    .expect("write");
    let files: Vec<String> = desk
        .ingest_dir(&inbox)
        .into_iter()
        .map(|o| o.file.unwrap_or_default())
        .collect();
    assert_eq!(files, vec![".Archivio/vecchio.eml", ".nascosto.eml"]);
}

#[test]
fn ingest_dir_on_an_empty_folder_prints_nothing_and_succeeds() {
    let desk = TestDesk::new();
    let empty = desk.scratch().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    assert!(desk.ingest_dir(&empty).is_empty());
}
