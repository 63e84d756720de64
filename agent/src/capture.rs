//! The screenshot: what the user was looking at when they clicked "++".
//!
//! [`capture`] grabs the monitor under the mouse cursor at the moment of the call (or every
//! monitor, stitched into one image), lists every monitor for the machine facts, and reads the
//! title of the active window where the platform tells it. The tray process calls it before
//! any window of ours shows. [`encode_png`] turns the image into the PNG that is sent.
//!
//! Which monitor, and where each lands in a stitched image, are plain functions over monitor
//! rectangles ([`monitor_at`], [`stitch`], [`describe_screens`]); the platform parts (xcap for
//! the pixels; X11 or Win32 for the cursor and the active window) are thin edges.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageEncoder as _, Rgba, RgbaImage};

/// Largest stitched image accepted, per side (a wall of eight 4K monitors still fits).
pub const MAX_STITCHED_SIDE: u32 = 32_768;

/// The colour of the parts of a stitched image that no monitor covers.
const GAP: Rgba<u8> = Rgba([0, 0, 0, 255]);

/// One capture: the pixels, the monitors, the window in front.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The monitor under the cursor, or every monitor stitched.
    pub image: RgbaImage,
    /// Every monitor as `WIDTHxHEIGHT+X+Y`, primary first.
    pub screens: Vec<String>,
    /// Title of the active window, when the platform tells (not on Wayland, not on an X11
    /// display without a window manager).
    pub active_window: Option<String>,
}

/// Why no screenshot could be taken; each says what failed.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// No graphical session to capture (no `DISPLAY`/`WAYLAND_DISPLAY`, or it refused us).
    #[error("no display to capture: {0}")]
    NoDisplay(String),
    /// The display reports no monitor at all.
    #[error("no monitor to capture: the display reports none")]
    NoMonitor,
    /// The system or the user refused screen capture (Wayland portal, OS privacy setting).
    #[error("screen capture not permitted: {0}")]
    Permission(String),
    /// Listing the monitors failed.
    #[error("cannot list the monitors: {0}")]
    Monitors(String),
    /// Grabbing the pixels of one monitor failed.
    #[error("cannot capture monitor {screen}: {reason}")]
    Grab { screen: String, reason: String },
    /// The monitors span more than [`MAX_STITCHED_SIDE`] pixels.
    #[error("the monitors span {width}x{height} pixels, more than {MAX_STITCHED_SIDE} per side")]
    TooLarge { width: u64, height: u64 },
    /// PNG encoding failed.
    #[error("cannot encode the screenshot as PNG: {0}")]
    Encode(String),
}

/// Where a monitor sits on the virtual desktop, in the platform's desktop coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitorRect {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub primary: bool,
}

impl MonitorRect {
    /// True when the desktop point (`px`, `py`) lies on this monitor.
    pub fn contains(&self, px: i32, py: i32) -> bool {
        let (px, py) = (i64::from(px), i64::from(py));
        let (x, y) = (i64::from(self.x), i64::from(self.y));
        px >= x && py >= y && px < x + i64::from(self.width) && py < y + i64::from(self.height)
    }

    /// `WIDTHxHEIGHT+X+Y`, as X11's tools print geometry (`+-1920` never: negative origins
    /// print as `-1920`).
    pub fn describe(&self) -> String {
        format!("{}x{}{:+}{:+}", self.width, self.height, self.x, self.y)
    }

    /// Squared distance from a point to the monitor's nearest edge (0 inside).
    fn distance_squared(&self, px: i32, py: i32) -> i64 {
        let axis = |p: i32, start: i32, len: u32| -> i64 {
            let (p, start) = (i64::from(p), i64::from(start));
            let end = start + i64::from(len) - 1;
            if p < start {
                start - p
            } else if p > end {
                p - end
            } else {
                0
            }
        };
        let dx = axis(px, self.x, self.width);
        let dy = axis(py, self.y, self.height);
        dx * dx + dy * dy
    }
}

/// Which monitor to capture for a cursor at `cursor`: the one containing it; for a point
/// between monitors (odd layouts) the nearest; without a cursor position the primary, else the
/// first. `None` only when there is no monitor.
pub fn monitor_at(monitors: &[MonitorRect], cursor: Option<(i32, i32)>) -> Option<usize> {
    if let Some((px, py)) = cursor {
        if let Some(index) = monitors.iter().position(|m| m.contains(px, py)) {
            return Some(index);
        }
        return monitors
            .iter()
            .enumerate()
            .min_by_key(|(_, m)| m.distance_squared(px, py))
            .map(|(index, _)| index);
    }
    monitors
        .iter()
        .position(|m| m.primary)
        .or((!monitors.is_empty()).then_some(0))
}

