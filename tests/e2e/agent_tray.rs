//! The tray agent on a real (virtual) desktop (A1, A2, A6, A8): Xvfb, a session bus, a system
//! tray host, the real `ppdesk-server` on loopback and the real `ppdesk-agent`, driven with the
//! mouse and keyboard through xdotool like a user would.
//!
//! - Right-click "++", "Apri ticket con screenshot", type, Ctrl+Enter: the ticket exists on the
//!   server with the screen as a 1920×1080 PNG (taken after the menu closed, before the compose
//!   window opened), the acknowledgement is in the spool, the unredacted capture is gone.
//! - A second `ppdesk-agent` hands over to the running tray and exits 0; the compose window
//!   opens.
//!
//! Pictures of the menu and the compose window are saved under
//! `$CARGO_TARGET_DIR/test-artefacts/agent-tray/` (the path is printed). Needs the packages in
//! `tests/agent/desktop.rs` (`TOOLS`); a missing one fails the test with its name.

#[path = "../agent/desktop.rs"]
mod desktop;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ppdesk_tests::{TestDesk, agent_bin, free_local_addr, http_get, tag, wait_for};

use self::desktop::{Desktop, ICON_ORANGE, TrayHost, Window};

/// The compose window's title (catalog/compose.rs, Italian).
const COMPOSE_TITLE: &str = "Nuovo ticket di assistenza";
const MARIO: &str = "mario.rossi@acme.test";
/// Generous: on a loaded 2-core machine the compose window's first GL context on llvmpipe
/// can take seconds.
const WINDOW_TIMEOUT: Duration = Duration::from_secs(60);

/// One agent installation on the desktop: config, data directory, log.
struct Agent {
    dir: tempfile::TempDir,
}

impl Agent {
    fn new(server: &str, token: &str) -> Agent {
        let agent = Agent {
            dir: tempfile::tempdir().expect("agent dir"),
        };
        std::fs::write(
            agent.config_path(),
            format!(
                "mode = \"api\"\nserver_url = \"http://{server}\"\norg_token = \"{token}\"\n\
                 phone = \"+39 02 1234567\"\nlanguage = \"it\"\n\
                 [contact]\nname = \"Mario Rossi\"\nemail = \"{MARIO}\"\n"
            ),
        )
        .expect("write agent config");
        agent
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("agent.toml")
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `ppdesk-agent --config F [args]` on `desktop`, in its own process group.
    fn command(&self, desktop: &Desktop, args: &[&str], log: &str) -> Command {
        let log = std::fs::File::create(self.log_path(log)).expect("agent log");
        let mut command = desktop.command("setsid");
        command
            .arg(agent_bin())
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .env("PPDESK_AGENT_DATA_DIR", self.data_dir())
            .env("PPDESK_LOG", "info")
            .env("NO_COLOR", "1")
            .env_remove("PPDESK_SERVER_URL")
            .env_remove("PPDESK_ORG_TOKEN")
            .env_remove("PPDESK_MODE")
            .env_remove("PPDESK_AGENT_USER_CONFIG")
            .env_remove("PPDESK_AGENT_MACHINE_CONFIG")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log);
        command
    }

    /// Starts the tray; it is killed with the desktop. Returns its pid.
    fn start_tray(&self, desktop: &mut Desktop) -> u32 {
        let child = self
            .command(desktop, &[], "tray.log")
            .spawn()
            .expect("start ppdesk-agent");
        let pid = child.id();
        desktop.adopt(child);
        pid
    }

    /// A log, without terminal colour codes.
    fn log(&self, name: &str) -> String {
        strip_ansi(&std::fs::read_to_string(self.log_path(name)).unwrap_or_default())
    }

    /// The screen captures waiting in the runtime folder.
    fn captures(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.data_dir().join("run"))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("capture-") && n.ends_with(".png"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `text` without ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `$CARGO_TARGET_DIR/test-artefacts/agent-tray`, else next to `target/debug`.
fn artefacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // target/debug/deps/e2e-… → target
            let exe = std::env::current_exe().expect("test executable");
            exe.ancestors()
                .nth(3)
                .map(Path::to_owned)
                .unwrap_or_else(std::env::temp_dir)
        });
    let dir = target.join("test-artefacts").join("agent-tray");
    std::fs::create_dir_all(&dir).expect("artefacts folder");
    dir
}

fn is_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

