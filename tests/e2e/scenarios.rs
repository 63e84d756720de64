//! The mail stories in `tests/fixtures/mail/<scenario>/`: every folder is one case.
//!
//! A scenario folder holds `.eml` files, an `expect.toml` and optionally a `config.toml`. The
//! runner feeds the steps to a fresh desk in order and checks, per step, the `ingest` outcome and
//! the acknowledgement that was (or was not) spooled, then the resulting tickets.
//!
//! `expect.toml` keys:
//! - `story`: what the scenario tells, in prose.
//! - `[[step]]` with either `file = "NN-x.eml"` (ingest it) or `run = [args…]` (a CLI command that
//!   must succeed; `{{dir}}` is the scenario folder). Ingest steps must state `outcome`,
//!   `acknowledged` and `ticket` (a number, `"none"` for null, or `"any"`).
//!   - `[step.ack]`: checks on the acknowledgement: `subject` (decoded, exact), `language`
//!     (`"it"` default, or `"en"`), `sector`, `body_contains`, `body_contains_any`,
//!     `body_not_contains`.
//!   - `[step.check]`: a ticket check (same keys as `[[ticket]]`) run right after the step.
//! - `[[ticket]]`: checks on `ticket show N --json`, see [`TicketCheck`].
//! - `tickets_total`: the length of `ticket list --json` at the end.
//!
//! Every acknowledgement is also checked against the contract without being asked: addressed to
//! the sender only, tag of the ticket in the subject, `In-Reply-To`/`References` naming the message,
//! `Auto-Submitted: auto-replied`, `X-Auto-Response-Suppress: All`, ticket number, sector and a
//! portal link in the body. A step with `acknowledged = false` must spool nothing for the sender;
//! a `duplicate` must spool nothing at all.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use ppdesk_tests::{
    SpooledMail, TestDesk, bare_id, default_config, fixtures_dir, looks_english, looks_italian,
    message_ids, tag,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    story: String,
    #[serde(default)]
    step: Vec<Step>,
    #[serde(default)]
    ticket: Vec<TicketCheck>,
    tickets_total: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    file: Option<String>,
    run: Option<Vec<String>>,
    outcome: Option<String>,
    ticket: Option<TicketExpect>,
    acknowledged: Option<bool>,
    ack: Option<AckCheck>,
    check: Option<TicketCheck>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TicketExpect {
    Number(u64),
    /// `"none"` (the JSON `null`) or `"any"` (not checked).
    Word(String),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AckCheck {
    subject: Option<String>,
    language: Option<String>,
    sector: Option<String>,
    #[serde(default)]
    body_contains: Vec<String>,
    #[serde(default)]
    body_contains_any: Vec<String>,
    #[serde(default)]
    body_not_contains: Vec<String>,
}

/// Assertions on `ticket show N --json`. JSON pointers may use `/inbound/i/…` and `/outbound/i/…`
/// for the i-th message in that direction.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketCheck {
    number: u64,
    /// The kinds of the inbound messages, in order.
    inbound_kinds: Option<Vec<String>>,
    /// Pointers whose value must be `null`.
    #[serde(default)]
    is_null: Vec<String>,
    /// Pointers whose value must exist and not be `null`.
    #[serde(default)]
    not_null: Vec<String>,
    /// Pointer → exact value.
    #[serde(default)]
    equals: BTreeMap<String, toml::Value>,
    /// Pointer → substrings (of the string, or of the JSON text for other values).
    #[serde(default)]
    contains: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    not_contains: BTreeMap<String, Vec<String>>,
    /// Message kind → how many messages of that kind (kinds not listed are not counted).
    #[serde(default)]
    kind_counts: BTreeMap<String, usize>,
    /// Each entry: some outbox item has these field values.
    #[serde(default)]
    outbox: Vec<BTreeMap<String, toml::Value>>,
    /// Each entry: some message has an attachment with these field values.
    #[serde(default)]
    attachment: Vec<BTreeMap<String, toml::Value>>,
    /// Exact number of attachments over all messages.
    attachments_total: Option<usize>,
}