/// Every monitor as `WIDTHxHEIGHT+X+Y`: the primary first, then left to right, top to bottom.
pub fn describe_screens(monitors: &[MonitorRect]) -> Vec<String> {
    let mut ordered: Vec<&MonitorRect> = monitors.iter().collect();
    ordered.sort_by_key(|m| (!m.primary, m.x, m.y));
    ordered.iter().map(|m| m.describe()).collect()
}

/// One image of every monitor, each placed at its desktop position relative to the top-left
/// of them all; desktop areas no monitor covers are black. Each part is placed by its own
/// pixel size, so a monitor whose capture is larger than its desktop rectangle (HiDPI scaling)
/// still shows whole.
pub fn stitch(parts: &[(MonitorRect, RgbaImage)]) -> Result<RgbaImage, CaptureError> {
    if parts.is_empty() {
        return Err(CaptureError::NoMonitor);
    }
    let left = parts.iter().map(|(m, _)| i64::from(m.x)).min().unwrap_or(0);
    let top = parts.iter().map(|(m, _)| i64::from(m.y)).min().unwrap_or(0);
    let width = parts
        .iter()
        .map(|(m, image)| i64::from(m.x) - left + i64::from(image.width()))
        .max()
        .unwrap_or(0);
    let height = parts
        .iter()
        .map(|(m, image)| i64::from(m.y) - top + i64::from(image.height()))
        .max()
        .unwrap_or(0);
    let too_large = || CaptureError::TooLarge {
        width: width.max(0) as u64,
        height: height.max(0) as u64,
    };
    let canvas_width = u32::try_from(width).map_err(|_| too_large())?;
    let canvas_height = u32::try_from(height).map_err(|_| too_large())?;
    if canvas_width > MAX_STITCHED_SIDE || canvas_height > MAX_STITCHED_SIDE {
        return Err(too_large());
    }
    let mut canvas = RgbaImage::from_pixel(canvas_width, canvas_height, GAP);
    let stride = canvas_width as usize * 4;
    for (monitor, image) in parts {
        // Whole rows at a time: the canvas was sized to hold every part.
        let x = (i64::from(monitor.x) - left) as usize;
        let y = (i64::from(monitor.y) - top) as usize;
        let row_bytes = image.width() as usize * 4;
        let target: &mut [u8] = &mut canvas;
        for (row, source) in image.as_raw().chunks_exact(row_bytes.max(1)).enumerate() {
            let start = (y + row) * stride + x * 4;
            target[start..start + source.len()].copy_from_slice(source);
        }
    }
    Ok(canvas)
}

/// Captures the screen as described in the module docs.
pub fn capture(all_monitors: bool) -> Result<Capture, CaptureError> {
    let started = Instant::now();
    platform::check_display()?;
    // The cursor and the window in front first: they are what "at the moment of the click"
    // means, and they are cheap.
    let cursor = platform::cursor_position();
    let active_window = platform::active_window_title();
    let monitors = xcap::Monitor::all().map_err(|e| classify(e, CaptureError::Monitors))?;
    let rects = monitors
        .iter()
        .map(rect_of)
        .collect::<Result<Vec<_>, _>>()?;
    if rects.is_empty() {
        return Err(CaptureError::NoMonitor);
    }
    let screens = describe_screens(&rects);
    let image = if all_monitors {
        let mut parts = Vec::with_capacity(monitors.len());
        for (monitor, rect) in monitors.iter().zip(&rects) {
            parts.push((*rect, grab(monitor, rect)?));
        }
        stitch(&parts)?
    } else {
        let index = monitor_at(&rects, cursor).ok_or(CaptureError::NoMonitor)?;
        grab(&monitors[index], &rects[index])?
    };
    tracing::debug!(
        ?cursor,
        all_monitors,
        width = image.width(),
        height = image.height(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "screen captured"
    );
    Ok(Capture {
        image,
        screens,
        active_window,
    })
}

/// Every monitor as `WIDTHxHEIGHT+X+Y`, primary first, without capturing any pixels (for the
/// machine facts of a ticket composed without a screenshot). Empty when the display cannot be
/// asked.
pub fn screens() -> Vec<String> {
    if platform::check_display().is_err() {
        return Vec::new();
    }
    let Ok(monitors) = xcap::Monitor::all() else {
        return Vec::new();
    };
    let rects: Vec<MonitorRect> = monitors.iter().filter_map(|m| rect_of(m).ok()).collect();
    describe_screens(&rects)
}

/// The title of the active window, when the platform tells (see [`Capture::active_window`]).
pub fn active_window_title() -> Option<String> {
    platform::check_display().ok()?;
    platform::active_window_title()
}

/// The image as PNG with [`CompressionType::Fast`] and adaptive filtering: a 1920×1080 screen
/// encodes in a few milliseconds. (In image 0.25.10 `Fast` is also what `PngEncoder::new`
/// uses; it is named here so that a change of that default cannot slow the click down.)
pub fn encode_png(image: &RgbaImage) -> Result<Vec<u8>, CaptureError> {
    let (width, height) = image.dimensions();
    // Screens compress well; a quarter of the raw size avoids most reallocations.
    let mut png = Vec::with_capacity(image.as_raw().len() / 4);
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|e| CaptureError::Encode(e.to_string()))?;
    Ok(png)
}

