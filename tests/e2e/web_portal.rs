//! The customer portal over HTTP against a real `ppdesk-server serve` (issue 5, items 2–4):
//! who sees which ticket on every route (a customer's own, an organisation admin's whole
//! organisation, 404 for everything else), mail HTML that cannot run script in the page,
//! internal notes that never reach a customer, a portal ticket acknowledged like a mailed one,
//! replies with files downloaded with safe headers, "Segna come risolto" with its required
//! reason, and "Riapri il ticket" inside the reopen window and refused after it.
//!
//! Users are made with the server's CLI, tickets arrive as mail through `ingest`, and what the
//! pages did is checked again through `ticket show --json` and the outbound mail spool.

use std::time::Duration;

use ppdesk_tests::http::{HttpResponse, Multipart};
use ppdesk_tests::web::{WebClient, create_user};
use ppdesk_tests::{Mail, SpooledMail, TestDesk, default_config, tag, wait_for};

const ACME: &str = "ACME S.r.l.";
const BETA: &str = "Beta S.p.A.";
/// A customer of ACME.
const MARIO: &str = "mario.rossi@acme.it";
/// Another customer of ACME.
const LUCA: &str = "luca.bianchi@acme.it";
/// ACME's organisation admin.
const ANNA: &str = "anna.verdi@acme.it";
/// A customer of Beta.
const BRUNO: &str = "bruno.neri@beta.it";
/// A technician (staff domain of the default test config).
const MARCO: &str = "marco.ferri@projectpp.it";

/// A desk with ACME and Beta, their users and a technician; `extra` is appended to the default
/// test config.
fn desk(extra: &str) -> TestDesk {
    let desk = TestDesk::with_config(&format!("{}\n{extra}\n", default_config()));
    desk.run(&["org", "create", ACME, "--domain", "acme.it"])
        .assert_success();
    desk.run(&["org", "create", BETA, "--domain", "beta.it"])
        .assert_success();
    for (email, role, org) in [
        (MARIO, "customer", Some(ACME)),
        (LUCA, "customer", Some(ACME)),
        (ANNA, "org_admin", Some(ACME)),
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
    format!("portal-{what}-{}-{n}@test.example", std::process::id())
}

/// A plain mail from `from` opening a ticket; its number.
fn mail_ticket(desk: &TestDesk, from: &str, subject: &str) -> u64 {
    let mail = Mail::customer(from, subject, &unique("id"));
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(outcome.outcome, "created", "{:?}", outcome.raw);
    outcome.ticket.expect("a ticket number")
}

/// A mail with a text body and one attached file (base64).
fn mail_with_file(
    desk: &TestDesk,
    from: &str,
    subject: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> u64 {
    let body = format!(
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBuongiorno, allego il file.\r\n\
         --b1\r\nContent-Type: {content_type}; name=\"{filename}\"\r\n\
         Content-Disposition: attachment; filename=\"{filename}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        base64(bytes)
    );
    let mail = Mail::customer(from, subject, &unique("file"))
        .set_header("Content-Type", "multipart/mixed; boundary=\"b1\"")
        .set_header("Content-Transfer-Encoding", "7bit")
        .body(&body);
    let outcome = desk.ingest(&mail.bytes());
    assert_eq!(outcome.outcome, "created", "{:?}", outcome.raw);
    outcome.ticket.expect("a ticket number")
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A real 8×8 PNG.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 8, 8);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("PNG header");
        writer
            .write_image_data(&[180u8; 8 * 8 * 3])
            .expect("PNG pixels");
    }
    bytes
}

