//! The web pages in a real browser (issue 5, "Proof"): headless Chromium from Debian, driven over
//! WebDriver by `ppdesk_tests::browser`, against a real `ppdesk-server serve` on loopback. Users
//! are made with the server's CLI, tickets arrive as mail through `ingest`, and what the browser
//! did is checked again through the CLI (`ticket show --json`) and the outbound mail spool.
//!
//! Four flows, each saving screenshots under `$CARGO_TARGET_DIR/test-artefacts/web/`:
//! - a customer signs in, sees the two open lists, replies with an attachment, marks the ticket
//!   resolved with a reason and reopens it (the page says until when);
//! - a new ticket, with knowledge-base suggestions appearing beside the form while the title is
//!   typed, and its acknowledgement mail;
//! - a technician answers in the console, and the customer's page flips to "In attesa del
//!   cliente";
//! - a technician merges a duplicate: its requester is mailed the new number and its page says
//!   where it went.
//!
//! Element ids and field names are the page owners' contract: sign-in `#login-form`
//! (`email`, `password`, `#login-submit`), `#logout`; portal lists `#waiting-on-support`,
//! `#waiting-on-customer`, ticket `#portal-ticket[data-status]`, `#ticket-status`, `#messages`,
//! `#reply-form` (`body`, `files`), `#resolve-form` (`reason`), `#reopen-form`, `#reopen-until`,
//! `#merged-into`; `#new-ticket-form` (`title`, `description`, `category`) with
//! `#kb-suggestions` beside it; console `#reply-form`, `#merge-form` (`target`),
//! `#merged-banner`, `#fact-merged-from`, `#flash`; KB editor `#kb-editor-form`, `#kb-saved`.
//!
//! Run: `cargo test -p ppdesk-tests --test e2e -- web_browser` (after `cargo build --bins`).
//! Each test starts its own chromedriver and Chromium, so they run in parallel safely.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ppdesk_tests::browser::Browser;
use ppdesk_tests::{Mail, Serving, SpooledMail, TestDesk, tag, wait_for};
use serde_json::Value;

const ACME: &str = "ACME S.r.l.";
const BETA: &str = "Beta S.p.A.";
/// A plain customer of ACME (sees the tickets they requested or were copied on).
const MARIO: &str = "mario.rossi@acme.it";
/// Another customer of ACME.
const LUCA: &str = "luca.bianchi@acme.it";
/// A customer of another organisation.
const BRUNO: &str = "bruno.verdi@beta.it";
/// A technician (staff domain of the default test config).
const MARCO: &str = "marco.ferri@projectpp.it";
/// Every test user's password.
const PASSWORD: &str = "Prova-Browser-2026!";

/// How long a page may take to show what a step expects. Generous: a debug server and Chromium
/// share 2 cores with the rest of the suite; every wait ends as soon as its condition holds.
const PAGE: Duration = Duration::from_secs(20);

/// A desk with two organisations, its users and a running server.
struct Site {
    desk: TestDesk,
    server: Serving,
}

impl Site {
    /// ACME (acme.it) with customers Mario and Luca, Beta (beta.it) with Bruno, technician Marco.
    fn start(name: &str) -> Site {
        let desk = TestDesk::new();
        desk.run(&["org", "create", ACME, "--domain", "acme.it"])
            .assert_success();
        desk.run(&["org", "create", BETA, "--domain", "beta.it"])
            .assert_success();
        for (email, role, org) in [
            (MARIO, "customer", Some(ACME)),
            (LUCA, "customer", Some(ACME)),
            (BRUNO, "customer", Some(BETA)),
            (MARCO, "technician", None),
        ] {
            create_user(&desk, email, role, org);
        }
        let server = desk.serve(name);
        Site { desk, server }
    }

    /// A browser for test `test` pointed at this server.
    fn browser(&self, test: &str) -> Browser {
        Browser::start(test, self.server.addr())
    }

    /// A ticket opened by mail from `from`; returns its number.
    fn mail_ticket(&self, from: &str, subject: &str, body: &str) -> u64 {
        let id = format!("{}@{}", unique(), from.split('@').nth(1).unwrap_or("x"));
        let outcome = self
            .desk
            .ingest(&Mail::customer(from, subject, &id).body(body).bytes());
        assert_eq!(outcome.outcome, "created", "{:?}", outcome.raw);
        outcome.ticket.expect("a created ticket has a number")
    }

