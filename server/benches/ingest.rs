//! `cargo bench -p ppdesk-server --bench ingest` — throughput of `ppdesk-server ingest --dir`.
//!
//! Generates messages into a temp folder, then runs the real release binary over them, each
//! scenario in a fresh data dir with SQLite durable (WAL, synchronous=NORMAL), and prints
//! figures. Scenarios: 1 KB text and ~200 KB with a PNG screenshot; new tickets, then tagged
//! replies (`R: #Standard# Ticket #[N] …`) to those tickets. The timed command includes what
//! `ingest --dir` does before exiting: delivering every acknowledgement to the spool.
//!
//! `PPDESK_BENCH_COUNT` (default 10000) sets the messages per scenario.
//!
//! Every message leaves files behind (its raw bytes in the blob store, its acknowledgement in
//! the spool), so the figures depend on how fast the file system creates files. On ext4, for a
//! few minutes after many files were deleted (a previous run's temp dir), the inode allocator
//! skips the recently freed inodes one by one and file creation gets several times slower:
//! run it on a file system that has been left alone for five minutes.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const FIRST_NUMBER: u64 = 10000;

fn main() {
    let count: usize = std::env::var("PPDESK_BENCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let server = PathBuf::from(env!("CARGO_BIN_EXE_ppdesk-server"));
    let work = tempfile::tempdir().expect("temp dir");
    println!(
        "ppdesk ingest benchmark: {count} messages per scenario, binary {}",
        server.display()
    );
    println!(
        "{:<34} {:>7} {:>9} {:>9} {:>9} {:>11}",
        "scenario", "msgs", "wall s", "msgs/s", "MB/s in", "CPU s (u+s)"
    );

    // PPDESK_BENCH_SIZES=text or =png runs one size only.
    let only = std::env::var("PPDESK_BENCH_SIZES").unwrap_or_default();
    for (label, attachment) in [("1 KB text", false), ("200 KB with PNG", true)] {
        if (only == "text" && attachment) || (only == "png" && !attachment) {
            continue;
        }
        let data_dir = work.path().join(format!("data-{attachment}"));
        let new_dir = work.path().join(format!("new-{attachment}"));
        let reply_dir = work.path().join(format!("reply-{attachment}"));
        let new_bytes = generate(&new_dir, count, attachment, None);
        let reply_bytes = generate(&reply_dir, count, attachment, Some(FIRST_NUMBER));
        // Flush the generator's writes first, so the kernel writing them back does not compete
        // with the run being measured.
        settle();

        let (seconds, cpu, outcomes) = run_ingest(&server, &data_dir, &new_dir);
        check(&outcomes, "created", count);
        report(
            &format!("{label}, new tickets"),
            count,
            seconds,
            cpu,
            new_bytes,
        );

        settle();
        let (seconds, cpu, outcomes) = run_ingest(&server, &data_dir, &reply_dir);
        check(&outcomes, "appended", count);
        report(
            &format!("{label}, tagged replies"),
            count,
            seconds,
            cpu,
            reply_bytes,
        );

        // Nothing is deleted until every scenario ran: on a disk mounted with `discard`,
        // deleting gigabytes makes the kernel trim them while the next scenario runs, which
        // slowed file creation five-fold in our runs.
    }
}

fn settle() {
    let _ = Command::new("sync").status();
}

fn report(label: &str, count: usize, seconds: f64, cpu: f64, bytes: u64) {
    println!(
        "{:<34} {:>7} {:>9.2} {:>9.0} {:>9.1} {:>11.2}",
        label,
        count,
        seconds,
        count as f64 / seconds,
        bytes as f64 / 1e6 / seconds,
        cpu
    );
}

/// CPU seconds (user + system) used so far by waited-for children: unlike wall time, it does
/// not grow when other work shares the machine.
fn children_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    if rc != 0 {
        return f64::NAN;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Runs `ingest --dir` and returns the wall time, the CPU time and each line's outcome.
fn run_ingest(server: &Path, data_dir: &Path, dir: &Path) -> (f64, f64, Vec<String>) {
    let config = data_dir.with_extension("toml");
    std::fs::write(
        &config,
        // The per-sender cap is for robots; the benchmark's senders are many people.
        "[acknowledgement]\nmax_per_sender_per_hour = 1000000\n",
    )
    .expect("write config");
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    let mut child = Command::new(server)
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("ingest")
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start ppdesk-server");
    let stdout = child.stdout.take().expect("stdout");
    let outcomes: Vec<String> = BufReader::new(stdout)
        .lines()
        .map(|line| {
            let line = line.expect("read line");
            let value: serde_json::Value = serde_json::from_str(&line).expect("JSON line");
            value["outcome"].as_str().unwrap_or("error").to_string()
        })
        .collect();
    let status = child.wait().expect("wait");
    let seconds = started.elapsed().as_secs_f64();
    let cpu = children_cpu_seconds() - cpu_before;
    assert!(status.success(), "ingest --dir failed: {status}");
    (seconds, cpu, outcomes)
}

fn check(outcomes: &[String], expected: &str, count: usize) {
    let good = outcomes.iter().filter(|o| *o == expected).count();
    assert_eq!(
        good,
        count,
        "expected {count} × {expected}, got {:?}",
        summary(outcomes)
    );
}

fn summary(outcomes: &[String]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for o in outcomes {
        match counts.iter_mut().find(|(k, _)| k == o) {
            Some((_, n)) => *n += 1,
            None => counts.push((o.clone(), 1)),
        }
    }
    counts
}

/// Writes `count` messages; replies (when `reply_to_first` is set) carry the tag of ticket
/// `first + i` in an Outlook-style Italian subject. Returns the bytes written.
fn generate(dir: &Path, count: usize, attachment: bool, reply_to_first: Option<u64>) -> u64 {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut total = 0u64;
    let filler = "La procedura di emissione ddt sul registro VENIMM si blocca con un errore. ";
    for i in 0..count {
        let sender = format!("utente{}@cliente{}.example", i % 500, i % 50);
        let (subject, id_prefix) = match reply_to_first {
            Some(first) => (
                format!(
                    "R: #Standard# Ticket #[{}] Problema numero {i}",
                    first + i as u64
                ),
                "reply",
            ),
            None => (format!("Problema numero {i} con Mago4"), "new"),
        };
        let mut text = format!("Buongiorno,\r\nsegnalo il problema {i}.\r\n");
        while text.len() < 900 {
            text.push_str(filler);
            text.push_str("\r\n");
        }
        let mut mail = format!(
            "From: Utente {i} <{sender}>\r\nTo: helpdesk@ppdesk.localhost\r\n\
             Subject: {subject}\r\nMessage-ID: <{id_prefix}-{i}@bench.example>\r\n\
             Date: Thu, 26 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        );
        if attachment {
            let png = screenshot_png(i as u32);
            let boundary = "=_ppdesk_bench_boundary";
            mail.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
                 --{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\
                 --{boundary}\r\nContent-Type: image/png; name=\"schermata.png\"\r\n\
                 Content-Disposition: attachment; filename=\"schermata.png\"\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--{boundary}--\r\n",
                base64_lines(&png)
            ));
        } else {
            mail.push_str(&format!(
                "Content-Type: text/plain; charset=utf-8\r\n\r\n{text}"
            ));
        }
        let path = dir.join(format!("{i:06}.eml"));
        let mut file = std::fs::File::create(&path).expect("create");
        file.write_all(mail.as_bytes()).expect("write");
        total += mail.len() as u64;
    }
    total
}

/// A ~140 KB PNG (≈190 KB once base64-encoded in the mail): noisy pixels, as a busy screen.
fn screenshot_png(seed: u32) -> Vec<u8> {
    let (width, height) = (240u32, 200u32);
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for _ in 0..width * height * 3 {
        // xorshift: cheap, deterministic, incompressible enough to look like a real capture
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        pixels.push((state & 0xff) as u8);
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("png header");
        writer.write_image_data(&pixels).expect("png data");
    }
    out
}

/// Base64 in 76-character lines, as MIME wants.
fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    lines.join("\r\n")
}