/// Attachment ids of a ticket by file name, from `ticket show --json`.
fn attachment_id(desk: &TestDesk, number: u64, filename: &str) -> i64 {
    let shown = desk.show(number);
    shown["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["attachments"].as_array().cloned().unwrap_or_default())
        .find(|a| a["filename"] == filename)
        .and_then(|a| a["id"].as_i64())
        .unwrap_or_else(|| panic!("no attachment {filename} on ticket {number}: {shown}"))
}

/// `ticket reply N --body-file F`: a technician's answer; the ticket waits on the customer.
fn technician_reply(desk: &TestDesk, number: u64, text: &str) {
    let file = desk.scratch().join(format!("reply-{number}.txt"));
    std::fs::write(&file, text).expect("write the reply");
    desk.run(&[
        "ticket",
        "reply",
        &number.to_string(),
        "--body-file",
        file.to_str().expect("a UTF-8 path"),
    ])
    .assert_success();
}

fn message_count(desk: &TestDesk, number: u64) -> usize {
    desk.show(number)["messages"].as_array().map_or(0, Vec::len)
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

/// Waits for an outbound mail to `to` whose subject carries `needle`.
fn wait_for_mail(desk: &TestDesk, to: &str, needle: &str) -> SpooledMail {
    wait_for(Duration::from_secs(15), || {
        desk.spool()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t == to) && m.subject.contains(needle))
    })
    .unwrap_or_else(|| {
        let spooled: Vec<String> = desk.spool().iter().map(SpooledMail::summary).collect();
        panic!("no mail to {to} with {needle:?}; spooled: {spooled:#?}")
    })
}

fn ticket_path(number: u64) -> String {
    format!("/portal/tickets/{number}")
}

fn reply_form(csrf: &str, body: &str) -> Multipart {
    Multipart::new().text("_csrf", csrf).text("body", body)
}

#[test]
fn customers_cannot_reach_others_tickets_on_any_route() {
    let desk = desk("");
    let marios = mail_with_file(
        &desk,
        MARIO,
        "Fattura bloccata",
        "mario.txt",
        "text/plain",
        b"di Mario",
    );
    let brunos = mail_with_file(
        &desk,
        BRUNO,
        "Server Beta lento",
        "bruno.txt",
        "text/plain",
        b"di Bruno",
    );
    let lucas = mail_ticket(&desk, LUCA, "Outlook fermo");
    let brunos_file = attachment_id(&desk, brunos, "bruno.txt");
    let marios_file = attachment_id(&desk, marios, "mario.txt");
    let server = desk.serve("portal-access");
    let addr = server.addr();

    // Signed out: every portal route and download sends to the sign-in page.
    let mut nobody = WebClient::new(addr);
    for path in [
        "/portal".to_string(),
        ticket_path(marios),
        format!("/attachments/{marios_file}"),
    ] {
        let answer = nobody.get(&path);
        assert_status(&answer, 303, &path);
        assert!(location(&answer).starts_with("/login"), "{path}");
    }

    let mut mario = WebClient::signed_in(addr, MARIO);
    let home = mario.get("/portal");
    assert_status(&home, 200, "Mario's home");
    let home = home.text();
    assert!(
        home.contains(&format!("href=\"{}\"", ticket_path(marios))),
        "{home}"
    );
    for (number, title) in [(brunos, "Server Beta lento"), (lucas, "Outlook fermo")] {
        assert!(
            !home.contains(title) && !home.contains(&ticket_path(number)),
            "Mario must not see ticket {number}:\n{home}"
        );
    }

    // Every route of someone else's ticket answers exactly like a number that does not exist.
    let missing = mario.get("/portal/tickets/9999999");
    assert_status(&missing, 404, "a missing ticket");
    let csrf = mario.csrf(&ticket_path(marios));
    for other in [brunos, lucas] {
        let page = mario.get(&ticket_path(other));
        assert_status(&page, 404, "another's ticket page");
        assert!(
            page.text().contains("data-status=\"404\"")
                && missing.text().contains("data-status=\"404\""),
            "a 404 like a missing number's: {}",
            page.text()
        );
        assert!(!page.text().contains("Server Beta lento") && !page.text().contains("Outlook"));

        let before = message_count(&desk, other);
        let reply = reply_form(&csrf, "Intrusione").file("files", "x.txt", "text/plain", b"x");
        let answer = mario.post_multipart(&format!("{}/reply", ticket_path(other)), &reply);
        assert_status(&answer, 404, "a reply to another's ticket");
        let answer = mario.post_form(
            &format!("{}/resolve", ticket_path(other)),
            &[("_csrf", &csrf), ("reason", "chiuso da un estraneo")],
        );
        assert_status(&answer, 404, "resolving another's ticket");
        let answer = mario.post_form(
            &format!("{}/reopen", ticket_path(other)),
            &[("_csrf", &csrf)],
        );
        assert_status(&answer, 404, "reopening another's ticket");
        assert_eq!(
            message_count(&desk, other),
            before,
            "nothing was written on {other}"
        );
        assert_eq!(desk.show(other)["status"], "waiting_on_support");

        // The link in mails leads to the same 404.
        let link = mario.get(&format!("/tickets/{other}"));
        assert_status(&link, 303, "the mail link");
        assert_eq!(location(&link), ticket_path(other));
        // A new ticket "following" someone else's borrows nothing from it.
        let new = mario.get(&format!("/portal/new?from={other}"));
        assert_status(&new, 200, "the new-ticket form");
        assert!(!new.text().contains("Server Beta lento") && !new.text().contains("Outlook fermo"));
    }
    let download = mario.get(&format!("/attachments/{brunos_file}"));
    assert_status(&download, 404, "another's attachment");
    assert!(!download.text().contains("di Bruno"));
    let own = mario.get(&format!("/attachments/{marios_file}"));
    assert_status(&own, 200, "Mario's own attachment");
    assert_eq!(own.body, b"di Mario");

    // A technician downloads any ticket's files (the console links them the same way).
    let mut marco = WebClient::signed_in(addr, MARCO);
    let file = marco.get(&format!("/attachments/{brunos_file}"));
    assert_status(&file, 200, "a technician's download");
    assert_eq!(file.body, b"di Bruno");
    // …but does not act as a customer on the portal.
    let staff_csrf = marco.csrf("/kb");
    let answer = marco.post_form(
        &format!("{}/resolve", ticket_path(marios)),
        &[("_csrf", &staff_csrf), ("reason", "x")],
    );
    assert_status(&answer, 403, "a technician posting on the portal");
}