/// Everything useful when a desktop test fails.
fn transcript(desktop: &Desktop, agent: &Agent) -> String {
    format!(
        "--- tray log ---\n{}\n--- tray host ---\n{}{}",
        agent.log("tray.log"),
        std::fs::read_to_string(desktop.log_path("trayer.err.log")).unwrap_or_default(),
        std::fs::read_to_string(desktop.log_path("gtk-sni-tray-standalone.err.log"))
            .unwrap_or_default(),
    )
}

/// Right-clicks the icon and waits for the menu window.
fn open_menu(desktop: &Desktop, icon: (i32, i32)) -> Option<Window> {
    let before = desktop.viewable_ids();
    desktop.click(icon.0, icon.1, 3);
    desktop.wait_for_new_window(&before, Duration::from_secs(10))
}

/// A decoded PNG: width, height, RGB bytes.
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("fits in memory")];
    let frame = reader.next_frame(&mut buffer).expect("PNG data");
    let (width, height) = (frame.width, frame.height);
    let channels = frame.color_type.samples();
    let rgb = buffer[..frame.buffer_size()]
        .chunks_exact(channels)
        .flat_map(|px| match channels {
            1 | 2 => [px[0], px[0], px[0]],
            _ => [px[0], px[1], px[2]],
        })
        .collect();
    (width, height, rgb)
}

/// Share of near-white pixels in a rectangle of a packed RGB picture.
fn white_share(rgb: &[u8], width: u32, area: &Window) -> f64 {
    let mut white = 0usize;
    let mut total = 0usize;
    for y in area.y.max(0)..(area.y + area.height as i32) {
        for x in area.x.max(0)..(area.x + area.width as i32).min(width as i32) {
            let i = (y as usize * width as usize + x as usize) * 3;
            if let Some(px) = rgb.get(i..i + 3) {
                total += 1;
                if px.iter().all(|c| *c > 0xF0) {
                    white += 1;
                }
            }
        }
    }
    white as f64 / total.max(1) as f64
}

/// The compose window has closed (`when`) and took the unredacted capture with it.
fn assert_compose_gone_with_its_capture(desktop: &Desktop, agent: &Agent, when: &str) {
    let closed = desktop::poll(Duration::from_secs(20), Duration::from_millis(100), || {
        desktop
            .visible_windows_named(COMPOSE_TITLE)
            .is_empty()
            .then_some(())
    });
    assert!(closed.is_some(), "the compose window closes {when}");
    let cleared = wait_for(Duration::from_secs(10), || {
        agent.captures().is_empty().then_some(())
    });
    assert!(
        cleared.is_some(),
        "no unredacted capture is kept {when}: {:?}",
        agent.captures()
    );
}