/// Every folder under `tests/fixtures/mail`, sorted.
fn scenario_dirs() -> Vec<PathBuf> {
    let root = fixtures_dir().join("mail");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|e| e.expect("fixture dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_mail_story_in_the_fixtures_plays_out_as_expected() {
    let dirs = scenario_dirs();
    assert!(
        dirs.len() >= 15,
        "expected the fixture stories under tests/fixtures/mail, found {}",
        dirs.len()
    );
    // Scenarios are independent desks: run them side by side, report every failure at the end.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = dirs
            .iter()
            .map(|dir| {
                scope.spawn(move || {
                    let name = dir.file_name().unwrap_or_default().to_string_lossy();
                    run_scenario(dir).map_err(|e| format!("scenario `{name}`: {e}"))
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().expect("scenario thread").err())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

/// Runs one scenario folder; the error names the step that went wrong.
fn run_scenario(dir: &Path) -> Result<(), String> {
    let expect_path = dir.join("expect.toml");
    let text = std::fs::read_to_string(&expect_path)
        .map_err(|e| format!("cannot read {}: {e}", expect_path.display()))?;
    let expect: Expect =
        toml::from_str(&text).map_err(|e| format!("bad {}: {e}", expect_path.display()))?;
    if expect.story.trim().is_empty() {
        return Err("expect.toml has an empty `story`".into());
    }
    check_every_eml_is_used(dir, &expect)?;

    let config_path = dir.join("config.toml");
    let config = if config_path.is_file() {
        std::fs::read_to_string(&config_path).map_err(|e| format!("config.toml: {e}"))?
    } else {
        default_config()
    };
    let desk = TestDesk::with_config(&config);
    // The Message-ID of the first mail spooled during each step, for `{{sent:N}}`.
    let mut sent: Vec<Option<String>> = Vec::new();

    for (index, step) in expect.step.iter().enumerate() {
        let number = index + 1;
        let label = match (&step.file, &step.run) {
            (Some(file), None) => format!("step {number} (ingest {file})"),
            (None, Some(args)) => format!("step {number} (run {})", args.join(" ")),
            _ => {
                return Err(format!(
                    "step {number}: give exactly one of `file` or `run`"
                ));
            }
        };
        let result = catch_unwind(AssertUnwindSafe(|| run_step(&desk, dir, step, &sent)));
        match result {
            Ok(Ok(first_spooled_id)) => sent.push(first_spooled_id),
            Ok(Err(e)) => return Err(format!("{label}: {e}")),
            Err(panic) => return Err(format!("{label}: {}", panic_text(&panic))),
        }
    }

    let tickets = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        for check in &expect.ticket {
            check_ticket(&desk, check).map_err(|e| format!("ticket {}: {e}", check.number))?;
        }
        if let Some(total) = expect.tickets_total {
            let list = desk.list();
            if list.len() != total {
                return Err(format!(
                    "`ticket list --json` has {} tickets, expected {total}: {}",
                    list.len(),
                    Value::Array(list)
                ));
            }
        }
        Ok(())
    }));
    match tickets {
        Ok(result) => result.map_err(|e| format!("final checks: {e}")),
        Err(panic) => Err(format!("final checks: {}", panic_text(&panic))),
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        "panic".to_string()
    }
}

/// A forgotten `.eml` is a story not told: every file must be a step.
fn check_every_eml_is_used(dir: &Path, expect: &Expect) -> Result<(), String> {
    let used: BTreeSet<&str> = expect
        .step
        .iter()
        .filter_map(|s| s.file.as_deref())
        .collect();
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".eml") && !used.contains(name.as_ref()) {
            return Err(format!("{name} is not used by any step of expect.toml"));
        }
    }
    Ok(())
}

/// Fills `{{sent:N}}` with the Message-ID spooled during step N.
fn fill_placeholders(bytes: &[u8], sent: &[Option<String>]) -> Result<Vec<u8>, String> {
    let mut text = bytes.to_vec();
    while let Some(start) = find(&text, b"{{sent:") {
        let end = find(&text[start..], b"}}")
            .map(|e| start + e)
            .ok_or("unterminated {{sent:N}} placeholder")?;
        let n: usize = String::from_utf8_lossy(&text[start + 7..end])
            .trim()
            .parse()
            .map_err(|_| "bad {{sent:N}} placeholder".to_string())?;
        let id = sent
            .get(n.wrapping_sub(1))
            .cloned()
            .flatten()
            .ok_or_else(|| format!("{{{{sent:{n}}}}}: step {n} spooled no mail (yet)"))?;
        text.splice(start..end + 2, id.into_bytes());
    }
    Ok(text)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Runs one step, then its `[step.check]`; returns the Message-ID of the first mail it spooled.
fn run_step(
    desk: &TestDesk,
    dir: &Path,
    step: &Step,
    sent: &[Option<String>],
) -> Result<Option<String>, String> {
    let before = desk.spool_names();
    let first_spooled = if let Some(args) = &step.run {
        let dir_text = dir.to_str().ok_or("non UTF-8 fixture path")?;
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("{{dir}}", dir_text))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        desk.run(&args).assert_success();
        let new = desk.spool_since(&before);
        new.first().and_then(|m| m.message_id().map(str::to_string))
    } else {
        ingest_step(desk, dir, step, sent, &before)?
    };
    if let Some(check) = &step.check {
        check_ticket(desk, check).map_err(|e| format!("ticket {}: {e}", check.number))?;
    }
    Ok(first_spooled)
}