    /// `ticket reply N` from the CLI: the ticket waits on the customer.
    fn technician_replies_by_cli(&self, number: u64, text: &str) {
        let body = self.desk.scratch().join(format!("reply-{number}.txt"));
        std::fs::write(&body, text).expect("write the reply body");
        let path = body.to_str().expect("UTF-8 scratch path");
        self.desk
            .run(&["ticket", "reply", &number.to_string(), "--body-file", path])
            .assert_success();
    }

    /// The ticket's status as `ticket show --json` reports it.
    fn status(&self, number: u64) -> String {
        let shown = self.desk.show(number);
        shown
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("`ticket show {number}` has no status: {shown}"))
            .to_owned()
    }

    /// Waits for a spooled mail to `to` that `matches`.
    fn wait_for_mail(
        &self,
        to: &str,
        what: &str,
        matches: impl Fn(&SpooledMail) -> bool,
    ) -> SpooledMail {
        wait_for(PAGE, || {
            self.desk
                .spool()
                .into_iter()
                .find(|m| m.to.iter().any(|t| t == to) && matches(m))
        })
        .unwrap_or_else(|| {
            let spooled: Vec<String> = self.desk.spool().iter().map(SpooledMail::summary).collect();
            panic!("no mail to {to} {what} within {PAGE:?}; spooled: {spooled:#?}")
        })
    }
}

/// `ppdesk-server user create EMAIL --role R [--org O]`, the password on stdin.
fn create_user(desk: &TestDesk, email: &str, role: &str, org: Option<&str>) {
    let mut args = vec!["user", "create", email, "--role", role];
    if let Some(org) = org {
        args.extend(["--org", org]);
    }
    desk.run_with_stdin(&args, format!("{PASSWORD}\n").as_bytes())
        .assert_success();
}

/// Signs in through the login page (reached by opening `page`, which redirects there), and
/// waits until the browser is back on `page`.
fn sign_in(browser: &Browser, email: &str, page: &str) {
    browser.goto(page);
    browser.wait_for("#login-form", PAGE);
    browser.fill("email", email);
    browser.fill("password", PASSWORD);
    browser.click("#login-submit");
    browser.wait_for_path(page, PAGE);
}

/// Signs out with the header's button and waits for the login page.
fn sign_out(browser: &Browser) {
    browser.click("#logout");
    browser.wait_for_path("/login", PAGE);
}

/// A value unique within this test process (message ids, file names).
fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("browser-{}-{n}", std::process::id())
}

/// Waits until the portal ticket page shows status `id` (`waiting-on-customer`…) with
/// `label` ("In attesa del cliente"…).
fn wait_for_portal_status(browser: &Browser, id: &str, label: &str) {
    browser.wait_until(&format!("the ticket page showing {label:?}"), PAGE, |b| {
        b.attr("#portal-ticket", "data-status").as_deref() == Some(id)
            && b.text_of("#ticket-status")
                .is_some_and(|t| t.contains(label))
    });
}

/// The link to a ticket in the portal.
fn portal_link(number: u64) -> String {
    format!("a[href=\"/portal/tickets/{number}\"]")
}

/// Size of the screenshot a customer attaches.
const SHOT_WIDTH: u32 = 160;
const SHOT_HEIGHT: u32 = 90;

/// A small real PNG (an error dialog's red title bar over a white window), as a customer's
/// screenshot attachment.
fn write_png(path: &Path) {
    let file = std::fs::File::create(path).expect("create the PNG");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), SHOT_WIDTH, SHOT_HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header");
    let mut pixels = Vec::with_capacity((SHOT_WIDTH * SHOT_HEIGHT * 3) as usize);
    for y in 0..SHOT_HEIGHT {
        for _x in 0..SHOT_WIDTH {
            pixels.extend_from_slice(if y < 18 {
                &[200, 30, 30]
            } else {
                &[245, 245, 245]
            });
        }
    }
    writer.write_image_data(&pixels).expect("PNG pixels");
}

/// `dd/mm/yyyy` of now + `days`, in UTC and in Rome (the page may show either; around
/// midnight they differ).
fn dates_in(days: u32) -> Vec<String> {
    let mut dates = Vec::new();
    for tz in ["UTC", "Europe/Rome"] {
        let out = Command::new("date")
            .env("TZ", tz)
            .args(["-d", &format!("+{days} days"), "+%d/%m/%Y"])
            .output()
            .expect("run date");
        dates.push(String::from_utf8_lossy(&out.stdout).trim().to_owned());
    }
    dates
}

