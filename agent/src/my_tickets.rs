//! "I miei ticket": a small window listing the user's tickets and their status, read from the
//! server's API (`GET /api/v1/tickets?contact=`).
//!
//! Only the API mode can ask the server; in the mail modes, or without a server address,
//! token or contact address in the config, the window says so in words instead of showing an
//! error ([`availability`]). The list itself is a plain function of the server's answer
//! ([`rows`]); fetching runs on a worker thread, so the window paints at once.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::TimeZone;
use eframe::egui;
use egui::{Key, Modifiers, RichText};
use ppdesk_shared::agent_config::{AgentConfig, Language, Mode};
use ppdesk_shared::api::TicketSummary;

use crate::catalog::compose::{MyTicketsTexts, my_tickets_texts, no_tickets, status_name};

/// Whether the window can ask the server, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// API mode with a server, a token and the user's address.
    Ready { contact_email: String },
    /// Tickets go by mail (`smtp` or `mailclient`): the server cannot be asked.
    NotApiMode(Mode),
    /// `server_url` or `org_token` missing.
    NoServer,
    /// `[contact] email` missing: tickets are looked up by address.
    NoContactEmail,
}

/// What the config allows the window to do.
pub fn availability(config: &AgentConfig) -> Availability {
    if config.mode != Mode::Api {
        return Availability::NotApiMode(config.mode);
    }
    let filled = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
    if !filled(&config.server_url) || !filled(&config.org_token) {
        return Availability::NoServer;
    }
    match config.contact_email.as_deref().map(str::trim) {
        Some(email) if !email.is_empty() => Availability::Ready {
            contact_email: email.to_owned(),
        },
        _ => Availability::NoContactEmail,
    }
}

/// One line of the list, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: String,
    /// The full tag, for the tooltip (what the user quotes in mails).
    pub tag: String,
    pub subject: String,
    pub status: String,
    /// Open tickets (someone still has to act) are shown first and stronger.
    pub open: bool,
    pub updated: String,
}

/// The server's answer as lines: open tickets first, then the rest, each group most recently
/// updated first; dates in `zone`.
pub fn rows<Tz: TimeZone>(tickets: &[TicketSummary], language: Language, zone: &Tz) -> Vec<Row>
where
    Tz::Offset: std::fmt::Display,
{
    let texts = my_tickets_texts(language);
    let mut sorted: Vec<&TicketSummary> = tickets.iter().collect();
    sorted.sort_by(|a, b| {
        b.status
            .is_open()
            .cmp(&a.status.is_open())
            .then(b.updated_at.cmp(&a.updated_at))
            .then(b.number.cmp(&a.number))
    });
    sorted
        .into_iter()
        .map(|ticket| Row {
            number: ticket.number.to_string(),
            tag: ticket.tag.clone(),
            subject: ticket.subject.clone(),
            status: status_name(language, ticket.status).to_owned(),
            open: ticket.status.is_open(),
            updated: ticket
                .updated_at
                .with_timezone(zone)
                .format(texts.date_format)
                .to_string(),
        })
        .collect()
}

/// Reads the user's tickets from the server; `Err` carries what went wrong, in words.
pub type Fetch = Arc<dyn Fn() -> Result<Vec<TicketSummary>, String> + Send + Sync>;

enum State {
    Unavailable(String),
    Loading(JoinHandle<Result<Vec<TicketSummary>, String>>),
    Loaded(Vec<TicketSummary>),
    Failed(String),
}

/// The window's state; drive it with [`MyTicketsApp::show`].
pub struct MyTicketsApp {
    language: Language,
    texts: &'static MyTicketsTexts,
    contact_email: String,
    fetch: Fetch,
    state: State,
    closed: bool,
    /// The Close command went out (once: repeating it only repaints).
    close_sent: bool,
}

impl MyTicketsApp {
    /// A window for `config`; when the server can be asked, `fetch` starts at once.
    pub fn new(config: &AgentConfig, fetch: Fetch) -> Self {
        let language = config.language;
        let texts = my_tickets_texts(language);
        let (state, contact_email) = match availability(config) {
            Availability::Ready { contact_email } => (start(&fetch), contact_email),
            Availability::NotApiMode(_) => {
                (State::Unavailable(texts.not_api_mode.into()), String::new())
            }
            Availability::NoServer => (State::Unavailable(texts.no_server.into()), String::new()),
            Availability::NoContactEmail => (
                State::Unavailable(texts.no_contact_email.into()),
                String::new(),
            ),
        };
        Self {
            language,
            texts,
            contact_email,
            fetch,
            state,
            closed: false,
            close_sent: false,
        }
    }

