//! Figures as lists of filled primitives in their own coordinates, so that a pose is geometry and
//! scaling, flipping, rotating and placing are exact transforms before any pixel is drawn.

use super::Canvas;

/// A filled shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Primitive {
    /// An ellipse centred at `c` with half-axes `rx`, `ry`, rotated by `angle` radians.
    Ellipse {
        c: (f32, f32),
        rx: f32,
        ry: f32,
        angle: f32,
    },
    /// All points within `r` of the segment `a`–`b` (a limb).
    Capsule {
        a: (f32, f32),
        b: (f32, f32),
        r: f32,
    },
    /// A rectangle centred at `c` with half-sides `hw`, `hh`, rotated by `angle` radians.
    Rect {
        c: (f32, f32),
        hw: f32,
        hh: f32,
        angle: f32,
    },
    /// A filled triangle.
    Triangle { p: [(f32, f32); 3] },
}

/// A figure: the union of its primitives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figure(pub Vec<Primitive>);

impl Figure {
    /// Adds an axis-aligned ellipse.
    pub fn ellipse(&mut self, c: (f32, f32), rx: f32, ry: f32) {
        self.0.push(Primitive::Ellipse {
            c,
            rx,
            ry,
            angle: 0.0,
        });
    }

    /// Adds a rotated ellipse.
    pub fn rotated_ellipse(&mut self, c: (f32, f32), rx: f32, ry: f32, angle: f32) {
        self.0.push(Primitive::Ellipse { c, rx, ry, angle });
    }

    /// Adds a filled disc.
    pub fn disc(&mut self, cx: f32, cy: f32, r: f32) {
        self.ellipse((cx, cy), r, r);
    }

    /// Adds a limb segment.
    pub fn capsule(&mut self, a: (f32, f32), b: (f32, f32), r: f32) {
        self.0.push(Primitive::Capsule { a, b, r });
    }

    /// Adds capsules of radius `r` along a polyline.
    pub fn polyline(&mut self, points: &[(f32, f32)], r: f32) {
        for pair in points.windows(2) {
            self.capsule(pair[0], pair[1], r);
        }
    }

    /// Adds an axis-aligned rectangle from corner `(x0, y0)` to `(x1, y1)`.
    pub fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        let c = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        self.rotated_rect(c, (x1 - x0).abs() / 2.0, (y1 - y0).abs() / 2.0, 0.0);
    }

    /// Adds a rectangle centred at `c`, half-sides `hw` × `hh`, rotated by `angle`.
    pub fn rotated_rect(&mut self, c: (f32, f32), hw: f32, hh: f32, angle: f32) {
        self.0.push(Primitive::Rect { c, hw, hh, angle });
    }

    /// Adds a filled triangle.
    pub fn triangle(&mut self, a: (f32, f32), b: (f32, f32), c: (f32, f32)) {
        self.0.push(Primitive::Triangle { p: [a, b, c] });
    }

    /// Adds every primitive of `other`.
    pub fn extend(&mut self, other: &Figure) {
        self.0.extend_from_slice(&other.0);
    }

    /// `[x0, y0, x1, y1]` enclosing the figure exactly.
    pub fn bbox(&self) -> [f32; 4] {
        let mut b = [
            f32::INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
        ];
        let mut grow = |x0: f32, y0: f32, x1: f32, y1: f32| {
            b = [b[0].min(x0), b[1].min(y0), b[2].max(x1), b[3].max(y1)];
        };
        for p in &self.0 {
            match *p {
                Primitive::Ellipse { c, rx, ry, angle } => {
                    let (s, co) = angle.sin_cos();
                    let hx = ((rx * co).powi(2) + (ry * s).powi(2)).sqrt();
                    let hy = ((rx * s).powi(2) + (ry * co).powi(2)).sqrt();
                    grow(c.0 - hx, c.1 - hy, c.0 + hx, c.1 + hy);
                }
                Primitive::Capsule { a, b: e, r } => {
                    grow(
                        a.0.min(e.0) - r,
                        a.1.min(e.1) - r,
                        a.0.max(e.0) + r,
                        a.1.max(e.1) + r,
                    );
                }
                Primitive::Rect { c, hw, hh, angle } => {
                    let (s, co) = angle.sin_cos();
                    let hx = (hw * co).abs() + (hh * s).abs();
                    let hy = (hw * s).abs() + (hh * co).abs();
                    grow(c.0 - hx, c.1 - hy, c.0 + hx, c.1 + hy);
                }
                Primitive::Triangle { p } => {
                    for q in p {
                        grow(q.0, q.1, q.0, q.1);
                    }
                }
            }
        }
        b
    }

    /// The figure with every point mapped by `f` and every length multiplied by `scale`
    /// (`f` must be a similarity with that scale) and angles turned by `turn`.
    fn mapped(
        &self,
        scale: f32,
        turn: f32,
        mirror: bool,
        f: impl Fn((f32, f32)) -> (f32, f32),
    ) -> Figure {
        Figure(
            self.0
                .iter()
                .map(|p| match *p {
                    Primitive::Ellipse { c, rx, ry, angle } => Primitive::Ellipse {
                        c: f(c),
                        rx: rx * scale,
                        ry: ry * scale,
                        angle: if mirror { -angle } else { angle } + turn,
                    },
                    Primitive::Capsule { a, b, r } => Primitive::Capsule {
                        a: f(a),
                        b: f(b),
                        r: r * scale,
                    },
                    Primitive::Rect { c, hw, hh, angle } => Primitive::Rect {
                        c: f(c),
                        hw: hw * scale,
                        hh: hh * scale,
                        angle: if mirror { -angle } else { angle } + turn,
                    },
                    Primitive::Triangle { p } => Primitive::Triangle { p: p.map(&f) },
                })
                .collect(),
        )
    }

    /// Scaled by `s` about the origin.
    pub fn scaled(&self, s: f32) -> Figure {
        self.mapped(s, 0.0, false, |(x, y)| (x * s, y * s))
    }

    /// Mirrored left–right about x = 0.
    pub fn mirrored(&self) -> Figure {
        self.mapped(1.0, 0.0, true, |(x, y)| (-x, y))
    }

    /// Rotated by `angle` radians about the origin.
    pub fn rotated(&self, angle: f32) -> Figure {
        let (s, c) = angle.sin_cos();
        self.mapped(1.0, angle, false, |(x, y)| (x * c - y * s, x * s + y * c))
    }

    /// Moved by `(dx, dy)`.
    pub fn translated(&self, dx: f32, dy: f32) -> Figure {
        self.mapped(1.0, 0.0, false, |(x, y)| (x + dx, y + dy))
    }

    /// The figure under a map that is not a similarity (a stretch, a bend): centres and ends go
    /// through `f`, every length is multiplied by `radius_scale`, angles are kept. For drawing
    /// deformed shapes, not for exact geometry.
    pub fn distorted(&self, radius_scale: f32, f: impl Fn((f32, f32)) -> (f32, f32)) -> Figure {
        self.mapped(radius_scale, 0.0, false, f)
    }

    /// Paints the figure on the canvas.
    pub fn paint(&self, canvas: &mut Canvas) {
        for p in &self.0 {
            match *p {
                Primitive::Ellipse { c, rx, ry, angle } => canvas.ellipse_rotated(c, rx, ry, angle),
                Primitive::Capsule { a, b, r } => canvas.capsule(a, b, r),
                Primitive::Rect { c, hw, hh, angle } => canvas.rect_rotated(c, hw, hh, angle),
                Primitive::Triangle { p } => canvas.triangle(p),
            }
        }
    }
}