#[test]
fn customer_replies_with_attachment_resolves_and_reopens() {
    let started = Instant::now();
    let site = Site::start("browser-portal");
    let waiting_on_support = site.mail_ticket(
        MARIO,
        "La stampante non stampa",
        "Buongiorno,\nla stampante in amministrazione non stampa.\n",
    );
    let waiting_on_customer = site.mail_ticket(
        MARIO,
        "Mago4 chiede la licenza",
        "Buongiorno,\nall'avvio Mago4 chiede la licenza.\n",
    );
    site.technician_replies_by_cli(waiting_on_customer, "Ci può mandare il numero di serie?");
    // Not Mario's: another ACME customer's ticket and another organisation's.
    let lucas = site.mail_ticket(LUCA, "Outlook non scarica la posta", "Outlook è fermo.\n");
    let brunos = site.mail_ticket(BRUNO, "Server Beta lento", "Il server è lento.\n");
    let browser = site.browser("portal");
    sign_in(&browser, MARIO, "/portal");
    browser.wait_for("#waiting-on-support", PAGE);
    browser.wait_for("#waiting-on-customer", PAGE);
    let support = browser.text("#waiting-on-support");
    let customer = browser.text("#waiting-on-customer");
    assert!(
        browser.exists(&format!(
            "#waiting-on-support {}",
            portal_link(waiting_on_support)
        )) && support.contains("La stampante non stampa"),
        "ticket {waiting_on_support} belongs under \"In attesa del supporto\": {support:?}"
    );
    assert!(
        browser.exists(&format!(
            "#waiting-on-customer {}",
            portal_link(waiting_on_customer)
        )) && customer.contains("Mago4 chiede la licenza"),
        "ticket {waiting_on_customer} belongs under \"In attesa del cliente\": {customer:?}"
    );
    assert!(
        !browser.exists(&format!(
            "#waiting-on-support {}",
            portal_link(waiting_on_customer)
        )) && !browser.exists(&format!(
            "#waiting-on-customer {}",
            portal_link(waiting_on_support)
        )),
        "each ticket in one list only:\nsupport: {support:?}\ncustomer: {customer:?}"
    );
    let home = browser.body_text();
    for (number, title) in [
        (lucas, "Outlook non scarica la posta"),
        (brunos, "Server Beta lento"),
    ] {
        assert!(
            !home.contains(title) && !browser.exists(&portal_link(number)),
            "Mario must not see ticket {number} ({title}):\n{home}"
        );
    }
    browser.screenshot("home");

    // Open the ticket and answer with a screenshot attached.
    browser.click(&format!(
        "#waiting-on-support {}",
        portal_link(waiting_on_support)
    ));
    browser.wait_for_path(&format!("/portal/tickets/{waiting_on_support}"), PAGE);
    browser.wait_for("#reply-form", PAGE);
    let png = site.desk.scratch().join("errore-stampante.png");
    write_png(&png);
    let reply = "Ecco la schermata dell'errore della stampante.";
    browser.fill("#reply-form [name=\"body\"]", reply);
    browser.upload("#reply-form [name=\"files\"]", &[&png]);
    browser.click("#reply-form [type=\"submit\"]");
    browser.wait_until("the reply and its attachment in the thread", PAGE, |b| {
        let text = b.text_of("#messages").unwrap_or_default();
        text.contains(reply) && text.contains("errore-stampante.png")
    });
    // The screenshot shows inline: the browser fetched and decoded it (CSP and headers allow it).
    // In view first: the thread's images load lazily.
    browser.scroll_to("#messages > li:last-child");
    browser.wait_until("the attached screenshot decoded inline", PAGE, |b| {
        b.execute(
            "return Array.from(document.querySelectorAll('#messages img'))\
             .some(i => i.complete && i.naturalWidth === arguments[0] && i.alt.includes('errore-stampante'));",
            vec![SHOT_WIDTH.into()],
        ) == Value::Bool(true)
    });
    let shown = site.desk.show(waiting_on_support);
    let attachment_stored = shown.to_string().contains("errore-stampante.png");
    assert!(
        attachment_stored,
        "the attachment is stored with the reply: {shown}"
    );
    browser.screenshot("replied");

    // "Segna come risolto" with its reason; then the page offers "Riapri il ticket" until when.
    browser.fill(
        "#resolve-form [name=\"reason\"]",
        "Risolto cambiando il toner.",
    );
    browser.click("#resolve-form [type=\"submit\"]");
    browser.wait_for("#reopen-form", PAGE);
    wait_for_portal_status(&browser, "resolved", "Risolt");
    assert_eq!(site.status(waiting_on_support), "resolved");
    let until = browser.text("#reopen-until");
    let deadlines = dates_in(7);
    assert!(
        deadlines.iter().any(|d| until.contains(d.as_str())),
        "the page must say until when the ticket can be reopened ({deadlines:?}): {until:?}"
    );
    let page = browser.body_text();
    assert!(
        page.contains("Risolto cambiando il toner."),
        "the reason shows on the page:\n{page}"
    );
    browser.scroll_to("#resolution");
    browser.screenshot("resolved");

    browser.click("#reopen-form [type=\"submit\"]");
    wait_for_portal_status(&browser, "waiting-on-support", "In attesa del supporto");
    browser.wait_for("#resolve-form", PAGE);
    assert!(
        !browser.exists("#reopen-form"),
        "a reopened ticket offers no reopen"
    );
    assert_eq!(site.status(waiting_on_support), "waiting_on_support");
    browser.screenshot("reopened");
    println!("customer flow: {:?}", started.elapsed());
}

