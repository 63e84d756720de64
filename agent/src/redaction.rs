//! Which pixels of the screenshot are blacked out before it leaves the machine.
//!
//! The user drags rectangles over the scaled preview in the compose window; each becomes a
//! [`Rect`] in image pixels ([`PreviewMapping::image_rect`]), and [`burn`] paints them opaque
//! black into the image that is encoded and sent. The original image is never sent: the
//! compose window keeps it only in memory, for the preview.

use image::{Rgba, RgbaImage};

/// The colour of a blacked-out area: opaque black, so nothing shows through in any viewer.
pub const BLACK: Rgba<u8> = Rgba([0, 0, 0, 255]);

/// A rectangle in image pixels: columns `x..x + width`, rows `y..y + height`. Never empty
/// and never outside the image it was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    /// The rectangle spanned by two drag corners in image coordinates (any order, fractions
    /// allowed), grown to whole pixels so that every pixel the drag touched is covered, and
    /// clamped to an image of `image_width`×`image_height`. `None` when nothing is left
    /// (a click without a drag, or a drag entirely outside the image).
    pub fn from_corners(
        a: [f32; 2],
        b: [f32; 2],
        image_width: u32,
        image_height: u32,
    ) -> Option<Self> {
        let span = |p: f32, q: f32, limit: u32| -> Option<(u32, u32)> {
            if !p.is_finite() || !q.is_finite() {
                return None;
            }
            let limit = limit as f32;
            // Scaling back from the preview leaves 29.999998 where 30 was meant: snap values
            // within a thousandth of a pixel to it, so a box does not grow by a stray pixel.
            let snap = |v: f32| {
                if (v - v.round()).abs() < 1e-3 {
                    v.round()
                } else {
                    v
                }
            };
            let (p, q) = (snap(p), snap(q));
            let low = p.min(q).floor().clamp(0.0, limit);
            let high = p.max(q).ceil().clamp(0.0, limit);
            // A zero-length drag (a click) covers nothing.
            (p != q && high > low).then_some((low as u32, (high - low) as u32))
        };
        let (x, width) = span(a[0], b[0], image_width)?;
        let (y, height) = span(a[1], b[1], image_height)?;
        Some(Self {
            x,
            y,
            width,
            height,
        })
    }

    /// True when pixel (`px`, `py`) lies inside.
    pub fn contains(&self, px: u32, py: u32) -> bool {
        px >= self.x && py >= self.y && px - self.x < self.width && py - self.y < self.height
    }
}

/// Paints every rectangle opaque black into `image`. Rectangles reaching past the image are
/// cut at its edge.
pub fn burn(image: &mut RgbaImage, rects: &[Rect]) {
    let (width, height) = image.dimensions();
    for rect in rects {
        let x_end = rect.x.saturating_add(rect.width).min(width);
        let y_end = rect.y.saturating_add(rect.height).min(height);
        for py in rect.y.min(height)..y_end {
            for px in rect.x.min(width)..x_end {
                image.put_pixel(px, py, BLACK);
            }
        }
    }
}

/// A copy of `original` with the rectangles burnt in (what the compose window encodes and
/// sends).
pub fn redacted(original: &RgbaImage, rects: &[Rect]) -> RgbaImage {
    let mut copy = original.clone();
    burn(&mut copy, rects);
    copy
}

/// Where an image is shown in the compose window: its top-left corner on screen and how many
/// screen points one image pixel takes (below 1 when the preview is scaled down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreviewMapping {
    /// Screen position of the image's top-left pixel.
    pub origin: [f32; 2],
    /// Screen points per image pixel.
    pub scale: f32,
    pub image_width: u32,
    pub image_height: u32,
}

impl PreviewMapping {
    /// The largest scale (never above 1: the preview is not blown up) at which an image of
    /// `image_width`×`image_height` fits in `available` screen points, placed at `origin`.
    pub fn fit(image_width: u32, image_height: u32, available: [f32; 2], origin: [f32; 2]) -> Self {
        let width = image_width.max(1) as f32;
        let height = image_height.max(1) as f32;
        let scale = (available[0] / width)
            .min(available[1] / height)
            .clamp(f32::MIN_POSITIVE, 1.0);
        Self {
            origin,
            scale,
            image_width,
            image_height,
        }
    }

    /// Size of the preview on screen, in points.
    pub fn preview_size(&self) -> [f32; 2] {
        [
            self.image_width as f32 * self.scale,
            self.image_height as f32 * self.scale,
        ]
    }

    /// A screen position as image coordinates (may lie outside the image).
    pub fn to_image(&self, screen: [f32; 2]) -> [f32; 2] {
        [
            (screen[0] - self.origin[0]) / self.scale,
            (screen[1] - self.origin[1]) / self.scale,
        ]
    }

    /// An image rectangle as screen corners `[min, max]`, to draw it over the preview.
    pub fn to_screen(&self, rect: &Rect) -> [[f32; 2]; 2] {
        let corner = |x: u32, y: u32| {
            [
                self.origin[0] + x as f32 * self.scale,
                self.origin[1] + y as f32 * self.scale,
            ]
        };
        [
            corner(rect.x, rect.y),
            corner(rect.x + rect.width, rect.y + rect.height),
        ]
    }

