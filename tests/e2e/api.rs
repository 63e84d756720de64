//! The agent API (`/api/v1/…`, issue 4) against the real server: an organisation and its token
//! made with the CLI, a multipart ticket with a real PNG, the acknowledgement it causes, "my
//! tickets", and every refusal of the contract as an `ApiError`.

use std::time::Duration;

use ppdesk_tests::http::{HttpResponse, Multipart, http_request};
use ppdesk_tests::{Mail, Serving, SpooledMail, TestDesk, default_config, tag, wait_for};
use serde_json::{Value, json};

const ORG: &str = "ACME S.r.l.";
const MARIO: &str = "mario.rossi@acme.it";
const TICKETS: &str = "/api/v1/tickets";
/// Small limits, so that "too large" needs only a few KiB.
const MAX_REQUEST: u64 = 64 * 1024;
const MAX_FILE: u64 = 32 * 1024;

fn config() -> String {
    format!(
        "{}\n[api]\nmax_request_bytes = \"64 KiB\"\nmax_file_bytes = \"32 KiB\"\n",
        default_config()
    )
}

/// `org token create NAME`: exit 0 and the token alone on stdout.
fn create_token(desk: &TestDesk, organisation: &str) -> String {
    let out = desk.run(&["org", "token", "create", organisation, "--label", "e2e"]);
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "the token alone on stdout\n{}",
        out.transcript()
    );
    assert!(
        lines[0].starts_with("ppd_") && lines[0].len() == 68,
        "token shape: {:?}",
        lines[0]
    );
    lines[0].to_string()
}

/// A desk with ACME (made with the CLI), its server, and a token made while it runs.
struct Api {
    desk: TestDesk,
    server: Serving,
    token: String,
}

impl Api {
    fn start() -> Api {
        let desk = TestDesk::with_config(&config());
        desk.run(&["org", "create", ORG, "--domain", "acme.it"])
            .assert_success();
        let server = desk.serve("api");
        // Made after the server started: a running server sees new tokens at once.
        let token = create_token(&desk, ORG);
        Api {
            desk,
            server,
            token,
        }
    }

    fn post_as(&self, token: Option<&str>, form: &Multipart) -> HttpResponse {
        let content_type = form.content_type();
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", content_type.as_str())];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        http_request(self.server.addr(), "POST", TICKETS, &headers, &form.body())
            .expect("the server answers the POST")
    }

    fn post(&self, form: &Multipart) -> HttpResponse {
        self.post_as(Some(&self.token), form)
    }

    fn get_as(&self, token: &str, path: &str) -> HttpResponse {
        let auth = format!("Bearer {token}");
        http_request(
            self.server.addr(),
            "GET",
            path,
            &[("Authorization", &auth), ("Accept-Language", "en")],
            b"",
        )
        .expect("the server answers the GET")
    }

    fn get(&self, path: &str) -> HttpResponse {
        self.get_as(&self.token, path)
    }
}

/// A real PNG of `width`×`height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header");
    let pixels: Vec<u8> = (0..width * height)
        .flat_map(|i| [(i % 251) as u8, 0x80, (i / 7 % 256) as u8])
        .collect();
    writer.write_image_data(&pixels).expect("PNG pixels");
    writer.finish().expect("PNG end");
    bytes
}

fn machine() -> String {
    json!({
        "hostname": "PC-MAGAZZINO",
        "os": "Windows 11 Pro 23H2",
        "agent_version": "0.1.0",
        "user": "mario",
        "screens": ["1920x1080+0+0", "1280x1024+1920+0"],
        "active_window": "Mago4 - Emissione documenti"
    })
    .to_string()
}

/// The form the agent sends, with submission id `id`.
fn ticket_form(id: &str) -> Multipart {
    Multipart::new()
        .text("subject", "Mago4 si blocca all'emissione delle fatture")
        .text(
            "description",
            "Buongiorno,\nl'emissione dei ddt si blocca con \"Fido superato\".\n",
        )
        .text("category", "Mago")
        .text("priority", "high")
        .text("contact_name", "Mario Rossi")
        .text("contact_email", MARIO)
        .text("machine", &machine())
        .text("submission_id", id)
        .file("screenshot", "schermata.png", "image/png", &png(64, 48))
        .file(
            "attachment",
            "errore.log",
            "text/plain",
            b"12:01 Fido superato\n",
        )
}

