//! The compose window: subject, description, category, priority, contact, the screenshot with
//! its blacked-out areas, extra attachments, Send and Cancel.
//!
//! It runs in its own short-lived process (`ppdesk-agent compose`), which exits once the
//! window closes, so its GL context never stays resident in the tray. The window knows
//! nothing about outboxes or transports: Send builds a [`Draft`] (redaction burnt into the
//! PNG) and hands it to the [`OnSend`] callback it was given, on a worker thread so the window
//! keeps painting "Invio…" meanwhile. The original screenshot lives only in memory.
//!
//! Keyboard: Tab walks the fields in reading order, Ctrl+Enter sends, Esc cancels; every
//! input is tied to its visible label (screen readers, and the tests, find it by name).

mod form;
mod screenshot;
mod settle;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::Utc;
use eframe::egui;
use egui::{Key, Modifiers, RichText, Vec2};
use image::RgbaImage;
use ppdesk_shared::Priority;
use ppdesk_shared::agent_config::AgentConfig;
use ppdesk_shared::api::MachineFacts;

pub use self::form::{Form, MAX_TITLE_IN_SUBJECT, prefill_subject};
use self::screenshot::Screenshot;
pub use self::screenshot::{PREVIEW_MAX_SIDE, preview_image};
pub use self::settle::{Settled, settle, withdraw_refused};
use crate::catalog::compose as catalog;
use crate::catalog::compose::ComposeTexts;
use crate::draft::{Attachment, Draft, MAX_TOTAL_BYTES};

/// What the Send callback answers: `Ok` once the draft is safe (delivered, or stored in the
/// outbox to be retried); `Err` with a sentence for the user when it could not even be stored
/// or the other side refused it ([`settle`]). After `Err` the window stays open and Send may be
/// pressed again: every Send of one window carries the same [`Form::id`].
pub type SendResult = Result<(), String>;

/// The Send callback: stores and sends a draft (in the binary: `outbox::submit` plus the
/// desktop notification). Runs on a worker thread.
pub type OnSend = Box<dyn FnMut(Draft) -> SendResult + Send>;

/// Everything the window starts from.
#[derive(Debug, Clone)]
pub struct ComposeInput {
    pub config: AgentConfig,
    /// The captured screen; `None` for a ticket without screenshot.
    pub screenshot: Option<RgbaImage>,
    /// The screenshot scaled for the preview ([`preview_image`]), when made ahead (off the UI
    /// thread); `None` makes it on first show.
    pub preview: Option<RgbaImage>,
    /// Title of the window the user was looking at; prefills the subject.
    pub window_title: Option<String>,
    pub facts: MachineFacts,
}

/// How the window ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The draft was handed over and accepted by [`OnSend`].
    Sent,
    /// The user cancelled (button, Esc, or closing the window).
    Cancelled,
}

/// The window could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("cannot open the compose window: {0}")]
    Window(String),
}

/// Default window size, in points.
pub const WINDOW_SIZE: [f32; 2] = [720.0, 640.0];

/// Tallest the screenshot preview gets, in points, so the fields stay in view.
const PREVIEW_MAX_HEIGHT: f32 = 260.0;

/// The compose window's state. Drive it with [`ComposeApp::show`] (eframe does through
/// [`run_window`]; tests through `egui_kittest`).
pub struct ComposeApp {
    config: AgentConfig,
    texts: &'static ComposeTexts,
    facts: MachineFacts,
    form: Form,
    screenshot: Option<Screenshot>,
    on_send: Option<OnSend>,
    sending: Option<JoinHandle<(OnSend, SendResult)>>,
    picking: Option<mpsc::Receiver<Vec<PathBuf>>>,
    /// Last error or refusal to show above the buttons.
    notice: Option<String>,
    outcome: Option<Outcome>,
    /// The Close command went out (once: it is a request, repeating it only repaints).
    close_sent: bool,
    focus_subject: bool,
}

impl ComposeApp {
    /// A fresh window over `input`; Send hands drafts to `on_send`.
    pub fn new(input: ComposeInput, on_send: OnSend) -> Self {
        let form = Form::new(&input.config, input.window_title.as_deref());
        let mut facts = input.facts;
        if facts.active_window.is_none() {
            facts.active_window = input.window_title;
        }
        Self {
            texts: catalog::texts(input.config.language),
            config: input.config,
            facts,
            form,
            screenshot: input
                .screenshot
                .map(|image| Screenshot::new(image, input.preview)),
            on_send: Some(on_send),
            sending: None,
            picking: None,
            notice: None,
            outcome: None,
            close_sent: false,
            focus_subject: true,
        }
    }