/// Writes `bytes` to `path` so that a reader never sees half a file: a temporary file in the
/// same directory, flushed to disk, then renamed over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "capture".into());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

fn rect_of(monitor: &xcap::Monitor) -> Result<MonitorRect, CaptureError> {
    let read = || -> Result<MonitorRect, xcap::XCapError> {
        Ok(MonitorRect {
            x: monitor.x()?,
            y: monitor.y()?,
            width: monitor.width()?,
            height: monitor.height()?,
            primary: monitor.is_primary().unwrap_or(false),
        })
    };
    read().map_err(|e| classify(e, CaptureError::Monitors))
}

fn grab(monitor: &xcap::Monitor, rect: &MonitorRect) -> Result<RgbaImage, CaptureError> {
    monitor.capture_image().map_err(|e| {
        classify(e, |reason| CaptureError::Grab {
            screen: rect.describe(),
            reason,
        })
    })
}

/// An xcap error as ours: a refusal (portal, privacy settings) as [`CaptureError::Permission`],
/// anything else through `otherwise`.
fn classify(
    error: xcap::XCapError,
    otherwise: impl FnOnce(String) -> CaptureError,
) -> CaptureError {
    let reason = error.to_string();
    let lower = reason.to_lowercase();
    if [
        "permission",
        "denied",
        "not authorized",
        "cancelled",
        "canceled",
    ]
    .iter()
    .any(|word| lower.contains(word))
    {
        CaptureError::Permission(reason)
    } else {
        otherwise(reason)
    }
}

#[cfg(target_os = "linux")]
mod platform {
    //! X11 through xcb (the library xcap itself uses); Wayland tells neither the cursor
    //! position nor the active window to ordinary clients.
    use xcb::{Xid as _, x};

    use super::CaptureError;