fn assert_refusal(answer: &HttpResponse, status: u16, error: &str, field: Option<&str>) -> Value {
    assert_eq!(answer.status, status, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["error"], error, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "a message a person can act on: {body}"
    );
    match field {
        Some(field) => assert_eq!(body["field"], field, "{body}"),
        None => assert!(body.get("field").is_none(), "no field: {body}"),
    }
    body
}

fn acknowledgements_to(desk: &TestDesk, to: &str) -> Vec<SpooledMail> {
    desk.spool()
        .into_iter()
        .filter(|m| m.to.iter().any(|a| a == to))
        .collect()
}

#[test]
fn a_ticket_from_the_agent_is_opened_acknowledged_and_listed() {
    let api = Api::start();
    let answer = api.post(&ticket_form("draft-0001"));
    assert_eq!(answer.status, 201, "{}", answer.text());
    let created = answer.json();
    assert_eq!(
        created,
        json!({
            "number": 10000,
            "tag": tag(10000),
            "status": "waiting_on_support",
            "sector": "Helpdesk",
        })
    );

    // The acknowledgement goes to the contact through the outbox, exactly as for mail.
    let acks = wait_for(Duration::from_secs(15), || {
        Some(acknowledgements_to(&api.desk, MARIO)).filter(|acks| !acks.is_empty())
    })
    .unwrap_or_else(|| panic!("no acknowledgement spooled\n{}", api.server.log_text()));
    assert_eq!(acks.len(), 1);
    assert!(
        acks[0].subject.contains(&tag(10000)),
        "{}",
        acks[0].summary()
    );
    assert!(acks[0].body.contains(&tag(10000)), "{}", acks[0].body);
    assert!(
        acks[0].body.contains("Gentile Mario Rossi"),
        "{}",
        acks[0].body
    );

    let shown = api.desk.show(10000);
    assert_eq!(shown["channel"], "agent");
    assert_eq!(shown["organisation"], ORG);
    assert_eq!(shown["priority"], "high");
    assert_eq!(shown["requester"]["email"], MARIO);
    let first = &shown["messages"][0];
    assert!(
        first["text_body"]
            .as_str()
            .is_some_and(|t| t.contains("Fido superato")),
        "the description is the first message: {first:#}"
    );
    let files: Vec<(&str, &str)> = first["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .map(|a| {
            (
                a["filename"].as_str().unwrap_or_default(),
                a["content_type"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [("schermata.png", "image/png"), ("errore.log", "text/plain")]
    );
    let submission = &shown["submission"];
    assert_eq!(submission["organisation"], ORG);
    assert_eq!(submission["submission_id"], "draft-0001");
    assert_eq!(submission["machine"]["hostname"], "PC-MAGAZZINO");
    assert_eq!(submission["contact_outside_organisation"], false);
    let text = api.desk.run(&["ticket", "show", "10000"]);
    text.assert_success();
    for needle in [
        "schermata.png",
        "image/png",
        "PC-MAGAZZINO",
        "Mago4 - Emissione",
    ] {
        assert!(text.stdout.contains(needle), "{needle} in\n{}", text.stdout);
    }

    // The agent retries after a lost answer: same ticket, 200, nothing new.
    let again = api.post(&ticket_form("draft-0001"));
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json(), created);
    assert_eq!(api.desk.list().len(), 1, "one ticket");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        acknowledgements_to(&api.desk, MARIO).len(),
        1,
        "one acknowledgement"
    );

    // "My tickets", newest first; the address is compared without case.
    let second = api.post(&ticket_form("draft-0002"));
    assert_eq!(second.status, 201, "{}", second.text());
    let mine = api.get(&format!("{TICKETS}?contact=Mario.Rossi%40ACME.it"));
    assert_eq!(mine.status, 200, "{}", mine.text());
    let list = mine.json();
    let list = list.as_array().expect("a JSON array");
    let numbers: Vec<u64> = list.iter().filter_map(|t| t["number"].as_u64()).collect();
    assert_eq!(numbers, [10001, 10000]);
    assert_eq!(list[1]["status"], "waiting_on_support");
    assert_eq!(list[1]["tag"], tag(10000));
    assert_eq!(list[1]["priority"], "high");
    assert!(list[1]["created_at"].is_string() && list[1]["updated_at"].is_string());

    // Another organisation's token sees none of ACME's tickets.
    api.desk
        .run(&["org", "create", "Beta S.p.A.", "--domain", "beta.it"])
        .assert_success();
    let beta = create_token(&api.desk, "Beta S.p.A.");
    let theirs = api.get_as(&beta, &format!("{TICKETS}?contact={MARIO}"));
    assert_eq!(theirs.status, 200, "{}", theirs.text());
    assert_eq!(theirs.json(), json!([]));

    let kb = api.get("/api/v1/kb/suggest?q=stampante");
    assert_eq!(kb.status, 200, "{}", kb.text());
    assert_eq!(kb.json(), json!([]));
}

