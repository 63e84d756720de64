//! A private X desktop for driving the tray agent headless: Xvfb, a session bus, a system tray
//! host, a couple of X clients for content; xdotool for the mouse and keyboard, ImageMagick's
//! `import` for pictures, `xwininfo` for windows.
//!
//! Shared, std only, by the tray e2e test (`tests/e2e/agent_tray.rs`) and the tray benchmark
//! (`agent/benches/tray.rs`), both of which include this file with `#[path]`.
//!
//! Every process is started in its own session (`setsid`) and the whole process group is
//! killed on drop, so activated services (a bus's children) and the agent's compose windows
//! go with it. Missing tools are reported with the Debian package that has them.
#![allow(dead_code)] // each includer uses its own subset

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Programs the desktop needs, with the Debian package that has each.
pub const TOOLS: [(&str, &str); 11] = [
    ("Xvfb", "xvfb"),
    ("xdotool", "xdotool"),
    ("import", "imagemagick"),
    ("xwininfo", "x11-utils"),
    ("xclock", "x11-apps"),
    ("xeyes", "x11-apps"),
    ("dbus-daemon", "dbus-daemon"),
    ("dbus-send", "dbus-bin"),
    ("setsid", "util-linux"),
    ("trayer", "trayer"),
    ("gtk-sni-tray-standalone", "haskell-gtk-sni-tray-utils"),
];

/// The "++" icon's orange (`assets/generate.py`, ORANGE).
pub const ICON_ORANGE: [u8; 3] = [0xD9, 0x48, 0x0F];

/// Fails with the packages to install when a tool is missing (never skips).
pub fn require_tools() {
    let missing: Vec<String> = TOOLS
        .iter()
        .filter(|(program, _)| find_program(program).is_none())
        .map(|(program, package)| format!("{program} (apt package {package})"))
        .collect();
    assert!(
        missing.is_empty(),
        "the tray agent's desktop tests need: {}. Install them (tests/run.sh does).",
        missing.join(", ")
    );
}

fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Which system tray the desktop runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayHost {
    /// `trayer`: the XEmbed system tray (libappindicator falls back to a GtkStatusIcon).
    XEmbed,
    /// `gtk-sni-tray-standalone --watcher`: a StatusNotifier watcher and host.
    Sni,
}

/// A window as `xwininfo -root -children` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub id: String,
    pub name: String,
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

/// A running private desktop; everything it started dies with it.
pub struct Desktop {
    /// `:N`
    pub display: String,
    pub width: u32,
    pub height: u32,
    /// The session bus address (`unix:path=…`).
    pub bus: String,
    /// Process groups to kill, newest first at drop; the X server last.
    groups: Vec<Child>,
    xvfb: Child,
    logs: PathBuf,
}