#[test]
fn an_organisation_admin_sees_every_ticket_of_the_organisation() {
    let desk = desk("");
    let marios = mail_ticket(&desk, MARIO, "Stampante amministrazione");
    let lucas = mail_with_file(
        &desk,
        LUCA,
        "Outlook non scarica",
        "outlook.txt",
        "text/plain",
        b"log",
    );
    let brunos = mail_ticket(&desk, BRUNO, "Server Beta lento");
    technician_reply(&desk, lucas, "Quale versione di Outlook?");
    desk.run(&[
        "ticket",
        "resolve",
        &marios.to_string(),
        "--reason",
        "Sostituito il toner",
    ])
    .assert_success();
    let server = desk.serve("portal-org");
    let addr = server.addr();

    let mut anna = WebClient::signed_in(addr, ANNA);
    let home = anna.get("/portal");
    assert_status(&home, 200, "the organisation admin's home");
    let home = home.text();
    assert!(home.contains("id=\"portal-scope\""), "{home}");
    assert!(
        home.contains(&format!("href=\"{}\"", ticket_path(marios))),
        "{home}"
    );
    assert!(
        home.contains(&format!("href=\"{}\"", ticket_path(lucas))),
        "{home}"
    );
    assert!(
        home.contains(MARIO) || home.contains("Mario"),
        "who opened it shows: {home}"
    );
    assert!(!home.contains("Server Beta lento"), "{home}");
    // Mario's resolved ticket sits under "Risolti".
    let resolved = &home[home.find("id=\"resolved\"").expect("the resolved list")..];
    let resolved = &resolved[..resolved.find("</section>").unwrap_or(resolved.len())];
    assert!(resolved.contains(&ticket_path(marios)), "{resolved}");

    let page = anna.get(&ticket_path(lucas));
    assert_status(&page, 200, "a colleague's ticket");
    assert!(page.text().contains("Outlook non scarica"));
    let file = anna.get(&format!(
        "/attachments/{}",
        attachment_id(&desk, lucas, "outlook.txt")
    ));
    assert_status(&file, 200, "a colleague's attachment");
    assert_status(
        &anna.get(&ticket_path(brunos)),
        404,
        "another organisation's ticket",
    );

    // One list, a page at a time.
    let list = anna.get("/portal?list=waiting_on_support");
    assert_status(&list, 200, "one list");
    assert!(list.text().contains("id=\"back-to-home\""));
    assert_status(&anna.get("/portal?list=nonsense"), 404, "an unknown list");

    // A plain customer of the same organisation sees only their own.
    let mut mario = WebClient::signed_in(addr, MARIO);
    assert_status(
        &mario.get(&ticket_path(lucas)),
        404,
        "a colleague's ticket for a customer",
    );
}

