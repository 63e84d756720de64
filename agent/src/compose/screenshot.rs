//! The screenshot preview: the captured image scaled to fit, where the user drags rectangles
//! to black out private areas.

use eframe::egui;
use egui::{Color32, Pos2, Rect as ScreenRect, Sense, Stroke, StrokeKind, TextureHandle, Vec2};
use image::RgbaImage;

use crate::redaction::{PreviewMapping, Rect};

/// Largest side of the preview texture. The preview is shown about 700 px wide, so 1024 keeps
/// it sharp (also on a 1.5× display) while the texture needs no mipmaps: building them for a
/// full 1920×1080 capture on a software GL cost ~150 ms before the window could first show.
pub const PREVIEW_MAX_SIDE: u32 = 1024;

/// The picture the preview shows: `image` scaled down to [`PREVIEW_MAX_SIDE`], or `None`
/// when it is small enough to show as it is. Pure and thread-safe, so the compose process
/// makes it while the window and its GL context are still being created.
pub fn preview_image(image: &RgbaImage) -> Option<RgbaImage> {
    let (width, height) = image.dimensions();
    if width.max(height) <= PREVIEW_MAX_SIDE {
        return None;
    }
    let factor = f64::from(PREVIEW_MAX_SIDE) / f64::from(width.max(height));
    let w = ((f64::from(width) * factor).round() as u32).max(1);
    let h = ((f64::from(height) * factor).round() as u32).max(1);
    Some(image::imageops::thumbnail(image, w, h))
}

/// The captured image (kept only in memory) and its preview texture.
pub struct Screenshot {
    pub image: RgbaImage,
    /// The scaled-down picture for the texture; `None` while not made yet or not needed.
    preview: Option<RgbaImage>,
    texture: Option<TextureHandle>,
    /// Screen position where the current drag began.
    drag_from: Option<Pos2>,
}

impl Screenshot {
    /// Wraps a captured image and, when already made, its [`preview_image`]; the texture is
    /// made on first show.
    pub fn new(image: RgbaImage, preview: Option<RgbaImage>) -> Self {
        Self {
            image,
            preview,
            texture: None,
            drag_from: None,
        }
    }

    fn texture(&mut self, ctx: &egui::Context) -> &TextureHandle {
        let (image, preview) = (&self.image, &mut self.preview);
        self.texture.get_or_insert_with(|| {
            if preview.is_none() {
                *preview = preview_image(image);
            }
            let shown = preview.as_ref().unwrap_or(image);
            let color = egui::ColorImage::from_rgba_unmultiplied(
                [shown.width() as usize, shown.height() as usize],
                shown.as_raw(),
            );
            ctx.load_texture("ppdesk-screenshot", color, egui::TextureOptions::LINEAR)
        })
    }

    /// Shows the preview at most `max_size` large; a finished drag adds its rectangle to
    /// `redactions`. Returns the preview's response (named `accessible_name`).
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        max_size: Vec2,
        redactions: &mut Vec<Rect>,
        accessible_name: &str,
    ) -> egui::Response {
        let fitted = PreviewMapping::fit(
            self.image.width(),
            self.image.height(),
            [max_size.x.max(1.0), max_size.y.max(1.0)],
            [0.0, 0.0],
        );
        let [width, height] = fitted.preview_size();
        let (area, response) =
            ui.allocate_exact_size(Vec2::new(width, height), Sense::click_and_drag());
        let response = response.accessible_name(accessible_name);
        let mapping = PreviewMapping {
            origin: [area.min.x, area.min.y],
            ..fitted
        };

        if response.drag_started() {
            // Where the button went down, not where the drag was recognised.
            self.drag_from = ui
                .input(|i| i.pointer.press_origin())
                .or(response.interact_pointer_pos());
        }
        let current = response.interact_pointer_pos();
        let dragging = match (self.drag_from, current) {
            (Some(from), Some(to)) => mapping.image_rect([from.x, from.y], [to.x, to.y]),
            _ => None,
        };
        if response.drag_stopped() {
            if let Some(rect) = dragging {
                redactions.push(rect);
            }
            self.drag_from = None;
        }

        if ui.is_rect_visible(area) {
            let texture = self.texture(ui.ctx()).id();
            let painter = ui.painter_at(area);
            let uv = ScreenRect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
            painter.image(texture, area, uv, Color32::WHITE);
            for rect in redactions.iter() {
                painter.rect_filled(to_screen(&mapping, rect), 0.0, Color32::BLACK);
            }
            if response.dragged()
                && let Some(rect) = dragging
            {
                let shown = to_screen(&mapping, &rect);
                painter.rect_filled(shown, 0.0, Color32::BLACK);
                painter.rect_stroke(
                    shown,
                    0.0,
                    Stroke::new(2.0, ui.visuals().selection.stroke.color),
                    StrokeKind::Inside,
                );
            }
            painter.rect_stroke(
                area,
                0.0,
                ui.visuals().widgets.noninteractive.bg_stroke,
                StrokeKind::Outside,
            );
        }
        response.on_hover_cursor(egui::CursorIcon::Crosshair)
    }
}

fn to_screen(mapping: &PreviewMapping, rect: &Rect) -> ScreenRect {
    let [min, max] = mapping.to_screen(rect);
    ScreenRect::from_min_max(Pos2::new(min[0], min[1]), Pos2::new(max[0], max[1]))
}