impl Desktop {
    /// Starts Xvfb at `width`×`height`×24 on a free display, a session bus, the tray `host`
    /// (if any) and xclock + xeyes. Logs go to files in `logs`.
    pub fn start(width: u32, height: u32, host: Option<TrayHost>, logs: &Path) -> Desktop {
        require_tools();
        std::fs::create_dir_all(logs).expect("desktop log folder");
        let mut xvfb = Command::new("setsid")
            .args(["Xvfb", "-displayfd", "1", "-nolisten", "tcp", "-noreset"])
            .args(["-screen", "0", &format!("{width}x{height}x24")])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file(logs, "xvfb.log"))
            .spawn()
            .expect("start Xvfb");
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().expect("Xvfb stdout"))
            .read_line(&mut line)
            .expect("Xvfb prints its display number");
        let number: u32 = line.trim().parse().unwrap_or_else(|_| {
            let _ = xvfb.kill();
            panic!(
                "Xvfb did not print a display number ({line:?}); see {}",
                logs.join("xvfb.log").display()
            )
        });
        let mut desktop = Desktop {
            display: format!(":{number}"),
            width,
            height,
            bus: String::new(),
            groups: Vec::new(),
            xvfb,
            logs: logs.to_owned(),
        };

        let mut bus = desktop
            .command("setsid")
            .args(["dbus-daemon", "--session", "--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file(logs, "dbus.log"))
            .spawn()
            .expect("start dbus-daemon");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().expect("bus stdout"))
            .read_line(&mut address)
            .expect("dbus-daemon prints its address");
        desktop.groups.push(bus);
        assert!(
            address.trim().starts_with("unix:"),
            "dbus-daemon printed no address: {address:?}"
        );
        desktop.bus = address.trim().to_owned();

        match host {
            Some(TrayHost::XEmbed) => {
                desktop.spawn_logged(
                    "trayer",
                    &[
                        "--edge",
                        "top",
                        "--align",
                        "right",
                        "--widthtype",
                        "request",
                        "--height",
                        "28",
                    ],
                );
            }
            Some(TrayHost::Sni) => {
                desktop.spawn_logged("gtk-sni-tray-standalone", &["--watcher"]);
                // An item that registers before the watcher is fully up is refused and never
                // retried (libappindicator): start nothing before the host is registered.
                let ready = poll(Duration::from_secs(30), Duration::from_millis(100), || {
                    desktop.sni_host_registered().then_some(())
                });
                assert!(
                    ready.is_some(),
                    "the SNI watcher did not come up; see {}",
                    logs.join("gtk-sni-tray-standalone.err.log").display()
                );
            }
            None => {}
        }
        desktop.spawn_logged("xclock", &["-geometry", "200x200+80+120", "-update", "1"]);
        desktop.spawn_logged("xeyes", &["-geometry", "240x160+400+140"]);
        desktop
    }

    /// Whether a StatusNotifier watcher runs on the session bus with a host registered.
    pub fn sni_host_registered(&self) -> bool {
        self.command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.kde.StatusNotifierWatcher",
                "/StatusNotifierWatcher",
                "org.freedesktop.DBus.Properties.Get",
                "string:org.kde.StatusNotifierWatcher",
                "string:IsStatusNotifierHostRegistered",
            ])
            .stderr(Stdio::null())
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
            .unwrap_or(false)
    }

    /// A command that runs on this desktop: `DISPLAY`, the session bus, X11 rather than
    /// Wayland, no AT-SPI bridge.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        self.apply_env(&mut command);
        command
    }

    /// Sets this desktop's environment on `command`.
    pub fn apply_env(&self, command: &mut Command) {
        command
            .env("DISPLAY", &self.display)
            .env("NO_AT_BRIDGE", "1")
            .env("GTK_A11Y", "none")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("XDG_SESSION_TYPE")
            .env_remove("XDG_CURRENT_DESKTOP");
        if !self.bus.is_empty() {
            command.env("DBUS_SESSION_BUS_ADDRESS", &self.bus);
        }
    }

    /// Starts `program` in its own process group, output in `<logs>/<program>.log`; killed
    /// with the desktop.
    pub fn spawn_logged(&mut self, program: &str, args: &[&str]) {
        let child = self
            .command("setsid")
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(log_file(&self.logs, &format!("{program}.log")))
            .stderr(log_file(&self.logs, &format!("{program}.err.log")))
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        self.groups.push(child);
    }

    /// Takes ownership of a child started with `setsid` through [`Self::command`], so its
    /// process group is killed with the desktop.
    pub fn adopt(&mut self, child: Child) {
        self.groups.push(child);
    }

    /// Runs xdotool; panics when it fails.
    pub fn xdotool(&self, args: &[&str]) -> String {
        let output = self
            .command("xdotool")
            .args(args)
            .output()
            .expect("run xdotool");
        assert!(
            output.status.success(),
            "xdotool {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Moves the pointer to (x, y) and clicks `button` (1 left, 3 right).
    pub fn click(&self, x: i32, y: i32, button: u8) {
        self.xdotool(&[
            "mousemove",
            "--sync",
            &x.to_string(),
            &y.to_string(),
            "click",
            &button.to_string(),
        ]);
    }

    /// The screen as packed RGB bytes, `width * height * 3`.
    pub fn screen_rgb(&self) -> Vec<u8> {
        let output = self
            .command("import")
            .args(["-window", "root", "-depth", "8", "rgb:-"])
            .output()
            .expect("run import");
        assert!(
            output.status.success(),
            "import failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            output.stdout.len(),
            (self.width * self.height * 3) as usize,
            "import returned a picture of the wrong size"
        );
        output.stdout
    }

    /// Saves the screen as a PNG.
    pub fn save_screen(&self, path: &Path) {
        let status = self
            .command("import")
            .args(["-window", "root"])
            .arg(path)
            .status()
            .expect("run import");
        assert!(status.success(), "import -window root {}", path.display());
    }

    /// The bounding box (x, y, width, height) of the screen's pixels within `tolerance` of
    /// `colour`, when at least `min_pixels` match.
    pub fn find_colour(
        &self,
        colour: [u8; 3],
        tolerance: u8,
        min_pixels: usize,
    ) -> Option<(i32, i32, u32, u32)> {
        find_colour(
            &self.screen_rgb(),
            self.width,
            colour,
            tolerance,
            min_pixels,
        )
    }

    /// Waits until the "++" icon shows; returns its centre.
    pub fn wait_for_icon(&self, timeout: Duration) -> Option<(i32, i32)> {
        poll(timeout, Duration::from_millis(200), || {
            self.find_colour(ICON_ORANGE, 10, 40)
                .map(|(x, y, w, h)| (x + w as i32 / 2, y + h as i32 / 2))
        })
    }

    /// The top-level windows (mapped or not).
    pub fn windows(&self) -> Vec<Window> {
        let output = self
            .command("xwininfo")
            .args(["-root", "-children"])
            .output()
            .expect("run xwininfo");
        parse_children(&String::from_utf8_lossy(&output.stdout))
    }

    /// Whether window `id` is mapped and viewable.
    pub fn is_viewable(&self, id: &str) -> bool {
        self.command("xwininfo")
            .args(["-id", id])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("IsViewable"))
            .unwrap_or(false)
    }

    /// The ids of the top-level windows that are mapped and viewable now.
    pub fn viewable_ids(&self) -> BTreeSet<String> {
        self.windows()
            .into_iter()
            .filter(|w| self.is_viewable(&w.id))
            .map(|w| w.id)
            .collect()
    }

    /// Waits for a viewable top-level window whose id is not in `before` (from
    /// [`Self::viewable_ids`]): a menu, also one shown before and hidden since. The largest if
    /// several appeared.
    pub fn wait_for_new_window(
        &self,
        before: &BTreeSet<String>,
        timeout: Duration,
    ) -> Option<Window> {
        poll(timeout, Duration::from_millis(50), || {
            self.windows()
                .into_iter()
                .filter(|w| !before.contains(&w.id) && w.width > 20 && w.height > 20)
                .filter(|w| self.is_viewable(&w.id))
                .max_by_key(|w| w.width * w.height)
        })
    }

    /// The ids of the viewable windows whose title matches `name` (xdotool's regex).
    pub fn visible_windows_named(&self, name: &str) -> Vec<String> {
        let output = self
            .command("xdotool")
            .args(["search", "--onlyvisible", "--name", name])
            .output()
            .expect("run xdotool search");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Waits for a viewable window titled `name`; returns its id.
    pub fn wait_for_window_named(
        &self,
        name: &str,
        timeout: Duration,
        interval: Duration,
    ) -> Option<String> {
        poll(timeout, interval, || {
            self.visible_windows_named(name).into_iter().next()
        })
    }

    /// Path of a log file of this desktop.
    pub fn log_path(&self, name: &str) -> PathBuf {
        self.logs.join(name)
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for child in self.groups.iter_mut().rev() {
            kill_group(child);
        }
        kill_group(&mut self.xvfb);
    }
}

/// SIGTERM to the child's whole process group (it was started through `setsid`, so the group
/// id is its pid), then SIGKILL after a grace period; reaps the child.
pub fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-TERM", "--", &group])
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

fn log_file(dir: &Path, name: &str) -> std::fs::File {
    std::fs::File::create(dir.join(name)).expect("desktop log file")
}

/// Calls `check` every `interval` until it returns something or `timeout` passes.
pub fn poll<T>(
    timeout: Duration,
    interval: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(interval);
    }
}