#[test]
fn mailed_html_shows_no_executable_script_and_inline_images_come_from_us() {
    let desk = desk("");
    let image = png();
    let html = "<p>Buongiorno,</p><script>alert('portale')</script>\
        <img src=\"x\" onerror=\"alert('onerror')\">\
        <a href=\"javascript:alert('link')\">clicca</a>\
        <img src=\"https://tracker.evil.example/pixel.gif\" alt=\"pixel\">\
        <p onclick=\"alert(3)\">Ecco la schermata: <img src=\"cid:schermata@acme\" alt=\"schermata\"></p>\
        <iframe src=\"https://evil.example/\"></iframe>";
    let body = format!(
        "--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n\
         --rel\r\nContent-Type: image/png\r\nContent-ID: <schermata@acme>\r\n\
         Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--rel--\r\n",
        base64(&image)
    );
    let mail = Mail::customer(MARIO, "Errore in fattura", &unique("html"))
        .set_header(
            "Content-Type",
            "multipart/related; boundary=\"rel\"; type=\"text/html\"",
        )
        .set_header("Content-Transfer-Encoding", "7bit")
        .body(&body);
    let outcome = desk.ingest(&mail.bytes());
    let number = outcome.ticket.expect("a ticket");
    let server = desk.serve("portal-xss");
    let mut mario = WebClient::signed_in(server.addr(), MARIO);

    let page = mario.get(&ticket_path(number));
    assert_status(&page, 200, "the ticket page");
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let text = page.text();
    let lower = text.to_ascii_lowercase();
    assert!(text.contains("Buongiorno,"), "{text}");
    // The only script is the site's own file.
    let scripts: Vec<&str> = lower
        .match_indices("<script")
        .map(|(i, _)| &lower[i..i + 60])
        .collect();
    assert_eq!(scripts.len(), 1, "{scripts:?}");
    assert!(scripts[0].contains("src=\"/static/"), "{scripts:?}");
    for bad in [
        "alert(",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "evil.example",
    ] {
        assert!(!lower.contains(bad), "{bad:?} reached the page:\n{text}");
    }
    // The inline image comes from our own download route, as an image.
    let inline = desk.show(number)["messages"][0]["attachments"][0]["id"]
        .as_i64()
        .expect("the inline part's id");
    assert!(
        text.contains(&format!("<img src=\"/attachments/{inline}\"")),
        "{text}"
    );
    let picture = mario.get(&format!("/attachments/{inline}"));
    assert_status(&picture, 200, "the inline image");
    assert_eq!(picture.header("content-type"), Some("image/png"));
    assert_eq!(picture.body, image);
}

#[test]
fn internal_notes_never_reach_the_portal() {
    let desk = desk("");
    let number = mail_ticket(&desk, MARIO, "Gestionale lento");
    let server = desk.serve("portal-notes");
    let addr = server.addr();
    let secret = "Nota interna: cliente moroso, non promettere interventi";
    let mut marco = WebClient::signed_in(addr, MARCO);
    let console = format!("/console/tickets/{number}");
    let csrf = marco.csrf(&console);
    let noted = marco.post_form(
        &format!("{console}/note"),
        &[("_csrf", &csrf), ("body", secret)],
    );
    assert!(
        noted.status == 303 || noted.status == 200,
        "the technician's note: {} {}",
        noted.status,
        noted.text()
    );
    assert!(
        desk.show(number).to_string().contains("cliente moroso"),
        "the note is on the ticket"
    );

    let mut mario = WebClient::signed_in(addr, MARIO);
    let page = mario.get(&ticket_path(number));
    assert_status(&page, 200, "the ticket page");
    assert!(!page.text().contains("moroso"), "{}", page.text());
    let home = mario.get("/portal").text();
    assert!(!home.contains("moroso"));
}

