//! corpus-check: runs `ppdesk-server ingest --dir` over every folder of the third-party mail
//! corpus (`../shared/corpus`, never copied into the repo) and checks that real-world mail never
//! breaks intake.
//!
//! Per folder: exit 0, no panic, exactly one JSON line per file, every outcome one of created /
//! appended / ignored / duplicate / quarantined. For `zammad`, every `mailNNN.yml` (Zammad's own
//! parser output) must agree with us on the decoded subject of `mailNNN.box`, looked up with
//! `ticket show --json` (only for files that created or appended a ticket).
//!
//! Usage: `corpus-check [CORPUS_DIR]` (default `../shared/corpus`). Exits 1 on any failure.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use ppdesk_tests::{Outcome, TestDesk, bare_id, normalize_ws};
use serde_json::Value;

/// Outcomes a fresh import may give (nothing is resolved yet, so nothing can be reopened).
const ALLOWED: [&str; 5] = ["created", "appended", "ignored", "duplicate", "quarantined"];

/// A single folder must be taken within this time, or the check fails.
const FOLDER_TIMEOUT: Duration = Duration::from_secs(900);

fn main() -> ExitCode {
    let corpus = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus"));
    if !corpus.is_dir() {
        eprintln!("corpus-check: {} is not a folder", corpus.display());
        return ExitCode::FAILURE;
    }
    let mut folders: Vec<PathBuf> = match std::fs::read_dir(&corpus) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect(),
        Err(e) => {
            eprintln!("corpus-check: cannot list {}: {e}", corpus.display());
            return ExitCode::FAILURE;
        }
    };
    folders.sort();

    let reports: Vec<FolderReport> = folders.iter().map(|f| check_folder(f)).collect();
    print_summary(&reports);
    // The closing line in the plain "N passed, N failed" form: every file checked is one case.
    let files: usize = reports.iter().map(|r| r.files).sum();
    let failed: usize = reports.iter().map(|r| r.failures.len()).sum();
    println!(
        "\ncorpus-check: {} folders, {files} files, {failed} failure(s)",
        reports.len()
    );
    println!(
        "corpus-check: {} passed, {failed} failed",
        files.saturating_sub(failed)
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[derive(Default)]
struct FolderReport {
    name: String,
    files: usize,
    counts: BTreeMap<String, usize>,
    /// (file, reason)
    quarantined: Vec<(String, String)>,
    /// Zammad subjects compared / skipped (no subject in the yml, or no stored message found).
    subjects_checked: usize,
    subjects_skipped: Vec<String>,
    failures: Vec<String>,
}

/// Every regular file under `dir`, relative with `/`, in path order.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else if path.is_file()
                    && let Ok(rel) = path.strip_prefix(root)
                {
                    out.push(rel.to_path_buf());
                }
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, dir, &mut paths);
    paths.sort();
    paths
        .iter()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

fn check_folder(folder: &Path) -> FolderReport {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    eprintln!("corpus-check: {name} …");
    let mut report = FolderReport {
        name: name.clone(),
        ..FolderReport::default()
    };
    let expected_files = files_under(folder);
    report.files = expected_files.len();

    let desk = TestDesk::without_config();
    let Some(folder_arg) = folder.to_str() else {
        report.failures.push("folder path is not UTF-8".into());
        return report;
    };
    let out = desk.run_for(&["ingest", "--dir", folder_arg], FOLDER_TIMEOUT);
    if out.stderr.contains("panicked") {
        report.failures.push(format!(
            "the server panicked:\n{}",
            excerpt(&out.stderr, 40)
        ));
    }
    if out.code() != Some(0) {
        report.failures.push(format!(
            "`ingest --dir` exited with {} (expected 0):\n{}",
            out.status,
            excerpt(&out.stderr, 20)
        ));
    }

    let mut by_file: BTreeMap<String, Outcome> = BTreeMap::new();
    for line in out.stdout.lines().filter(|l| !l.trim().is_empty()) {
        match Outcome::parse(line) {
            Ok(outcome) => {
                let Some(file) = outcome.file.clone() else {
                    report
                        .failures
                        .push(format!("line without \"file\": {line}"));
                    continue;
                };
                if !ALLOWED.contains(&outcome.outcome.as_str()) {
                    report
                        .failures
                        .push(format!("{file}: unexpected outcome {}", outcome.outcome));
                }
                *report.counts.entry(outcome.outcome.clone()).or_default() += 1;
                if outcome.outcome == "quarantined" {
                    let reason = outcome.raw["reason"]
                        .as_str()
                        .unwrap_or("(no reason given)")
                        .to_string();
                    report.quarantined.push((file.clone(), reason));
                }
                if by_file.insert(file.clone(), outcome).is_some() {
                    report.failures.push(format!("{file}: more than one line"));
                }
            }
            Err(e) => report.failures.push(format!("bad output line: {e}")),
        }
    }
    for file in &expected_files {
        if !by_file.contains_key(file) {
            report.failures.push(format!("{file}: no output line"));
        }
    }
    for file in by_file.keys() {
        if !expected_files.contains(file) {
            report
                .failures
                .push(format!("{file}: a line for a file that does not exist"));
        }
    }

    if name == "zammad" {
        check_zammad_subjects(folder, &desk, &by_file, &mut report);
    }
    report
}

