use std::fs;

use chrono::{Duration, Utc};
use ppdesk_shared::Priority;
use ppdesk_shared::api::MachineFacts;

use super::*;
use crate::draft::{Attachment, Contact};

fn draft(subject: &str) -> Draft {
    Draft {
        id: DraftId::new(Utc::now()),
        created_at: Utc::now(),
        subject: subject.into(),
        description: "Da stamattina".into(),
        category: None,
        priority: Priority::Normal,
        contact: Contact {
            name: "Anna Bianchi".into(),
            email: "anna.bianchi@acme.test".into(),
        },
        machine: MachineFacts::default(),
        screenshot: Some(Attachment::screenshot(b"\x89PNG\r\n\x1a\npixels".to_vec())),
        attachments: vec![
            Attachment::new("a.txt", b"first".to_vec()),
            Attachment::new("b.pdf", b"%PDF second".to_vec()),
        ],
    }
}

#[test]
fn a_stored_draft_reads_back_with_every_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("opens");
    let original = draft("Stampante ufficio 2 non stampa");
    outbox.put(&original).expect("stored");
    assert_eq!(outbox.load(&original.id).expect("loads"), original);
    let listed = outbox.list().expect("lists");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].subject, original.subject);
    assert_eq!(listed[0].files, 3);
    assert_eq!(listed[0].state, DeliveryState::default());
    assert_eq!(outbox.pending_count(), 1);
}

#[test]
fn an_invalid_draft_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("opens");
    let mut invalid = draft("");
    invalid.contact.email = String::new();
    match outbox.put(&invalid) {
        Err(OutboxError::Invalid { problems }) => assert_eq!(problems.len(), 2),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(outbox.pending_count(), 0);
}

#[test]
fn a_draft_survives_reopening_and_leaves_only_when_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stored = draft("Gestionale lento da ieri");
    Outbox::open(dir.path())
        .expect("opens")
        .put(&stored)
        .expect("stored");
    // A new process (the agent restarted) sees it.
    let reopened = Outbox::open(dir.path()).expect("reopens");
    assert_eq!(reopened.load(&stored.id).expect("loads"), stored);
    reopened.remove(&stored.id).expect("removed");
    reopened
        .remove(&stored.id)
        .expect("removing twice is harmless");
    assert_eq!(
        Outbox::open(dir.path()).expect("reopens").pending_count(),
        0
    );
}

#[test]
fn interrupted_writes_and_deletes_are_cleared_not_listed() {
    let dir = tempfile::tempdir().expect("tempdir");
    Outbox::open(dir.path()).expect("opens");
    // What a crash in the middle of `put` and of `remove` leaves behind.
    fs::create_dir(dir.path().join(".tmp-20261126T120405-00000001")).expect("mkdir");
    fs::write(
        dir.path()
            .join(".tmp-20261126T120405-00000001/screenshot.png"),
        b"x",
    )
    .expect("write");
    fs::create_dir(dir.path().join(".done-20261126T120405-00000002")).expect("mkdir");
    let outbox = Outbox::open(dir.path()).expect("reopens");
    assert_eq!(outbox.list().expect("lists"), vec![]);
    assert!(!dir.path().join(".tmp-20261126T120405-00000001").exists());
    assert!(!dir.path().join(".done-20261126T120405-00000002").exists());
}

#[test]
fn a_corrupt_draft_is_listed_with_its_problem_not_hidden() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("opens");
    let stored = draft("Rete assente in magazzino");
    outbox.put(&stored).expect("stored");
    fs::write(
        dir.path().join(stored.id.as_str()).join("draft.json"),
        b"{ broken",
    )
    .expect("corrupt it");
    let listed = outbox.list().expect("lists");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].state.refused, "not retried automatically");
    let error = listed[0].state.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("draft.json"), "{error}");
}

#[test]
fn delivery_state_decides_what_is_due() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("opens");
    let stored = draft("Scanner non acquisisce");
    outbox.put(&stored).expect("stored");
    let now = Utc::now();
    assert!(outbox.state(&stored.id).expect("state").is_due(now));
    let state = DeliveryState {
        attempts: 2,
        last_attempt_at: Some(now),
        last_error: Some("connection refused".into()),
        next_attempt_at: Some(backoff::next_attempt(2, now)),
        refused: false,
        delivered: false,
    };
    outbox.set_state(&stored.id, &state).expect("saved");
    let read = outbox.state(&stored.id).expect("state");
    assert_eq!(read, state);
    assert!(!read.is_due(now));
    assert!(read.is_due(now + Duration::minutes(1)));
    let refused = DeliveryState {
        refused: true,
        ..state
    };
    assert!(!refused.is_due(now + Duration::days(1)));
}

#[test]
fn only_one_process_at_a_time_holds_a_drafts_send_lock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("opens");
    let stored = draft("Posta non arriva");
    outbox.put(&stored).expect("stored");
    let other_process = Outbox::open(dir.path()).expect("opens again");
    let held = outbox.try_lock(&stored.id).expect("free at first");
    assert!(
        other_process.try_lock(&stored.id).is_none(),
        "held elsewhere"
    );
    drop(held);
    assert!(other_process.try_lock(&stored.id).is_some(), "free again");
}

#[test]
fn a_delivered_draft_that_could_not_be_removed_is_never_listed_and_goes_at_next_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("opens");
    let stored = draft("Badge non apre la porta");
    outbox.put(&stored).expect("stored");
    let delivered = DeliveryState {
        delivered: true,
        ..DeliveryState::default()
    };
    outbox.set_state(&stored.id, &delivered).expect("marked");
    assert!(!delivered.is_due(Utc::now() + Duration::days(1)));
    assert_eq!(
        outbox.list().expect("lists"),
        vec![],
        "not pending any more"
    );
    Outbox::open(dir.path()).expect("reopens");
    assert!(!dir.path().join(stored.id.as_str()).exists(), "removed");
}

#[test]
fn lock_files_go_with_their_drafts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = Outbox::open(dir.path()).expect("opens");
    let stored = draft("Wi-Fi sala riunioni");
    outbox.put(&stored).expect("stored");
    let lock_file = dir
        .path()
        .join(".locks")
        .join(format!("{}.lock", stored.id));
    {
        let _held = outbox.try_lock(&stored.id).expect("free");
        outbox.remove(&stored.id).expect("removed");
    }
    // Removed with the draft where the OS allows it, else by the next open.
    Outbox::open(dir.path()).expect("reopens");
    assert!(!lock_file.exists());
}

#[cfg(unix)]
#[test]
fn the_outbox_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("outbox");
    Outbox::open(&path).expect("opens");
    let mode = fs::metadata(&path).expect("metadata").permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
}