#[test]
fn new_ticket_shows_kb_suggestions_while_typing_and_is_acknowledged() {
    let started = Instant::now();
    let site = Site::start("browser-new");
    let browser = site.browser("new-ticket");

    // A technician writes the article in the KB editor.
    sign_in(&browser, MARCO, "/console/kb/new");
    browser.wait_for("#kb-editor-form", PAGE);
    let article = "Stampante: la coda di stampa è bloccata";
    browser.fill("#kb-editor-form [name=\"title\"]", article);
    browser.fill("#kb-editor-form [name=\"category\"]", "Stampanti");
    browser.select("#kb-editor-form [name=\"visibility\"]", "public");
    browser.fill(
        "#kb-editor-form [name=\"body\"]",
        "Se la stampante non stampa, svuotare la coda di stampa e riavviare lo spooler.",
    );
    browser.click("#kb-save");
    browser.wait_for("#kb-saved", PAGE);
    sign_out(&browser);

    // The customer types a title: the article appears beside the form.
    sign_in(&browser, MARIO, "/portal/new");
    browser.wait_for("#new-ticket-form", PAGE);
    browser.fill(
        "#new-ticket-form [name=\"title\"]",
        "La stampante non stampa",
    );
    browser.wait_until("the KB article suggested beside the form", PAGE, |b| {
        b.texts("#kb-suggestions a")
            .iter()
            .any(|t| t.contains(article))
    });
    browser.screenshot("suggestions");

    // The desk's categories, when it has some, are a required choice.
    if let Some(first) = browser.attr(
        "#new-ticket-form [name=\"category\"] option:nth-child(2)",
        "value",
    ) {
        browser.select("#new-ticket-form [name=\"category\"]", &first);
    }
    browser.fill(
        "#new-ticket-form [name=\"description\"]",
        "Da stamattina la stampante dell'ufficio non stampa più nulla.",
    );
    browser.click("#new-ticket-form [type=\"submit\"]");
    browser.wait_until("the new ticket's page", PAGE, |b| {
        b.current_path()
            .strip_prefix("/portal/tickets/")
            .is_some_and(|n| n.parse::<u64>().is_ok())
    });
    let path = browser.current_path();
    let number: u64 = path["/portal/tickets/".len()..]
        .parse()
        .expect("a ticket number in the path");
    browser.wait_for_text("body", "La stampante non stampa", PAGE);
    browser.screenshot("created");

    let shown = site.desk.show(number);
    assert_eq!(shown["status"], "waiting_on_support", "{shown}");
    let ack = site.wait_for_mail(MARIO, "acknowledging the portal ticket", |m| {
        m.subject.contains(&tag(number))
    });
    assert!(
        ack.subject.contains("La stampante non stampa"),
        "the acknowledgement names the title: {}",
        ack.summary()
    );
    println!("new ticket flow: {:?}", started.elapsed());
}

