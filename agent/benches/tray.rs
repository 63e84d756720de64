//! Tray agent figures (issue 4, "Benchmark"), measured on a private Xvfb desktop:
//!
//! 1. screen capture + PNG encode at 1920×1080 and 3840×2160, on the bare Xvfb desktop (a
//!    clock and a pair of eyes on black) and on a photo-like desktop (the worst case for PNG);
//! 2. click on "Apri ticket con screenshot" → compose window mapped, and → first painted;
//! 3. the tray process's resident memory and wake-ups (context switches of all its threads)
//!    over a quiet window after start, and again after one ticket was composed and sent
//!    through the menu to a real `ppdesk-server`.
//!
//! ```sh
//! cargo build -p ppdesk-server            # the bench starts the real server
//! cargo bench -p ppdesk-agent --bench tray
//! ```
//!
//! Knobs: `PPDESK_BENCH_IDLE_SECS` (default 60), `PPDESK_BENCH_RUNS` (default 7),
//! `PPDESK_SERVER_BIN` (default: `ppdesk-server` in the target folder, debug or release).
//! Needs the desktop tools of `tests/agent/desktop.rs` (Xvfb, xdotool, ImageMagick…).

#[path = "../../tests/agent/desktop.rs"]
mod desktop;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use desktop::{Desktop, TrayHost, poll};
use ppdesk_agent::capture;

const COMPOSE_TITLE: &str = "Nuovo ticket di assistenza";
const WINDOW_TIMEOUT: Duration = Duration::from_secs(60);

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing useful either.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let idle = Duration::from_secs(env_number("PPDESK_BENCH_IDLE_SECS", 60));
    let runs = env_number("PPDESK_BENCH_RUNS", 7) as usize;
    let work = tempfile::tempdir().expect("bench folder");
    println!("# ppdesk-agent tray benchmark");
    println!(
        "agent: {}\nmachine: {} cores, load average {}",
        env!("CARGO_BIN_EXE_ppdesk-agent"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    capture_and_encode(work.path(), runs);
    tray_figures(work.path(), runs, idle);
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// p50 and max of durations, in ms.
fn summary(samples: &[Duration]) -> String {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        return "no samples".into();
    }
    format!(
        "p50 {:.1} ms, max {:.1} ms (n={})",
        ms[ms.len() / 2],
        ms[ms.len() - 1],
        ms.len()
    )
}

// --- 1. capture + encode ------------------------------------------------------------------------

fn capture_and_encode(work: &Path, runs: usize) {
    println!("\n## Capture + PNG encode (in-process: capture::capture + capture::encode_png)");
    println!("| screen | desktop | capture | encode | capture + encode | PNG size |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (width, height) in [(1920u32, 1080u32), (3840, 2160)] {
        let desktop = Desktop::start(width, height, None, &work.join(format!("cap-{width}")));
        // This process captures: point it at the private display.
        // SAFETY: the bench is single-threaded here; nothing reads the environment concurrently.
        unsafe {
            std::env::set_var("DISPLAY", &desktop.display);
            std::env::remove_var("WAYLAND_DISPLAY");
            std::env::remove_var("XDG_SESSION_TYPE");
        }
        std::thread::sleep(Duration::from_millis(500)); // let the clients paint
        measure_capture(&format!("{width}×{height}"), "bare Xvfb", runs);

        let busy = work.join(format!("busy-{width}.png"));
        photo_like(width, height)
            .save(&busy)
            .expect("write the photo-like picture");
        let status = desktop
            .command("display")
            .args(["-window", "root"])
            .arg(&busy)
            .stderr(Stdio::null())
            .status()
            .expect("run display");
        let _ = status; // display exits 1 after setting the root background; the picture shows
        std::thread::sleep(Duration::from_millis(500));
        measure_capture(&format!("{width}×{height}"), "photo-like", runs);
        drop(desktop);
    }
}

fn measure_capture(screen: &str, what: &str, runs: usize) {
    let mut captures = Vec::new();
    let mut encodes = Vec::new();
    let mut totals = Vec::new();
    let mut size = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let captured = capture::capture(false).expect("capture the screen");
        let captured_at = started.elapsed();
        let png = capture::encode_png(&captured.image).expect("encode");
        let total = started.elapsed();
        captures.push(captured_at);
        encodes.push(total - captured_at);
        totals.push(total);
        size = png.len();
    }
    println!(
        "| {screen} | {what} | {} | {} | {} | {:.0} KiB |",
        summary(&captures),
        summary(&encodes),
        summary(&totals),
        size as f64 / 1024.0
    );
}

