//! Cats, a second out-of-distribution shape (the product must doubt "a photo of a cat" too):
//! side views of a standing or a sitting cat, ears, tail, in unit coordinates with the ground at
//! y = 0 and y down. Never used for training.

use super::figure::Figure;
use super::rng::Rng;

/// Head with two pointed ears (thin tilted ellipses) at `c`, radius `r`.
fn head(fig: &mut Figure, c: (f32, f32), r: f32, rng: &mut Rng) {
    fig.ellipse(c, r * rng.range(1.0, 1.15), r);
    for (dx, tilt) in [(-0.45f32, -0.35f32), (0.45, 0.35)] {
        let ear = (c.0 + dx * r, c.1 - r * 0.95);
        fig.rotated_ellipse(ear, r * 0.28, r * 0.55, tilt + rng.range(-0.15, 0.15));
    }
}

/// A cat standing on four legs, facing right, with a random build, head height and tail curl.
fn standing(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let leg_len = rng.range(0.3, 0.42);
    let body_ry = rng.range(0.12, 0.18);
    let body_y = -leg_len - body_ry * 0.5;
    fig.ellipse((0.0, body_y), rng.range(0.34, 0.42), body_ry);
    let leg_r = rng.range(0.035, 0.05);
    for x in [-0.3f32, -0.2, 0.2, 0.3] {
        let stride = rng.range(-0.06, 0.06);
        fig.capsule((x, body_y), (x + stride, -leg_r), leg_r);
    }
    let head_r = rng.range(0.11, 0.15);
    let head_c = (0.45, body_y - rng.range(0.12, 0.3));
    fig.capsule((0.28, body_y), head_c, head_r * 0.7);
    head(&mut fig, head_c, head_r, rng);
    let tail_r = rng.range(0.025, 0.04);
    let root = (-0.36, body_y - body_ry * 0.4);
    let mid = (-0.52, root.1 - rng.range(0.0, 0.25));
    let tip = (mid.0 + rng.range(-0.1, 0.12), mid.1 - rng.range(0.1, 0.3));
    fig.capsule(root, mid, tail_r);
    fig.capsule(mid, tip, tail_r * 0.9);
    fig
}

/// A cat sitting upright on its haunches, facing right, tail along the ground.
fn sitting(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let body_h = rng.range(0.55, 0.7);
    fig.rotated_ellipse(
        (0.0, -body_h * 0.5),
        rng.range(0.17, 0.24),
        body_h * 0.5,
        rng.range(0.1, 0.3),
    );
    fig.ellipse((-0.06, -0.13), rng.range(0.2, 0.26), 0.13);
    let leg_r = rng.range(0.03, 0.045);
    fig.capsule((0.12, -body_h * 0.6), (0.14, -leg_r), leg_r);
    let head_r = rng.range(0.12, 0.16);
    head(&mut fig, (0.1, -body_h - head_r * 0.6), head_r, rng);
    let tail_r = rng.range(0.025, 0.04);
    fig.capsule((-0.2, -tail_r), (rng.range(0.1, 0.3), -tail_r), tail_r);
    fig
}

/// A random cat (standing or sitting, not yet placed).
pub fn cat(rng: &mut Rng) -> Figure {
    if rng.chance(0.5) {
        standing(rng)
    } else {
        sitting(rng)
    }
}
