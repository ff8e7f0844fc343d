//! Shapes with no body plan: letters and digits written as strokes (the project's own drawings,
//! no font), and abstract blobs of overlapping ellipses.

use std::f32::consts::PI;

use super::super::figure::Figure;
use super::super::rng::Rng;

/// Points of an elliptic arc around `c` with radii `r`, from angle `a0` to `a1` (y down).
fn arc(c: (f32, f32), r: (f32, f32), a0: f32, a1: f32) -> Vec<(f32, f32)> {
    (0..=12)
        .map(|i| {
            let a = (a0 + (a1 - a0) * i as f32 / 12.0).to_radians();
            (c.0 + r.0 * a.cos(), c.1 + r.1 * a.sin())
        })
        .collect()
}

fn lines(points: &[&[(f32, f32)]]) -> Vec<Vec<(f32, f32)>> {
    points.iter().map(|p| p.to_vec()).collect()
}

/// The strokes of glyph `i` (of [`GLYPHS`]) in a box 1 wide and 1.4 tall, y down.
fn strokes(i: usize) -> Vec<Vec<(f32, f32)>> {
    let (top, mid, bot) = (0.0, 0.7, 1.4);
    match i {
        0 => lines(&[
            &[(0.0, bot), (0.5, top), (1.0, bot)],
            &[(0.22, 0.85), (0.78, 0.85)],
        ]),
        1 => lines(&[
            &[(1.0, top), (0.0, top), (0.0, bot), (1.0, bot)],
            &[(0.0, mid), (0.7, mid)],
        ]),
        2 => lines(&[
            &[(0.0, top), (0.0, bot)],
            &[(1.0, top), (1.0, bot)],
            &[(0.0, mid), (1.0, mid)],
        ]),
        3 => lines(&[
            &[(0.0, top), (0.0, bot)],
            &[(1.0, top), (0.0, mid), (1.0, bot)],
        ]),
        4 => lines(&[&[(0.0, top), (0.0, bot), (1.0, bot)]]),
        5 => lines(&[&[(0.0, bot), (0.0, top), (0.5, mid), (1.0, top), (1.0, bot)]]),
        6 => lines(&[&[(0.0, bot), (0.0, top), (1.0, bot), (1.0, top)]]),
        7 => lines(&[&[(0.0, top), (1.0, top)], &[(0.5, top), (0.5, bot)]]),
        8 => lines(&[&[(0.0, top), (0.5, bot), (1.0, top)]]),
        9 => lines(&[&[(0.0, top), (0.25, bot), (0.5, 0.5), (0.75, bot), (1.0, top)]]),
        10 => lines(&[&[(0.0, top), (1.0, bot)], &[(1.0, top), (0.0, bot)]]),
        11 => lines(&[
            &[(0.0, top), (0.5, mid), (1.0, top)],
            &[(0.5, mid), (0.5, bot)],
        ]),
        12 => lines(&[&[(0.0, top), (1.0, top), (0.0, bot), (1.0, bot)]]),
        13 => vec![arc((0.5, mid), (0.5, 0.7), 0.0, 360.0)],
        14 => vec![arc((0.55, mid), (0.5, 0.7), 40.0, 320.0)],
        15 => vec![
            arc((0.5, 0.35), (0.45, 0.35), 0.0, -270.0),
            arc((0.5, 1.05), (0.45, 0.35), -90.0, 180.0),
        ],
        16 => lines(&[
            &[(0.2, 0.3), (0.6, top), (0.6, bot)],
            &[(0.2, bot), (1.0, bot)],
        ]),
        17 => {
            let mut s = arc((0.5, 0.4), (0.45, 0.4), 180.0, 360.0);
            s.extend([(0.0, bot), (1.0, bot)]);
            vec![s]
        }
        18 => vec![
            arc((0.45, 0.35), (0.45, 0.35), -150.0, 90.0),
            arc((0.45, 1.05), (0.5, 0.35), -90.0, 150.0),
        ],
        19 => lines(&[&[(0.7, bot), (0.7, top), (0.0, 0.95), (1.0, 0.95)]]),
        20 => {
            let mut s = vec![(0.9, top), (0.1, top), (0.05, 0.6)];
            s.extend(arc((0.45, 0.98), (0.5, 0.42), -120.0, 150.0));
            vec![s]
        }
        21 => {
            let mut s = arc((0.6, 0.6), (0.55, 0.6), -60.0, -180.0);
            s.extend(arc((0.5, 1.0), (0.45, 0.4), 180.0, -180.0));
            vec![s]
        }
        22 => lines(&[&[(0.0, top), (1.0, top), (0.35, bot)]]),
        23 => vec![
            arc((0.5, 0.35), (0.4, 0.35), 0.0, 360.0),
            arc((0.5, 1.03), (0.5, 0.37), 0.0, 360.0),
        ],
        _ => {
            let mut s = arc((0.5, 0.42), (0.45, 0.42), 0.0, 360.0);
            s.extend([(0.95, 0.42), (0.8, bot)]);
            vec![s]
        }
    }
}

/// What [`strokes`] draws, in order: sixteen capitals and nine digits (the O serves as zero).
pub const GLYPHS: &str = "AEHKLMNTVWXYZOCS123456789";

/// A capital or a digit of random stroke width and slant, upright.
pub fn glyph(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let which = rng.below(GLYPHS.len());
    let width = rng.range(0.06, 0.16);
    let slant = rng.range(-0.25, 0.25);
    let wide = rng.range(0.75, 1.25);
    for stroke in strokes(which) {
        let points: Vec<(f32, f32)> = stroke
            .iter()
            .map(|&(x, y)| (x * wide + slant * (1.4 - y), y))
            .collect();
        fig.polyline(&points, width);
    }
    fig
}

/// An abstract blob: three to eight ellipses that overlap around a random walk, at any angle.
pub fn blob(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let mut c = (0.0f32, 0.0f32);
    for _ in 0..rng.below(6) + 3 {
        let r = (rng.range(0.12, 0.35), rng.range(0.12, 0.35));
        fig.rotated_ellipse(c, r.0, r.1, rng.range(0.0, PI));
        let a = rng.range(0.0, 2.0 * PI);
        let step = rng.range(0.1, 0.3);
        c = (c.0 + step * a.cos(), c.1 + step * a.sin());
    }
    fig
}
