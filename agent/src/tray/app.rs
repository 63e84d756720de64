//! The UI thread's state: the icon, its menu, and what each click does.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tray_icon::menu::{Menu, MenuItem, PredefinedMenuItem};
use tray_icon::{TrayIcon, TrayIconBuilder};

use super::icon;
use super::launch;
use super::menu::{self, Action, Entry, IconKind, MenuFacts};
use super::retry::{Work, Worker};
use super::{Flow, TrayError, TrayOptions, UiEvent};
use crate::capture;
use crate::catalog::tray::text;
use crate::instance::Request;

/// The tray as the UI thread sees it. Not `Send`: the icon and menu belong to that thread.
pub struct TrayApp {
    options: TrayOptions,
    exe: PathBuf,
    /// Variables the tray set for itself that its children must not inherit.
    env_remove: Vec<&'static str>,
    tray: TrayIcon,
    /// The menu the icon shows (kept alive here).
    menu: Menu,
    pending: usize,
    icon_size: u32,
    worker: Worker,
}

impl TrayApp {
    /// Creates the icon with its menu (no drafts waiting yet: the worker's first round says).
    pub fn new(
        options: TrayOptions,
        worker: Worker,
        env_remove: Vec<&'static str>,
    ) -> Result<Self, TrayError> {
        let exe = std::env::current_exe().map_err(TrayError::Exe)?;
        let icon_size = icon::pick_size(icon::tray_size());
        let menu = build_menu(&options, 0)?;
        let tray = TrayIconBuilder::new()
            .with_id("ppdesk")
            .with_tooltip(text(options.config.language).tooltip)
            .with_icon(icon::load(IconKind::Plain, icon_size)?)
            .with_menu(Box::new(menu.clone()))
            .build()?;
        tracing::info!(icon_size, exe = %exe.display(), "tray icon created");
        Ok(Self {
            options,
            exe,
            env_remove,
            tray,
            menu,
            pending: 0,
            icon_size,
            worker,
        })
    }

    /// Handles one event; [`Flow::Quit`] ends the UI loop.
    pub fn handle(&mut self, event: UiEvent) -> Flow {
        match event {
            UiEvent::Menu(id) => match Action::from_id(&id) {
                Some(action) => self.act(action),
                None => {
                    tracing::debug!(id, "menu event for an item that is not ours");
                    Flow::Continue
                }
            },
            UiEvent::Instance(Request::Compose) => self.act(Action::ComposeWithScreenshot),
            UiEvent::Instance(Request::OutboxChanged) => {
                self.worker.send(Work::Wake);
                Flow::Continue
            }
            UiEvent::Instance(Request::Quit) => Flow::Quit,
            UiEvent::Pending(pending) => {
                self.show_pending(pending);
                Flow::Continue
            }
        }
    }

    fn act(&mut self, action: Action) -> Flow {
        tracing::info!(action = action.id(), "tray action");
        let config = &self.options.config;
        match action {
            Action::ComposeWithScreenshot => self.compose_with_screenshot(),
            Action::Compose => self.start_compose_without_screenshot(),
            Action::MyTickets => {
                let args = launch::tickets_args(self.options.config_file.as_deref());
                if let Err(error) = launch::spawn(&self.exe, &args, &self.env_remove, |_| {}) {
                    tracing::error!(%error, "cannot start the tickets window");
                }
            }
            Action::HelpdeskOnline => {
                if let Some(url) = &config.server_url {
                    open_detached(url);
                }
            }
            Action::KnowledgeBase => {
                if let Some(url) = &config.server_url {
                    open_detached(&menu::knowledge_base_url(url));
                }
            }
            Action::Phone => {
                if let Some(uri) = config.phone.as_deref().and_then(menu::tel_uri) {
                    open_detached(&uri);
                }
            }
            Action::RetryPending => self.worker.send(Work::RetryNow),
            Action::Quit => return Flow::Quit,
        }
        Flow::Continue
    }

