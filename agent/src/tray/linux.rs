//! Linux: GTK on the main thread (libappindicator: an SNI item where the panel has a watcher,
//! else an XEmbed status icon), events delivered to it as GLib idle callbacks.

use std::cell::RefCell;
use std::sync::Arc;

use tray_icon::menu::MenuEvent;

use super::app::TrayApp;
use super::retry::{Work, Worker};
use super::{Flow, Post, TrayError, TrayOptions, UiEvent};
use crate::instance::Instance;

thread_local! {
    /// The tray, owned by the GTK main thread; idle callbacks reach it here.
    static APP: RefCell<Option<TrayApp>> = const { RefCell::new(None) };
}

/// Runs GTK's main loop until the tray quits.
pub fn run(options: TrayOptions, mut instance: Instance) -> Result<(), TrayError> {
    let mut env_remove = Vec::new();
    // The first GTK3 client on a display initialises GLX, which maps Mesa and LLVM: ~55 MiB
    // the tray never uses (it draws no GL). Keep it off unless the user chose otherwise.
    if std::env::var_os("GDK_GL").is_none() {
        // SAFETY: called on the main thread before GTK or any other thread of ours starts
        // (logging writes from this thread only), so nothing reads the environment concurrently.
        unsafe { std::env::set_var("GDK_GL", "disable") };
        env_remove.push("GDK_GL");
    }
    gtk::init().map_err(|e| TrayError::Toolkit(e.to_string()))?;

    // Always deferred to an idle callback: a menu click is handled after GTK has taken the
    // menu down, and never inside GTK's own signal emission.
    let post: Post = Arc::new(|event: UiEvent| {
        gtk::glib::idle_add_once(move || dispatch(event));
    });

    let worker = Worker::spawn(
        options.paths.outbox_dir(),
        options.config.clone(),
        Arc::clone(&post),
    )
    .map_err(TrayError::Thread)?;
    let app = TrayApp::new(options, worker.clone(), env_remove)?;
    APP.with_borrow_mut(|slot| *slot = Some(app));

    let menu_post = Arc::clone(&post);
    MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
        menu_post(UiEvent::Menu(event.id.0));
    }));
    let instance_post = Arc::clone(&post);
    instance
        .serve(move |request| instance_post(UiEvent::Instance(request)))
        .map_err(TrayError::Thread)?;

    tracing::info!("tray ready");
    gtk::main();

    worker.send(Work::Quit);
    MenuEvent::set_event_handler(None::<fn(MenuEvent)>);
    APP.with_borrow_mut(|slot| slot.take());
    drop(instance);
    tracing::info!("tray stopped");
    Ok(())
}

fn dispatch(event: UiEvent) {
    let flow = APP.with_borrow_mut(|slot| match slot.as_mut() {
        Some(app) => app.handle(event),
        None => Flow::Continue,
    });
    if flow == Flow::Quit {
        gtk::main_quit();
    }
}
