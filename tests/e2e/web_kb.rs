//! The knowledge base over HTTP against a real `ppdesk-server serve` (issue 5, items 5 and 9):
//! a technician writes articles in the editor (CSRF-checked forms, preview), anonymous readers
//! see public articles and never internal ones (404, not in search or suggestions), suggestions
//! come as an HTML fragment or JSON, the agent API suggests the same public articles, edits show
//! at once, and a restarted server rebuilds its index from the database.

use ppdesk_tests::http::{HttpResponse, http_request};
use ppdesk_tests::{TestDesk, wait_for};
use serde_json::Value;
use std::time::Duration;

/// A technician (the default test config's staff domain).
const TECH: &str = "marco.ferri@projectpp.it";
/// A customer.
const CUSTOMER: &str = "mario.rossi@acme.it";
const PASSWORD: &str = "Prova-Kb-2026!";

const PUBLIC_TITLE: &str = "La stampante risulta offline";
const PUBLIC_BODY: &str = "## Cosa fare\n\n1. Riavvia lo **spooler** di stampa.\n\
     2. Controlla l'indirizzo IP della stampante.\n\n<script>alert('kb')</script>\
     <img src=x onerror=\"alert(2)\">";
const INTERNAL_TITLE: &str = "Pannello Kyocera: credenziali di amministrazione";
const INTERNAL_BODY: &str = "Le credenziali del pannello delle stampanti sono nel vault, \
     alla voce Kyocera-magazzino.";

/// Percent-encodes a form value.
fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the first hidden `_csrf` field of a page.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no _csrf field in the page:\n{html}"))
        + marker.len();
    let end = html[start..].find('"').expect("end of the _csrf value") + start;
    html[start..end].to_string()
}

/// A browser-like client: one server, the cookies it set.
struct Client {
    addr: String,
    cookies: Vec<(String, String)>,
}

