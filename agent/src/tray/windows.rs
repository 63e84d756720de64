//! Windows: a winit event loop on the main thread pumps the messages tray-icon's hidden
//! window needs (`ControlFlow::Wait`: it sleeps in `GetMessage` until something happens);
//! events from other threads arrive as winit user events.

use std::sync::{Arc, Mutex};

use tray_icon::menu::MenuEvent;
use winit::application::ApplicationHandler;
use winit::event::{StartCause, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop};
use winit::window::WindowId;

use super::app::TrayApp;
use super::retry::{Work, Worker};
use super::{Flow, Post, TrayError, TrayOptions, UiEvent};
use crate::instance::Instance;

struct Handler {
    /// Consumed when the loop starts (tray-icon wants its icon created inside the running loop).
    pending: Option<(TrayOptions, Worker)>,
    app: Option<TrayApp>,
    error: Option<TrayError>,
}

impl ApplicationHandler<UiEvent> for Handler {
    fn new_events(&mut self, event_loop: &ActiveEventLoop, cause: StartCause) {
        if cause == StartCause::Init
            && let Some((options, worker)) = self.pending.take()
        {
            match TrayApp::new(options, worker, Vec::new()) {
                Ok(app) => self.app = Some(app),
                Err(error) => {
                    self.error = Some(error);
                    event_loop.exit();
                }
            }
        }
    }

    fn resumed(&mut self, _event_loop: &ActiveEventLoop) {}

    fn window_event(&mut self, _: &ActiveEventLoop, _: WindowId, _: WindowEvent) {}

    fn user_event(&mut self, event_loop: &ActiveEventLoop, event: UiEvent) {
        if let Some(app) = self.app.as_mut()
            && app.handle(event) == Flow::Quit
        {
            event_loop.exit();
        }
    }
}

/// Runs the message loop until the tray quits.
pub fn run(options: TrayOptions, mut instance: Instance) -> Result<(), TrayError> {
    let event_loop = EventLoop::<UiEvent>::with_user_event()
        .build()
        .map_err(|e| TrayError::Toolkit(e.to_string()))?;
    event_loop.set_control_flow(ControlFlow::Wait);
    let proxy = Mutex::new(event_loop.create_proxy());
    let post: Post = Arc::new(move |event: UiEvent| {
        if let Ok(proxy) = proxy.lock() {
            // Fails only once the loop has ended, when nobody needs the event any more.
            let _ = proxy.send_event(event);
        }
    });

    let worker = Worker::spawn(
        options.paths.outbox_dir(),
        options.config.clone(),
        Arc::clone(&post),
    )
    .map_err(TrayError::Thread)?;
    let menu_post = Arc::clone(&post);
    MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
        menu_post(UiEvent::Menu(event.id.0));
    }));
    let instance_post = Arc::clone(&post);
    instance
        .serve(move |request| instance_post(UiEvent::Instance(request)))
        .map_err(TrayError::Thread)?;

    let mut handler = Handler {
        pending: Some((options, worker.clone())),
        app: None,
        error: None,
    };
    let ran = event_loop.run_app(&mut handler);
    worker.send(Work::Quit);
    MenuEvent::set_event_handler(None::<fn(MenuEvent)>);
    drop(handler.app.take());
    drop(instance);
    if let Some(error) = handler.error {
        return Err(error);
    }
    ran.map_err(|e| TrayError::Toolkit(e.to_string()))
}