#[test]
fn the_token_organisation_owns_the_ticket_whatever_the_contact_domain() {
    let api = Api::start();
    let form = Multipart::new()
        .text("subject", "Stampante offline")
        .text("contact_email", "mario.rossi.privato@gmail.com");
    let answer = api.post(&form);
    assert_eq!(answer.status, 201, "{}", answer.text());
    let shown = api.desk.show(10000);
    assert_eq!(shown["organisation"], ORG);
    assert_eq!(shown["submission"]["contact_outside_organisation"], true);
    assert_eq!(shown["submission"]["submission_id"], Value::Null);
    let text = api.desk.run(&["ticket", "show", "10000"]);
    assert!(
        text.stdout.contains("not in a mail domain of ACME S.r.l."),
        "{}",
        text.stdout
    );
    // An address typed into a form, outside the organisation, is not mailed: a leaked token
    // must not make the helpdesk write to anyone. (The spool gets a mail within milliseconds.)
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let mailed: Vec<String> = api.desk.spool().iter().map(|m| m.summary()).collect();
    assert!(
        mailed.iter().all(|m| !m.contains("mario.rossi.privato")),
        "{mailed:?}"
    );
}

#[test]
fn refusals_are_api_errors_that_name_what_is_wrong() {
    let api = Api::start();
    let minimal = || {
        Multipart::new()
            .text("subject", "Stampante offline")
            .text("contact_email", MARIO)
    };

    let none = api.post_as(None, &minimal());
    assert_refusal(&none, 401, "unauthorized", None);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let forged = format!("ppd_{}", "ab".repeat(32));
    assert_refusal(
        &api.post_as(Some(&forged), &minimal()),
        401,
        "unauthorized",
        None,
    );
    assert_refusal(
        &api.post_as(Some("nonsense"), &minimal()),
        401,
        "unauthorized",
        None,
    );

    // A revoked token is refused from the next request on.
    let spare = create_token(&api.desk, ORG);
    assert_eq!(api.post_as(Some(&spare), &minimal()).status, 201);
    let listed = api.desk.run(&["org", "token", "list", ORG, "--json"]);
    listed.assert_success();
    let spare_id = listed.json()[1]["id"]
        .as_i64()
        .expect("the second token's id");
    api.desk
        .run(&["org", "token", "revoke", ORG, &spare_id.to_string()])
        .assert_success();
    assert_refusal(
        &api.post_as(Some(&spare), &minimal()),
        401,
        "unauthorized",
        None,
    );
    assert_eq!(
        api.post(&minimal()).status,
        201,
        "the other token still works"
    );

    let no_subject = Multipart::new().text("contact_email", MARIO);
    let body = assert_refusal(
        &api.post(&no_subject),
        400,
        "missing_field",
        Some("subject"),
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("subject")
    );
    let two_lines = minimal().text("subject", "again");
    assert_refusal(
        &api.post(&two_lines),
        400,
        "duplicate_field",
        Some("subject"),
    );
    let bad_address = Multipart::new()
        .text("subject", "x")
        .text("contact_email", "mario");
    assert_refusal(
        &api.post(&bad_address),
        400,
        "invalid_field",
        Some("contact_email"),
    );
    let bad_priority = minimal().text("priority", "critica");
    assert_refusal(
        &api.post(&bad_priority),
        400,
        "invalid_field",
        Some("priority"),
    );
    let bad_machine = minimal().text("machine", "{\"hostname\": 42}");
    assert_refusal(
        &api.post(&bad_machine),
        400,
        "invalid_field",
        Some("machine"),
    );

    // Judged by its bytes: a JPEG declared as image/png is not a PNG.
    let jpeg = minimal().file(
        "screenshot",
        "schermata.png",
        "image/png",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    );
    assert_refusal(
        &api.post(&jpeg),
        415,
        "unsupported_media_type",
        Some("screenshot"),
    );

    // Too large: one file over the per-file limit, then a request over the total.
    let big_file = minimal().file(
        "attachment",
        "dump.bin",
        "application/octet-stream",
        &vec![7u8; (MAX_FILE + 1) as usize],
    );
    let body = assert_refusal(&api.post(&big_file), 413, "too_large", Some("attachment"));
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&MAX_FILE.to_string()),
        "the message says the limit: {body}"
    );
    let huge = minimal()
        .file(
            "attachment",
            "a.bin",
            "application/octet-stream",
            &vec![1u8; 30_000],
        )
        .file(
            "attachment",
            "b.bin",
            "application/octet-stream",
            &vec![2u8; 30_000],
        )
        .file(
            "attachment",
            "c.bin",
            "application/octet-stream",
            &vec![3u8; 30_000],
        );
    let body = assert_refusal(&api.post(&huge), 413, "too_large", None);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&MAX_REQUEST.to_string()),
        "the message says the limit: {body}"
    );

    // The query routes: the same token, the parameter named when missing.
    let no_contact = api.get(TICKETS);
    let body = assert_refusal(&no_contact, 400, "missing_field", Some("contact"));
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("required"),
        "Accept-Language: en is honoured: {body}"
    );
    assert_refusal(
        &api.get(&format!("{TICKETS}?contact=mario")),
        400,
        "invalid_field",
        Some("contact"),
    );
    assert_refusal(
        &api.get("/api/v1/kb/suggest"),
        400,
        "missing_field",
        Some("q"),
    );
    let unauthorised = http_request(
        api.server.addr(),
        "GET",
        &format!("{TICKETS}?contact={MARIO}"),
        &[],
        b"",
    )
    .expect("answered");
    assert_refusal(&unauthorised, 401, "unauthorized", None);

    // Only the two minimal submissions above became tickets.
    assert_eq!(api.desk.list().len(), 2);
}