#[test]
fn technician_reply_in_console_flips_the_customer_to_waiting_on_customer() {
    let started = Instant::now();
    let site = Site::start("browser-console");
    let number = site.mail_ticket(
        MARIO,
        "Il gestionale è lento",
        "Buongiorno,\nil gestionale è molto lento.\n",
    );
    let ticket_page = format!("/portal/tickets/{number}");

    let customer = site.browser("flip-customer");
    sign_in(&customer, MARIO, &ticket_page);
    wait_for_portal_status(&customer, "waiting-on-support", "In attesa del supporto");
    customer.screenshot("before");

    let technician = site.browser("flip-technician");
    let console_page = format!("/console/tickets/{number}");
    sign_in(&technician, MARCO, &console_page);
    technician.wait_for("#reply-form", PAGE);
    let answer = "Abbiamo riavviato il servizio: può riprovare?";
    technician.fill("#reply-form [name=\"body\"]", answer);
    technician.click("#reply-form [type=\"submit\"]");
    technician.wait_for_text("body", answer, PAGE);
    technician.screenshot("console-replied");
    assert_eq!(site.status(number), "waiting_on_customer");

    // The customer's own session sees the new status and the answer.
    customer.goto(&ticket_page);
    wait_for_portal_status(&customer, "waiting-on-customer", "In attesa del cliente");
    customer.wait_for_text("#messages", answer, PAGE);
    customer.screenshot("after");
    customer.goto("/portal");
    customer.wait_for(
        &format!("#waiting-on-customer {}", portal_link(number)),
        PAGE,
    );
    assert!(
        !customer.exists(&format!("#waiting-on-support {}", portal_link(number))),
        "the ticket left \"In attesa del supporto\""
    );
    customer.screenshot("home-after");

    site.wait_for_mail(MARIO, "carrying the technician's answer", |m| {
        m.subject.contains(&tag(number)) && m.body.contains("riavviato il servizio")
    });
    println!("console flow: {:?}", started.elapsed());
}

#[test]
fn technician_merges_a_duplicate_and_its_requester_is_told_where_it_went() {
    let started = Instant::now();
    let site = Site::start("browser-merge");
    let kept = site.mail_ticket(
        MARIO,
        "Stampante ufficio guasta",
        "La stampante dell'ufficio è guasta.\n",
    );
    let duplicate = site.mail_ticket(LUCA, "Anche a me non stampa", "La stampante non stampa.\n");

    let browser = site.browser("merge");
    sign_in(&browser, MARCO, &format!("/console/tickets/{duplicate}"));
    browser.wait_for("#merge-form", PAGE);
    let before = site.desk.spool_names();
    browser.fill("#merge-form [name=\"target\"]", &kept.to_string());
    browser.click("#merge-form [type=\"submit\"]");
    // The console lands on the ticket that stays, which lists the duplicate it absorbed with
    // Luca's message in its thread.
    browser.wait_for_path(&format!("/console/tickets/{kept}"), PAGE);
    browser.wait_for(
        &format!("#fact-merged-from a[href=\"/console/tickets/{duplicate}\"]"),
        PAGE,
    );
    browser.wait_for_text("#messages", "La stampante non stampa.", PAGE);
    browser.wait_for_text("#flash", &kept.to_string(), PAGE);
    browser.screenshot("merged-console");
    // The duplicate's own page says where it went and offers no second merge.
    browser.goto(&format!("/console/tickets/{duplicate}"));
    browser.wait_for(
        &format!("#merged-banner a[href=\"/console/tickets/{kept}\"]"),
        PAGE,
    );
    assert!(
        !browser.exists("#merge-form"),
        "a merged ticket cannot be merged again"
    );
    browser.screenshot("duplicate-console");
    assert_eq!(site.status(duplicate), "cancelled");

    // Luca, who wrote the duplicate, is mailed the number his conversation now lives under.
    let told = site.wait_for_mail(LUCA, "naming the ticket it was merged into", |m| {
        !before.contains(m.file_name())
            && (m.subject.contains(&tag(kept)) || m.body.contains(&tag(kept)))
    });
    println!("merge notice: {}", told.summary());

    // Luca opens his old ticket: the page says where it went and links there, where his
    // message now is.
    sign_out(&browser);
    sign_in(&browser, LUCA, &format!("/portal/tickets/{duplicate}"));
    browser.wait_for(&format!("#merged-into {}", portal_link(kept)), PAGE);
    let notice = browser.text("#merged-into");
    assert!(
        notice.contains(&tag(kept)) || notice.contains(&kept.to_string()),
        "the duplicate's page names ticket {kept}: {notice:?}"
    );
    browser.scroll_to("#merged-into");
    browser.screenshot("merged-portal");
    browser.click(&format!("#merged-into {}", portal_link(kept)));
    browser.wait_for_path(&format!("/portal/tickets/{kept}"), PAGE);
    browser.wait_for_text("#messages", "La stampante non stampa.", PAGE);
    browser.screenshot("merged-target");
    println!("merge flow: {:?}", started.elapsed());
}