/// Ingests the step's file and checks outcome and acknowledgement; returns the Message-ID of the
/// first mail spooled (the acknowledgement when there is one).
fn ingest_step(
    desk: &TestDesk,
    dir: &Path,
    step: &Step,
    sent: &[Option<String>],
    before: &BTreeSet<String>,
) -> Result<Option<String>, String> {
    let file = step.file.as_deref().ok_or("step without file")?;
    let raw = std::fs::read(dir.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
    let message = fill_placeholders(&raw, sent)?;
    let outcome = desk.ingest(&message);

    let expected_outcome = step
        .outcome
        .as_deref()
        .ok_or("an ingest step must state `outcome`")?;
    let expected_ack = step
        .acknowledged
        .ok_or("an ingest step must state `acknowledged`")?;
    let got = format!(
        "got {{outcome: {}, ticket: {:?}, acknowledged: {}}}",
        outcome.outcome, outcome.ticket, outcome.acknowledged
    );
    if outcome.outcome != expected_outcome {
        return Err(format!("expected outcome `{expected_outcome}`, {got}"));
    }
    match step
        .ticket
        .as_ref()
        .ok_or("an ingest step must state `ticket`")?
    {
        TicketExpect::Number(n) if outcome.ticket != Some(*n) => {
            return Err(format!("expected ticket {n}, {got}"));
        }
        TicketExpect::Word(w) if w == "none" && outcome.ticket.is_some() => {
            return Err(format!("expected ticket null, {got}"));
        }
        TicketExpect::Word(w) if w != "none" && w != "any" => {
            return Err(format!(
                "`ticket = {w:?}`: use a number, \"none\" or \"any\""
            ));
        }
        _ => {}
    }
    if outcome.acknowledged != expected_ack {
        return Err(format!("expected acknowledged = {expected_ack}, {got}"));
    }

    let new_mail = desk.spool_since(before);
    let inbound = parse_inbound(&message);
    if expected_outcome == "duplicate" && !new_mail.is_empty() {
        return Err(format!(
            "a duplicate must send nothing, but the spool got {}",
            summaries(&new_mail)
        ));
    }
    let to_sender: Vec<&SpooledMail> = new_mail
        .iter()
        .filter(|m| inbound.from.as_ref().is_some_and(|f| m.to.contains(f)))
        .collect();
    if !expected_ack {
        if step.ack.is_some() {
            return Err("`[step.ack]` given for a step that is not acknowledged".into());
        }
        if !to_sender.is_empty() {
            return Err(format!(
                "acknowledged is false, but the sender was mailed: {}",
                summaries(&new_mail)
            ));
        }
        return Ok(new_mail
            .first()
            .and_then(|m| m.message_id().map(str::to_string)));
    }

    let ticket = outcome
        .ticket
        .ok_or("acknowledged without a ticket number")?;
    let ack = match to_sender.as_slice() {
        [one] => *one,
        [] => {
            return Err(format!(
                "acknowledged is true, but no mail to {:?} was spooled (new mail: {})",
                inbound.from,
                summaries(&new_mail)
            ));
        }
        many => {
            return Err(format!(
                "one acknowledgement expected, the sender got {}: {}",
                many.len(),
                summaries(&new_mail)
            ));
        }
    };
    let shown = desk.show(ticket);
    check_ack(
        ack,
        &inbound,
        ticket,
        &shown,
        step.ack.as_ref().unwrap_or(&AckCheck::default()),
    )?;
    Ok(ack.message_id().map(str::to_string))
}

fn summaries(mails: &[SpooledMail]) -> String {
    if mails.is_empty() {
        return "none".into();
    }
    mails
        .iter()
        .map(SpooledMail::summary)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the runner needs to know about the message it fed in.
struct Inbound {
    from: Option<String>,
    message_id: Option<String>,
}

fn parse_inbound(bytes: &[u8]) -> Inbound {
    let parsed = mail_parser::MessageParser::default().parse(bytes);
    let from = parsed
        .as_ref()
        .and_then(|m| m.from())
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_lowercase);
    let message_id = parsed
        .as_ref()
        .and_then(|m| m.message_id())
        .map(str::to_string);
    Inbound { from, message_id }
}

fn check_ack(
    ack: &SpooledMail,
    inbound: &Inbound,
    ticket: u64,
    shown: &Value,
    expect: &AckCheck,
) -> Result<(), String> {
    let what = format!("acknowledgement {}", ack.summary());
    let mut problems = Vec::new();
    if let Some(sender) = &inbound.from
        && ack.to != [sender.clone()]
    {
        problems.push(format!(
            "To should be only the sender {sender}, is {:?}",
            ack.to
        ));
    }
    let tag = tag(ticket);
    if !ack.subject.contains(&tag) {
        problems.push(format!("subject lacks the tag {tag:?}"));
    }
    if let Some(subject) = &expect.subject
        && &ack.subject != subject
    {
        problems.push(format!("subject should be {subject:?}"));
    }
    let auto = ack.header("Auto-Submitted").unwrap_or_default();
    if !auto
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case("auto-replied")
    {
        problems.push(format!("Auto-Submitted is {auto:?}, expected auto-replied"));
    }
    let suppress = ack.header("X-Auto-Response-Suppress").unwrap_or_default();
    if !suppress.eq_ignore_ascii_case("All") {
        problems.push(format!(
            "X-Auto-Response-Suppress is {suppress:?}, expected All"
        ));
    }
    if let Some(id) = &inbound.message_id {
        let in_reply_to: Vec<String> = ack.ids_in("In-Reply-To");
        if !in_reply_to.iter().any(|i| bare_id(i) == id) {
            problems.push(format!(
                "In-Reply-To is {:?}, expected <{id}>",
                ack.header("In-Reply-To")
            ));
        }
        let references = ack.ids_in("References");
        if !references.iter().any(|r| bare_id(r) == id) {
            problems.push(format!(
                "References {:?} does not name <{id}>",
                ack.header("References")
            ));
        }
    }
    if ack.message_id().map(message_ids).unwrap_or_default().len() != 1 {
        problems.push(format!("no usable Message-ID: {:?}", ack.message_id()));
    }
    let body = &ack.body;
    if !body.contains(&format!("{ticket:05}")) {
        problems.push(format!("body does not show the ticket number {ticket:05}"));
    }
    let sector = expect
        .sector
        .clone()
        .or_else(|| shown["sector"].as_str().map(str::to_string));
    match sector {
        Some(sector) if !body.contains(&sector) => {
            problems.push(format!("body does not name the sector {sector:?}"));
        }
        None => problems.push("the ticket has no sector to name".into()),
        _ => {}
    }
    if !body.contains("http://") && !body.contains("https://") {
        problems.push("body has no portal link".into());
    }
    match expect.language.as_deref().unwrap_or("it") {
        "it" if !looks_italian(body) => problems.push("body is not in Italian".into()),
        "en" if !looks_english(body) => problems.push("body is not in English".into()),
        "it" | "en" => {}
        other => problems.push(format!("unknown language {other:?} in expect.toml")),
    }
    for needle in &expect.body_contains {
        if !body.contains(needle) {
            problems.push(format!("body lacks {needle:?}"));
        }
    }
    if !expect.body_contains_any.is_empty()
        && !expect.body_contains_any.iter().any(|n| body.contains(n))
    {
        problems.push(format!("body has none of {:?}", expect.body_contains_any));
    }
    for needle in &expect.body_not_contains {
        if body.contains(needle) {
            problems.push(format!("body should not contain {needle:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what}:\n  - {}\n--- body ---\n{body}",
            problems.join("\n  - ")
        ))
    }
}

/// `ticket show --json` plus `inbound`/`outbound`: the messages split by direction.
fn ticket_view(desk: &TestDesk, number: u64) -> Value {
    let mut shown = desk.show(number);
    let messages = shown["messages"].as_array().cloned().unwrap_or_default();
    let by_direction = |dir: &str| {
        Value::Array(
            messages
                .iter()
                .filter(|m| m["direction"] == dir)
                .cloned()
                .collect(),
        )
    };
    let (inbound, outbound) = (by_direction("inbound"), by_direction("outbound"));
    if let Some(obj) = shown.as_object_mut() {
        obj.insert("inbound".into(), inbound);
        obj.insert("outbound".into(), outbound);
    }
    shown
}

fn check_ticket(desk: &TestDesk, check: &TicketCheck) -> Result<(), String> {
    let view = ticket_view(desk, check.number);
    let mut problems = Vec::new();
    let at = |pointer: &str| view.pointer(pointer);

    if let Some(kinds) = &check.inbound_kinds {
        let got: Vec<&str> = view["inbound"]
            .as_array()
            .map(|ms| {
                ms.iter()
                    .map(|m| m["kind"].as_str().unwrap_or("?"))
                    .collect()
            })
            .unwrap_or_default();
        if got != kinds.iter().map(String::as_str).collect::<Vec<_>>() {
            problems.push(format!("inbound kinds are {got:?}, expected {kinds:?}"));
        }
    }
    for pointer in &check.is_null {
        match at(pointer) {
            Some(Value::Null) => {}
            other => problems.push(format!("{pointer} should be null, is {other:?}")),
        }
    }
    for pointer in &check.not_null {
        match at(pointer) {
            None | Some(Value::Null) => problems.push(format!("{pointer} should be set")),
            _ => {}
        }
    }
    for (pointer, expected) in &check.equals {
        let expected = serde_json::to_value(expected).map_err(|e| e.to_string())?;
        match at(pointer) {
            Some(got) if *got == expected => {}
            other => problems.push(format!("{pointer} should be {expected}, is {other:?}")),
        }
    }
    for (pointer, needles) in &check.contains {
        let Some(value) = at(pointer) else {
            problems.push(format!("{pointer} is missing"));
            continue;
        };
        let text = value_text(value);
        for needle in needles {
            if !text.contains(needle.as_str()) {
                problems.push(format!("{pointer} lacks {needle:?}: {text:?}"));
            }
        }
    }
    for (pointer, needles) in &check.not_contains {
        let text = at(pointer).map(value_text).unwrap_or_default();
        for needle in needles {
            if text.contains(needle.as_str()) {
                problems.push(format!("{pointer} should not contain {needle:?}: {text:?}"));
            }
        }
    }
    let messages = view["messages"].as_array().cloned().unwrap_or_default();
    for (kind, count) in &check.kind_counts {
        let got = messages
            .iter()
            .filter(|m| m["kind"] == kind.as_str())
            .count();
        if got != *count {
            problems.push(format!("{got} messages of kind {kind:?}, expected {count}"));
        }
    }
    let outbox = view["outbox"].as_array().cloned().unwrap_or_default();
    for wanted in &check.outbox {
        if !outbox.iter().any(|item| fields_match(item, wanted)) {
            problems.push(format!(
                "no outbox item like {wanted:?} in {}",
                Value::Array(outbox.clone())
            ));
        }
    }
    let attachments: Vec<Value> = messages
        .iter()
        .flat_map(|m| m["attachments"].as_array().cloned().unwrap_or_default())
        .collect();
    for wanted in &check.attachment {
        if !attachments.iter().any(|a| fields_match(a, wanted)) {
            problems.push(format!(
                "no attachment like {wanted:?} in {}",
                Value::Array(attachments.clone())
            ));
        }
    }
    if let Some(total) = check.attachments_total
        && attachments.len() != total
    {
        problems.push(format!(
            "{} attachments, expected {total}: {}",
            attachments.len(),
            Value::Array(attachments.clone())
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "\n  - {}\n--- ticket show --json ---\n{}",
            problems.join("\n  - "),
            serde_json::to_string_pretty(&desk.show(check.number)).unwrap_or_default()
        ))
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// True when `item` has every wanted field. Content types compare by essence, case-insensitively;
/// addresses (`recipient`, `from`) may carry a display name.
fn fields_match(item: &Value, wanted: &BTreeMap<String, toml::Value>) -> bool {
    wanted.iter().all(|(key, expected)| {
        let Ok(expected) = serde_json::to_value(expected) else {
            return false;
        };
        let got = &item[key.as_str()];
        match (key.as_str(), got, &expected) {
            ("content_type", Value::String(g), Value::String(e)) => {
                let essence = g.split(';').next().unwrap_or_default().trim();
                essence.eq_ignore_ascii_case(e)
            }
            ("recipient" | "from", Value::String(g), Value::String(e)) => {
                g.to_lowercase().contains(&e.to_lowercase())
            }
            _ => *got == expected,
        }
    })
}

#[test]
fn placeholders_name_the_mail_spooled_by_an_earlier_step() {
    let sent = vec![Some("<ack-1@projectpp.it>".to_string()), None];
    let filled = fill_placeholders(b"In-Reply-To: {{sent:1}}\r\n", &sent).expect("filled");
    assert_eq!(filled, b"In-Reply-To: <ack-1@projectpp.it>\r\n");
    assert!(fill_placeholders(b"{{sent:2}}", &sent).is_err());
}