/// See [`Desktop::find_colour`]; over packed RGB rows `width` pixels wide.
pub fn find_colour(
    rgb: &[u8],
    width: u32,
    colour: [u8; 3],
    tolerance: u8,
    min_pixels: usize,
) -> Option<(i32, i32, u32, u32)> {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (u32::MAX, u32::MAX, 0, 0);
    let mut count = 0usize;
    for (index, pixel) in rgb.chunks_exact(3).enumerate() {
        let close = pixel
            .iter()
            .zip(colour)
            .all(|(a, b)| a.abs_diff(b) <= tolerance);
        if close {
            let x = index as u32 % width;
            let y = index as u32 / width;
            min_x = min_x.min(x);
            min_y = min_y.min(y);
            max_x = max_x.max(x);
            max_y = max_y.max(y);
            count += 1;
        }
    }
    (count >= min_pixels).then(|| {
        (
            min_x as i32,
            min_y as i32,
            max_x - min_x + 1,
            max_y - min_y + 1,
        )
    })
}

/// Parses `xwininfo -root -children` lines such as
/// `     0x1e00003 "xclock": ("xclock" "XClock")  164x164+0+0  +80+120`.
pub fn parse_children(text: &str) -> Vec<Window> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if !line.starts_with("0x") {
                return None;
            }
            let id = line.split_whitespace().next()?.to_owned();
            let name = line
                .split_once('"')
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(name, _)| name.to_owned())
                .unwrap_or_default();
            let mut fields = line.split_whitespace().rev();
            let absolute = fields.next()?;
            let geometry = fields.next()?;
            let (size, _) = geometry.split_once('+')?;
            let (width, height) = size.split_once('x')?;
            let absolute = absolute.strip_prefix('+')?;
            let (x, y) = absolute.split_once('+')?;
            Some(Window {
                id,
                name,
                x: x.parse().ok()?,
                y: y.parse().ok()?,
                width: width.parse().ok()?,
                height: height.parse().ok()?,
            })
        })
        .collect()
}

/// Reads everything a child wrote to a pipe (for short-lived helpers).
pub fn read_all(mut reader: impl Read) -> String {
    let mut text = String::new();
    let _ = reader.read_to_string(&mut text);
    text
}

/// A process's resident memory in KiB (`VmRSS`), from /proc.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Context switches (voluntary + involuntary) of every live thread of a process, and the
/// thread count, from /proc/PID/task/*/status. Each switch is a wake-up of some thread.
pub fn context_switches(pid: u32) -> Option<(u64, usize)> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    let mut threads = 0;
    for task in tasks.flatten() {
        let Ok(status) = std::fs::read_to_string(task.path().join("status")) else {
            continue;
        };
        threads += 1;
        for line in status.lines() {
            if let Some(value) = line
                .strip_prefix("voluntary_ctxt_switches:")
                .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))
            {
                total += value.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
    Some((total, threads))
}
