//! A square raster where figures are painted with filled primitives (figure = 1, background = 0).

use crate::constants::IMAGE_SIDE;

/// A `side × side` single-channel image, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    side: usize,
    pixels: Vec<f32>,
}

impl Default for Canvas {
    fn default() -> Self {
        Self::new(IMAGE_SIDE)
    }
}

impl Canvas {
    /// An empty (all background) canvas.
    pub fn new(side: usize) -> Self {
        Self {
            side,
            pixels: vec![0.0; side * side],
        }
    }

    /// Side in pixels.
    pub fn side(&self) -> usize {
        self.side
    }

    /// Row-major pixels.
    pub fn pixels(&self) -> &[f32] {
        &self.pixels
    }

    /// Consumes the canvas into its pixels.
    pub fn into_pixels(self) -> Vec<f32> {
        self.pixels
    }

    /// Paints every pixel whose centre satisfies `inside(x, y)` within the given bounding box.
    fn paint(&mut self, bbox: [f32; 4], inside: impl Fn(f32, f32) -> bool) {
        let clamp = |v: f32| (v.max(0.0) as usize).min(self.side);
        let [x0, y0, x1, y1] = bbox;
        for row in clamp(y0.floor())..clamp(y1.ceil() + 1.0) {
            for col in clamp(x0.floor())..clamp(x1.ceil() + 1.0) {
                if inside(col as f32 + 0.5, row as f32 + 0.5) {
                    self.pixels[row * self.side + col] = 1.0;
                }
            }
        }
    }

    /// A filled axis-aligned ellipse.
    pub fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32) {
        self.ellipse_rotated((cx, cy), rx, ry, 0.0);
    }

    /// Paints the pixels within `reach` of `c` whose coordinates `(u, v)` in the frame turned by
    /// `angle` about `c` satisfy `inside(u, v)` (a shape given in its own axes).
    fn paint_turned(
        &mut self,
        c: (f32, f32),
        reach: f32,
        angle: f32,
        inside: impl Fn(f32, f32) -> bool,
    ) {
        let (s, co) = angle.sin_cos();
        self.paint(
            [c.0 - reach, c.1 - reach, c.0 + reach, c.1 + reach],
            |x, y| {
                let (dx, dy) = (x - c.0, y - c.1);
                inside(dx * co + dy * s, -dx * s + dy * co)
            },
        );
    }

    /// A filled ellipse rotated by `angle` radians.
    pub fn ellipse_rotated(&mut self, c: (f32, f32), rx: f32, ry: f32, angle: f32) {
        self.paint_turned(c, rx.max(ry), angle, |u, v| {
            (u / rx).powi(2) + (v / ry).powi(2) <= 1.0
        });
    }

    /// A filled disc.
    pub fn disc(&mut self, cx: f32, cy: f32, r: f32) {
        self.ellipse(cx, cy, r, r);
    }

    /// A thick segment with round ends (a limb): points within `r` of the segment.
    pub fn capsule(&mut self, a: (f32, f32), b: (f32, f32), r: f32) {
        let bbox = [
            a.0.min(b.0) - r,
            a.1.min(b.1) - r,
            a.0.max(b.0) + r,
            a.1.max(b.1) + r,
        ];
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = (dx * dx + dy * dy).max(f32::EPSILON);
        self.paint(bbox, |x, y| {
            let t = (((x - a.0) * dx + (y - a.1) * dy) / len2).clamp(0.0, 1.0);
            let (px, py) = (a.0 + t * dx, a.1 + t * dy);
            (x - px).powi(2) + (y - py).powi(2) <= r * r
        });
    }

    /// A filled rectangle centred at `c` with half-sides `hw` × `hh`, rotated by `angle` radians.
    pub fn rect_rotated(&mut self, c: (f32, f32), hw: f32, hh: f32, angle: f32) {
        let reach = (hw * hw + hh * hh).sqrt();
        self.paint_turned(c, reach, angle, |u, v| u.abs() <= hw && v.abs() <= hh);
    }

    /// A filled triangle (either winding).
    pub fn triangle(&mut self, p: [(f32, f32); 3]) {
        let bbox = [
            p[0].0.min(p[1].0).min(p[2].0),
            p[0].1.min(p[1].1).min(p[2].1),
            p[0].0.max(p[1].0).max(p[2].0),
            p[0].1.max(p[1].1).max(p[2].1),
        ];
        let edge = |a: (f32, f32), b: (f32, f32), x: f32, y: f32| {
            (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0)
        };
        self.paint(bbox, |x, y| {
            let d = [
                edge(p[0], p[1], x, y),
                edge(p[1], p[2], x, y),
                edge(p[2], p[0], x, y),
            ];
            d.iter().all(|&v| v >= 0.0) || d.iter().all(|&v| v <= 0.0)
        });
    }

    /// Rows from the top-most to the bottom-most figure pixel, inclusive (0 when empty).
    pub fn figure_height(&self) -> usize {
        figure_extent(&self.pixels, self.side).map_or(0, |[r0, r1, _, _]| r1 - r0 + 1)
    }
}

/// `[top, bottom, left, right]` rows and columns (inclusive) of the figure pixels (> 0.5) of a
/// row-major `side × side` image; `None` when it has none.
pub fn figure_extent(pixels: &[f32], side: usize) -> Option<[usize; 4]> {
    let at = |r: usize, c: usize| pixels[r * side + c] > 0.5;
    let r0 = (0..side).find(|&r| (0..side).any(|c| at(r, c)))?;
    let r1 = (0..side).rev().find(|&r| (0..side).any(|c| at(r, c)))?;
    let c0 = (0..side).find(|&c| (r0..=r1).any(|r| at(r, c)))?;
    let c1 = (0..side).rev().find(|&c| (r0..=r1).any(|r| at(r, c)))?;
    Some([r0, r1, c0, c1])
}
