//! The compose window end to end (A3, A4 API mode, A5): the real window code driven headless
//! with egui_kittest, the real outbox and API transport as its Send, and a real
//! `ppdesk-server serve` on loopback. The user types the problem after the prefilled window
//! title, writes a description, blacks out part of the screenshot and sends; the server has
//! the ticket with subject, description and the redacted PNG, and the acknowledgement is in
//! its spool. No display is needed.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use image::{Rgba, RgbaImage};
use ppdesk_agent::compose::{ComposeApp, ComposeInput, OnSend, Outcome};
use ppdesk_agent::config::{AgentConfig, Mode};
use ppdesk_agent::draft::Draft;
use ppdesk_agent::my_tickets::{Fetch, MyTicketsApp};
use ppdesk_agent::outbox::{self, Outbox, Submitted};
use ppdesk_agent::transport::Delivered;
use ppdesk_tests::{TestDesk, wait_for};

const MARIO: &str = "mario.rossi@acme.test";
const PREVIEW: &str = "Anteprima dello screenshot: trascina per oscurare un'area";

fn api_config(server: &str, token: &str) -> AgentConfig {
    AgentConfig {
        server_url: Some(format!("http://{server}")),
        org_token: Some(token.to_owned()),
        mode: Mode::Api,
        categories: vec!["Gestionale".into(), "Stampanti".into()],
        contact_email: Some(MARIO.into()),
        ..ppdesk_agent::config::resolve(&Default::default(), "Mario Rossi")
    }
}

/// A screen-like picture: no pixel is black.
fn screen(width: u32, height: u32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        Rgba([
            (x % 180 + 50) as u8,
            (y % 180 + 50) as u8,
            ((x ^ y) % 100 + 100) as u8,
            255,
        ])
    })
}

/// What the Send callback did: the draft it got and what the outbox answered.
type Log = Arc<Mutex<Vec<(Draft, Submitted)>>>;