impl Client {
    fn new(addr: &str) -> Self {
        Self {
            addr: addr.to_string(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &HttpResponse) {
        for (name, value) in &response.headers {
            if name != "set-cookie" {
                continue;
            }
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies.retain(|(old, _)| old != k);
                if !v.is_empty() {
                    self.cookies.push((k.to_string(), v.to_string()));
                }
            }
        }
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> HttpResponse {
        let cookie = self.cookie_header();
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if !cookie.is_empty() {
            all.push(("Cookie", &cookie));
        }
        let response = http_request(&self.addr, method, path, &all, body.as_bytes())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        self.keep_cookies(&response);
        response
    }

    fn get(&mut self, path: &str) -> HttpResponse {
        self.send("GET", path, &[], "")
    }

    fn get_json(&mut self, path: &str) -> HttpResponse {
        self.send("GET", path, &[("Accept", "application/json")], "")
    }

    fn post_form(&mut self, path: &str, body: &str) -> HttpResponse {
        self.send(
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body,
        )
    }

    /// Signs in through `/login` as a browser would.
    fn sign_in(&mut self, email: &str) {
        let page = self.get("/login");
        assert_eq!(page.status, 200, "{}", page.text());
        let csrf = csrf_of(&page.text());
        let answer = self.post_form(
            "/login",
            &form(&[("email", email), ("password", PASSWORD), ("_csrf", &csrf)]),
        );
        assert!(
            answer.status == 303 && self.cookies.iter().any(|(k, _)| k == "ppdesk_session"),
            "sign-in as {email} failed: {} {}",
            answer.status,
            answer.text()
        );
    }
}

fn create_user(desk: &TestDesk, email: &str, role: &str) {
    desk.run_with_stdin(
        &["user", "create", email, "--role", role],
        format!("{PASSWORD}\n").as_bytes(),
    )
    .assert_success();
}

/// Saves an article through the editor; returns the editor page it lands on (`/console/kb/N/edit`).
fn save_article(
    tech: &mut Client,
    action_path: &str,
    title: &str,
    category: &str,
    visibility: &str,
    body: &str,
) -> String {
    let editor = tech.get(action_path);
    assert_eq!(editor.status, 200, "{}", editor.text());
    let csrf = csrf_of(&editor.text());
    let saved = tech.post_form(
        action_path,
        &form(&[
            ("_csrf", &csrf),
            ("title", title),
            ("category", category),
            ("visibility", visibility),
            ("language", "it"),
            ("body", body),
            ("action", "save"),
        ]),
    );
    assert_eq!(saved.status, 303, "saving {title}: {}", saved.text());
    let location = saved
        .header("location")
        .expect("redirect after saving")
        .to_string();
    assert!(
        location.starts_with("/console/kb/") && location.ends_with("/edit?saved=1"),
        "{location}"
    );
    let page = tech.get(&location);
    assert!(page.text().contains("id=\"kb-saved\""), "{}", page.text());
    location.trim_end_matches("?saved=1").to_string()
}

fn titles(json: &Value) -> Vec<String> {
    json.as_array()
        .expect("a JSON array")
        .iter()
        .map(|s| s["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn articles_from_the_editor_are_read_searched_and_suggested_by_who_may_see_them() {
    let desk = TestDesk::new();
    create_user(&desk, TECH, "technician");
    create_user(&desk, CUSTOMER, "customer");
    let token = desk.org_with_token("ACME S.r.l.", "acme.it");
    let server = desk.serve("kb");
    let addr = server.addr().to_string();

    let mut tech = Client::new(&addr);
    tech.sign_in(TECH);

    // The editor refuses a form without the session's CSRF token, and customers.
    let refused = tech.post_form(
        "/console/kb/new",
        &form(&[
            ("title", "x"),
            ("category", "y"),
            ("body", "z"),
            ("action", "save"),
        ]),
    );
    assert_eq!(refused.status, 403, "{}", refused.text());
    let mut customer = Client::new(&addr);
    customer.sign_in(CUSTOMER);
    assert_eq!(customer.get("/console/kb").status, 403);
    assert_eq!(customer.get("/console/kb/new").status, 403);

    // Preview renders the Markdown, sanitised, without saving.
    let editor = tech.get("/console/kb/new");
    let csrf = csrf_of(&editor.text());
    let preview = tech.post_form(
        "/console/kb/new",
        &form(&[
            ("_csrf", &csrf),
            ("title", PUBLIC_TITLE),
            ("category", "Stampanti"),
            ("visibility", "public"),
            ("language", "it"),
            ("body", PUBLIC_BODY),
            ("action", "preview"),
        ]),
    );
    assert_eq!(preview.status, 200);
    let html = preview.text();
    // The form shows the text as written (escaped in the textarea); the preview, rendered.
    let rendered = &html[html.find("id=\"kb-preview\"").expect("the preview")..];
    assert!(rendered.contains("<h2>Cosa fare</h2>"), "{html}");
    assert!(!rendered.contains("<script"), "{html}");
    assert!(!rendered.contains("onerror"), "{html}");
    assert!(!html.contains("<script>alert"), "{html}");
    let live = tech.send(
        "POST",
        "/console/kb/preview",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-CSRF-Token", &csrf),
        ],
        &form(&[("body", "**grassetto** <script>x()</script>")]),
    );
    assert_eq!(live.status, 200);
    assert_eq!(live.text().trim(), "<p><strong>grassetto</strong> </p>");
    // A draft with problems is shown again with what is wrong.
    let bad = tech.post_form(
        "/console/kb/new",
        &form(&[
            ("_csrf", &csrf),
            ("title", ""),
            ("body", "x"),
            ("action", "save"),
        ]),
    );
    assert_eq!(bad.status, 422);
    assert!(
        bad.text().contains("id=\"kb-title-problem\""),
        "{}",
        bad.text()
    );

    let public_editor = save_article(
        &mut tech,
        "/console/kb/new",
        PUBLIC_TITLE,
        "Stampanti",
        "public",
        PUBLIC_BODY,
    );
    save_article(
        &mut tech,
        "/console/kb/new",
        INTERNAL_TITLE,
        "Stampanti",
        "internal",
        INTERNAL_BODY,
    );
    assert_eq!(tech.get("/console/kb/99999/edit").status, 404);
    assert_eq!(tech.get("/console/kb/abc/edit").status, 404);
    let list = tech.get("/console/kb");
    assert!(list.text().contains(PUBLIC_TITLE) && list.text().contains(INTERNAL_TITLE));

    // Anonymous readers: the public article, sanitised; the internal one does not exist.
    let mut anonymous = Client::new(&addr);
    let article = anonymous.get("/kb/articles/la-stampante-risulta-offline");
    assert_eq!(article.status, 200, "{}", article.text());
    let page = article.text();
    assert!(page.contains(PUBLIC_TITLE));
    assert!(page.contains("<strong>spooler</strong>"), "{page}");
    assert!(
        !page.contains("alert('kb')") && !page.contains("onerror"),
        "{page}"
    );
    assert_eq!(
        anonymous
            .get("/kb/articles/pannello-kyocera-credenziali-di-amministrazione")
            .status,
        404
    );
    assert_eq!(
        customer
            .get("/kb/articles/pannello-kyocera-credenziali-di-amministrazione")
            .status,
        404
    );
    let staff_view = tech.get("/kb/articles/pannello-kyocera-credenziali-di-amministrazione");
    assert_eq!(staff_view.status, 200);
    assert!(staff_view.text().contains("id=\"kb-internal-badge\""));

    // Search: Italian stemming ("stampanti" finds "stampante"), public only for the public.
    let search = anonymous.get("/kb?q=stampanti");
    assert_eq!(search.status, 200);
    let results = search.text();
    assert!(results.contains("id=\"kb-results-list\""), "{results}");
    assert!(results.contains(PUBLIC_TITLE), "{results}");
    assert!(!results.contains("Kyocera"), "{results}");
    assert!(
        results.contains("<mark>"),
        "snippets highlight the words: {results}"
    );
    let home = anonymous.get("/kb");
    assert!(home.text().contains("href=\"/kb/category/stampanti\""));
    let category = anonymous.get("/kb/category/stampanti");
    assert_eq!(category.status, 200);
    assert!(category.text().contains(PUBLIC_TITLE) && !category.text().contains("Kyocera"));
    assert_eq!(anonymous.get("/kb/category/nessuna").status, 404);

    // Suggestions while typing: the last word is a prefix.
    let fragment = anonymous.get("/kb/suggest?q=stamp");
    assert_eq!(fragment.status, 200);
    assert!(
        fragment
            .header("content-type")
            .unwrap_or_default()
            .starts_with("text/html"),
        "{:?}",
        fragment.headers
    );
    let text = fragment.text();
    assert!(text.contains("id=\"kb-suggest-list\""), "{text}");
    assert!(
        text.contains("href=\"/kb/articles/la-stampante-risulta-offline\""),
        "{text}"
    );
    assert!(!text.contains("<html"), "a fragment, not a page: {text}");
    assert_eq!(anonymous.get("/kb/suggest?q=zzzz").text().trim(), "");
    let json = anonymous.get_json("/kb/suggest?q=pannello%20stamp");
    assert_eq!(json.status, 200);
    let found = json.json();
    assert_eq!(titles(&found), vec![PUBLIC_TITLE.to_string()], "{found}");
    assert_eq!(found[0]["url"], "/kb/articles/la-stampante-risulta-offline");
    assert!(found[0]["excerpt"].as_str().is_some_and(|e| !e.is_empty()));
    let staff_found = tech.get_json("/kb/suggest?q=kyocera");
    assert_eq!(
        titles(&staff_found.json()),
        vec![INTERNAL_TITLE.to_string()]
    );
    assert_eq!(
        customer.get_json("/kb/suggest?q=kyocera").json(),
        serde_json::json!([])
    );

    // The agent API suggests the same public articles, never internal ones.
    let auth = format!("Bearer {token}");
    let api = http_request(
        &addr,
        "GET",
        "/api/v1/kb/suggest?q=stampant",
        &[("Authorization", &auth)],
        b"",
    )
    .expect("API answer");
    assert_eq!(api.status, 200, "{}", api.text());
    assert_eq!(titles(&api.json()), vec![PUBLIC_TITLE.to_string()]);
    let api_internal = http_request(
        &addr,
        "GET",
        "/api/v1/kb/suggest?q=kyocera",
        &[("Authorization", &auth)],
        b"",
    )
    .expect("API answer");
    assert_eq!(api_internal.json(), serde_json::json!([]));

    // An edit shows at once: new title and words.
    save_article(
        &mut tech,
        &public_editor,
        "Stampante non in linea: cosa fare",
        "Stampanti",
        "public",
        "Riavvia il servizio di stampa e verifica il cavo di rete.",
    );
    let after = anonymous.get_json("/kb/suggest?q=cavo%20di%20ret");
    assert_eq!(
        titles(&after.json()),
        vec!["Stampante non in linea: cosa fare".to_string()]
    );
    // Its address stayed.
    assert_eq!(
        anonymous
            .get("/kb/articles/la-stampante-risulta-offline")
            .status,
        200
    );

    // A restarted server rebuilds the index from the database.
    drop(server);
    let again = desk.serve("kb-again");
    let mut reader = Client::new(again.addr());
    let rebuilt = wait_for(Duration::from_secs(10), || {
        let r = reader.get_json("/kb/suggest?q=cavo");
        (r.status == 200).then(|| r.json())
    })
    .expect("suggestions after a restart");
    assert_eq!(
        titles(&rebuilt),
        vec!["Stampante non in linea: cosa fare".to_string()]
    );
}

/// `ppdesk-server serve --demo` on a free loopback port; killed when dropped.
struct DemoServer {
    child: std::process::Child,
    addr: String,
}

impl DemoServer {
    fn start(desk: &TestDesk) -> Self {
        let addr = ppdesk_tests::free_local_addr();
        let log = std::fs::File::create(desk.scratch().join("demo.log")).expect("demo log");
        let child = desk
            .command(&["serve", "--listen", &addr, "--demo"])
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("start serve --demo");
        let mut server = DemoServer { child, addr };
        let up = wait_for(Duration::from_secs(60), || {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "serve --demo exited with {status}\n{}",
                    std::fs::read_to_string(desk.scratch().join("demo.log")).unwrap_or_default()
                );
            }
            ppdesk_tests::http_get(&server.addr, "/healthz")
                .ok()
                .filter(|(code, _)| *code == 200)
        });
        assert!(up.is_some(), "serve --demo did not answer /healthz");
        server
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_demo_starts_with_useful_public_articles_and_keeps_internal_ones_for_staff() {
    let desk = TestDesk::new();
    let server = DemoServer::start(&desk);
    let mut anonymous = Client::new(&server.addr);

    let home = anonymous.get("/kb");
    assert_eq!(home.status, 200);
    let page = home.text();
    let categories = page.matches("class=\"kb-category\"").count();
    assert!(
        categories >= 4,
        "macro-categories on /kb: {categories}\n{page}"
    );
    assert!(page.contains("id=\"kb-search\""), "{page}");

    let printer = anonymous.get("/kb/articles/la-stampante-risulta-offline-o-non-stampa");
    assert_eq!(printer.status, 200, "{}", printer.text());
    assert!(
        printer.text().contains("Spooler di stampa"),
        "{}",
        printer.text()
    );
    assert_eq!(
        anonymous
            .get("/kb/articles/mago4-sbloccare-un-documento-rimasto-in-uso")
            .status,
        404,
        "the internal demo article is hidden from anonymous readers"
    );

    // Italian plural finds the singular title; English plural the English article.
    let italian = anonymous.get_json("/kb/suggest?q=stampanti%20").json();
    assert_eq!(
        titles(&italian).first().map(String::as_str),
        Some("La stampante risulta offline o non stampa"),
        "{italian}"
    );
    let english = anonymous.get_json("/kb/suggest?q=printers%20").json();
    assert_eq!(
        titles(&english).first().map(String::as_str),
        Some("Printer shows as offline on Windows"),
        "{english}"
    );
    let mago = anonymous
        .get_json("/kb/suggest?q=mago4%20documento%20in%20us")
        .json();
    assert!(
        !titles(&mago).iter().any(|t| t.contains("sbloccare")),
        "internal demo article suggested to the public: {mago}"
    );
}