    fn wayland() -> bool {
        std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty())
            || std::env::var("XDG_SESSION_TYPE").is_ok_and(|v| v.eq_ignore_ascii_case("wayland"))
    }

    pub fn check_display() -> Result<(), CaptureError> {
        let x11 = std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty());
        if x11 || wayland() {
            Ok(())
        } else {
            Err(CaptureError::NoDisplay(
                "neither DISPLAY nor WAYLAND_DISPLAY is set (no graphical session)".into(),
            ))
        }
    }

    /// The X server's connection and the root window of its default screen.
    fn connect() -> Option<(xcb::Connection, x::Window)> {
        if wayland() {
            return None;
        }
        let (conn, screen) = xcb::Connection::connect(None)
            .map_err(|e| tracing::debug!("X11 connection for cursor/title failed: {e}"))
            .ok()?;
        let root = conn
            .get_setup()
            .roots()
            .nth(usize::try_from(screen).ok()?)?
            .root();
        Some((conn, root))
    }

    pub fn cursor_position() -> Option<(i32, i32)> {
        let (conn, root) = connect()?;
        let cookie = conn.send_request(&x::QueryPointer { window: root });
        let reply = conn.wait_for_reply(cookie).ok()?;
        Some((i32::from(reply.root_x()), i32::from(reply.root_y())))
    }

    fn atom(conn: &xcb::Connection, name: &[u8]) -> Option<x::Atom> {
        let cookie = conn.send_request(&x::InternAtom {
            only_if_exists: true,
            name,
        });
        let atom = conn.wait_for_reply(cookie).ok()?.atom();
        (!atom.is_none()).then_some(atom)
    }

    fn property(
        conn: &xcb::Connection,
        window: x::Window,
        property: x::Atom,
    ) -> Option<x::GetPropertyReply> {
        let cookie = conn.send_request(&x::GetProperty {
            delete: false,
            window,
            property,
            r#type: x::ATOM_ANY,
            long_offset: 0,
            // In 32-bit units: titles up to 4 KiB.
            long_length: 1024,
        });
        conn.wait_for_reply(cookie).ok()
    }

    /// `_NET_ACTIVE_WINDOW` (set by every EWMH window manager), then its `_NET_WM_NAME`
    /// (UTF-8), else its `WM_NAME` (Latin-1).
    pub fn active_window_title() -> Option<String> {
        let (conn, root) = connect()?;
        let active = atom(&conn, b"_NET_ACTIVE_WINDOW")?;
        let reply = property(&conn, root, active)?;
        // Any client may set the property with another shape; `value` would assert on it.
        if reply.format() != 32 || reply.r#type() != x::ATOM_WINDOW {
            return None;
        }
        let window = *reply.value::<x::Window>().first()?;
        if window.is_none() {
            return None;
        }
        if let Some(net_wm_name) = atom(&conn, b"_NET_WM_NAME")
            && let Some(reply) = property(&conn, window, net_wm_name)
            && reply.format() == 8
        {
            let title = String::from_utf8_lossy(reply.value::<u8>())
                .trim()
                .to_owned();
            if !title.is_empty() {
                return Some(title);
            }
        }
        let reply = property(&conn, window, x::ATOM_WM_NAME)?;
        if reply.format() != 8 {
            return None;
        }
        // STRING is Latin-1: each byte is the code point.
        let title: String = reply.value::<u8>().iter().map(|&b| char::from(b)).collect();
        let title = title.trim().to_owned();
        (!title.is_empty()).then_some(title)
    }
}

