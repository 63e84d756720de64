//! The "++" pictures, embedded in the binary (drawn per size by `assets/generate.py`).

use super::TrayError;
use super::menu::IconKind;

/// Sizes drawn for the tray, smallest first, with the plain and the badge picture.
const ICONS: [(u32, &[u8], &[u8]); 5] = [
    (
        16,
        include_bytes!("../../../assets/icons/ppdesk-16.png"),
        include_bytes!("../../../assets/icons/ppdesk-badge-16.png"),
    ),
    (
        24,
        include_bytes!("../../../assets/icons/ppdesk-24.png"),
        include_bytes!("../../../assets/icons/ppdesk-badge-24.png"),
    ),
    (
        32,
        include_bytes!("../../../assets/icons/ppdesk-32.png"),
        include_bytes!("../../../assets/icons/ppdesk-badge-32.png"),
    ),
    (
        48,
        include_bytes!("../../../assets/icons/ppdesk-48.png"),
        include_bytes!("../../../assets/icons/ppdesk-badge-48.png"),
    ),
    (
        64,
        include_bytes!("../../../assets/icons/ppdesk-64.png"),
        include_bytes!("../../../assets/icons/ppdesk-badge-64.png"),
    ),
];

/// The drawn size to use for a tray that shows icons `wanted` pixels wide: the smallest one at
/// least that big (scaling down blurs less than scaling up), else the largest.
pub fn pick_size(wanted: u32) -> u32 {
    ICONS
        .iter()
        .map(|(size, ..)| *size)
        .find(|size| *size >= wanted)
        .unwrap_or(ICONS[ICONS.len() - 1].0)
}

/// The PNG bytes of `kind` drawn at `size` (one of the sizes [`pick_size`] returns).
pub fn png(kind: IconKind, size: u32) -> &'static [u8] {
    let (_, plain, badge) = ICONS
        .iter()
        .find(|(drawn, ..)| *drawn == size)
        .unwrap_or(&ICONS[ICONS.len() - 1]);
    match kind {
        IconKind::Plain => plain,
        IconKind::Badge => badge,
    }
}

/// The tray icon for `kind` at `size`.
pub fn load(kind: IconKind, size: u32) -> Result<tray_icon::Icon, TrayError> {
    let image = image::load_from_memory_with_format(png(kind, size), image::ImageFormat::Png)
        .map_err(|e| TrayError::Icon(e.to_string()))?
        .into_rgba8();
    let (width, height) = image.dimensions();
    tray_icon::Icon::from_rgba(image.into_raw(), width, height)
        .map_err(|e| TrayError::Icon(e.to_string()))
}

/// How wide the tray's icons are on this desktop, in pixels.
///
/// Linux: panels draw 22–24 px icons at scale 1 (libappindicator exports one picture and the
/// host scales it), so 24 × the monitor's scale factor. Windows: the small-icon metric, which
/// follows the display's DPI (16 at 100 %, 24 at 150 %, 32 at 200 %).
pub fn tray_size() -> u32 {
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::MonitorExt;
        let scale = gtk::gdk::Display::default()
            .and_then(|display| display.monitor(0))
            .map(|monitor| monitor.scale_factor())
            .unwrap_or(1)
            .clamp(1, 4);
        24 * scale.unsigned_abs()
    }
    #[cfg(windows)]
    {
        use windows_sys::Win32::UI::WindowsAndMessaging::{GetSystemMetrics, SM_CXSMICON};
        // SAFETY: GetSystemMetrics has no preconditions.
        let size = unsafe { GetSystemMetrics(SM_CXSMICON) };
        u32::try_from(size).ok().filter(|s| *s > 0).unwrap_or(16)
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_picture_decodes_at_its_size() {
        for (size, plain, badge) in ICONS {
            for bytes in [plain, badge] {
                let image = image::load_from_memory(bytes).expect("a PNG").into_rgba8();
                assert_eq!(image.dimensions(), (size, size));
            }
            assert_ne!(plain, badge);
        }
    }

    #[test]
    fn plain_and_badge_differ_where_the_dot_is() {
        let plain = image::load_from_memory(png(IconKind::Plain, 32))
            .expect("png")
            .into_rgba8();
        let badge = image::load_from_memory(png(IconKind::Badge, 32))
            .expect("png")
            .into_rgba8();
        // The dot sits in the top-right corner; the plain icon is orange there.
        let corner = badge.get_pixel(25, 6).0;
        assert!(corner[2] > corner[0], "blue dot: {corner:?}");
        let orange = plain.get_pixel(25, 6).0;
        assert!(orange[0] > orange[2], "orange: {orange:?}");
    }

    #[test]
    fn sizes_round_up_to_a_drawn_one() {
        assert_eq!(pick_size(16), 16);
        assert_eq!(pick_size(20), 24);
        assert_eq!(pick_size(22), 24);
        assert_eq!(pick_size(40), 48);
        assert_eq!(pick_size(96), 64);
        assert_eq!(pick_size(0), 16);
    }
}
