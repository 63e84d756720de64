//! The compose window driven headless with egui_kittest: typed text, clicks, drags and keys
//! through the accessibility tree, as a keyboard or mouse user (or a screen reader) would.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::{Harness, Node};
use image::Rgba;
use ppdesk_shared::agent_config::Language;

use super::*;

fn config(language: Language) -> AgentConfig {
    AgentConfig {
        language,
        categories: vec!["Gestionale".into(), "Stampanti".into(), "Rete".into()],
        ..super::form::tests::config()
    }
}

/// A picture where every pixel differs from black and from its neighbours.
fn picture() -> RgbaImage {
    RgbaImage::from_fn(240, 120, |x, y| {
        Rgba([(x % 200 + 40) as u8, (y % 200 + 40) as u8, 120, 255])
    })
}

/// What the Send callback received.
type Received = Arc<Mutex<Vec<Draft>>>;

fn recording_sender(answer: SendResult) -> (OnSend, Received) {
    let received: Received = Arc::default();
    let log = received.clone();
    let on_send: OnSend = Box::new(move |draft| {
        log.lock().expect("lock").push(draft);
        answer.clone()
    });
    (on_send, received)
}

fn harness(input: ComposeInput, on_send: OnSend) -> Harness<'static, ComposeApp> {
    let app = ComposeApp::new(input, on_send);
    let mut harness = Harness::builder()
        .with_size(Vec2::new(720.0, 1000.0))
        .build_ui_state(|ui, app: &mut ComposeApp| app.show(ui), app);
    harness.run();
    harness
}

fn input(screenshot: Option<RgbaImage>, window_title: Option<&str>) -> ComposeInput {
    ComposeInput {
        config: config(Language::It),
        screenshot,
        preview: None,
        window_title: window_title.map(str::to_owned),
        facts: MachineFacts {
            hostname: "pc-mario".into(),
            ..MachineFacts::default()
        },
    }
}

