//! A real headless Chromium for the web tests, driven over WebDriver.
//!
//! Each [`Browser`] starts its own `chromedriver --port=0` (Debian's `chromium-driver`; the port
//! the driver picked is read from its first line, so parallel tests never race for one) and one
//! Chromium session with a private, temporary profile. Tests may therefore run in parallel: they
//! share nothing but the CPU. Dropping the browser closes the session and kills the driver's
//! whole process group (driver, browser and its helpers).
//!
//! The calls are synchronous (a small tokio runtime is inside), speak CSS selectors, and poll
//! instead of sleeping: [`Browser::wait_for`] and [`Browser::wait_until`] fail with a message
//! that names what was awaited, the page they were on and what it showed, and save a screenshot
//! and the page's HTML next to the other artefacts.
//!
//! Screenshots go to `$CARGO_TARGET_DIR/test-artefacts/web/<test>-<name>.png` (the same folder
//! convention as the agent's desktop tests).

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, TimeoutConfiguration};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// Debian's WebDriver for Chromium (package `chromium-driver`).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's Chromium (package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long the driver may take to say which port it listens on.
const DRIVER_START: Duration = Duration::from_secs(20);
/// How long one WebDriver command (navigation included) may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// How often [`Browser::wait_for`] looks again.
const POLL: Duration = Duration::from_millis(50);

/// `$CARGO_TARGET_DIR/test-artefacts/web` (else `target/test-artefacts/web` found from the test
/// executable), created if needed.
pub fn artefacts_dir() -> PathBuf {
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
    let dir = target.join("test-artefacts").join("web");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create the artefacts folder {}: {e}", dir.display()));
    dir
}

/// A `name` attribute (letters, digits, `_`, `-`) rather than a CSS selector.
fn is_bare_name(name_or_css: &str) -> bool {
    !name_or_css.is_empty()
        && name_or_css
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `body` → `[name="body"]`; anything else is taken as CSS already.
pub fn field_selector(name_or_css: &str) -> String {
    if is_bare_name(name_or_css) {
        format!("[name=\"{name_or_css}\"]")
    } else {
        name_or_css.to_owned()
    }
}

/// One headless Chromium session with its own chromedriver, bound to one server's base URL.
pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    /// The profile, downloads and logs; removed on drop.
    scratch: tempfile::TempDir,
    base_url: String,
    test: String,
    failures: std::cell::Cell<u32>,
}

impl Browser {
    /// Starts chromedriver and a Chromium session for test `test` (the artefacts' prefix)
    /// against `base_url` (`http://127.0.0.1:PORT`; a bare `127.0.0.1:PORT` gets `http://`).
    pub fn start(test: &str, base_url: &str) -> Browser {
        for (binary, package) in [(CHROMEDRIVER, "chromium-driver"), (CHROMIUM, "chromium")] {
            assert!(
                Path::new(binary).is_file(),
                "{binary} is missing: install the Debian package `{package}` \
                 (`apt-get install --no-install-recommends chromium chromium-driver`; \
                 tests/run.sh does it)"
            );
        }
        let scratch = tempfile::Builder::new()
            .prefix("ppdesk-browser-")
            .tempdir()
            .expect("a temp dir for the browser profile");
        let driver_log = scratch.path().join("chromedriver.log");
        let mut driver = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .arg(format!("--log-path={}", driver_log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Its own process group: dropping the browser kills driver, browser and helpers.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let port = read_driver_port(&mut driver, &driver_log);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime for the WebDriver client");
        let profile = scratch.path().join("profile");
        let downloads = scratch.path().join("downloads");
        let capabilities = chrome_capabilities(&profile, &downloads);
        let webdriver = format!("http://127.0.0.1:{port}");
        let connected = runtime.block_on(async {
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(capabilities);
            tokio::time::timeout(COMMAND_TIMEOUT, builder.connect(&webdriver)).await
        });
        let client = match connected {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                let log = std::fs::read_to_string(&driver_log).unwrap_or_default();
                kill_group(&mut driver);
                panic!(
                    "chromedriver could not start Chromium ({CHROMIUM}): {e}\n--- chromedriver log (tail) ---\n{}",
                    tail(&log, 40)
                );
            }
            Err(_) => {
                kill_group(&mut driver);
                panic!("Chromium did not start within {COMMAND_TIMEOUT:?}");
            }
        };
        let mut timeouts = TimeoutConfiguration::default();
        timeouts.set_page_load(Some(COMMAND_TIMEOUT));
        timeouts.set_script(Some(Duration::from_secs(10)));
        runtime
            .block_on(client.update_timeouts(timeouts))
            .expect("set the session's timeouts");
        let base_url = if base_url.starts_with("http://") || base_url.starts_with("https://") {
            base_url.trim_end_matches('/').to_owned()
        } else {
            format!("http://{}", base_url.trim_end_matches('/'))
        };
        Browser {
            runtime,
            client: Some(client),
            driver,
            scratch,
            base_url,
            test: test.to_owned(),
            failures: std::cell::Cell::new(0),
        }
    }

    fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("the session is open until drop")
    }

    fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Where this browser's downloads land.
    pub fn downloads_dir(&self) -> PathBuf {
        self.scratch.path().join("downloads")
    }

    /// Opens `path` (`/portal`, or a whole URL) and waits for the page to load.
    pub fn goto(&self, path: &str) {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base_url)
        };
        if let Err(e) = self.block_on(self.client().goto(&url)) {
            self.fail(&format!("cannot open {url}: {e}"));
        }
    }

    /// The whole URL of the page shown now.
    pub fn current_url(&self) -> String {
        match self.block_on(self.client().current_url()) {
            Ok(url) => url.to_string(),
            Err(e) => self.fail(&format!("cannot read the current URL: {e}")),
        }
    }

    /// The path of the page shown now, without query, e.g. `/portal/tickets/10000`.
    pub fn current_path(&self) -> String {
        match self.block_on(self.client().current_url()) {
            Ok(url) => url.path().to_owned(),
            Err(e) => self.fail(&format!("cannot read the current URL: {e}")),
        }
    }

    /// Runs JavaScript in the page (`arguments[0]`… are `args`) and returns its result.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        match self.block_on(self.client().execute(script, args)) {
            Ok(value) => value,
            Err(e) => self.fail(&format!("script failed: {e}\n{script}")),
        }
    }

    /// How many elements match `css` now.
    pub fn count(&self, css: &str) -> usize {
        let n = self.execute(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![json!(css)],
        );
        n.as_u64().unwrap_or(0) as usize
    }

    /// True when at least one element matches `css` now.
    pub fn exists(&self, css: &str) -> bool {
        self.count(css) > 0
    }

    /// The visible text of the first element matching `css`, or `None` when there is none.
    pub fn text_of(&self, css: &str) -> Option<String> {
        let value = self.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
            vec![json!(css)],
        );
        value.as_str().map(str::to_owned)
    }

    /// The visible text of the first element matching `css`; fails the test when there is none.
    pub fn text(&self, css: &str) -> String {
        self.text_of(css)
            .unwrap_or_else(|| self.fail(&format!("no element matches `{css}`")))
    }

    /// The visible text of every element matching `css`, in document order.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let value = self.execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText);",
            vec![json!(css)],
        );
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An attribute of the first element matching `css`.
    pub fn attr(&self, css: &str, attribute: &str) -> Option<String> {
        let value = self.execute(
            "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
            vec![json!(css), json!(attribute)],
        );
        value.as_str().map(str::to_owned)
    }

    /// The whole page's visible text.
    pub fn body_text(&self) -> String {
        self.text_of("body").unwrap_or_default()
    }

    /// The page's HTML as the browser holds it now.
    pub fn source(&self) -> String {
        self.block_on(self.client().source()).unwrap_or_default()
    }

    fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.block_on(self.client().find(Locator::Css(css))) {
            Ok(element) => element,
            Err(e) => self.fail(&format!("no element matches `{css}`: {e}")),
        }
    }

    /// Types `text` into the field named `name_or_css` (a bare name means `[name="…"]`), after
    /// clearing it. Real key events: the page's `input` listeners see every key.
    pub fn fill(&self, name_or_css: &str, text: &str) {
        let css = field_selector(name_or_css);
        let element = self.find(&css);
        if let Err(e) = self.block_on(element.clear()) {
            self.fail(&format!("cannot clear `{css}`: {e}"));
        }
        if let Err(e) = self.block_on(element.send_keys(text)) {
            self.fail(&format!("cannot type into `{css}`: {e}"));
        }
    }

    /// Picks the option of `<select>` `name_or_css` whose value or visible label is `choice`.
    pub fn select(&self, name_or_css: &str, choice: &str) {
        let css = field_selector(name_or_css);
        let picked = self.execute(
            "const s = document.querySelector(arguments[0]); if (!s) return 'missing';\
             const o = Array.from(s.options).find(o => o.value === arguments[1] || o.text.trim() === arguments[1]);\
             if (!o) return Array.from(s.options).map(o => o.value + '=' + o.text.trim()).join(', ');\
             s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            vec![json!(css), json!(choice)],
        );
        if picked != Value::Bool(true) {
            self.fail(&format!(
                "cannot choose {choice:?} in `{css}` (options: {picked})"
            ));
        }
    }

    /// Scrolls the first element matching `css` to the top of the viewport (before a
    /// screenshot of something below the fold).
    pub fn scroll_to(&self, css: &str) {
        let found = self.execute(
            "const e = document.querySelector(arguments[0]); if (!e) return false;\
             e.scrollIntoView({block: 'start'}); return true;",
            vec![json!(css)],
        );
        if found != Value::Bool(true) {
            self.fail(&format!("nothing to scroll to: no element matches `{css}`"));
        }
    }

    /// Clicks the first element matching `css` (a real click: scrolls it into view first).
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        if let Err(e) = self.block_on(element.click()) {
            self.fail(&format!("cannot click `{css}`: {e}"));
        }
    }

    /// Puts files into `<input type=file>` `name_or_css`, by sending their paths (as a person
    /// choosing them in the file dialog would; several at once need a `multiple` input).
    pub fn upload(&self, name_or_css: &str, files: &[&Path]) {
        let css = field_selector(name_or_css);
        let element = self.find(&css);
        let paths: Vec<String> = files
            .iter()
            .map(|p| {
                let absolute = std::fs::canonicalize(p)
                    .unwrap_or_else(|e| panic!("upload: cannot find {}: {e}", p.display()));
                absolute.display().to_string()
            })
            .collect();
        if let Err(e) = self.block_on(element.send_keys(&paths.join("\n"))) {
            self.fail(&format!("cannot attach {paths:?} to `{css}`: {e}"));
        }
    }

    /// Waits until an element matches `css`; fails (with a screenshot) after `timeout`.
    pub fn wait_for(&self, css: &str, timeout: Duration) {
        self.wait_until(&format!("an element matching `{css}`"), timeout, |b| {
            b.exists(css)
        });
    }

    /// Waits until the first element matching `css` shows `needle` in its text.
    pub fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) {
        self.wait_until(&format!("`{css}` showing {needle:?}"), timeout, |b| {
            b.text_of(css).is_some_and(|t| t.contains(needle))
        });
    }

    /// Waits until the current path starts with `prefix` (after a form post and redirect).
    pub fn wait_for_path(&self, prefix: &str, timeout: Duration) {
        self.wait_until(&format!("the page {prefix}…"), timeout, |b| {
            b.current_path().starts_with(prefix)
        });
    }

    /// Polls `ready` until it returns true; fails after `timeout` with `what` in the message,
    /// a screenshot and the page's HTML saved as artefacts.
    pub fn wait_until(&self, what: &str, timeout: Duration, mut ready: impl FnMut(&Self) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            if ready(self) {
                return;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("waited {timeout:?} for {what}"));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Saves a screenshot of the viewport as `<artefacts>/web/<test>-<name>.png` and returns
    /// its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let path = artefacts_dir().join(format!("{}-{name}.png", self.test));
        let png = self
            .block_on(self.client().screenshot())
            .unwrap_or_else(|e| panic!("cannot take screenshot {name}: {e}"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        println!("browser artefact: {}", path.display());
        path
    }

    /// Fails the test: saves `<test>-failure-N.png` and `.html`, then panics with the page's
    /// path and text.
    pub fn fail(&self, message: &str) -> ! {
        let n = self.failures.get() + 1;
        self.failures.set(n);
        let stem = artefacts_dir().join(format!("{}-failure-{n}", self.test));
        let mut saved = Vec::new();
        if let Ok(Ok(png)) = self.runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), self.client().screenshot()).await
        }) && std::fs::write(stem.with_extension("png"), png).is_ok()
        {
            saved.push(stem.with_extension("png").display().to_string());
        }
        let html = self.source();
        if !html.is_empty() && std::fs::write(stem.with_extension("html"), &html).is_ok() {
            saved.push(stem.with_extension("html").display().to_string());
        }
        let url = self
            .block_on(self.client().current_url())
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("(unknown: {e})"));
        let text = self.body_text();
        panic!(
            "browser test {}: {message}\n  page: {url}\n  saved: {}\n--- page text ---\n{}",
            self.test,
            saved.join(", "),
            tail(&text, 60)
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // Ends Chromium cleanly; the process-group kill below is the backstop.
            let _ = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), client.close()).await
            });
        }
        kill_group(&mut self.driver);
    }
}

