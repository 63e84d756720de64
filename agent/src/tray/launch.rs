//! Starting the short-lived windows (compose, my tickets) as child processes of the tray, and
//! handing the compose window its screenshot.
//!
//! Each child gets a thread that waits for it (so no zombie is left) and then cleans up after
//! it: the unredacted capture is deleted once the compose window has exited (it sends only its
//! redacted copy), and the outbox worker is told to look again.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::capture;

/// Longest window title passed on (the compose window prefills the subject from it).
const MAX_TITLE_CHARS: usize = 200;
/// Prefix of the capture files in the runtime directory.
const CAPTURE_PREFIX: &str = "capture-";
/// Captures older than this are left over from a tray that died; removed at start.
const STALE_CAPTURE_AGE: Duration = Duration::from_secs(3600);

/// Arguments of `ppdesk-agent [--config F] compose (--screenshot F [--window-title T] |
/// --no-screenshot)`. Values are joined with `=` so a title starting with `-` stays a value.
pub fn compose_args(
    config_file: Option<&Path>,
    screenshot: Option<&Path>,
    window_title: Option<&str>,
) -> Vec<OsString> {
    let mut args = global_args(config_file);
    args.push("compose".into());
    match screenshot {
        Some(path) => {
            args.push(joined("--screenshot=", path.as_os_str()));
            if let Some(title) = window_title.map(clean_title).filter(|t| !t.is_empty()) {
                args.push(format!("--window-title={title}").into());
            }
        }
        None => args.push("--no-screenshot".into()),
    }
    args
}

/// Arguments of `ppdesk-agent [--config F] tickets`.
pub fn tickets_args(config_file: Option<&Path>) -> Vec<OsString> {
    let mut args = global_args(config_file);
    args.push("tickets".into());
    args
}

fn global_args(config_file: Option<&Path>) -> Vec<OsString> {
    config_file
        .map(|file| vec![joined("--config=", file.as_os_str())])
        .unwrap_or_default()
}

fn joined(flag: &str, value: &std::ffi::OsStr) -> OsString {
    let mut arg = OsString::from(flag);
    arg.push(value);
    arg
}

/// A window title fit for a command line and a subject: one line, no control characters, at
/// most [`MAX_TITLE_CHARS`].
pub fn clean_title(title: &str) -> String {
    let one_line: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let collapsed = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(MAX_TITLE_CHARS).collect()
}

/// Starts the agent's own binary with `args`, without waiting. `on_exit` runs on the child's
/// reaper thread when it ends.
pub fn spawn(
    exe: &Path,
    args: &[OsString],
    env_remove: &[&str],
    on_exit: impl FnOnce(io::Result<ExitStatus>) + Send + 'static,
) -> io::Result<u32> {
    let mut command = Command::new(exe);
    command.args(args).stdin(Stdio::null());
    for name in env_remove {
        command.env_remove(name);
    }
    let mut child = command.spawn()?;
    let pid = child.id();
    std::thread::Builder::new()
        .name(format!("reap-{pid}"))
        .spawn(move || on_exit(child.wait()))?;
    Ok(pid)
}

static CAPTURE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Encodes `image` and writes it to a new file in `dir` only the user can read. Returns the
/// path and how long encoding took.
pub fn write_capture(dir: &Path, image: &image::RgbaImage) -> io::Result<(PathBuf, Duration)> {
    let started = Instant::now();
    let png = capture::encode_png(image).map_err(io::Error::other)?;
    let encoded = started.elapsed();
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let serial = CAPTURE_COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!(
        "{CAPTURE_PREFIX}{millis}-{}-{serial}.png",
        std::process::id()
    ));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path)?;
    file.write_all(&png)?;
    Ok((path, encoded))
}

/// Deletes capture files older than an hour in `dir` (left by a tray that died mid-compose).
pub fn remove_stale_captures(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_capture = name
            .to_str()
            .is_some_and(|n| n.starts_with(CAPTURE_PREFIX) && n.ends_with(".png"));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > STALE_CAPTURE_AGE);
        if is_capture
            && old
            && let Err(error) = std::fs::remove_file(entry.path())
        {
            tracing::warn!(%error, file = ?entry.path(), "cannot remove an old capture");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: Vec<OsString>) -> Vec<String> {
        args.into_iter()
            .map(|a| a.into_string().expect("utf-8"))
            .collect()
    }

    #[test]
    fn compose_with_a_screenshot_passes_file_title_and_config() {
        assert_eq!(
            strings(compose_args(
                Some(Path::new("/etc/ppdesk/agent.toml")),
                Some(Path::new("/run/user/1000/ppdesk-agent/capture-1.png")),
                Some("-bash: Mago4 — Fatture\n"),
            )),
            [
                "--config=/etc/ppdesk/agent.toml",
                "compose",
                "--screenshot=/run/user/1000/ppdesk-agent/capture-1.png",
                "--window-title=-bash: Mago4 — Fatture",
            ]
        );
    }

    #[test]
    fn compose_without_a_screenshot_or_title() {
        assert_eq!(
            strings(compose_args(None, None, Some("ignored"))),
            ["compose", "--no-screenshot"]
        );
        assert_eq!(
            strings(compose_args(
                None,
                Some(Path::new("/tmp/c.png")),
                Some(" \t")
            )),
            ["compose", "--screenshot=/tmp/c.png"]
        );
        assert_eq!(strings(tickets_args(None)), ["tickets"]);
    }

    #[test]
    fn titles_are_one_bounded_line() {
        assert_eq!(clean_title("a\r\n\tb   c"), "a b c");
        assert_eq!(
            clean_title(&"é".repeat(500)).chars().count(),
            MAX_TITLE_CHARS
        );
    }

    #[test]
    fn a_capture_file_is_a_private_png() {
        let dir = tempfile::tempdir().expect("temp dir");
        let image = image::RgbaImage::from_pixel(4, 3, image::Rgba([10, 20, 30, 255]));
        let (path, _) = write_capture(dir.path(), &image).expect("written");
        let back = image::open(&path).expect("a PNG").into_rgba8();
        assert_eq!(back, image);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "nobody else may read a screen capture");
        }
        let (second, _) = write_capture(dir.path(), &image).expect("written");
        assert_ne!(path, second, "two captures never share a file");
    }

    #[test]
    fn reaping_reports_the_exit_and_runs_the_cleanup() {
        let (tx, rx) = std::sync::mpsc::channel();
        let exe = if cfg!(windows) { "cmd" } else { "sh" };
        let args: Vec<OsString> = if cfg!(windows) {
            vec!["/C".into(), "exit 3".into()]
        } else {
            vec!["-c".into(), "exit 3".into()]
        };
        spawn(Path::new(exe), &args, &["GDK_GL"], move |status| {
            tx.send(status.ok().and_then(|s| s.code()))
                .expect("test alive");
        })
        .expect("spawned");
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(10)).expect("reaped"),
            Some(3)
        );
    }
}