/// Compares Zammad's decoded subject (mailNNN.yml) with the one we stored for mailNNN.box.
fn check_zammad_subjects(
    folder: &Path,
    desk: &TestDesk,
    by_file: &BTreeMap<String, Outcome>,
    report: &mut FolderReport,
) {
    let mut shown: HashMap<u64, Option<Value>> = HashMap::new();
    for (file, outcome) in by_file {
        let Some(stem) = file.strip_suffix(".box") else {
            continue;
        };
        if !matches!(outcome.outcome.as_str(), "created" | "appended") {
            continue;
        }
        let Some(ticket) = outcome.ticket else {
            report.failures.push(format!(
                "{file}: {} without a ticket number",
                outcome.outcome
            ));
            continue;
        };
        let yml_path = folder.join(format!("{stem}.yml"));
        let Ok(yml) = std::fs::read_to_string(&yml_path) else {
            report
                .subjects_skipped
                .push(format!("{file}: no {stem}.yml"));
            continue;
        };
        let expected = match yaml_subject(&yml) {
            Ok(Some(subject)) => subject,
            Ok(None) => {
                report
                    .subjects_skipped
                    .push(format!("{file}: the yml has no subject"));
                continue;
            }
            Err(e) => {
                report
                    .subjects_skipped
                    .push(format!("{file}: cannot read the yml subject: {e}"));
                continue;
            }
        };
        let Some(json) = shown
            .entry(ticket)
            .or_insert_with(|| {
                let out = desk.run(&["ticket", "show", &ticket.to_string(), "--json"]);
                if out.status.success() {
                    serde_json::from_str(&out.stdout).ok()
                } else {
                    None
                }
            })
            .as_ref()
        else {
            report
                .failures
                .push(format!("{file}: `ticket show {ticket} --json` failed"));
            continue;
        };
        let raw = std::fs::read(folder.join(file)).unwrap_or_default();
        let message_id = mail_parser::MessageParser::default()
            .parse(&raw)
            .and_then(|m| m.message_id().map(str::to_string));
        let inbound: Vec<&Value> = json["messages"]
            .as_array()
            .map(|ms| ms.iter().filter(|m| m["direction"] == "inbound").collect())
            .unwrap_or_default();
        let stored = match &message_id {
            Some(id) => inbound
                .iter()
                .find(|m| m["message_id"].as_str().map(bare_id) == Some(bare_id(id))),
            // Without a Message-ID, a ticket this file created has it as its first message.
            None if outcome.outcome == "created" => inbound.first(),
            None => None,
        };
        let Some(stored) = stored else {
            report.subjects_skipped.push(format!(
                "{file}: no stored message found on ticket {ticket} (Message-ID {message_id:?})"
            ));
            continue;
        };
        let got = stored["subject"].as_str().unwrap_or_default();
        report.subjects_checked += 1;
        if normalize_ws(got) != normalize_ws(&expected) {
            report.failures.push(format!(
                "{file}: subject mismatch\n      zammad: {:?}\n      ppdesk: {:?}",
                normalize_ws(&expected),
                normalize_ws(got)
            ));
        }
    }
}

/// Reads the top-level `subject:` of a Zammad fixture yml. `Ok(None)` when it is absent or null.
///
/// A hand reader instead of a YAML crate: the files start with a Ruby-specific tag
/// (`--- !ruby/hash:ActiveSupport::HashWithIndifferentAccess`) that generic parsers reject or need
/// configuring for, and `subject` is always a one-key scalar — plain, 'single-quoted' ('' escapes)
/// or "double-quoted" (backslash escapes) — possibly folded over indented lines. That subset is a
/// few dozen lines, and the check keeps zero extra dependencies.
fn yaml_subject(yml: &str) -> Result<Option<String>, String> {
    let lines: Vec<&str> = yml.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("subject:")) else {
        return Ok(None);
    };
    let first = lines[start]["subject:".len()..].trim_start();
    // Continuation lines are indented; the next top-level key ends the value.
    let continuation: Vec<&str> = lines[start + 1..]
        .iter()
        .take_while(|l| l.is_empty() || l.starts_with([' ', '\t']))
        .copied()
        .collect();
    match first.chars().next() {
        None if continuation.iter().all(|l| l.trim().is_empty()) => Ok(None),
        Some('\'') | Some('"') => {
            let quote = first.chars().next().unwrap_or('"');
            // Fold the raw text first: a line break plus indentation is one space, an empty line
            // a newline (YAML flow folding), then unescape.
            let mut raw = first[1..].to_string();
            for line in &continuation {
                if raw.ends_with('\\') && quote == '"' {
                    // An escaped line break joins without a space.
                    raw.pop();
                    raw.push_str(line.trim_start());
                } else if line.trim().is_empty() {
                    raw.push('\n');
                } else {
                    if !raw.ends_with('\n') {
                        raw.push(' ');
                    }
                    raw.push_str(line.trim());
                }
            }
            if quote == '\'' {
                unquote_single(&raw).map(Some)
            } else {
                unquote_double(&raw).map(Some)
            }
        }
        Some('|') | Some('>') => Err("block scalars are not supported".into()),
        _ => {
            let mut value = first.trim_end().to_string();
            for line in &continuation {
                if !line.trim().is_empty() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            }
            if value.is_empty() || value == "~" || value == "null" {
                Ok(None)
            } else {
                Ok(Some(value))
            }
        }
    }
}