#[test]
fn the_compose_window_opens_a_ticket_with_the_redacted_screenshot_through_the_api() {
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let agent = tempfile::tempdir().expect("agent dir");
    let outbox_dir = agent.path().join("outbox");
    let config = api_config(serving.addr(), &token);
    let config_for_tickets = config.clone();

    // The real Send of `ppdesk-agent compose`, minus the desktop notification.
    let log: Log = Arc::default();
    let on_send: OnSend = {
        let (config, outbox_dir, log) = (config.clone(), outbox_dir.clone(), log.clone());
        Box::new(move |draft| {
            let outbox = Outbox::open(&outbox_dir).map_err(|e| e.to_string())?;
            let submitted = outbox::submit(&outbox, &config, &draft).map_err(|e| e.to_string())?;
            log.lock().expect("log").push((draft, submitted));
            Ok(())
        })
    };
    let original = screen(320, 200);
    let app = ComposeApp::new(
        ComposeInput {
            config: config.clone(),
            screenshot: Some(original.clone()),
            preview: None,
            window_title: Some("Fatture emesse - Mago4".into()),
            facts: ppdesk_agent::facts::gather(vec!["320x200+0+0".into()], None),
        },
        on_send,
    );
    let mut harness = Harness::builder()
        .with_size(Vec2::new(720.0, 1000.0))
        .build_ui_state(|ui, app: &mut ComposeApp| app.show(ui), app);
    harness.run();

    // The subject starts with the window title and has the focus: type the problem after it.
    let subject = harness.get_by_label("Oggetto");
    assert!(subject.is_focused());
    subject.type_text("errore 1603 al salvataggio della fattura 123");
    harness.run();
    assert!(harness.query_by_label_contains("Oggetto troppo").is_none());
    assert!(harness.query_by_label_contains("solo il titolo").is_none());

    // Replace the template with the user's own description.
    harness.get_by_label("Descrizione").focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Descrizione")
        .type_text("Emissione fattura 123 sul registro VENIMM: compare l'errore 1603.");
    harness.run();

    // Black out a box on the preview.
    let preview = harness.get_by_label(PREVIEW).rect();
    let from = preview.min + Vec2::new(40.0, 30.0);
    let to = preview.min + Vec2::new(140.0, 90.0);
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    harness.hover_at(from + Vec2::new(5.0, 5.0));
    harness.run();
    harness.hover_at(to);
    harness.run();
    harness.drop_at(to);
    harness.run();

    let before = desk.spool_names();
    harness.get_by_label("Invia").click();
    let deadline = Instant::now() + Duration::from_secs(60);
    while harness.state().outcome().is_none() {
        assert!(
            Instant::now() < deadline,
            "Send never finished; notice: {:?}\n{}",
            harness.state().notice(),
            serving.log_text()
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(harness.state().outcome(), Some(Outcome::Sent));

    let log = log.lock().expect("log");
    assert_eq!(log.len(), 1, "one draft handed over");
    let (draft, submitted) = &log[0];
    let ticket = match submitted {
        Submitted::Delivered(Delivered::Ticket(ticket)) => ticket.clone(),
        other => panic!("not delivered: {other:?}\n{}", serving.log_text()),
    };
    assert!(
        Outbox::open(&outbox_dir).expect("outbox").pending_count() == 0,
        "a delivered draft leaves the outbox"
    );

    // The server has the ticket as typed.
    let shown = desk.show(ticket.number);
    assert_eq!(
        shown["subject"], "Fatture emesse - Mago4: errore 1603 al salvataggio della fattura 123",
        "{shown:#}"
    );
    let first = &shown["messages"][0];
    let body = first["text_body"].as_str().unwrap_or_default();
    assert!(
        body.contains("Emissione fattura 123 sul registro VENIMM: compare l'errore 1603."),
        "{shown:#}"
    );
    assert!(
        !body.contains("Cosa stavi facendo"),
        "the untouched template is not sent: {body}"
    );

    // The stored screenshot is the redacted PNG: black inside the box, the screen elsewhere.
    let screenshot = first["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["filename"] == "screenshot.png" || a["file_name"] == "screenshot.png")
        .unwrap_or_else(|| panic!("no screenshot.png on the ticket: {shown:#}"));
    let sha = screenshot["sha256"].as_str().expect("sha256");
    let sent = &draft
        .screenshot
        .as_ref()
        .expect("screenshot in the draft")
        .bytes;
    assert_eq!(
        sha,
        ppdesk_tests::sha256_hex(sent),
        "the server stored what was sent"
    );
    let stored = std::fs::read(desk.data_dir().join("blobs").join(&sha[..2]).join(sha))
        .expect("the screenshot's blob");
    let stored = image::load_from_memory_with_format(&stored, image::ImageFormat::Png)
        .expect("a PNG")
        .to_rgba8();
    assert_eq!(stored.dimensions(), original.dimensions());
    let boxes = &harness.state().form().redactions;
    assert_eq!(boxes.len(), 1);
    let drawn = boxes[0];
    assert!(drawn.width >= 90 && drawn.height >= 50, "{drawn:?}");
    for (x, y, pixel) in stored.enumerate_pixels() {
        if drawn.contains(x, y) {
            assert_eq!(*pixel, Rgba([0, 0, 0, 255]), "({x},{y}) is inside the box");
        } else {
            assert_eq!(
                pixel,
                original.get_pixel(x, y),
                "({x},{y}) is outside the box"
            );
        }
    }

    // The acknowledgement went to Mario, with the ticket's tag.
    let acks = wait_for(Duration::from_secs(15), || {
        let mails = desk.spool_since(&before);
        (!mails.is_empty()).then_some(mails)
    })
    .unwrap_or_else(|| panic!("no acknowledgement in the spool\n{}", serving.log_text()));
    let summary = acks[0].summary();
    assert!(summary.contains(MARIO), "{summary}");
    assert!(summary.contains(&ticket.tag), "{summary}");

    // "I miei ticket" lists it, read from the same server with the same token.
    let fetch: Fetch = Arc::new(move || {
        ppdesk_agent::transport::api::my_tickets(&config, MARIO).map_err(|e| e.to_string())
    });
    let mut tickets = Harness::builder()
        .with_size(Vec2::new(640.0, 420.0))
        .build_ui_state(
            |ui, app: &mut MyTicketsApp| app.show(ui),
            MyTicketsApp::new(&config_for_tickets, fetch),
        );
    let deadline = Instant::now() + Duration::from_secs(30);
    while tickets.state().is_loading() {
        assert!(Instant::now() < deadline, "my tickets never loaded");
        tickets.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    tickets.run();
    tickets.get_by_label(&ticket.number.to_string());
    tickets.get_by_label("Fatture emesse - Mago4: errore 1603 al salvataggio della fattura 123");
    tickets.get_by_label("In lavorazione dall'assistenza");
    drop(serving);
}