#[test]
fn right_click_screenshot_compose_send_opens_a_ticket_with_the_screen() {
    let artefacts = artefacts_dir();
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let agent = Agent::new(serving.addr(), &token);
    let mut desktop = Desktop::start(
        1920,
        1080,
        Some(TrayHost::XEmbed),
        &agent.dir.path().join("desktop"),
    );
    let tray = agent.start_tray(&mut desktop);

    let icon = desktop
        .wait_for_icon(Duration::from_secs(30))
        .unwrap_or_else(|| panic!("no \"++\" icon on screen\n{}", transcript(&desktop, &agent)));
    let menu = open_menu(&desktop, icon).unwrap_or_else(|| {
        panic!(
            "no menu after a right-click\n{}",
            transcript(&desktop, &agent)
        )
    });
    std::thread::sleep(Duration::from_millis(300)); // let it paint
    let menu_png = artefacts.join("menu.png");
    desktop.save_screen(&menu_png);

    // "Apri ticket con screenshot" is the first entry (no drafts wait).
    let before = desk.spool_names();
    let clicked = Instant::now();
    desktop.click(menu.x + menu.width as i32 / 2, menu.y + 16, 1);
    let window = desktop
        .wait_for_window_named(COMPOSE_TITLE, WINDOW_TIMEOUT, Duration::from_millis(50))
        .unwrap_or_else(|| {
            panic!(
                "no compose window after clicking the menu\n{}",
                transcript(&desktop, &agent)
            )
        });
    let shown_after = clicked.elapsed();
    assert!(
        agent
            .log("tray.log")
            .contains("compose window started with screenshot"),
        "the tray captured the screen first\n{}",
        agent.log("tray.log")
    );
    std::thread::sleep(Duration::from_millis(1500)); // first frames on llvmpipe
    let compose_png = artefacts.join("compose.png");
    desktop.save_screen(&compose_png);
    println!(
        "agent tray artefacts: {} and {} (compose window visible {} ms after the click)",
        menu_png.display(),
        compose_png.display(),
        shown_after.as_millis()
    );

    // No window manager under Xvfb: give the window the keyboard ourselves.
    desktop.xdotool(&["windowfocus", "--sync", &window]);
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&[
        "type",
        "--delay",
        "25",
        "Gestionale bloccato: errore 1603 emettendo la fattura 123",
    ]);
    desktop.xdotool(&["key", "Tab"]);
    desktop.xdotool(&[
        "type",
        "--delay",
        "25",
        "Emissione fattura 123 da Mago4, messaggio ERRORE 1603.",
    ]);
    desktop.xdotool(&["key", "ctrl+Return"]);

    let tickets = wait_for(Duration::from_secs(60), || {
        let list = desk.list();
        (!list.is_empty()).then_some(list)
    })
    .unwrap_or_else(|| {
        panic!(
            "no ticket on the server after Ctrl+Enter\n{}\n--- compose screen: {} ---",
            transcript(&desktop, &agent),
            compose_png.display()
        )
    });
    assert_eq!(tickets.len(), 1, "{tickets:#?}");
    let number = tickets[0]["number"].as_u64().expect("ticket number");
    let ticket = desk.show(number);
    assert!(
        ticket["subject"]
            .as_str()
            .is_some_and(|s| s.contains("errore 1603 emettendo la fattura 123")),
        "{ticket:#}"
    );
    assert!(
        ticket.to_string().contains("ERRORE 1603"),
        "the description reached the server: {ticket:#}"
    );

    // The screenshot: a PNG of the whole 1920×1080 screen, as it was at the click.
    let shot = ticket["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["attachments"].as_array().into_iter().flatten())
        .find(|a| {
            a["content_type"] == "image/png"
                || a["filename"]
                    .as_str()
                    .or(a["file_name"].as_str())
                    .is_some_and(|n| n.ends_with(".png"))
        })
        .unwrap_or_else(|| panic!("no PNG attached: {ticket:#}"))
        .clone();
    let sha = shot["sha256"]
        .as_str()
        .unwrap_or_else(|| panic!("attachment without sha256: {shot:#}"));
    let blob = desk.data_dir().join("blobs").join(&sha[..2]).join(sha);
    let bytes =
        std::fs::read(&blob).unwrap_or_else(|e| panic!("screenshot blob {}: {e}", blob.display()));
    let (width, height, rgb) = decode_png(&bytes);
    assert_eq!(
        (width, height),
        (1920, 1080),
        "the screenshot is the whole screen"
    );
    let orange = desktop::find_colour(&rgb, width, ICON_ORANGE, 10, 40)
        .expect("the screen as captured shows the \"++\" icon: a real capture, not a blank");
    assert!(
        (orange.0 - icon.0).abs() < 40 && (orange.1 - icon.1).abs() < 40,
        "the icon is where it was on screen: {orange:?} vs {icon:?}"
    );
    let menu_white = white_share(&rgb, width, &menu);
    assert!(
        menu_white < 0.5,
        "the menu must be gone from the capture ({:.0}% of its area is menu-white)",
        menu_white * 100.0
    );
    std::fs::write(artefacts.join("sent-screenshot.png"), &bytes).expect("save screenshot");

    // The acknowledgement went out to Mario with the tag.
    let acks = wait_for(Duration::from_secs(20), || {
        let mails = desk.spool_since(&before);
        (!mails.is_empty()).then_some(mails)
    })
    .expect("an acknowledgement in the spool");
    assert!(
        acks.iter()
            .any(|m| m.summary().contains(MARIO) && m.summary().contains(&tag(number))),
        "{:?}",
        acks.iter().map(|m| m.summary()).collect::<Vec<_>>()
    );

    // The window closed after Send; the unredacted capture is gone; the tray lives on.
    assert_compose_gone_with_its_capture(&desktop, &agent, "after Send");
    assert!(
        is_alive(tray),
        "the tray keeps running\n{}",
        agent.log("tray.log")
    );
    drop(desktop);
    drop(serving);
}