fn unquote_single(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else {
                return Ok(out);
            }
        } else {
            out.push(c);
        }
    }
    Err("unterminated single-quoted scalar".into())
}

fn unquote_double(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Ok(out),
            '\\' => {
                let escaped = chars.next().ok_or("dangling backslash")?;
                match escaped {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' | '\t' => out.push('\t'),
                    '0' => out.push('\0'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'e' => out.push('\u{1b}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    ' ' => out.push(' '),
                    '/' => out.push('/'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'N' => out.push('\u{85}'),
                    '_' => out.push('\u{a0}'),
                    'L' => out.push('\u{2028}'),
                    'P' => out.push('\u{2029}'),
                    'x' | 'u' | 'U' => {
                        let len = match escaped {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = chars.by_ref().take(len).collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .map_err(|_| format!("bad \\{escaped} escape {hex:?}"))?;
                        out.push(char::from_u32(code).ok_or("escape is not a character")?);
                    }
                    other => return Err(format!("unknown escape \\{other}")),
                }
            }
            c => out.push(c),
        }
    }
    Err("unterminated double-quoted scalar".into())
}

fn excerpt(text: &str, max_lines: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let shown = lines.len().min(max_lines);
    let mut out = lines[..shown].join("\n");
    if lines.len() > shown {
        out.push_str(&format!("\n… ({} more lines)", lines.len() - shown));
    }
    out
}

fn print_summary(reports: &[FolderReport]) {
    let header = ["created", "appended", "ignored", "duplicate", "quarantined"];
    println!(
        "\n{:<28} {:>6} {}  {:>8}",
        "folder",
        "files",
        header
            .iter()
            .map(|h| format!("{h:>11}"))
            .collect::<Vec<_>>()
            .join(" "),
        "failures"
    );
    for r in reports {
        println!(
            "{:<28} {:>6} {}  {:>8}",
            r.name,
            r.files,
            header
                .iter()
                .map(|h| format!("{:>11}", r.counts.get(*h).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join(" "),
            r.failures.len()
        );
    }
    for r in reports {
        if !r.quarantined.is_empty() {
            println!("\n{}: quarantined", r.name);
            for (file, reason) in &r.quarantined {
                println!("  {file}: {reason}");
            }
        }
        if r.name == "zammad" {
            println!(
                "\nzammad: {} subjects compared with Zammad's, {} skipped",
                r.subjects_checked,
                r.subjects_skipped.len()
            );
            for skipped in &r.subjects_skipped {
                println!("  skipped {skipped}");
            }
        }
        if !r.failures.is_empty() {
            println!("\n{}: FAILURES", r.name);
            for failure in &r.failures {
                println!("  {failure}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::yaml_subject;

    fn subject(yml: &str) -> Option<String> {
        yaml_subject(yml).expect("readable")
    }

    #[test]
    fn plain_single_and_double_quoted_subjects() {
        assert_eq!(
            subject("subject: Ticket Templates\nbody: x"),
            Some("Ticket Templates".into())
        );
        assert_eq!(
            subject("subject: 'it''s here '\n"),
            Some("it's here ".into())
        );
        assert_eq!(
            subject("subject: \"a\\tb \\u00e9\"\n"),
            Some("a\tb é".into())
        );
        assert_eq!(subject("subject:\nbody: x"), None);
        assert_eq!(subject("from: x\n"), None);
    }

    #[test]
    fn folded_quoted_subjects() {
        assert_eq!(
            subject("subject: \"-90%! Nur 3,90\n  und Magnet\"\nbody: |-\n  x"),
            Some("-90%! Nur 3,90 und Magnet".into())
        );
        assert_eq!(
            subject("subject: 'Kinder: Schnell\n  Haare (PM)'\nbody: x"),
            Some("Kinder: Schnell Haare (PM)".into())
        );
    }
}