#[test]
fn organisations_from_the_cli_own_mail_and_refuse_clashes() {
    let desk = TestDesk::new();
    desk.run(&[
        "org",
        "create",
        ORG,
        "--domain",
        "ACME.it",
        "--domain",
        "@acme.com",
    ])
    .assert_success();

    for (args, says) in [
        (vec!["org", "create", "acme s.r.l."], "already exists"),
        (
            vec!["org", "create", "Beta", "--domain", "acme.com"],
            "already belongs to organisation",
        ),
        (
            vec!["org", "create", "Beta", "--class", "Platinum"],
            "unknown contract class",
        ),
        (
            vec!["org", "create", "Beta", "--domain", "not a domain"],
            "not a valid mail domain",
        ),
        (vec!["org", "token", "create", "Nessuno"], "no organisation"),
        (vec!["org", "token", "revoke", ORG, "99"], "has no token 99"),
    ] {
        let out = desk.run(&args);
        out.assert_no_panic();
        assert_eq!(out.code(), Some(1), "{args:?}\n{}", out.transcript());
        assert!(
            out.stderr.contains(says),
            "{args:?} should say {says:?}\n{}",
            out.transcript()
        );
        assert!(out.stdout.is_empty(), "{args:?}\n{}", out.transcript());
    }

    let listed = desk.run(&["org", "list", "--json"]);
    listed.assert_success();
    let orgs = listed.json();
    assert_eq!(orgs.as_array().map(Vec::len), Some(1), "{orgs:#}");
    assert_eq!(orgs[0]["name"], ORG);
    assert_eq!(orgs[0]["source"], "database");
    assert_eq!(orgs[0]["domains"], json!(["acme.com", "acme.it"]));

    // Mail from one of its domains belongs to it, as with a config organisation.
    let outcome = desk.ingest(
        &Mail::customer("Anna <anna@acme.com>", "Fattura bloccata", "org-1@acme.com").bytes(),
    );
    assert_eq!(outcome.outcome, "created", "{}", outcome.raw);
    let shown = desk.show(outcome.ticket.expect("a ticket"));
    assert_eq!(shown["organisation"], ORG);
    assert_eq!(shown["channel"], "email");
}
