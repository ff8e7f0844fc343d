//! Generic negatives for outlier exposure: procedurally made shapes that are not children and
//! are none of the test set's kinds (no animal, object, glyph or blob of `strangers`): angular
//! shards, stroke scribbles, children's parts reassembled wrongly, children deformed beyond
//! any child's proportions, and single angular polygons. Used only to widen the spread off the children in training
//! (`train --negatives`) and, from their own stream, to compare runs.

use std::f32::consts::{PI, TAU};

use super::figure::{Figure, Primitive};
use super::rng::Rng;
use super::toddler::{Body, Pose, toddler};

/// The kinds of generic negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NegativeKind {
    /// Two to six triangles and rectangles, scattered and overlapping.
    Shards,
    /// One to three random-walk strokes.
    Scribble,
    /// A child's parts (head, torso, limbs), each moved and turned at random.
    ScrambledChild,
    /// A child stretched, squashed, sheared or bent far beyond a child's proportions.
    DeformedChild,
    /// One filled angular polygon, star-shaped about its centre. Not in [`NegativeKind::ALL`]:
    /// it came later (2026-12-04) and has streams of its own, so the four kinds' streams, and
    /// every comparison made on them, stay as they were.
    Polygon,
}

impl NegativeKind {
    pub const ALL: [NegativeKind; 4] = [
        NegativeKind::Shards,
        NegativeKind::Scribble,
        NegativeKind::ScrambledChild,
        NegativeKind::DeformedChild,
    ];
}

fn shards(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    for _ in 0..rng.below(5) + 2 {
        let c = (rng.range(-0.4, 0.4), rng.range(-0.4, 0.4));
        if rng.chance(0.5) {
            let corner =
                |rng: &mut Rng| (c.0 + rng.range(-0.35, 0.35), c.1 + rng.range(-0.35, 0.35));
            let (a, b, d) = (corner(rng), corner(rng), corner(rng));
            fig.triangle(a, b, d);
        } else {
            let (hw, hh) = (rng.range(0.03, 0.3), rng.range(0.03, 0.3));
            fig.rotated_rect(c, hw, hh, rng.range(0.0, PI));
        }
    }
    fig
}

fn scribble(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    for _ in 0..rng.below(3) + 1 {
        let mut p = (rng.range(-0.3, 0.3), rng.range(-0.3, 0.3));
        let mut heading = rng.range(0.0, TAU);
        let width = rng.range(0.01, 0.06);
        let mut points = vec![p];
        for _ in 0..rng.below(7) + 4 {
            heading += rng.range(-2.0, 2.0);
            let step = rng.range(0.1, 0.35);
            p = (p.0 + step * heading.cos(), p.1 + step * heading.sin());
            points.push(p);
        }
        fig.polyline(&points, width);
    }
    fig
}

fn random_child(rng: &mut Rng) -> Figure {
    let pose = Pose::ALL[rng.below(Pose::ALL.len())];
    let body = Body::random(rng);
    toddler(pose, body, rng)
}

/// Every part of a child moved by up to half its height and turned about its own centre.
fn scrambled_child(rng: &mut Rng) -> Figure {
    let child = random_child(rng);
    let mut fig = Figure::default();
    for p in &child.0 {
        let part = Figure(vec![*p]);
        let [x0, y0, x1, y1] = part.bbox();
        let c = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let moved = part
            .translated(-c.0, -c.1)
            .rotated(rng.range(0.0, TAU))
            .translated(c.0 + rng.range(-0.5, 0.5), c.1 + rng.range(-0.5, 0.5));
        fig.extend(&moved);
    }
    fig
}

/// A child under a strong stretch, shear and bend.
fn deformed_child(rng: &mut Rng) -> Figure {
    let child = random_child(rng);
    // Wide or flat: 1.8–3× wider, or 0.3–0.55× as tall.
    let (sx, sy) = if rng.chance(0.5) {
        (rng.range(1.8, 3.0), 1.0)
    } else {
        (1.0, rng.range(0.3, 0.55))
    };
    let shear = rng.range(-0.8, 0.8);
    let bend = rng.range(-0.3, 0.3);
    let thick = rng.range(0.6, 1.8);
    let fig = child.distorted(thick, |(x, y)| {
        (x * sx + shear * y + bend * (y * PI).sin(), y * sy)
    });
    // Rects and ellipses keep their angle; a bend leaves them where their centres go.
    Figure(
        fig.0
            .into_iter()
            .map(|p| match p {
                Primitive::Ellipse { c, rx, ry, angle } => Primitive::Ellipse {
                    c,
                    rx: rx * sx.sqrt(),
                    ry: ry * sy.sqrt(),
                    angle,
                },
                other => other,
            })
            .collect(),
    )
}

/// 5–12 corners at jittered angles and random radii about the centre, stretched to an aspect between
/// 1:3 and 3:1 and turned: a compact filled shape of a child's size with straight edges and
/// corners, which no child's outline has.
fn polygon(rng: &mut Rng) -> Figure {
    // Jittered, not uniform, angles: no gap wider than half a turn, so the shape stays compact.
    let n = rng.below(8) + 5;
    let start = rng.range(0.0, TAU);
    let angles: Vec<f32> = (0..n)
        .map(|i| start + (i as f32 + rng.range(-0.35, 0.35)) * TAU / n as f32)
        .collect();
    let aspect = rng.range(-(3f32.ln()), 3f32.ln()).exp().sqrt();
    let (sin, cos) = rng.range(0.0, PI).sin_cos();
    let corners: Vec<(f32, f32)> = angles
        .iter()
        .map(|&a| {
            let r = rng.range(0.25, 0.5);
            let (x, y) = (r * a.cos() * aspect, r * a.sin() / aspect);
            (x * cos - y * sin, x * sin + y * cos)
        })
        .collect();
    let mut fig = Figure::default();
    // A fan from the centre fills the star-shaped outline exactly.
    for (i, &a) in corners.iter().enumerate() {
        fig.triangle((0.0, 0.0), a, corners[(i + 1) % corners.len()]);
    }
    fig
}

/// A random generic negative of `kind`, not yet placed or scaled.
pub fn negative(kind: NegativeKind, rng: &mut Rng) -> Figure {
    match kind {
        NegativeKind::Shards => shards(rng),
        NegativeKind::Scribble => scribble(rng),
        NegativeKind::ScrambledChild => scrambled_child(rng),
        NegativeKind::DeformedChild => deformed_child(rng),
        NegativeKind::Polygon => polygon(rng),
    }
}