#[test]
fn a_second_launch_hands_over_to_the_running_tray() {
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let agent = Agent::new(serving.addr(), &token);
    // The SNI host this time (the first test covers the XEmbed fallback).
    let mut desktop = Desktop::start(
        1920,
        1080,
        Some(TrayHost::Sni),
        &agent.dir.path().join("desktop"),
    );
    let tray = agent.start_tray(&mut desktop);
    desktop
        .wait_for_icon(Duration::from_secs(30))
        .unwrap_or_else(|| {
            panic!(
                "no \"++\" icon in the SNI tray\n{}",
                transcript(&desktop, &agent)
            )
        });
    assert!(
        agent.data_dir().join("run").join("tray.sock").exists(),
        "the tray listens on its socket"
    );

    let started = Instant::now();
    let mut second = agent
        .command(&desktop, &[], "second.log")
        .spawn()
        .expect("start the second ppdesk-agent");
    let status = wait_for(Duration::from_secs(10), || second.try_wait().ok().flatten());
    let Some(status) = status else {
        desktop::kill_group(&mut second);
        panic!(
            "the second launch did not exit\n{}",
            agent.log("second.log")
        );
    };
    let took = started.elapsed();
    assert!(
        status.success(),
        "the second launch exits 0: {status}\n{}",
        agent.log("second.log")
    );
    assert!(
        took < Duration::from_secs(3),
        "the second launch hands over quickly: {took:?}"
    );

    let window = desktop
        .wait_for_window_named(COMPOSE_TITLE, WINDOW_TIMEOUT, Duration::from_millis(50))
        .unwrap_or_else(|| {
            panic!(
                "the running tray opened no compose window\n{}",
                transcript(&desktop, &agent)
            )
        });
    assert!(
        agent
            .log("tray.log")
            .contains("compose window started with screenshot"),
        "with a screenshot, as the menu entry does\n{}",
        agent.log("tray.log")
    );
    assert!(is_alive(tray), "the first tray keeps running");
    assert!(
        agent.log("tray.log").contains("request=\"compose\"")
            || agent.log("tray.log").contains("request=compose"),
        "the first tray got the request\n{}",
        agent.log("tray.log")
    );

    // Esc cancels; the capture goes with the window.
    std::thread::sleep(Duration::from_millis(1000));
    desktop.xdotool(&["windowfocus", "--sync", &window]);
    desktop.xdotool(&["key", "Escape"]);
    assert_compose_gone_with_its_capture(&desktop, &agent, "after Esc");
    assert!(desk.list().is_empty(), "nothing was sent");
    drop(desktop);
    drop(serving);
}

/// A child process killed when the test ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The badge's blue (`assets/generate.py`, BADGE).
const BADGE_BLUE: [u8; 3] = [0x1D, 0x4E, 0xD8];

/// Whether the badge dot shows within 40 px of the icon's centre.
fn badge_near(desktop: &Desktop, icon: (i32, i32)) -> bool {
    desktop
        .find_colour(BADGE_BLUE, 12, 6)
        .is_some_and(|(x, y, _, _)| (x - icon.0).abs() < 40 && (y - icon.1).abs() < 40)
}