/// SIGKILL to the driver's process group (driver, Chromium and its helpers), then reaps it.
fn kill_group(driver: &mut Child) {
    let group = format!("-{}", driver.id());
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = driver.kill();
    let _ = driver.wait();
}

/// Reads chromedriver's stdout until it says "started successfully on port N".
fn read_driver_port(driver: &mut Child, log: &Path) -> u16 {
    let stdout = driver.stdout.take().expect("piped chromedriver stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut seen = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Err(seen));
                    return;
                }
                Ok(_) => {
                    seen.push_str(&line);
                    if let Some(port) = port_in_banner(&line) {
                        let _ = tx.send(Ok(port));
                        // Keep draining so the driver never blocks on a full pipe.
                        let _ = std::io::copy(&mut reader, &mut std::io::sink());
                        return;
                    }
                }
            }
        }
    });
    match rx.recv_timeout(DRIVER_START) {
        Ok(Ok(port)) => port,
        Ok(Err(seen)) => {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            kill_group(driver);
            panic!(
                "{CHROMEDRIVER} exited before listening\n--- stdout ---\n{seen}\n--- log ---\n{}",
                tail(&log, 40)
            );
        }
        Err(_) => {
            kill_group(driver);
            panic!("{CHROMEDRIVER} did not report its port within {DRIVER_START:?}");
        }
    }
}