#[test]
fn a_portal_ticket_is_opened_and_acknowledged_like_a_mailed_one() {
    let desk = desk("");
    let server = desk.serve("portal-new");
    let mut mario = WebClient::signed_in(server.addr(), MARIO);

    let form = mario.get("/portal/new");
    assert_status(&form, 200, "the new-ticket form");
    let page = form.text();
    for needle in [
        "id=\"new-ticket-form\"",
        "name=\"title\"",
        "data-kb-suggest=\"kb-suggestions\"",
        "id=\"kb-suggestions\"",
        "name=\"description\"",
        "name=\"category\"",
        "name=\"priority\"",
        "name=\"files\"",
        "INVIA",
        MARIO,
    ] {
        assert!(
            page.contains(needle),
            "{needle:?} missing from the form:\n{page}"
        );
    }
    let csrf = ppdesk_tests::web::csrf_of(&page);

    // A form with problems comes back with them, and opens nothing.
    let bad = Multipart::new()
        .text("_csrf", &csrf)
        .text("title", "")
        .text("description", "")
        .text("category", "Contabilità");
    let answer = mario.post_multipart("/portal/new", &bad);
    assert_status(&answer, 422, "a form without title");
    assert!(
        answer.text().contains("id=\"title-problem\""),
        "{}",
        answer.text()
    );
    assert!(answer.text().contains("id=\"category-problem\""));
    assert!(desk.list().is_empty(), "no ticket was opened");

    // Without the session's token nothing happens either.
    let forged = Multipart::new()
        .text("title", "Falso")
        .text("description", "x")
        .text("category", "Mago");
    assert_status(
        &mario.post_multipart("/portal/new", &forged),
        403,
        "no CSRF token",
    );

    let title = "Problema emissione fatture";
    let good = Multipart::new()
        .text("_csrf", &csrf)
        .text("contact_name", "Mario Rossi")
        .text("contact_phone", "0881 666679")
        .text("category", "Mago")
        .text("priority", "high")
        .text("title", title)
        .text(
            "description",
            "La procedura di emissione ddt sul registro VENIMM si blocca.",
        )
        .file("files", "errore.png", "image/png", &png());
    let answer = mario.post_multipart("/portal/new", &good);
    assert_status(&answer, 303, "INVIA");
    let target = location(&answer);
    let number: u64 = target
        .trim_start_matches("/portal/tickets/")
        .trim_end_matches("?done=opened")
        .parse()
        .unwrap_or_else(|_| panic!("a ticket page: {target}"));
    let page = mario.get(&target).text();
    assert!(
        page.contains(&format!("Ticket #[{number}] aperto")),
        "{page}"
    );
    assert!(page.contains("id=\"flash\""));
    assert!(page.contains(title));

    let shown = desk.show(number);
    assert_eq!(shown["channel"], "portal", "{shown}");
    assert_eq!(shown["category"], "Mago");
    assert_eq!(shown["priority"], "high");
    assert_eq!(shown["requester"]["email"], MARIO);
    assert_eq!(shown["organisation"], ACME);
    assert!(
        shown["messages"][0]["text_body"]
            .as_str()
            .is_some_and(|b| b.contains("VENIMM") && b.contains("0881 666679"))
    );
    let ack = wait_for_mail(&desk, MARIO, &tag(number));
    assert!(ack.subject.contains(title), "{}", ack.summary());
    assert!(
        ack.subject
            .contains(&format!("#Standard# Ticket #[{number}]")),
        "{}",
        ack.summary()
    );
    assert_eq!(ack.header("Auto-Submitted"), Some("auto-replied"));
}