#[test]
fn a_ticket_queued_offline_shows_the_badge_and_goes_out_from_the_menu() {
    let artefacts = artefacts_dir();
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    // The server's address is known, but nothing listens there yet: the helpdesk is offline.
    let addr = free_local_addr();
    let agent = Agent::new(&addr, &token);
    let mut desktop = Desktop::start(
        1920,
        1080,
        Some(TrayHost::XEmbed),
        &agent.dir.path().join("desktop"),
    );
    agent.start_tray(&mut desktop);
    let icon = desktop
        .wait_for_icon(Duration::from_secs(30))
        .unwrap_or_else(|| panic!("no \"++\" icon on screen\n{}", transcript(&desktop, &agent)));
    assert!(!badge_near(&desktop, icon), "no badge while nothing waits");

    let menu = open_menu(&desktop, icon).unwrap_or_else(|| {
        panic!(
            "no menu after a right-click\n{}",
            transcript(&desktop, &agent)
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    desktop.click(menu.x + menu.width as i32 / 2, menu.y + 16, 1);
    let window = desktop
        .wait_for_window_named(COMPOSE_TITLE, WINDOW_TIMEOUT, Duration::from_millis(50))
        .unwrap_or_else(|| panic!("no compose window\n{}", transcript(&desktop, &agent)));
    std::thread::sleep(Duration::from_millis(1500));
    desktop.xdotool(&["windowfocus", "--sync", &window]);
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&[
        "type",
        "--delay",
        "25",
        "Rete assente in magazzino: nessun PC si collega",
    ]);
    desktop.xdotool(&["key", "ctrl+Return"]);

    // Queued: the compose window tells the tray, which shows the badge and the menu entry.
    wait_for(Duration::from_secs(30), || {
        badge_near(&desktop, icon).then_some(())
    })
    .unwrap_or_else(|| {
        panic!(
            "no badge after a ticket was queued offline\n{}",
            transcript(&desktop, &agent)
        )
    });
    assert!(
        agent
            .log("tray.log")
            .contains("tray shows waiting drafts pending=1"),
        "{}",
        agent.log("tray.log")
    );
    let menu = open_menu(&desktop, icon).unwrap_or_else(|| {
        panic!(
            "no menu after a right-click\n{}",
            transcript(&desktop, &agent)
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let pending_png = artefacts.join("menu-pending.png");
    desktop.save_screen(&pending_png);
    println!("agent tray artefact: {}", pending_png.display());

    // The helpdesk comes back; "1 ticket in attesa di invio" (the first entry) sends it now,
    // long before the 15 s automatic retry would.
    let log = desk.scratch().join("serve-late.log");
    let log_file = std::fs::File::create(&log).expect("serve log");
    let _serving = KillOnDrop(
        desk.command(&["serve", "--listen", &addr])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file)
            .spawn()
            .expect("start ppdesk-server serve"),
    );
    let up = wait_for(Duration::from_secs(30), || {
        http_get(&addr, "/healthz")
            .ok()
            .filter(|(code, _)| *code == 200)
    });
    assert!(
        up.is_some(),
        "serve did not start: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let clicked = Instant::now();
    desktop.click(menu.x + menu.width as i32 / 2, menu.y + 16, 1);
    let tickets = wait_for(Duration::from_secs(30), || {
        let list = desk.list();
        (!list.is_empty()).then_some(list)
    })
    .unwrap_or_else(|| {
        panic!(
            "the waiting ticket was not sent from the menu\n{}",
            transcript(&desktop, &agent)
        )
    });
    let sent_after = clicked.elapsed();
    let badge_gone = wait_for(Duration::from_secs(10), || {
        (!badge_near(&desktop, icon)).then_some(())
    });
    assert_eq!(tickets.len(), 1, "sent once: {tickets:#?}");
    assert!(
        sent_after < Duration::from_secs(14),
        "sent by the click, not by the 15 s retry: {sent_after:?}"
    );
    assert!(
        tickets[0]["subject"]
            .as_str()
            .is_some_and(|s| s.contains("Rete assente in magazzino")),
        "{tickets:#?}"
    );
    assert!(
        badge_gone.is_some(),
        "the badge goes once the outbox is empty\n{}",
        agent.log("tray.log")
    );
    drop(desktop);
}

// The desktop harness's own parsing, checked here (the bench includes the file too).

#[test]
fn xwininfo_children_are_parsed() {
    let text = "xwininfo: Window id: 0x20f (the root window) (has no name)\n\n  \
                Root window id: 0x20f (the root window) (has no name)\n  \
                Parent window id: 0x0 (none)\n     3 children:\n     \
                0x1e00003 \"xclock\": (\"xclock\" \"XClock\")  164x164+0+0  +80+120\n     \
                0x2200001 (has no name): ()  1x1+-1+-1  +-1+-1\n     \
                0x2400007 \"ppdesk — Nuovo ticket\": ()  640x700+10+10  +12+34\n";
    let windows = desktop::parse_children(text);
    assert_eq!(windows.len(), 3);
    assert_eq!(
        windows[0],
        Window {
            id: "0x1e00003".into(),
            name: "xclock".into(),
            x: 80,
            y: 120,
            width: 164,
            height: 164
        }
    );
    assert_eq!(windows[1].x, -1);
    assert_eq!(windows[2].name, "ppdesk — Nuovo ticket");
    assert_eq!((windows[2].x, windows[2].y), (12, 34));
}

#[test]
fn colour_boxes() {
    // 4×3 picture with two orange pixels at (1,1) and (2,2).
    let mut rgb = vec![0u8; 4 * 3 * 3];
    for (x, y) in [(1usize, 1usize), (2, 2)] {
        let i = (y * 4 + x) * 3;
        rgb[i..i + 3].copy_from_slice(&[0xD8, 0x49, 0x10]);
    }
    assert_eq!(
        desktop::find_colour(&rgb, 4, ICON_ORANGE, 4, 2),
        Some((1, 1, 2, 2))
    );
    assert_eq!(desktop::find_colour(&rgb, 4, ICON_ORANGE, 4, 3), None);
}