    /// How the window ended; `None` while it is open.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// True while a draft is with the Send callback.
    pub fn is_sending(&self) -> bool {
        self.sending.is_some()
    }

    /// The form as currently filled in.
    pub fn form(&self) -> &Form {
        &self.form
    }

    /// The last error shown to the user, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Adds a file as an attachment, or says why not (shown in the window).
    pub fn attach_file(&mut self, path: &Path) {
        let name = crate::draft::safe_file_name(&path.to_string_lossy());
        let language = self.config.language;
        let used: usize = self.form.attachments.iter().map(|a| a.bytes.len()).sum();
        let result = std::fs::metadata(path)
            .and_then(|meta| {
                let size = meta.len();
                if size.saturating_add(used as u64) > MAX_TOTAL_BYTES as u64 {
                    Err(std::io::Error::other(catalog::file_too_large(
                        language, size,
                    )))
                } else {
                    std::fs::read(path)
                }
            })
            .map(|bytes| Attachment::new(&name, bytes));
        match result {
            Ok(attachment) => {
                self.form.attachments.push(attachment);
                self.notice = None;
            }
            Err(error) => {
                self.notice = Some(catalog::attachment_refused(
                    language,
                    &name,
                    &error.to_string(),
                ));
            }
        }
    }

    /// Draws one frame and reacts to its input.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_workers(&ctx);
        if self.outcome.is_some() {
            self.close(&ctx);
            return;
        }
        if ctx.input(|i| i.viewport().close_requested()) {
            if self.sending.is_some() {
                // The draft is with the sender: let it finish and tell the user.
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            } else {
                self.outcome = Some(Outcome::Cancelled);
                return;
            }
        }
        self.take_dropped_files(&ctx);

        let popup_open = egui::Popup::is_any_open(&ctx);
        let (send_key, cancel_key) = ctx.input_mut(|i| {
            (
                i.consume_key(Modifiers::COMMAND, Key::Enter),
                !popup_open && i.consume_key(Modifiers::NONE, Key::Escape),
            )
        });

        let problems = self.form.problems(&self.config);
        let busy = self.sending.is_some();
        let texts = self.texts;
        let language = self.config.language;