#[test]
fn a_reply_with_files_is_stored_and_downloaded_with_safe_headers() {
    let desk = desk("[web]\nmax_file_bytes = \"64 KiB\"\nmax_upload_bytes = \"256 KiB\"\n");
    let number = mail_ticket(&desk, MARIO, "Mago4 chiede la licenza");
    technician_reply(&desk, number, "Ci manda il numero di serie?");
    let server = desk.serve("portal-reply");
    let mut mario = WebClient::signed_in(server.addr(), MARIO);
    let path = ticket_path(number);
    let csrf = mario.csrf(&path);

    // Neither text nor file: refused with the reason, nothing stored.
    let before = message_count(&desk, number);
    let empty = mario.post_multipart(&format!("{path}/reply"), &reply_form(&csrf, "   "));
    assert_status(&empty, 422, "an empty reply");
    assert!(
        empty.text().contains("id=\"reply-error\""),
        "{}",
        empty.text()
    );
    assert!(
        empty
            .text()
            .contains("Scrivi un messaggio o allega almeno un file.")
    );
    // No token: refused.
    let forged = Multipart::new().text("body", "senza token");
    assert_status(
        &mario.post_multipart(&format!("{path}/reply"), &forged),
        403,
        "no CSRF token",
    );
    // Over the file limit: 413 naming the limit, nothing stored.
    let big = reply_form(&csrf, "allego il log").file(
        "files",
        "enorme.log",
        "text/plain",
        &vec![b'x'; 70 * 1024],
    );
    let too_big = mario.post_multipart(&format!("{path}/reply"), &big);
    assert_status(&too_big, 413, "a file over the limit");
    assert!(
        too_big.text().contains("64 KiB") && too_big.text().contains("enorme.log"),
        "{}",
        too_big.text()
    );
    assert_eq!(message_count(&desk, number), before);

    let screenshot = png();
    let reply = reply_form(&csrf, "Ecco il numero di serie: 12345-ABC")
        .file("files", "licenza.png", "image/png", &screenshot)
        .file(
            "files",
            "pagina.html",
            "text/html",
            b"<script>alert(1)</script>",
        )
        .file(
            "files",
            "finta.png",
            "image/png",
            b"<html><script>alert(2)</script></html>",
        );
    let answer = mario.post_multipart(&format!("{path}/reply"), &reply);
    assert_status(&answer, 303, "the reply");
    assert_eq!(location(&answer), format!("{path}?done=replied"));
    assert_eq!(desk.show(number)["status"], "waiting_on_support");
    let page = mario.get(&format!("{path}?done=replied")).text();
    assert!(
        page.contains("12345-ABC") && page.contains("id=\"flash\""),
        "{page}"
    );

    let png_id = attachment_id(&desk, number, "licenza.png");
    assert!(
        page.contains(&format!("<img src=\"/attachments/{png_id}\"")),
        "the screenshot shows inline: {page}"
    );
    let image = mario.get(&format!("/attachments/{png_id}"));
    assert_status(&image, 200, "the screenshot");
    assert_eq!(image.body, screenshot);
    assert_eq!(image.header("content-type"), Some("image/png"));
    assert!(
        image
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("inline"))
    );
    for file in ["pagina.html", "finta.png"] {
        let id = attachment_id(&desk, number, file);
        let download = mario.get(&format!("/attachments/{id}"));
        assert_status(&download, 200, file);
        assert_eq!(download.header("x-content-type-options"), Some("nosniff"));
        assert!(
            download
                .header("content-security-policy")
                .is_some_and(|c| c.contains("sandbox"))
        );
        let disposition = download.header("content-disposition").unwrap_or_default();
        assert!(
            disposition.starts_with("attachment;") && disposition.contains(file),
            "{file} must download, not show: {disposition}"
        );
    }
    assert_eq!(image.header("x-content-type-options"), Some("nosniff"));
    assert!(
        image
            .header("content-security-policy")
            .is_some_and(|c| c.contains("sandbox"))
    );
}