/// `ChromeDriver was started successfully on port 38109.` → 38109.
fn port_in_banner(line: &str) -> Option<u16> {
    let rest = line.split("successfully on port ").nth(1)?;
    rest.trim().trim_end_matches('.').parse().ok()
}

/// `goog:chromeOptions` for a headless, private, reproducible Chromium.
fn chrome_capabilities(profile: &Path, downloads: &Path) -> Capabilities {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--lang=it-IT",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-sync",
                "--disable-component-update",
                "--password-store=basic",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "intl.accept_languages": "it-IT,it",
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "credentials_enable_service": false,
                "profile.password_manager_enabled": false,
            },
        },
    });
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// The last `lines` lines of a text.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_names_become_attribute_selectors() {
        assert_eq!(field_selector("body"), "[name=\"body\"]");
        assert_eq!(field_selector("_csrf"), "[name=\"_csrf\"]");
        assert_eq!(
            field_selector("#reply-form textarea"),
            "#reply-form textarea"
        );
        assert_eq!(field_selector("input[type=file]"), "input[type=file]");
    }

    #[test]
    fn the_driver_banner_names_its_port() {
        assert_eq!(
            port_in_banner("ChromeDriver was started successfully on port 38109.\n"),
            Some(38109)
        );
        assert_eq!(port_in_banner("Only local connections are allowed."), None);
    }
}