        let mut send_clicked = false;
        let mut cancel_clicked = false;
        egui::Panel::bottom("compose-actions").show(ui, |ui| {
            ui.add_space(6.0);
            if let Some(note) = catalog::mode_note(language, self.config.mode) {
                ui.label(RichText::new(note).small());
            }
            if let Some(notice) = &self.notice {
                ui.colored_label(ui.visuals().error_fg_color, notice);
            }
            if !busy {
                for problem in &problems {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        catalog::send_blocked(language, problem),
                    );
                }
            }
            ui.horizontal(|ui| {
                let can_send = problems.is_empty() && !busy;
                send_clicked = ui
                    .add_enabled(
                        can_send,
                        egui::Button::new(RichText::new(texts.send).strong()),
                    )
                    .clicked();
                cancel_clicked = ui
                    .add_enabled(!busy, egui::Button::new(texts.cancel))
                    .clicked();
                if busy {
                    ui.spinner();
                    ui.label(texts.sending);
                } else {
                    ui.label(RichText::new(texts.shortcuts).small().weak());
                }
            });
            ui.add_space(6.0);
        });

        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.add_enabled_ui(!busy, |ui| self.fields(ui));
                });
        });

        if (send_clicked || send_key) && problems.is_empty() && !busy {
            self.send();
        }
        if (cancel_clicked || cancel_key) && !busy {
            self.outcome = Some(Outcome::Cancelled);
        }
        if self.outcome.is_some() {
            self.close(&ctx);
        }
        if self.sending.is_some() || self.picking.is_some() {
            // Nothing else wakes the window when a worker finishes.
            ctx.request_repaint_after(Duration::from_millis(30));
        }
    }

    fn fields(&mut self, ui: &mut egui::Ui) {
        let texts = self.texts;
        let language = self.config.language;
        let wide = ui.available_width();

        // Subject, with the vague-subject warning right under it.
        let label = ui.label(RichText::new(texts.subject).strong());
        let subject = ui.add(
            egui::TextEdit::singleline(&mut self.form.subject)
                .hint_text(texts.subject_hint)
                .desired_width(wide)
                .char_limit(crate::draft::MAX_SUBJECT_CHARS * 2),
        );
        let subject = subject.labelled_by(label.id);
        if std::mem::take(&mut self.focus_subject) {
            subject.request_focus();
        }
        if let crate::subject_quality::SubjectVerdict::Vague(reason) = self.form.subject_verdict()
            && let Some(warning) = catalog::vague_subject(language, &reason)
        {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
        ui.add_space(6.0);

        let label = ui.label(RichText::new(texts.description).strong());
        ui.add(
            egui::TextEdit::multiline(&mut self.form.description)
                .desired_width(wide)
                .desired_rows(8),
        )
        .labelled_by(label.id);
        ui.add_space(6.0);

        egui::Grid::new("compose-choices")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(texts.category);
                let selected = self
                    .form
                    .category
                    .and_then(|i| self.config.categories.get(i))
                    .map_or(texts.category_none, String::as_str);
                egui::ComboBox::from_id_salt("compose-category")
                    .selected_text(selected)
                    .width(240.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.form.category, None, texts.category_none);
                        for (index, name) in self.config.categories.iter().enumerate() {
                            ui.selectable_value(&mut self.form.category, Some(index), name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();

                let label = ui.label(texts.priority);
                egui::ComboBox::from_id_salt("compose-priority")
                    .selected_text(catalog::priority_name(language, self.form.priority))
                    .width(240.0)
                    .show_ui(ui, |ui| {
                        for priority in Priority::ALL {
                            ui.selectable_value(
                                &mut self.form.priority,
                                priority,
                                catalog::priority_name(language, priority),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();

                let label = ui.label(texts.contact_name);
                ui.add(
                    egui::TextEdit::singleline(&mut self.form.contact_name).desired_width(320.0),
                )
                .labelled_by(label.id);
                ui.end_row();

                let label = ui.label(texts.contact_email);
                ui.add(
                    egui::TextEdit::singleline(&mut self.form.contact_email).desired_width(320.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            });

        ui.separator();
        ui.label(RichText::new(texts.screenshot).strong());
        match (&mut self.screenshot, self.form.keep_screenshot) {
            (Some(shot), true) => {
                ui.label(RichText::new(texts.redact_hint).small());
                let max = Vec2::new(ui.available_width(), PREVIEW_MAX_HEIGHT);
                shot.show(ui, max, &mut self.form.redactions, texts.screenshot_preview);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(
                            !self.form.redactions.is_empty(),
                            egui::Button::new(texts.undo_area),
                        )
                        .clicked()
                    {
                        self.form.redactions.pop();
                    }
                    if ui.button(texts.remove_screenshot).clicked() {
                        self.form.keep_screenshot = false;
                        self.form.redactions.clear();
                    }
                });
            }
            _ => {
                ui.label(RichText::new(texts.no_screenshot).weak());
            }
        }

        ui.separator();
        ui.label(RichText::new(texts.attachments).strong());
        if self.form.attachments.is_empty() {
            ui.label(RichText::new(texts.no_attachments).weak());
        }
        let mut remove = None;
        for (index, attachment) in self.form.attachments.iter().enumerate() {
            ui.horizontal(|ui| {
                let name = catalog::remove_attachment(language, &attachment.file_name);
                if ui
                    .button(texts.remove)
                    .accessible_name(&name)
                    .on_hover_text(&name)
                    .clicked()
                {
                    remove = Some(index);
                }
                ui.label(format!(
                    "{} ({})",
                    attachment.file_name,
                    human_size(attachment.bytes.len())
                ));
            });
        }
        if let Some(index) = remove {
            self.form.attachments.remove(index);
        }
        if ui
            .add_enabled(
                self.picking.is_none(),
                egui::Button::new(texts.add_attachment),
            )
            .clicked()
        {
            self.pick_files();
        }

        ui.separator();
        ui.label(RichText::new(texts.machine_facts_note).small().weak());
    }

    fn close(&mut self, ctx: &egui::Context) {
        if !std::mem::replace(&mut self.close_sent, true) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn send(&mut self) {
        let draft = match self.form.draft(
            &self.config,
            Utc::now(),
            self.facts.clone(),
            self.screenshot.as_ref().map(|s| &s.image),
        ) {
            Ok(draft) => draft,
            Err(error) => {
                self.notice = Some(format!("{}: {error}", self.texts.send_failed));
                return;
            }
        };
        if let Some(problem) = draft.problems().first() {
            self.notice = Some(catalog::send_blocked(self.config.language, problem));
            return;
        }
        let Some(mut on_send) = self.on_send.take() else {
            return;
        };
        self.notice = None;
        tracing::info!(draft = %draft.id, "compose: sending");
        self.sending = Some(std::thread::spawn(move || {
            let result = on_send(draft);
            (on_send, result)
        }));
    }

    fn poll_workers(&mut self, ctx: &egui::Context) {
        if self.sending.as_ref().is_some_and(JoinHandle::is_finished)
            && let Some(handle) = self.sending.take()
        {
            match handle.join() {
                Ok((_, Ok(()))) => self.outcome = Some(Outcome::Sent),
                Ok((on_send, Err(message))) => {
                    self.on_send = Some(on_send);
                    self.notice = Some(format!("{}: {message}", self.texts.send_failed));
                }
                Err(_) => {
                    // The callback panicked; it is gone, so Send cannot be retried here.
                    self.notice = Some(self.texts.send_failed.to_owned());
                }
            }
            ctx.request_repaint();
        }
        if let Some(receiver) = &self.picking {
            match receiver.try_recv() {
                Ok(paths) => {
                    self.picking = None;
                    for path in paths {
                        self.attach_file(&path);
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => self.picking = None,
                Err(mpsc::TryRecvError::Empty) => {}
            }
        }
    }

    fn pick_files(&mut self) {
        let (sender, receiver) = mpsc::channel();
        let title = self.texts.file_dialog_title;
        // The dialog blocks until the user chooses; the window keeps painting meanwhile.
        std::thread::spawn(move || {
            let paths = rfd::FileDialog::new()
                .set_title(title)
                .pick_files()
                .unwrap_or_default();
            let _ = sender.send(paths);
        });
        self.picking = Some(receiver);
    }

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        for file in dropped {
            // Native platforms always give the absolute path.
            self.attach_file(file.path());
        }
    }
}

impl eframe::App for ComposeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// Opens the compose window and blocks until it closes. `make_app` runs once the window and
/// its GL context exist, so work done before (decoding the screenshot) can overlap that
/// start-up on another thread and be joined inside `make_app`.
pub fn run_window(
    window_title: &str,
    make_app: impl FnOnce() -> ComposeApp,
) -> Result<Outcome, ComposeError> {
    let outcome = std::rc::Rc::new(std::cell::Cell::new(Outcome::Cancelled));
    let reported = outcome.clone();
    eframe::run_native(
        "ppdesk-agent",
        native_options(window_title, WINDOW_SIZE),
        Box::new(move |_cc| {
            Ok(Box::new(Reporting {
                app: make_app(),
                outcome: reported,
            }))
        }),
    )
    .map_err(|e| ComposeError::Window(e.to_string()))?;
    Ok(outcome.get())
}

/// eframe options for the agent's short-lived windows: nothing eframe does not need (no
/// multisampling, depth or stencil buffer, no vsync wait), so the window shows fast.
pub fn native_options(title: &str, size: [f32; 2]) -> eframe::NativeOptions {
    eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_app_id("ppdesk-agent")
            .with_inner_size(size)
            .with_min_inner_size([420.0, 360.0])
            .with_resizable(true)
            .with_active(true),
        multisampling: 0,
        depth_buffer: 0,
        stencil_buffer: 0,
        centered: true,
        glow_options: eframe::egui_glow::GlowConfiguration {
            vsync: false,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Hands the outcome out of eframe, which owns the app while the window is open.
struct Reporting {
    app: ComposeApp,
    outcome: std::rc::Rc<std::cell::Cell<Outcome>>,
}

impl eframe::App for Reporting {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.app.show(ui);
        if let Some(outcome) = self.app.outcome() {
            self.outcome.set(outcome);
        }
    }
}

fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests;