/// A deterministic photo-like picture: smooth colour fields plus grain, which PNG cannot
/// compress much (the worst case for the encode time).
fn photo_like(width: u32, height: u32) -> image::RgbImage {
    let mut seed: u32 = 0x9E37_79B9;
    image::RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 48) as f32 - 24.0;
        let fx = x as f32 / width as f32;
        let fy = y as f32 / height as f32;
        let r = 128.0 + 100.0 * (fx * 7.0 + fy * 3.0).sin() + grain;
        let g = 128.0 + 100.0 * (fy * 9.0 - fx * 2.0).cos() + grain;
        let b = 128.0 + 100.0 * ((fx + fy) * 5.0).sin() + grain;
        image::Rgb([
            r.clamp(0.0, 255.0) as u8,
            g.clamp(0.0, 255.0) as u8,
            b.clamp(0.0, 255.0) as u8,
        ])
    })
}

// --- 2 and 3: the tray process ------------------------------------------------------------------

fn tray_figures(work: &Path, runs: usize, idle: Duration) {
    let server = Server::start(&work.join("server"));
    let agent_dir = work.join("agent");
    std::fs::create_dir_all(&agent_dir).expect("agent folder");
    let config = agent_dir.join("agent.toml");
    std::fs::write(
        &config,
        format!(
            "mode = \"api\"\nserver_url = \"http://{}\"\norg_token = \"{}\"\n\
             [contact]\nname = \"Mario Rossi\"\nemail = \"mario.rossi@acme.test\"\n",
            server.addr, server.token
        ),
    )
    .expect("agent config");
    let mut desktop = Desktop::start(1920, 1080, Some(TrayHost::XEmbed), &work.join("desktop"));
    let log = agent_dir.join("tray.log");
    let tray = desktop
        .command("setsid")
        .arg(env!("CARGO_BIN_EXE_ppdesk-agent"))
        .arg("--config")
        .arg(&config)
        .env("PPDESK_AGENT_DATA_DIR", agent_dir.join("data"))
        .env("PPDESK_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("start the tray");
    let pid = tray.id();
    desktop.adopt(tray);
    let started = Instant::now();
    let icon = desktop
        .wait_for_icon(Duration::from_secs(30))
        .expect("the tray icon shows");
    println!(
        "\n## Tray process (pid {pid}, XEmbed tray, release build)\n\nicon visible {} ms after start",
        started.elapsed().as_millis()
    );

    std::thread::sleep(Duration::from_secs(5));
    let fresh = measure_idle(pid, idle);

    println!("\n## Click on \"Apri ticket con screenshot\" → compose window");
    let mut mapped = Vec::new();
    let mut painted = Vec::new();
    for _ in 0..runs {
        let clicked = click_compose(&desktop, icon);
        let window = desktop
            .wait_for_window_named(COMPOSE_TITLE, WINDOW_TIMEOUT, Duration::from_millis(5))
            .expect("the compose window opens");
        mapped.push(clicked.elapsed());
        poll(WINDOW_TIMEOUT, Duration::from_millis(5), || {
            window_painted(&desktop, &window).then_some(())
        })
        .expect("the compose window paints");
        painted.push(clicked.elapsed());
        desktop.xdotool(&["windowfocus", "--sync", &window]);
        desktop.xdotool(&["key", "Escape"]);
        poll(Duration::from_secs(20), Duration::from_millis(50), || {
            desktop
                .visible_windows_named(COMPOSE_TITLE)
                .is_empty()
                .then_some(())
        })
        .expect("Esc closes the window");
        std::thread::sleep(Duration::from_millis(500));
    }
    println!("- mapped (xdotool sees it): {}", summary(&mapped));
    println!(
        "- first frame painted (window not blank): {}",
        summary(&painted)
    );
    let in_tray = in_tray_timings(&std::fs::read_to_string(&log).unwrap_or_default());
    println!(
        "- inside the tray, click handled → compose process started (capture + encode + write + spawn): {}",
        summary(&in_tray)
    );

    // The compose process alone, started directly: how much of the above is its own start.
    let mut alone_mapped = Vec::new();
    let mut alone_painted = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut compose = desktop
            .command(env!("CARGO_BIN_EXE_ppdesk-agent"))
            .arg("--config")
            .arg(&config)
            .args(["compose", "--no-screenshot"])
            .env("PPDESK_AGENT_DATA_DIR", agent_dir.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start compose");
        let window = desktop
            .wait_for_window_named(COMPOSE_TITLE, WINDOW_TIMEOUT, Duration::from_millis(5))
            .expect("the compose window opens");
        alone_mapped.push(started.elapsed());
        poll(WINDOW_TIMEOUT, Duration::from_millis(5), || {
            window_painted(&desktop, &window).then_some(())
        })
        .expect("the compose window paints");
        alone_painted.push(started.elapsed());
        desktop.xdotool(&["windowfocus", "--sync", &window]);
        desktop.xdotool(&["key", "Escape"]);
        let _ = compose.wait();
        std::thread::sleep(Duration::from_millis(500));
    }
    println!(
        "- for comparison, `ppdesk-agent compose --no-screenshot` started directly → mapped: {}; → painted: {}",
        summary(&alone_mapped),
        summary(&alone_painted)
    );

    // One real ticket through the menu, then the tray idles again.
    click_compose(&desktop, icon);
    let window = desktop
        .wait_for_window_named(COMPOSE_TITLE, WINDOW_TIMEOUT, Duration::from_millis(20))
        .expect("the compose window opens");
    std::thread::sleep(Duration::from_millis(1000));
    desktop.xdotool(&["windowfocus", "--sync", &window]);
    desktop.xdotool(&[
        "type",
        "--delay",
        "10",
        "Stampante bloccata: errore 49 sul piano 2",
    ]);
    desktop.xdotool(&["key", "ctrl+Return"]);
    poll(Duration::from_secs(60), Duration::from_millis(200), || {
        server.tickets().then_some(())
    })
    .expect("the ticket reaches the server");
    poll(Duration::from_secs(20), Duration::from_millis(100), || {
        desktop
            .visible_windows_named(COMPOSE_TITLE)
            .is_empty()
            .then_some(())
    })
    .expect("the window closes after Send");
    println!("\none ticket composed and sent through the menu (API mode, real server)");
    std::thread::sleep(Duration::from_secs(5));
    let after = measure_idle(pid, idle);

    println!(
        "\n## Tray idle over {} s\n| when | RSS | wake-ups (context switches, all threads) | per minute | threads |",
        idle.as_secs()
    );
    println!("| --- | --- | --- | --- | --- |");
    for (when, figures) in [("after start", fresh), ("after one ticket", after)] {
        println!(
            "| {when} | {:.1} MiB | {} | {:.1} | {} |",
            figures.rss_kib as f64 / 1024.0,
            figures.switches,
            figures.switches as f64 * 60.0 / idle.as_secs_f64(),
            figures.threads
        );
    }
    drop(desktop);
    drop(server);
}

/// Right-clicks the icon, waits for the menu, clicks its first entry. Returns the instant just
/// before the click.
fn click_compose(desktop: &Desktop, icon: (i32, i32)) -> Instant {
    let before = desktop.viewable_ids();
    desktop.click(icon.0, icon.1, 3);
    let menu = desktop
        .wait_for_new_window(&before, Duration::from_secs(10))
        .expect("the menu opens");
    std::thread::sleep(Duration::from_millis(300));
    let x = menu.x + menu.width as i32 / 2;
    let y = menu.y + 16;
    desktop.xdotool(&["mousemove", "--sync", &x.to_string(), &y.to_string()]);
    let clicked = Instant::now();
    desktop.xdotool(&["click", "1"]);
    clicked
}

/// Whether the window shows something other than one flat colour (eframe painted a frame).
fn window_painted(desktop: &Desktop, id: &str) -> bool {
    let output = desktop
        .command("import")
        .args(["-window", id, "-depth", "8", "-resize", "25%", "rgb:-"])
        .output();
    let Ok(output) = output else {
        return false;
    };
    let pixels: Vec<&[u8]> = output.stdout.chunks_exact(3).collect();
    let Some(first) = pixels.first() else {
        return false;
    };
    let differing = pixels.iter().filter(|p| p != &first).count();
    differing * 10 > pixels.len()
}

/// `total_ms=` of the tray's "compose window started with screenshot" log lines.
fn in_tray_timings(log: &str) -> Vec<Duration> {
    log.lines()
        .filter(|l| l.contains("compose window started with screenshot"))
        .filter_map(|l| {
            l.split_whitespace()
                .find_map(|field| field.strip_prefix("total_ms="))
                .and_then(|v| v.parse().ok())
                .map(Duration::from_millis)
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Idle {
    rss_kib: u64,
    switches: u64,
    threads: usize,
}

fn measure_idle(pid: u32, window: Duration) -> Idle {
    let (before, _) = desktop::context_switches(pid).expect("the tray runs");
    std::thread::sleep(window);
    let (after, threads) = desktop::context_switches(pid).expect("the tray still runs");
    Idle {
        rss_kib: desktop::rss_kib(pid).unwrap_or(0),
        switches: after.saturating_sub(before),
        threads,
    }
}

// --- the real server ------------------------------------------------------------------------------

struct Server {
    child: Child,
    addr: String,
    token: String,
    data: PathBuf,
    bin: PathBuf,
}

impl Server {
    fn start(data: &Path) -> Server {
        let bin = server_bin();
        std::fs::create_dir_all(data).expect("server folder");
        let run = |args: &[&str]| {
            let output = Command::new(&bin)
                .arg("--data-dir")
                .arg(data)
                .args(args)
                .output()
                .expect("run ppdesk-server");
            assert!(
                output.status.success(),
                "ppdesk-server {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        run(&["org", "create", "ACME", "--domain", "acme.test"]);
        let token = run(&["org", "token", "create", "ACME"])
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .expect("a token")
            .to_owned();
        let addr = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("address").to_string()
        };
        let child = Command::new(&bin)
            .arg("--data-dir")
            .arg(data)
            .args(["serve", "--listen", &addr])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(data.join("serve.log")).expect("log"))
            .stderr(std::fs::File::create(data.join("serve.err.log")).expect("log"))
            .spawn()
            .expect("start ppdesk-server serve");
        let server = Server {
            child,
            addr,
            token,
            data: data.to_owned(),
            bin,
        };
        poll(Duration::from_secs(30), Duration::from_millis(100), || {
            server.healthy().then_some(())
        })
        .expect("ppdesk-server answers /healthz");
        server
    }

    fn healthy(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(&self.addr) else {
            return false;
        };
        let request = format!(
            "GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        let mut answer = String::new();
        stream.write_all(request.as_bytes()).is_ok()
            && stream.read_to_string(&mut answer).is_ok()
            && answer.starts_with("HTTP/1.1 200")
    }

    /// Whether at least one ticket exists.
    fn tickets(&self) -> bool {
        Command::new(&self.bin)
            .arg("--data-dir")
            .arg(&self.data)
            .args(["ticket", "list", "--json"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("\"number\""))
            .unwrap_or(false)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `$PPDESK_SERVER_BIN`, else `ppdesk-server` in the target folder (debug, then release).
fn server_bin() -> PathBuf {
    if let Some(path) = std::env::var_os("PPDESK_SERVER_BIN") {
        return PathBuf::from(path);
    }
    // target/release/deps/tray-… → target
    let exe = std::env::current_exe().expect("bench executable");
    let target = exe.ancestors().nth(3).expect("target folder").to_owned();
    ["debug", "release"]
        .iter()
        .map(|profile| target.join(profile).join("ppdesk-server"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "ppdesk-server not found under {}: build it first (cargo build -p ppdesk-server) \
                 or set PPDESK_SERVER_BIN",
                target.display()
            )
        })
}
