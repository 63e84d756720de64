//! The technician console over HTTP against a real `ppdesk-server serve` (issue 5, items 6–7,
//! T5): a reply mails the customer with the tag and the ticket waits on the customer; an
//! internal note is never mailed and never reaches the customer's portal; a merge moves the
//! thread and mails the duplicate's requester the new number; a phone ticket is registered with
//! channel phone and acknowledged; queue filters, search and pages find exactly the right
//! tickets; the "tag from a stranger" review; who may use the console at all.
//!
//! Tickets arrive as mail through `ingest`; what the pages did is checked again through
//! `ticket show --json` and the outbound mail spool.

use std::time::Duration;

use ppdesk_tests::http::{HttpResponse, Multipart};
use ppdesk_tests::web::{WebClient, create_user};
use ppdesk_tests::{Mail, SpooledMail, TestDesk, default_config, tag, wait_for};

const ACME: &str = "ACME S.r.l.";
const BETA: &str = "Beta S.p.A.";
const MARIO: &str = "mario.rossi@acme.it";
const LUCA: &str = "luca.bianchi@acme.it";
const BRUNO: &str = "bruno.neri@beta.it";
/// A technician with a web account (staff domain of the default test config).
const MARCO: &str = "marco.ferri@projectpp.it";

const ROUTING: &str = r#"
[routing]
sectors = ["Helpdesk", "Mago", "Web"]
default_sector = "Helpdesk"
categories = ["Amministrazione", "Mago", "Web"]

[[routing.rules]]
sector = "Mago"
keywords = ["mago4"]

[[routing.rules]]
sector = "Web"
keywords = ["sito"]
"#;

fn desk() -> TestDesk {
    let desk = TestDesk::with_config(&format!("{}\n{ROUTING}\n", default_config()));
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
    desk
}

fn unique(what: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("console-{what}-{}-{n}@test.example", std::process::id())
}

/// A mail from `from` opening a ticket; its number.
fn mail_ticket(desk: &TestDesk, from: &str, subject: &str, body: &str) -> u64 {
    let mail = Mail::customer(from, subject, &unique("id")).body(body);
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(outcome.outcome, "created", "{:?}", outcome.raw);
    outcome.ticket.expect("a ticket number")
}

fn assert_status(response: &HttpResponse, status: u16, what: &str) {
    assert_eq!(
        response.status,
        status,
        "{what}: expected {status}, got {}\n{}",
        response.status,
        response.text()
    );
}

fn location(response: &HttpResponse) -> String {
    response
        .header("location")
        .unwrap_or_else(|| panic!("no Location in {} {}", response.status, response.text()))
        .to_string()
}

fn console_path(number: u64) -> String {
    format!("/console/tickets/{number}")
}

/// Waits for an outbound mail to `to` whose subject carries `needle`.
fn wait_for_mail(desk: &TestDesk, to: &str, needle: &str) -> SpooledMail {
    wait_for_mail_with(desk, to, needle, "")
}

/// Waits for an outbound mail to `to` whose subject carries `needle` and body `body`.
fn wait_for_mail_with(desk: &TestDesk, to: &str, needle: &str, body: &str) -> SpooledMail {
    wait_for(Duration::from_secs(15), || {
        desk.spool().into_iter().find(|m| {
            m.to.iter().any(|t| t == to) && m.subject.contains(needle) && m.body.contains(body)
        })
    })
    .unwrap_or_else(|| {
        let spooled: Vec<String> = desk.spool().iter().map(SpooledMail::summary).collect();
        panic!("no mail to {to} with {needle:?} and {body:?}; spooled: {spooled:#?}")
    })
}