#[cfg(windows)]
mod platform {
    use windows_sys::Win32::Foundation::POINT;
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        GetCursorPos, GetForegroundWindow, GetWindowTextLengthW, GetWindowTextW,
    };

    use super::CaptureError;

    pub fn check_display() -> Result<(), CaptureError> {
        // Every interactive Windows session has a desktop; xcap reports the rest.
        Ok(())
    }

    pub fn cursor_position() -> Option<(i32, i32)> {
        let mut point = POINT { x: 0, y: 0 };
        // SAFETY: `point` is a valid, writable POINT for the duration of the call.
        let ok = unsafe { GetCursorPos(&mut point) };
        (ok != 0).then_some((point.x, point.y))
    }

    pub fn active_window_title() -> Option<String> {
        // SAFETY: no preconditions; a null handle means no foreground window.
        let window = unsafe { GetForegroundWindow() };
        if window.is_null() {
            return None;
        }
        // SAFETY: `window` is a window handle just returned by the system.
        let length = unsafe { GetWindowTextLengthW(window) };
        let length = usize::try_from(length).ok().filter(|&n| n > 0)?;
        let mut buffer = vec![0u16; length + 1];
        let capacity = i32::try_from(buffer.len()).ok()?;
        // SAFETY: `buffer` holds `capacity` writable u16s.
        let copied = unsafe { GetWindowTextW(window, buffer.as_mut_ptr(), capacity) };
        let copied = usize::try_from(copied).ok().filter(|&n| n > 0)?;
        let title = String::from_utf16_lossy(&buffer[..copied.min(length)]);
        let title = title.trim().to_owned();
        (!title.is_empty()).then_some(title)
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
mod platform {
    use super::CaptureError;

    pub fn check_display() -> Result<(), CaptureError> {
        Ok(())
    }

    pub fn cursor_position() -> Option<(i32, i32)> {
        None
    }

    pub fn active_window_title() -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monitor(x: i32, y: i32, width: u32, height: u32, primary: bool) -> MonitorRect {
        MonitorRect {
            x,
            y,
            width,
            height,
            primary,
        }
    }

    /// A laptop (primary, 1920×1080 at 0,0), a 4K monitor to its right, and a portrait
    /// monitor to its left, higher up.
    fn desk() -> Vec<MonitorRect> {
        vec![
            monitor(1920, 0, 3840, 2160, false),
            monitor(0, 0, 1920, 1080, true),
            monitor(-1080, -500, 1080, 1920, false),
        ]
    }

    #[test]
    fn the_monitor_under_the_cursor_is_chosen() {
        let monitors = desk();
        assert_eq!(monitor_at(&monitors, Some((100, 100))), Some(1));
        assert_eq!(monitor_at(&monitors, Some((1919, 1079))), Some(1));
        assert_eq!(
            monitor_at(&monitors, Some((1920, 0))),
            Some(0),
            "first column of the 4K"
        );
        assert_eq!(monitor_at(&monitors, Some((5000, 2000))), Some(0));
        assert_eq!(
            monitor_at(&monitors, Some((-1, -500))),
            Some(2),
            "negative coordinates"
        );
    }

    #[test]
    fn between_monitors_the_nearest_wins_and_without_a_cursor_the_primary() {
        let monitors = desk();
        // Below the laptop, where no monitor is (the 4K reaches lower, but further away).
        assert_eq!(monitor_at(&monitors, Some((1000, 1500))), Some(1));
        assert_eq!(monitor_at(&monitors, Some((1900, 1500))), Some(0));
        assert_eq!(monitor_at(&monitors, None), Some(1));
        let no_primary = vec![
            monitor(0, 0, 800, 600, false),
            monitor(800, 0, 800, 600, false),
        ];
        assert_eq!(monitor_at(&no_primary, None), Some(0));
        assert_eq!(monitor_at(&[], Some((0, 0))), None);
        assert_eq!(monitor_at(&[], None), None);
    }

    #[test]
    fn screens_are_listed_primary_first_then_left_to_right() {
        assert_eq!(
            describe_screens(&desk()),
            ["1920x1080+0+0", "1080x1920-1080-500", "3840x2160+1920+0"]
        );
    }

    #[test]
    fn stitching_places_each_monitor_at_its_desktop_position() {
        let solid = |w, h, v: u8| RgbaImage::from_pixel(w, h, Rgba([v, v, v, 255]));
        let parts = vec![
            (monitor(0, 0, 40, 30, true), solid(40, 30, 10)),
            (monitor(40, 10, 20, 20, false), solid(20, 20, 20)),
            (monitor(-10, -5, 10, 10, false), solid(10, 10, 30)),
        ];
        let image = stitch(&parts).expect("stitches");
        // From x -10 to 60, y -5 to 30.
        assert_eq!(image.dimensions(), (70, 35));
        assert_eq!(
            image.get_pixel(10, 5),
            &Rgba([10, 10, 10, 255]),
            "primary at 0,0"
        );
        assert_eq!(image.get_pixel(49, 34), &Rgba([10, 10, 10, 255]));
        assert_eq!(
            image.get_pixel(50, 15),
            &Rgba([20, 20, 20, 255]),
            "right one at 40,10"
        );
        assert_eq!(image.get_pixel(69, 34), &Rgba([20, 20, 20, 255]));
        assert_eq!(
            image.get_pixel(0, 0),
            &Rgba([30, 30, 30, 255]),
            "left one at -10,-5"
        );
        assert_eq!(
            image.get_pixel(55, 2),
            &GAP,
            "above the right monitor: no monitor"
        );
        assert_eq!(image.get_pixel(5, 20), &GAP, "below the left monitor");
    }

    #[test]
    fn stitching_refuses_absurd_layouts_and_nothing() {
        let tiny = RgbaImage::new(1, 1);
        let parts = vec![
            (monitor(0, 0, 1, 1, true), tiny.clone()),
            (monitor(40_000, 0, 1, 1, false), tiny),
        ];
        assert!(matches!(stitch(&parts), Err(CaptureError::TooLarge { .. })));
        assert!(matches!(stitch(&[]), Err(CaptureError::NoMonitor)));
    }

    #[test]
    fn png_encoding_round_trips_exactly() {
        let image = RgbaImage::from_fn(64, 48, |x, y| Rgba([x as u8, y as u8, 200, 255]));
        let png = encode_png(&image).expect("encodes");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let back = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .expect("decodes")
            .to_rgba8();
        assert_eq!(back, image);
    }

    #[test]
    fn atomic_writes_replace_the_file_and_leave_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("shot.png");
        write_atomically(&path, b"first").expect("write");
        write_atomically(&path, b"second").expect("overwrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["shot.png"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn without_a_display_the_error_says_so() {
        // Only meaningful where the test runs without a graphical session.
        if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
            return;
        }
        let error = capture(false).expect_err("nothing to capture");
        assert!(matches!(error, CaptureError::NoDisplay(_)), "{error}");
        assert!(error.to_string().contains("DISPLAY"), "{error}");
    }
}