    /// The image rectangle spanned by a drag between two screen positions.
    pub fn image_rect(&self, from: [f32; 2], to: [f32; 2]) -> Option<Rect> {
        Rect::from_corners(
            self.to_image(from),
            self.to_image(to),
            self.image_width,
            self.image_height,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A busy test picture: every pixel differs from its neighbours and none is black.
    fn picture(width: u32, height: u32) -> RgbaImage {
        RgbaImage::from_fn(width, height, |x, y| {
            Rgba([
                (x * 7 % 200 + 30) as u8,
                (y * 11 % 200 + 30) as u8,
                ((x + y) % 200 + 30) as u8,
                255,
            ])
        })
    }

    #[test]
    fn corners_in_any_order_cover_every_touched_pixel() {
        let expected = Rect {
            x: 10,
            y: 5,
            width: 21,
            height: 16,
        };
        assert_eq!(
            Rect::from_corners([10.4, 5.9], [30.2, 20.1], 100, 50),
            Some(expected)
        );
        assert_eq!(
            Rect::from_corners([30.2, 20.1], [10.4, 5.9], 100, 50),
            Some(expected)
        );
        assert_eq!(
            Rect::from_corners([30.2, 5.9], [10.4, 20.1], 100, 50),
            Some(expected)
        );
    }

    #[test]
    fn rectangles_are_clamped_to_the_image_and_clicks_are_nothing() {
        assert_eq!(
            Rect::from_corners([-20.0, -5.0], [500.0, 10.0], 100, 50),
            Some(Rect {
                x: 0,
                y: 0,
                width: 100,
                height: 10
            })
        );
        assert_eq!(
            Rect::from_corners([5.0, 5.0], [5.0, 5.0], 100, 50),
            None,
            "a click"
        );
        assert_eq!(
            Rect::from_corners([5.0, 5.0], [40.0, 5.0], 100, 50),
            None,
            "no height"
        );
        assert_eq!(
            Rect::from_corners([120.0, 5.0], [150.0, 30.0], 100, 50),
            None,
            "outside"
        );
        assert_eq!(
            Rect::from_corners([f32::NAN, 5.0], [10.0, 30.0], 100, 50),
            None
        );
    }

    #[test]
    fn burnt_pixels_are_black_in_the_decoded_png_and_the_others_unchanged() {
        let original = picture(120, 80);
        let rects = [
            Rect {
                x: 10,
                y: 20,
                width: 30,
                height: 15,
            },
            // Overlaps the first one and reaches past the right edge.
            Rect {
                x: 100,
                y: 0,
                width: 50,
                height: 5,
            },
        ];
        let png = crate::capture::encode_png(&redacted(&original, &rects)).expect("encode");
        let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .expect("decode")
            .to_rgba8();
        assert_eq!(decoded.dimensions(), original.dimensions());
        let mut black = 0;
        for (x, y, pixel) in decoded.enumerate_pixels() {
            if rects.iter().any(|r| r.contains(x, y)) {
                assert_eq!(*pixel, BLACK, "({x},{y}) is inside a box");
                black += 1;
            } else {
                assert_eq!(pixel, original.get_pixel(x, y), "({x},{y}) is outside");
            }
        }
        assert_eq!(black, 30 * 15 + 20 * 5);
    }

    #[test]
    fn the_original_is_left_untouched() {
        let original = picture(20, 20);
        let before = original.clone();
        let rect = Rect {
            x: 0,
            y: 0,
            width: 20,
            height: 20,
        };
        let copy = redacted(&original, &[rect]);
        assert_eq!(original, before);
        assert!(copy.pixels().all(|p| *p == BLACK));
    }

    #[test]
    fn a_scaled_preview_maps_drags_back_to_image_pixels() {
        // 1920×1080 shown in 640×400 at (100, 50): scale 1/3, preview 640×360.
        let mapping = PreviewMapping::fit(1920, 1080, [640.0, 400.0], [100.0, 50.0]);
        assert!((mapping.scale - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(mapping.preview_size(), [640.0, 360.0]);
        let rect = mapping
            .image_rect([110.0, 60.0], [200.0, 150.0])
            .expect("a real drag");
        assert_eq!(
            rect,
            Rect {
                x: 30,
                y: 30,
                width: 270,
                height: 270
            }
        );
        let [min, max] = mapping.to_screen(&rect);
        assert!((min[0] - 110.0).abs() < 1e-3 && (min[1] - 60.0).abs() < 1e-3);
        assert!((max[0] - 200.0).abs() < 1e-3 && (max[1] - 150.0).abs() < 1e-3);
        // A drag that leaves the preview is cut at the image's edge.
        let edge = mapping
            .image_rect([700.0, 380.0], [900.0, 500.0])
            .expect("partly inside");
        assert_eq!((edge.x + edge.width, edge.y + edge.height), (1920, 1080));
    }

    #[test]
    fn small_images_are_not_blown_up() {
        let mapping = PreviewMapping::fit(200, 100, [640.0, 400.0], [0.0, 0.0]);
        assert_eq!(mapping.scale, 1.0);
        assert_eq!(mapping.preview_size(), [200.0, 100.0]);
    }
}