#[test]
fn resolving_needs_a_reason_and_reopening_follows_the_window() {
    let desk = desk("");
    let number = mail_ticket(&desk, MARIO, "Registro IVA errato");
    let server = desk.serve("portal-resolve");
    let mut mario = WebClient::signed_in(server.addr(), MARIO);
    let path = ticket_path(number);
    let page = mario.get(&path).text();
    assert!(page.contains("id=\"resolve-form\"") && !page.contains("id=\"reopen-form\""));
    let csrf = ppdesk_tests::web::csrf_of(&page);

    let no_reason = mario.post_form(
        &format!("{path}/resolve"),
        &[("_csrf", &csrf), ("reason", "  ")],
    );
    assert_status(&no_reason, 422, "resolving without a reason");
    assert!(
        no_reason.text().contains("id=\"resolve-error\""),
        "{}",
        no_reason.text()
    );
    assert_eq!(desk.show(number)["status"], "waiting_on_support");

    let reason = "Il problema è rientrato dopo il riavvio";
    let resolved = mario.post_form(
        &format!("{path}/resolve"),
        &[("_csrf", &csrf), ("reason", reason)],
    );
    assert_status(&resolved, 303, "Segna come risolto");
    let shown = desk.show(number);
    assert_eq!(shown["status"], "resolved");
    assert_eq!(shown["resolution"], reason);
    let notice = wait_for_mail(&desk, MARIO, &tag(number));
    println!("resolution notice: {}", notice.summary());
    let page = mario.get(&location(&resolved)).text();
    assert!(
        page.contains("id=\"reopen-form\"") && page.contains("id=\"reopen-until\""),
        "{page}"
    );
    assert!(page.contains(reason), "{page}");
    assert!(!page.contains("id=\"resolve-form\""));

    let reopened = mario.post_form(&format!("{path}/reopen"), &[("_csrf", &csrf)]);
    assert_status(&reopened, 303, "Riapri il ticket");
    assert_eq!(desk.show(number)["status"], "waiting_on_support");
    let page = mario.get(&path).text();
    assert!(!page.contains("id=\"reopen-form\"") && page.contains("id=\"resolve-form\""));
    // Reopening an open ticket is not offered, and a stale form is refused.
    let again = mario.post_form(&format!("{path}/reopen"), &[("_csrf", &csrf)]);
    assert_status(&again, 422, "reopening an open ticket");
}

#[test]
fn after_the_reopen_window_replies_and_reopening_are_refused_with_the_reason() {
    // A window of zero days closes the moment the ticket is resolved.
    let desk = desk("[tickets]\nreopen_window_days = 0\n");
    let number = mail_ticket(&desk, MARIO, "Backup non eseguito");
    let server = desk.serve("portal-window");
    let mut mario = WebClient::signed_in(server.addr(), MARIO);
    let path = ticket_path(number);
    let csrf = mario.csrf(&path);
    let resolved = mario.post_form(
        &format!("{path}/resolve"),
        &[("_csrf", &csrf), ("reason", "Risolto")],
    );
    assert_status(&resolved, 303, "Segna come risolto");
    std::thread::sleep(Duration::from_millis(1100));

    let page = mario.get(&path).text();
    assert!(
        !page.contains("id=\"reopen-form\"") && !page.contains("id=\"reply-form\""),
        "{page}"
    );
    assert!(
        page.contains("id=\"reply-closed-text\"") && page.contains("id=\"new-ticket-link\""),
        "{page}"
    );

    let before = message_count(&desk, number);
    let reopen = mario.post_form(&format!("{path}/reopen"), &[("_csrf", &csrf)]);
    assert_status(&reopen, 422, "reopening after the window");
    assert!(
        reopen.text().contains("id=\"reopen-error\""),
        "{}",
        reopen.text()
    );
    assert!(
        reopen.text().contains("apri un nuovo ticket"),
        "{}",
        reopen.text()
    );
    let reply = mario.post_multipart(&format!("{path}/reply"), &reply_form(&csrf, "Di nuovo"));
    assert_status(&reply, 422, "a reply after the window");
    assert!(
        reply.text().contains("id=\"reply-error\""),
        "{}",
        reply.text()
    );
    assert!(
        reply.text().contains("/portal/new?from="),
        "the page offers a new ticket"
    );
    assert_eq!(desk.show(number)["status"], "resolved");
    assert_eq!(message_count(&desk, number), before);

    // The offered new ticket starts from the old one.
    let new = mario.get(&format!("/portal/new?from={number}")).text();
    assert!(
        new.contains("Backup non eseguito") && new.contains(&format!("#[{number}]")),
        "{new}"
    );
}