    /// True once the user closed the window (button or Esc).
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// True while the server is being asked.
    pub fn is_loading(&self) -> bool {
        matches!(self.state, State::Loading(_))
    }

    /// Draws one frame and reacts to its input.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if let State::Loading(handle) = &self.state
            && handle.is_finished()
            && let State::Loading(handle) =
                std::mem::replace(&mut self.state, State::Failed(String::new()))
        {
            self.state = match handle.join() {
                Ok(Ok(tickets)) => State::Loaded(tickets),
                Ok(Err(reason)) => State::Failed(format!("{}: {reason}", self.texts.fetch_failed)),
                Err(_) => State::Failed(self.texts.fetch_failed.to_owned()),
            };
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
            self.closed = true;
        }
        let texts = self.texts;
        let can_refresh = !matches!(self.state, State::Unavailable(_) | State::Loading(_));
        let mut refresh = false;
        egui::Panel::bottom("tickets-actions").show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                refresh = ui
                    .add_enabled(can_refresh, egui::Button::new(texts.refresh))
                    .clicked();
                if ui.button(texts.close).clicked() {
                    self.closed = true;
                }
            });
            ui.add_space(6.0);
        });
        egui::CentralPanel::default().show(ui, |ui| match &self.state {
            State::Unavailable(message) | State::Failed(message) => {
                ui.label(message.as_str());
            }
            State::Loading(_) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(texts.loading);
                });
            }
            State::Loaded(tickets) if tickets.is_empty() => {
                ui.label(no_tickets(self.language, &self.contact_email));
            }
            State::Loaded(tickets) => {
                let rows = rows(tickets, self.language, &chrono::Local);
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| table(ui, texts, &rows));
            }
        });
        if refresh && can_refresh {
            self.state = start(&self.fetch);
        }
        if self.closed && !std::mem::replace(&mut self.close_sent, true) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if self.is_loading() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
    }
}

fn start(fetch: &Fetch) -> State {
    let fetch = fetch.clone();
    State::Loading(std::thread::spawn(move || fetch()))
}

fn table(ui: &mut egui::Ui, texts: &MyTicketsTexts, rows: &[Row]) {
    egui::Grid::new("my-tickets")
        .num_columns(4)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for header in [texts.number, texts.subject, texts.status, texts.updated] {
                ui.label(RichText::new(header).strong());
            }
            ui.end_row();
            for row in rows {
                let text = |t: &str| {
                    if row.open {
                        RichText::new(t.to_owned())
                    } else {
                        RichText::new(t.to_owned()).weak()
                    }
                };
                ui.label(text(&row.number)).on_hover_text(&row.tag);
                ui.add(egui::Label::new(text(&row.subject)).truncate());
                ui.label(text(&row.status));
                ui.label(text(&row.updated));
                ui.end_row();
            }
        });
}

impl eframe::App for MyTicketsApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// The window could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum MyTicketsError {
    #[error("cannot open the \"my tickets\" window: {0}")]
    Window(String),
}