    /// A2: capture now, on this thread, before any window of ours shows; encode and write
    /// the PNG and start the compose window on a worker thread.
    fn compose_with_screenshot(&self) {
        let clicked = Instant::now();
        flush_display();
        let captured = match capture::capture(self.options.config.capture_all_monitors) {
            Ok(captured) => captured,
            Err(error) => {
                // A ticket without a screenshot beats no ticket.
                tracing::warn!(%error, "screen capture failed; composing without screenshot");
                self.start_compose_without_screenshot();
                return;
            }
        };
        let capture_time = clicked.elapsed();
        let dir = self.options.paths.runtime_dir();
        let starter = self.starter();
        let spawned = std::thread::Builder::new()
            .name("tray-screenshot".into())
            .spawn(move || {
                let (path, encode_time) = match launch::write_capture(&dir, &captured.image) {
                    Ok(written) => written,
                    Err(error) => {
                        tracing::error!(%error, dir = %dir.display(), "cannot write the screenshot; composing without");
                        if let Err(error) = starter.compose(None) {
                            tracing::error!(%error, "cannot start the compose window");
                        }
                        return;
                    }
                };
                match starter.compose(Some((&path, captured.active_window.as_deref()))) {
                    Ok(pid) => tracing::info!(
                        pid,
                        width = captured.image.width(),
                        height = captured.image.height(),
                        capture_ms = capture_time.as_millis(),
                        encode_ms = encode_time.as_millis(),
                        total_ms = clicked.elapsed().as_millis(),
                        "compose window started with screenshot"
                    ),
                    Err(error) => {
                        tracing::error!(%error, "cannot start the compose window");
                        let _ = std::fs::remove_file(&path);
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the screenshot thread");
        }
    }

    fn start_compose_without_screenshot(&self) {
        match self.starter().compose(None) {
            Ok(pid) => tracing::info!(pid, "compose window started"),
            Err(error) => tracing::error!(%error, "cannot start the compose window"),
        }
    }

    fn starter(&self) -> Starter {
        Starter {
            exe: self.exe.clone(),
            config_file: self.options.config_file.clone(),
            env_remove: self.env_remove.clone(),
            worker: self.worker.clone(),
        }
    }

    /// Shows how many drafts wait: the menu entry and the badge.
    fn show_pending(&mut self, pending: usize) {
        if pending == self.pending {
            return;
        }
        let before = menu::icon_kind(self.pending);
        self.pending = pending;
        match build_menu(&self.options, pending) {
            Ok(menu) => {
                self.menu = menu;
                self.tray.set_menu(Some(Box::new(self.menu.clone())));
            }
            Err(error) => tracing::error!(%error, "cannot rebuild the tray menu"),
        }
        let kind = menu::icon_kind(pending);
        if kind != before {
            match icon::load(kind, self.icon_size) {
                Ok(picture) => {
                    if let Err(error) = self.tray.set_icon(Some(picture)) {
                        tracing::error!(%error, "cannot change the tray icon");
                    }
                }
                Err(error) => tracing::error!(%error, "cannot load the tray icon"),
            }
        }
        tracing::info!(pending, "tray shows waiting drafts");
    }
}

/// Everything needed to start a compose window from any thread.
struct Starter {
    exe: PathBuf,
    config_file: Option<PathBuf>,
    env_remove: Vec<&'static str>,
    worker: Worker,
}

impl Starter {
    /// Starts `compose`, with the screenshot file and the window title when given. When it
    /// ends, the screenshot file is deleted (the window sent or dropped its redacted copy; the
    /// original is never kept) and the outbox worker looks again (a draft may wait).
    fn compose(&self, screenshot: Option<(&Path, Option<&str>)>) -> std::io::Result<u32> {
        let args = launch::compose_args(
            self.config_file.as_deref(),
            screenshot.map(|(path, _)| path),
            screenshot.and_then(|(_, title)| title),
        );
        let cleanup = screenshot.map(|(path, _)| path.to_owned());
        let worker = self.worker.clone();
        launch::spawn(&self.exe, &args, &self.env_remove, move |status| {
            if let Some(file) = cleanup
                && let Err(error) = std::fs::remove_file(&file)
                && error.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(%error, "cannot remove the screenshot");
            }
            log_exit("compose", status);
            worker.send(Work::Wake);
        })
    }
}

fn build_menu(options: &TrayOptions, pending: usize) -> Result<Menu, TrayError> {
    let config = &options.config;
    let menu = Menu::new();
    for entry in menu::entries(MenuFacts {
        language: config.language,
        phone: config.phone.as_deref(),
        has_server: config.server_url.is_some(),
        pending,
    }) {
        match entry {
            Entry::Item { action, label } => {
                menu.append(&MenuItem::with_id(action.id(), label, true, None))?;
            }
            Entry::Separator => menu.append(&PredefinedMenuItem::separator())?,
        }
    }
    Ok(menu)
}

fn open_detached(target: &str) {
    if let Err(error) = open::that_detached(target) {
        tracing::warn!(%error, target, "cannot open");
    }
}

fn log_exit(what: &str, status: std::io::Result<std::process::ExitStatus>) {
    match status {
        Ok(status) if status.success() => tracing::info!(what, "child exited"),
        Ok(status) => tracing::warn!(what, %status, "child failed"),
        Err(error) => tracing::warn!(what, %error, "cannot wait for child"),
    }
}

/// Makes sure the X server has taken down our menu before the screen is read (the menu of the
/// XEmbed fallback is ours; with SNI the host drew it and took it down before telling us).
fn flush_display() {
    #[cfg(target_os = "linux")]
    if let Some(display) = gtk::gdk::Display::default() {
        display.sync();
    }
}