/// Steps (in real time: the Send callback runs on a thread) until the window has an outcome.
fn wait_for_outcome(harness: &mut Harness<'_, ComposeApp>) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        harness.step();
        if let Some(outcome) = harness.state().outcome() {
            harness.step();
            return outcome;
        }
        assert!(Instant::now() < deadline, "the window never finished");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn type_subject(harness: &mut Harness<'_, ComposeApp>, text: &str) {
    let subject = harness.get_by_label("Oggetto");
    subject.focus();
    subject.type_text(text);
    harness.run();
}

fn is_disabled(node: &Node<'_>) -> bool {
    node.accesskit_node().is_disabled()
}

#[test]
fn a_vague_subject_shows_the_warning_and_a_clear_one_does_not() {
    let (on_send, _) = recording_sender(Ok(()));
    let mut harness = harness(input(None, None), on_send);
    assert!(
        harness.query_by_label_contains("Oggetto troppo").is_none(),
        "no warning on an empty subject: the Send button says what is missing"
    );

    type_subject(&mut harness, "URGENTE aiuto!!!");
    assert_eq!(
        harness.get_by_label("Oggetto").value().as_deref(),
        Some("URGENTE aiuto!!!")
    );
    harness.get_by_label_contains("Oggetto troppo generico");
    assert!(
        !is_disabled(&harness.get_by_label("Invia")),
        "a vague subject warns but does not block"
    );

    harness.state_mut().form.subject.clear();
    type_subject(&mut harness, "Stampante ufficio 2 non stampa");
    assert!(harness.query_by_label_contains("Oggetto troppo").is_none());
}

#[test]
fn the_window_title_prefills_the_subject_and_the_warning_stays_honest() {
    let (on_send, _) = recording_sender(Ok(()));
    let mut harness = harness(input(None, Some("Fatture emesse - Mago4")), on_send);
    assert_eq!(
        harness.get_by_label("Oggetto").value().as_deref(),
        Some("Fatture emesse - Mago4: ")
    );
    harness.get_by_label_contains("solo il titolo della finestra");
    // The subject has focus and the cursor at its end: typing completes it.
    type_subject(&mut harness, "errore 1603 al salvataggio");
    assert_eq!(
        harness.state().form().subject,
        "Fatture emesse - Mago4: errore 1603 al salvataggio"
    );
    assert!(harness.query_by_label_contains("solo il titolo").is_none());
}

#[test]
fn send_is_disabled_with_the_reason_while_the_subject_is_empty() {
    let (on_send, received) = recording_sender(Ok(()));
    let mut harness = harness(input(None, None), on_send);
    assert!(is_disabled(&harness.get_by_label("Invia")));
    harness.get_by_label("Scrivi l'oggetto.");
    harness.get_by_label("Invia").click();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert!(received.lock().expect("lock").is_empty());
    assert_eq!(harness.state().outcome(), None);

    type_subject(&mut harness, "Stampante ufficio 2 non stampa");
    assert!(!is_disabled(&harness.get_by_label("Invia")));
    assert!(harness.query_by_label("Scrivi l'oggetto.").is_none());
}

#[test]
fn a_dragged_box_is_black_in_the_png_the_sender_receives_and_the_rest_unchanged() {
    let original = picture();
    let (on_send, received) = recording_sender(Ok(()));
    let mut harness = harness(input(Some(original.clone()), None), on_send);
    type_subject(&mut harness, "Errore 1603 installando il gestionale");

    let preview = harness
        .get_by_label("Anteprima dello screenshot: trascina per oscurare un'area")
        .rect();
    let scale = original.width() as f32 / preview.width();
    let from = preview.min + Vec2::new(30.0, 20.0);
    let to = preview.min + Vec2::new(90.0, 70.0);
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    harness.hover_at(from + Vec2::new(10.0, 10.0));
    harness.run();
    harness.hover_at(to);
    harness.run();
    harness.drop_at(to);
    harness.run();

    let redactions = harness.state().form().redactions.clone();
    assert_eq!(redactions.len(), 1, "one box drawn");
    let drawn = redactions[0];
    // The box is where the drag was, in image pixels (within a pixel of rounding).
    let near = |got: u32, want: f32| (got as f32 - want).abs() <= 1.0;
    assert!(
        near(drawn.x, 30.0 * scale) && near(drawn.y, 20.0 * scale),
        "{drawn:?}"
    );
    assert!(
        near(drawn.x + drawn.width, 90.0 * scale) && near(drawn.y + drawn.height, 70.0 * scale),
        "{drawn:?}"
    );

    harness.get_by_label("Invia").click();
    assert_eq!(wait_for_outcome(&mut harness), Outcome::Sent);
    let drafts = received.lock().expect("lock");
    assert_eq!(drafts.len(), 1);
    let draft = &drafts[0];
    assert_eq!(draft.subject, "Errore 1603 installando il gestionale");
    assert_eq!(draft.machine.hostname, "pc-mario");
    let png = &draft
        .screenshot
        .as_ref()
        .expect("the screenshot goes along")
        .bytes;
    let sent = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("a PNG")
        .to_rgba8();
    assert_eq!(sent.dimensions(), original.dimensions());
    let mut black = 0;
    for (x, y, pixel) in sent.enumerate_pixels() {
        if drawn.contains(x, y) {
            assert_eq!(*pixel, Rgba([0, 0, 0, 255]), "({x},{y}) inside the box");
            black += 1;
        } else {
            assert_eq!(pixel, original.get_pixel(x, y), "({x},{y}) outside the box");
        }
    }
    assert!(black >= 50 * 40, "the box covers the drag: {black} pixels");
}

#[test]
fn undo_and_remove_screenshot() {
    let (on_send, received) = recording_sender(Ok(()));
    let mut harness = harness(input(Some(picture()), None), on_send);
    harness
        .state_mut()
        .form
        .redactions
        .push(crate::redaction::Rect {
            x: 0,
            y: 0,
            width: 10,
            height: 10,
        });
    harness.run();
    harness.get_by_label("Annulla ultima area").click();
    harness.run();
    assert!(harness.state().form().redactions.is_empty());
    assert!(is_disabled(&harness.get_by_label("Annulla ultima area")));

    harness.get_by_label("Rimuovi screenshot").click();
    harness.run();
    assert!(
        harness
            .query_by_label("Anteprima dello screenshot: trascina per oscurare un'area")
            .is_none()
    );
    harness.get_by_label("Nessuno screenshot: il ticket parte senza immagine.");
    type_subject(&mut harness, "Rete assente in magazzino");
    harness.get_by_label("Invia").click();
    assert_eq!(wait_for_outcome(&mut harness), Outcome::Sent);
    assert!(received.lock().expect("lock")[0].screenshot.is_none());
}

#[test]
fn keyboard_only_esc_cancels_and_ctrl_enter_sends() {
    let (on_send, received) = recording_sender(Ok(()));
    let mut harness = harness(input(None, None), on_send);
    // The subject has focus from the start: no mouse needed.
    assert!(harness.get_by_label("Oggetto").is_focused());
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(harness.state().outcome(), Some(Outcome::Cancelled));
    assert!(received.lock().expect("lock").is_empty());

    let (on_send, received) = recording_sender(Ok(()));
    let mut harness = self::harness(input(None, None), on_send);
    harness
        .get_by_label("Oggetto")
        .type_text("Outlook non scarica la posta");
    harness.run();
    // Tab to the description and on; Ctrl+Enter from anywhere sends.
    harness.key_press(Key::Tab);
    harness.run();
    assert!(harness.get_by_label("Descrizione").is_focused());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    assert_eq!(wait_for_outcome(&mut harness), Outcome::Sent);
    let drafts = received.lock().expect("lock");
    assert_eq!(drafts[0].subject, "Outlook non scarica la posta");
    assert_eq!(
        drafts[0].description, "",
        "the untouched template is not sent"
    );
    assert_eq!(drafts[0].contact.email, "mario.rossi@acme.test");
}

#[test]
fn a_failed_send_keeps_the_window_open_and_says_why() {
    let (on_send, received) = recording_sender(Err("disco pieno".into()));
    let mut harness = harness(input(None, None), on_send);
    type_subject(&mut harness, "Stampante ufficio 2 non stampa");
    harness.get_by_label("Invia").click();
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.state().notice().is_none() {
        assert!(Instant::now() < deadline, "no notice");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
    assert_eq!(harness.state().outcome(), None);
    assert_eq!(received.lock().expect("lock").len(), 1);
    harness.get_by_label_contains("disco pieno");
    // Send may be tried again.
    assert!(!is_disabled(&harness.get_by_label("Invia")));
}

#[test]
fn a_refused_send_can_be_corrected_and_sent_again_as_the_same_submission() {
    let received: Received = Arc::default();
    let log = received.clone();
    let on_send: OnSend = Box::new(move |draft| {
        let mut log = log.lock().expect("lock");
        log.push(draft);
        if log.len() == 1 {
            Err("contatto sconosciuto".into())
        } else {
            Ok(())
        }
    });
    let mut harness = harness(input(None, None), on_send);
    type_subject(&mut harness, "Stampante ufficio 2 non stampa");
    harness.get_by_label("Invia").click();
    let deadline = Instant::now() + Duration::from_secs(10);
    while harness.state().notice().is_none() {
        assert!(Instant::now() < deadline, "no notice");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run();
    assert_eq!(harness.state().outcome(), None, "the window stays open");
    harness.get_by_label_contains("contatto sconosciuto");

    let email = harness.get_by_label("Email");
    email.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Email")
        .type_text("anna.bianchi@acme.test");
    harness.run();
    harness.get_by_label("Invia").click();
    assert_eq!(wait_for_outcome(&mut harness), Outcome::Sent);
    let drafts = received.lock().expect("lock");
    assert_eq!(drafts.len(), 2);
    assert_eq!(drafts[0].id, drafts[1].id, "the same submission");
    assert_eq!(drafts[0].contact.email, "mario.rossi@acme.test");
    assert_eq!(drafts[1].contact.email, "anna.bianchi@acme.test");
}

#[test]
fn category_priority_and_contact_are_chosen_by_label() {
    let (on_send, received) = recording_sender(Ok(()));
    let mut harness = harness(input(None, None), on_send);
    type_subject(&mut harness, "Scanner non acquisisce da ieri");
    harness.get_by_label("Categoria").click();
    harness.run();
    harness.get_by_label("Stampanti").click();
    harness.run();
    harness.get_by_label("Priorità").click();
    harness.run();
    harness.get_by_label("Alta").click();
    harness.run();
    let email = harness.get_by_label("Email");
    email.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Email")
        .type_text("anna.bianchi@acme.test");
    harness.run();
    harness.get_by_label("Invia").click();
    assert_eq!(wait_for_outcome(&mut harness), Outcome::Sent);
    let drafts = received.lock().expect("lock");
    assert_eq!(drafts[0].category.as_deref(), Some("Stampanti"));
    assert_eq!(drafts[0].priority, Priority::High);
    assert_eq!(drafts[0].contact.email, "anna.bianchi@acme.test");
}

#[test]
fn attachments_are_added_listed_and_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("errore.log");
    std::fs::write(&log, "ERRORE 1603").expect("write");
    let (on_send, _) = recording_sender(Ok(()));
    let mut harness = harness(input(None, None), on_send);
    harness.state_mut().attach_file(&log);
    harness
        .state_mut()
        .attach_file(&dir.path().join("missing.txt"));
    harness.run();
    harness.get_by_label_contains("errore.log (11 B)");
    harness.get_by_label_contains("Non posso allegare missing.txt");
    harness.get_by_label("Rimuovi errore.log").click();
    harness.run();
    assert!(harness.state().form().attachments.is_empty());
}

#[test]
fn english_texts_come_from_the_config_language() {
    let (on_send, _) = recording_sender(Ok(()));
    let mut input = input(Some(picture()), None);
    input.config.language = Language::En;
    let mut harness = harness(input, on_send);
    for label in [
        "Subject",
        "Description",
        "Category",
        "Priority",
        "Name",
        "Email",
    ] {
        harness.get_by_label(label);
    }
    harness.get_by_label("Send");
    harness.get_by_label("Cancel");
    harness.get_by_label("Remove screenshot");
    type_subject_en(&mut harness, "Help");
    harness.get_by_label_contains("Subject too vague");
}

fn type_subject_en(harness: &mut Harness<'_, ComposeApp>, text: &str) {
    let subject = harness.get_by_label("Subject");
    subject.focus();
    subject.type_text(text);
    harness.run();
}

#[test]
fn the_preview_texture_is_scaled_to_its_shown_size_and_small_captures_stay_as_they_are() {
    let full_hd = RgbaImage::new(1920, 1080);
    let preview = crate::compose::preview_image(&full_hd).expect("scaled");
    assert_eq!(preview.dimensions(), (1024, 576));
    let portrait = RgbaImage::new(1080, 1920);
    assert_eq!(
        crate::compose::preview_image(&portrait)
            .expect("scaled")
            .dimensions(),
        (576, 1024)
    );
    assert!(crate::compose::preview_image(&RgbaImage::new(800, 600)).is_none());
}