/// Opens the window and blocks until it closes.
pub fn run_window(app: MyTicketsApp) -> Result<(), MyTicketsError> {
    let title = app.texts.window_title;
    eframe::run_native(
        "ppdesk-agent",
        crate::compose::native_options(title, [640.0, 420.0]),
        Box::new(move |_cc| Ok(Box::new(app))),
    )
    .map_err(|e| MyTicketsError::Window(e.to_string()))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, Utc};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;
    use ppdesk_shared::{Priority, TicketStatus};

    use super::*;

    fn config(mode: Mode) -> AgentConfig {
        AgentConfig {
            server_url: Some("https://helpdesk.example.it".into()),
            org_token: Some("ppd_x".into()),
            mode,
            helpdesk_email: Some("helpdesk@example.it".into()),
            categories: vec!["Altro".into()],
            contact_email: Some("mario.rossi@acme.test".into()),
            ..crate::config::resolve(&Default::default(), "")
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("a date")
    }

    fn ticket(number: u64, subject: &str, status: TicketStatus, updated: &str) -> TicketSummary {
        TicketSummary {
            number,
            tag: format!("#Standard# Ticket #[{number}]"),
            subject: subject.into(),
            status,
            priority: Priority::Normal,
            sector: "Assistenza".into(),
            created_at: at("2026-01-01T08:00:00Z"),
            updated_at: at(updated),
        }
    }

    #[test]
    fn only_the_api_mode_with_server_token_and_address_can_ask() {
        assert_eq!(
            availability(&config(Mode::Api)),
            Availability::Ready {
                contact_email: "mario.rossi@acme.test".into()
            }
        );
        assert_eq!(
            availability(&config(Mode::Smtp)),
            Availability::NotApiMode(Mode::Smtp)
        );
        assert_eq!(
            availability(&config(Mode::MailClient)),
            Availability::NotApiMode(Mode::MailClient)
        );
        let mut no_token = config(Mode::Api);
        no_token.org_token = Some("  ".into());
        assert_eq!(availability(&no_token), Availability::NoServer);
        let mut no_url = config(Mode::Api);
        no_url.server_url = None;
        assert_eq!(availability(&no_url), Availability::NoServer);
        let mut no_email = config(Mode::Api);
        no_email.contact_email = None;
        assert_eq!(availability(&no_email), Availability::NoContactEmail);
    }

    #[test]
    fn rows_put_open_tickets_first_with_status_in_words_and_local_dates() {
        let tickets = [
            ticket(
                10001,
                "Stampante ufficio 2",
                TicketStatus::Resolved,
                "2026-03-02T10:00:00Z",
            ),
            ticket(
                10002,
                "Errore 1603",
                TicketStatus::WaitingOnCustomer,
                "2026-03-01T09:30:00Z",
            ),
            ticket(
                10003,
                "VPN lenta",
                TicketStatus::WaitingOnSupport,
                "2026-03-01T17:05:00Z",
            ),
        ];
        let rome = FixedOffset::east_opt(3600).expect("offset");
        let rows = rows(&tickets, Language::It, &rome);
        let numbers: Vec<_> = rows.iter().map(|r| r.number.as_str()).collect();
        assert_eq!(numbers, ["10003", "10002", "10001"]);
        assert_eq!(rows[0].status, "In lavorazione dall'assistenza");
        assert_eq!(rows[1].status, "In attesa di una tua risposta");
        assert_eq!(rows[2].status, "Risolto");
        assert!(rows[0].open && !rows[2].open);
        assert_eq!(rows[0].updated, "01/03/2026 18:05");
        assert_eq!(rows[0].tag, "#Standard# Ticket #[10003]");
        let english = super::rows(&tickets, Language::En, &Utc);
        assert_eq!(english[0].updated, "2026-03-01 17:05");
        assert_eq!(english[2].status, "Resolved");
    }

    fn wait_loaded(harness: &mut Harness<'_, MyTicketsApp>) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while harness.state().is_loading() {
            assert!(std::time::Instant::now() < deadline, "still loading");
            harness.step();
            std::thread::sleep(Duration::from_millis(5));
        }
        harness.run();
    }

    #[test]
    fn the_window_lists_what_the_server_answered_and_refreshes() {
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = calls.clone();
        let fetch: Fetch = Arc::new(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(vec![ticket(
                10042,
                "Outlook non scarica la posta",
                TicketStatus::WaitingOnSupport,
                "2026-03-01T09:00:00Z",
            )])
        });
        let app = MyTicketsApp::new(&config(Mode::Api), fetch);
        let mut harness = Harness::builder()
            .with_size(egui::Vec2::new(640.0, 420.0))
            .build_ui_state(|ui, app: &mut MyTicketsApp| app.show(ui), app);
        wait_loaded(&mut harness);
        harness.get_by_label("10042");
        harness.get_by_label("Outlook non scarica la posta");
        harness.get_by_label("In lavorazione dall'assistenza");
        harness.get_by_label("Aggiorna").click();
        // A spinner keeps repainting while loading: step, do not run to rest.
        harness.step();
        harness.step();
        wait_loaded(&mut harness);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
        harness.key_press(Key::Escape);
        harness.run();
        assert!(harness.state().is_closed());
    }

    #[test]
    fn mail_modes_and_failures_are_explained_in_words() {
        let never: Fetch = Arc::new(|| panic!("must not ask the server"));
        let app = MyTicketsApp::new(&config(Mode::MailClient), never);
        let mut harness =
            Harness::builder().build_ui_state(|ui, app: &mut MyTicketsApp| app.show(ui), app);
        harness.run();
        harness.get_by_label_contains("invia i ticket per email");

        let failing: Fetch = Arc::new(|| Err("connection refused".into()));
        let app = MyTicketsApp::new(&config(Mode::Api), failing);
        let mut harness =
            Harness::builder().build_ui_state(|ui, app: &mut MyTicketsApp| app.show(ui), app);
        wait_loaded(&mut harness);
        harness.get_by_label("Non riesco a leggere i tuoi ticket dal server: connection refused");

        let empty: Fetch = Arc::new(|| Ok(Vec::new()));
        let app = MyTicketsApp::new(&config(Mode::Api), empty);
        let mut harness =
            Harness::builder().build_ui_state(|ui, app: &mut MyTicketsApp| app.show(ui), app);
        wait_loaded(&mut harness);
        harness.get_by_label("Nessun ticket aperto da mario.rossi@acme.test.");
    }
}