/// Ticket numbers listed in a queue page, in order.
fn listed(html: &str) -> Vec<u64> {
    html.match_indices("class=\"queue-row\" id=\"row-")
        .filter_map(|(at, marker)| {
            let rest = &html[at + marker.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

fn messages_of(desk: &TestDesk, number: u64) -> Vec<serde_json::Value> {
    desk.show(number)["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_console_reply_mails_the_customer_with_the_tag_and_waits_on_the_customer() {
    let desk = desk();
    let number = mail_ticket(&desk, MARIO, "Stampante ufficio 2", "Non stampa più.");
    let server = desk.serve("console-reply");
    let mut marco = WebClient::signed_in(server.addr(), MARCO);
    let csrf = marco.csrf(&console_path(number));

    let before = desk.spool_names();
    let form = Multipart::new()
        .text("_csrf", &csrf)
        .text(
            "body",
            "Provi a riavviare lo spooler di stampa, per favore.",
        )
        .file(
            "files",
            "istruzioni.txt",
            "text/plain",
            b"1. Servizi\n2. Spooler",
        );
    let answer = marco.post_multipart(&format!("{}/reply", console_path(number)), &form);
    assert_status(&answer, 303, "the reply");
    assert_eq!(
        location(&answer),
        format!("{}?done=replied", console_path(number))
    );

    let mail = wait_for_mail_with(&desk, MARIO, &tag(number), "riavviare lo spooler");
    assert!(
        String::from_utf8_lossy(&mail.raw).contains("istruzioni.txt"),
        "the file goes along with the reply"
    );
    let sent = desk.spool_since(&before);
    assert!(
        sent.iter().all(|m| m.to == vec![MARIO.to_string()]),
        "only Mario is mailed"
    );
    assert_eq!(desk.show(number)["status"], "waiting_on_customer");

    // The page says so, in Italian by default.
    let page = marco.get(&format!("{}?done=replied", console_path(number)));
    assert_status(&page, 200, "the ticket page");
    let html = page.text();
    assert!(html.contains("Risposta inviata al cliente."), "{html}");
    assert!(html.contains("In attesa del cliente"), "{html}");

    // An empty reply is refused next to the form, with what to do, and nothing is mailed.
    let before = desk.spool_names();
    let empty = Multipart::new().text("_csrf", &csrf).text("body", "   ");
    let refused = marco.post_multipart(&format!("{}/reply", console_path(number)), &empty);
    assert_status(&refused, 422, "an empty reply");
    assert!(refused.text().contains("id=\"reply-error\""));
    std::thread::sleep(Duration::from_millis(300));
    assert!(desk.spool_since(&before).is_empty());
}

#[test]
fn an_internal_note_is_never_mailed_nor_shown_to_the_customer() {
    let desk = desk();
    let number = mail_ticket(
        &desk,
        MARIO,
        "Fattura bloccata",
        "La fattura 123 non parte.",
    );
    let server = desk.serve("console-note");
    let mut marco = WebClient::signed_in(server.addr(), MARCO);
    let csrf = marco.csrf(&console_path(number));
    // Let the acknowledgement go first, so any later mail would be the note's.
    wait_for_mail(&desk, MARIO, &tag(number));
    let before = desk.spool_names();

    const SECRET: &str = "Cliente moroso: NON rispondere prima del pagamento";
    let answer = marco.post_form(
        &format!("{}/note", console_path(number)),
        &[("_csrf", &csrf), ("body", SECRET)],
    );
    assert_status(&answer, 303, "the note");

    let page = marco.get(&console_path(number));
    let html = page.text();
    assert!(html.contains(SECRET), "technicians see the note");
    assert!(html.contains("message-note"), "marked as a note: {html}");
    let note = messages_of(&desk, number)
        .into_iter()
        .find(|m| m["kind"] == "note")
        .expect("the note is in the thread");
    assert_eq!(note["direction"], "internal");
    assert_eq!(note["from"], MARCO);

    std::thread::sleep(Duration::from_millis(500));
    assert!(
        desk.spool_since(&before).is_empty(),
        "a note is never mailed: {:?}",
        desk.spool_since(&before)
            .iter()
            .map(SpooledMail::summary)
            .collect::<Vec<_>>()
    );

    let mut mario = WebClient::signed_in(server.addr(), MARIO);
    let portal = mario.get(&format!("/portal/tickets/{number}"));
    assert_status(&portal, 200, "Mario's ticket");
    let portal = portal.text();
    assert!(portal.contains("La fattura 123 non parte."), "{portal}");
    assert!(!portal.contains("moroso"), "the note leaked:\n{portal}");

    // Customers cannot use the console at all, nor post to it.
    assert_status(&mario.get("/console"), 403, "a customer on /console");
    assert_status(
        &mario.get(&console_path(number)),
        403,
        "a customer on a console ticket",
    );
    let mario_csrf = mario.csrf("/portal");
    let forged = mario.post_form(
        &format!("{}/note", console_path(number)),
        &[("_csrf", &mario_csrf), ("body", "ciao")],
    );
    assert_status(&forged, 403, "a customer posting a note");
    // And a console form without the CSRF token is refused.
    let no_token = marco.post_form(
        &format!("{}/note", console_path(number)),
        &[("body", "senza token")],
    );
    assert_status(&no_token, 403, "a note without the CSRF token");
    assert_eq!(
        messages_of(&desk, number)
            .iter()
            .filter(|m| m["kind"] == "note")
            .count(),
        1
    );
}

#[test]
fn a_merge_moves_the_thread_and_tells_the_duplicate_requester_the_new_number() {
    let desk = desk();
    let kept = mail_ticket(
        &desk,
        MARIO,
        "Mago4 non si apre",
        "Errore all'avvio di Mago4.",
    );
    let duplicate = mail_ticket(
        &desk,
        LUCA,
        "Mago4 bloccato",
        "Anche da me Mago4 non parte.",
    );
    let elsewhere = mail_ticket(&desk, BRUNO, "Mago4 lento", "Mago4 è lentissimo.");
    let server = desk.serve("console-merge");
    let mut marco = WebClient::signed_in(server.addr(), MARCO);
    let csrf = marco.csrf(&console_path(duplicate));
    wait_for_mail(&desk, LUCA, &tag(duplicate));

    let answer = marco.post_form(
        &format!("{}/merge", console_path(duplicate)),
        &[("_csrf", &csrf), ("target", &format!("#{kept}"))],
    );
    assert_status(&answer, 303, "the merge");
    assert_eq!(
        location(&answer),
        format!("{}?done=merged&from={duplicate}", console_path(kept))
    );

    let notice = wait_for_mail(&desk, LUCA, &tag(kept));
    assert!(
        notice.body.contains(&format!("#[{duplicate}]"))
            && notice.body.contains(&format!("#[{kept}]")),
        "the notice names both numbers:\n{}",
        notice.body
    );
    let shown = desk.show(duplicate);
    assert_eq!(shown["status"], "cancelled");
    assert!(
        messages_of(&desk, duplicate)
            .iter()
            .all(|m| m["direction"] == "internal"),
        "only the 'merged into' line stays on the duplicate"
    );
    let kept_thread = messages_of(&desk, kept);
    assert!(
        kept_thread.iter().any(|m| m["text_body"]
            .as_str()
            .unwrap_or_default()
            .contains("Anche da me")),
        "the duplicate's message moved"
    );
    let participants = desk.show(kept)["participants"].clone();
    assert!(
        participants
            .as_array()
            .is_some_and(|p| p.iter().any(|a| a == LUCA)),
        "{participants}"
    );
    let page = marco.get(&format!(
        "{}?done=merged&from={duplicate}",
        console_path(kept)
    ));
    assert!(page.text().contains(LUCA), "the flash names who was told");

    // Luca now sees the ticket that took his request in the portal.
    let mut luca = WebClient::signed_in(server.addr(), LUCA);
    assert_status(
        &luca.get(&format!("/portal/tickets/{kept}")),
        200,
        "Luca on the kept ticket",
    );

    // Across organisations only with the confirmation box; refused first, with the reason.
    let csrf = marco.csrf(&console_path(elsewhere));
    let refused = marco.post_form(
        &format!("{}/merge", console_path(elsewhere)),
        &[("_csrf", &csrf), ("target", &kept.to_string())],
    );
    assert_status(&refused, 422, "a merge across organisations");
    let text = refused.text();
    assert!(
        text.contains("id=\"merge-error\"") && text.contains(BETA),
        "{text}"
    );
    assert_eq!(desk.show(elsewhere)["status"], "waiting_on_support");
    let confirmed = marco.post_form(
        &format!("{}/merge", console_path(elsewhere)),
        &[
            ("_csrf", &csrf),
            ("target", &kept.to_string()),
            ("confirm", "1"),
        ],
    );
    assert_status(&confirmed, 303, "the confirmed merge");
    assert_eq!(desk.show(elsewhere)["status"], "cancelled");
}

#[test]
fn a_phone_ticket_is_registered_with_its_channel_and_acknowledged() {
    let desk = desk();
    let server = desk.serve("console-phone");
    let mut marco = WebClient::signed_in(server.addr(), MARCO);
    let page = marco.get("/console/phone");
    assert_status(&page, 200, "the phone form");
    assert!(page.text().contains(ACME), "organisations are offered");
    let csrf = marco.csrf("/console/phone");

    // Problems come back next to their fields, nothing is opened.
    let incomplete = marco.post_form(
        "/console/phone",
        &[
            ("_csrf", &csrf),
            ("caller_email", "mario at acme"),
            ("subject", ""),
        ],
    );
    assert_status(&incomplete, 422, "an incomplete call");
    let text = incomplete.text();
    assert!(text.contains("id=\"caller-email-error\"") && text.contains("id=\"subject-error\""));
    assert!(desk.list().is_empty());

    let answer = marco.post_form(
        "/console/phone",
        &[
            ("_csrf", &csrf),
            ("caller_email", MARIO),
            ("caller_name", "Mario Rossi"),
            ("caller_phone", "+39 0881 666679"),
            ("organisation", ""),
            ("channel", "phone"),
            ("category", "Mago"),
            ("priority", "high"),
            ("subject", "Bolla non stampa"),
            ("description", "Chiamata delle 10: la bolla non esce."),
        ],
    );
    assert_status(&answer, 303, "the phone ticket");
    let target = location(&answer);
    let number: u64 = target
        .trim_start_matches("/console/tickets/")
        .trim_end_matches("?done=registered")
        .parse()
        .unwrap_or_else(|_| panic!("unexpected location {target}"));
    let shown = desk.show(number);
    assert_eq!(shown["channel"], "phone");
    assert_eq!(shown["priority"], "high");
    assert_eq!(shown["organisation"], ACME);
    assert_eq!(shown["requester"]["email"], MARIO);
    let ack = wait_for_mail(&desk, MARIO, &tag(number));
    assert!(ack.body.contains(&tag(number)));

    let page = marco.get(&target);
    let html = page.text();
    assert!(
        html.contains("+39 0881 666679"),
        "the caller's number is shown"
    );
    assert!(html.contains("Registrato da una telefonata"), "{html}");
    assert!(
        html.contains("id=\"flash-detail\""),
        "the page says the confirmation went out"
    );
}

#[test]
fn queue_filters_search_and_pages_find_the_right_tickets() {
    let desk = desk();
    let mago = mail_ticket(&desk, MARIO, "Mago4 errore stampa", "Mago4 dà errore 0x45.");
    let web = mail_ticket(&desk, LUCA, "Sito lento", "Il sito aziendale è lento.");
    let plain = mail_ticket(&desk, BRUNO, "Posta", "La casella è piena: quota superata.");
    let mut many = Vec::new();
    for i in 0..55 {
        many.push(mail_ticket(
            &desk,
            LUCA,
            &format!("Richiesta {i}"),
            "Altro problema.",
        ));
    }
    let server = desk.serve("console-queue");
    let mut marco = WebClient::signed_in(server.addr(), MARCO);

    // Sectors by routing: each sector's queue lists exactly its tickets.
    let page = marco.get("/console?sector=Mago");
    assert_status(&page, 200, "the Mago queue");
    assert_eq!(listed(&page.text()), vec![mago]);
    assert_eq!(listed(&marco.get("/console?sector=web").text()), vec![web]);

    // Full-text search over bodies, accents ignored, and by the requester's address.
    assert_eq!(
        listed(&marco.get("/console?q=quota+superata").text()),
        vec![plain]
    );
    assert_eq!(
        listed(&marco.get("/console?q=aziendale+e").text()),
        vec![web]
    );
    assert_eq!(
        listed(&marco.get(&format!("/console?q={BRUNO}")).text()),
        vec![plain]
    );
    // A number or a tag goes straight to the ticket.
    let jump = marco.get(&format!("/console?q=%23{mago}"));
    assert_status(&jump, 303, "a ticket number in the search box");
    assert_eq!(location(&jump), console_path(mago));

    // Assign one to Marco and make it urgent; "mine" and the priority filter find it.
    let csrf = marco.csrf(&console_path(web));
    let triaged = marco.post_form(
        &format!("{}/triage", console_path(web)),
        &[
            ("_csrf", &csrf),
            ("status", "waiting_on_support"),
            ("sector", "Web"),
            ("priority", "urgent"),
            ("assignee", MARCO),
            ("resolution", ""),
        ],
    );
    assert_status(&triaged, 303, "the triage");
    assert_eq!(
        listed(&marco.get("/console?assignee=mine").text()),
        vec![web]
    );
    assert_eq!(
        listed(&marco.get("/console?priority=urgent").text()),
        vec![web]
    );
    assert!(listed(&marco.get("/console?assignee=unassigned&sector=Web").text()).is_empty());
    assert_eq!(
        listed(&marco.get("/console?assignee=unassigned&sector=Mago").text()),
        vec![mago]
    );
    let shown = desk.show(web);
    assert_eq!(shown["priority"], "urgent");
    assert_eq!(shown["assignee"], MARCO);

    // Resolve one: gone from the open queue, found with status=resolved.
    let csrf = marco.csrf(&console_path(plain));
    let resolved = marco.post_form(
        &format!("{}/triage", console_path(plain)),
        &[
            ("_csrf", &csrf),
            ("status", "resolved"),
            ("sector", "Helpdesk"),
            ("priority", "normal"),
            ("assignee", ""),
            ("resolution", "Quota aumentata"),
        ],
    );
    assert_status(&resolved, 303, "resolving");
    assert!(!listed(&marco.get("/console").text()).contains(&plain));
    assert_eq!(
        listed(&marco.get("/console?status=resolved").text()),
        vec![plain]
    );
    wait_for_mail_with(&desk, BRUNO, &tag(plain), "Quota aumentata");

    // Pages: 50 per page, the next page continues where the first stopped, nothing twice.
    let first = marco.get("/console").text();
    let first_rows = listed(&first);
    assert_eq!(first_rows.len(), 50);
    let marker = "id=\"next-page\" href=\"";
    let start = first.find(marker).expect("a next-page link") + marker.len();
    let next = first[start..start + first[start..].find('"').unwrap()].replace("&amp;", "&");
    let second_rows = listed(&marco.get(&next).text());
    let mut all: Vec<u64> = first_rows.iter().chain(&second_rows).copied().collect();
    assert_eq!(all.len(), 57, "57 open tickets over two pages");
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 57, "no ticket twice");
    assert!(many.iter().all(|n| all.contains(n)));

    // Bad values are explained, never a 500.
    let bad = marco.get("/console?status=chiuso&sector=Contabilita&after=ieri&priority=asap");
    assert_status(&bad, 200, "bad filter values");
    let text = bad.text();
    for needle in ["chiuso", "Contabilita", "ieri", "asap"] {
        assert!(text.contains(needle), "the notice names {needle:?}");
    }
    assert_eq!(text.matches("filter-problem").count(), 4, "{text}");
}

#[test]
fn a_tag_from_a_stranger_is_appended_in_one_click() {
    let desk = desk();
    let named = mail_ticket(&desk, MARIO, "Server fermo", "Il server non risponde.");
    let stranger = "consulente@studio.example";
    let mail = Mail::customer(
        stranger,
        &format!("R: {} Server fermo", tag(named)),
        &unique("stranger"),
    )
    .body("Sono il consulente: il server va riavviato.");
    let outcome = desk.ingest(&mail.bytes());
    let flagged = outcome.ticket.expect("a ticket");
    assert_ne!(flagged, named);
    assert_eq!(desk.show(flagged)["needs_review"], true);

    let server = desk.serve("console-review");
    let mut marco = WebClient::signed_in(server.addr(), MARCO);
    let review_queue = marco.get("/console?status=all&review=1");
    assert_eq!(listed(&review_queue.text()), vec![flagged]);
    let page = marco.get(&console_path(flagged));
    let html = page.text();
    assert!(html.contains("id=\"review-append\"") && html.contains("id=\"review-keep\""));
    let csrf = marco.csrf(&console_path(flagged));
    let answer = marco.post_form(
        &format!("{}/review", console_path(flagged)),
        &[("_csrf", &csrf), ("choice", "append")],
    );
    assert_status(&answer, 303, "it's fine, append");
    assert_eq!(
        location(&answer),
        format!("{}?done=merged&from={flagged}", console_path(named))
    );
    assert!(
        messages_of(&desk, named)
            .iter()
            .any(|m| m["from"] == stranger),
        "the stranger's message is on the named ticket"
    );
    assert_eq!(desk.show(flagged)["needs_review"], false);
    assert!(listed(&marco.get("/console?status=all&review=1").text()).is_empty());
}
