//! Animals that are not children, side views in unit coordinates (ground at y = 0, y down,
//! facing +x): quadrupeds of four builds, birds, fish and snakes.

use std::f32::consts::PI;

use super::super::figure::Figure;
use super::super::rng::Rng;

/// A quadruped's build: leg length, body size, neck and head, in units of the body length.
struct Build {
    leg: (f32, f32),
    leg_r: (f32, f32),
    body_ry: (f32, f32),
    neck: (f32, f32),
    neck_angle: (f32, f32),
    head: (f32, f32),
}

/// Four legs, a body, a neck at an angle and an elongated head; `extra` adds what tells the
/// kinds apart (ears, a trunk, horns).
fn quadruped(
    build: &Build,
    rng: &mut Rng,
    extra: impl FnOnce(&mut Figure, Head, &mut Rng),
) -> Figure {
    let mut fig = Figure::default();
    let leg = rng.range(build.leg.0, build.leg.1);
    let ry = rng.range(build.body_ry.0, build.body_ry.1);
    let body_y = -leg - ry * 0.6;
    fig.ellipse((0.0, body_y), 0.5, ry);
    let leg_r = rng.range(build.leg_r.0, build.leg_r.1);
    for x in [-0.38f32, -0.28, 0.28, 0.38] {
        let stride = rng.range(-0.1, 0.1);
        let knee = (x + stride * 0.5, body_y + (leg + ry * 0.6) * 0.5);
        fig.capsule((x, body_y), knee, leg_r);
        fig.capsule(knee, (x + stride, -leg_r * 0.8), leg_r * 0.85);
    }
    let neck_len = rng.range(build.neck.0, build.neck.1);
    let angle = rng
        .range(build.neck_angle.0, build.neck_angle.1)
        .to_radians();
    let root = (0.4, body_y - ry * 0.3);
    let top = (
        root.0 + neck_len * angle.cos(),
        root.1 - neck_len * angle.sin(),
    );
    fig.capsule(root, top, ry * 0.45);
    let head_len = rng.range(build.head.0, build.head.1);
    let tilt = rng.range(0.2, 0.8);
    let head = Head {
        c: (
            top.0 + head_len * 0.4 * tilt.cos(),
            top.1 + head_len * 0.4 * tilt.sin(),
        ),
        len: head_len,
    };
    fig.rotated_ellipse(head.c, head_len * 0.5, head_len * 0.25, tilt);
    let tail_root = (-0.48, body_y - ry * 0.3);
    let droop = rng.range(-0.3, 0.9);
    let tail_len = rng.range(0.15, 0.35);
    fig.capsule(
        tail_root,
        (
            tail_root.0 - tail_len * droop.cos(),
            tail_root.1 + tail_len * droop.sin(),
        ),
        leg_r * 0.5,
    );
    extra(&mut fig, head, rng);
    fig
}

/// Where the head ended up, for the features drawn on it.
#[derive(Clone, Copy)]
struct Head {
    c: (f32, f32),
    len: f32,
}

/// A horse: long legs, a long neck raised at 40–70°, a long head, a pointed ear.
pub fn horse(rng: &mut Rng) -> Figure {
    let build = Build {
        leg: (0.45, 0.6),
        leg_r: (0.03, 0.045),
        body_ry: (0.15, 0.2),
        neck: (0.3, 0.42),
        neck_angle: (40.0, 70.0),
        head: (0.28, 0.36),
    };
    quadruped(&build, rng, |fig, head, rng| {
        let ear = (head.c.0 - head.len * 0.3, head.c.1 - head.len * 0.25);
        fig.rotated_ellipse(ear, 0.02, rng.range(0.04, 0.06), -0.3);
    })
}

/// A dog: medium legs, a short neck, a long head and a floppy or pointed ear.
pub fn dog(rng: &mut Rng) -> Figure {
    let build = Build {
        leg: (0.25, 0.42),
        leg_r: (0.035, 0.055),
        body_ry: (0.13, 0.19),
        neck: (0.12, 0.22),
        neck_angle: (30.0, 65.0),
        head: (0.22, 0.3),
    };
    quadruped(&build, rng, |fig, head, rng| {
        let ear = (head.c.0 - head.len * 0.25, head.c.1 - head.len * 0.2);
        if rng.chance(0.5) {
            fig.rotated_ellipse(ear, 0.035, 0.08, 0.3);
        } else {
            fig.triangle(
                (ear.0 - 0.04, ear.1),
                (ear.0 + 0.04, ear.1),
                (ear.0, ear.1 - rng.range(0.07, 0.11)),
            );
        }
    })
}

/// A heavy beast (an elephant or a cow): thick short legs, a large body, a trunk or horns.
pub fn heavy_beast(rng: &mut Rng) -> Figure {
    let build = Build {
        leg: (0.28, 0.4),
        leg_r: (0.07, 0.1),
        body_ry: (0.22, 0.3),
        neck: (0.05, 0.12),
        neck_angle: (0.0, 30.0),
        head: (0.25, 0.34),
    };
    quadruped(&build, rng, |fig, head, rng| {
        if rng.chance(0.5) {
            // Elephant: a big ear and a trunk hanging down and curling forward.
            fig.ellipse(
                (head.c.0 - head.len * 0.3, head.c.1),
                head.len * 0.3,
                head.len * 0.45,
            );
            let tip = head.c.0 + head.len * 0.5;
            let hang = rng.range(0.25, 0.4);
            fig.polyline(
                &[
                    (tip, head.c.1),
                    (tip + 0.04, head.c.1 + hang * 0.6),
                    (tip + rng.range(0.0, 0.1), head.c.1 + hang),
                ],
                0.035,
            );
        } else {
            // Cow: two horns.
            for dx in [-0.05f32, 0.03] {
                let base = (head.c.0 + dx, head.c.1 - head.len * 0.2);
                fig.capsule(base, (base.0 + 0.04, base.1 - rng.range(0.06, 0.1)), 0.015);
            }
        }
    })
}

/// A giraffe: very long legs and a neck raised at 60–80°, a small head with two horns.
pub fn giraffe(rng: &mut Rng) -> Figure {
    let build = Build {
        leg: (0.6, 0.8),
        leg_r: (0.025, 0.035),
        body_ry: (0.13, 0.17),
        neck: (0.6, 0.85),
        neck_angle: (60.0, 80.0),
        head: (0.18, 0.24),
    };
    quadruped(&build, rng, |fig, head, _| {
        let base = (head.c.0 - head.len * 0.2, head.c.1 - head.len * 0.15);
        fig.capsule(base, (base.0, base.1 - 0.07), 0.012);
    })
}

/// A bird: standing on two thin legs (a beak, a tail) or flying with both wings out.
pub fn bird(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let body = (rng.range(0.28, 0.4), rng.range(0.14, 0.2));
    if rng.chance(0.5) {
        let leg = rng.range(0.2, 0.6);
        let tilt = rng.range(-0.5, -0.1);
        let c = (0.0, -leg - body.1 * 0.8);
        fig.rotated_ellipse(c, body.0, body.1, tilt);
        for dx in [-0.04f32, 0.04] {
            fig.capsule((dx, c.1), (dx + rng.range(-0.04, 0.04), 0.0), 0.012);
        }
        let neck = rng.range(0.05, 0.35);
        let head = (body.0 * 0.8, c.1 - body.1 - neck);
        fig.capsule((body.0 * 0.6, c.1 - body.1 * 0.4), head, 0.035);
        let hr = rng.range(0.07, 0.1);
        fig.disc(head.0, head.1, hr);
        let beak = rng.range(0.08, 0.25);
        fig.triangle(
            (head.0 + hr * 0.6, head.1 - hr * 0.4),
            (head.0 + hr * 0.6, head.1 + hr * 0.4),
            (head.0 + hr + beak, head.1 + rng.range(-0.02, 0.05)),
        );
        fig.triangle(
            (-body.0 * 0.7, c.1 - 0.03),
            (-body.0 * 0.7, c.1 + 0.06),
            (-body.0 - rng.range(0.1, 0.25), c.1 + rng.range(0.0, 0.15)),
        );
    } else {
        fig.ellipse((0.0, 0.0), body.0, body.1 * 0.7);
        fig.disc(body.0 * 1.05, -body.1 * 0.3, 0.07);
        let span = rng.range(0.5, 0.8);
        let lift = rng.range(-0.4, 0.5);
        for side in [-1.0f32, 1.0] {
            let tip = (
                side * 0.15 + rng.range(-0.1, 0.1),
                -span * (0.8 + lift * side * 0.2),
            );
            fig.triangle((-0.12, -0.02), (0.12, -0.02), tip);
        }
        fig.triangle(
            (-body.0 * 0.8, 0.0),
            (-body.0 - 0.2, -0.08),
            (-body.0 - 0.2, 0.1),
        );
    }
    fig
}

/// A fish: an oval body, a forked tail, dorsal and belly fins.
pub fn fish(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let (rx, ry) = (0.5, rng.range(0.12, 0.3));
    fig.ellipse((0.0, 0.0), rx, ry);
    let tail = rng.range(0.15, 0.3);
    let fork = rng.range(0.1, 0.25);
    fig.triangle(
        (-rx * 0.85, 0.0),
        (-rx - tail, -fork),
        (-rx - tail * 0.7, 0.0),
    );
    fig.triangle(
        (-rx * 0.85, 0.0),
        (-rx - tail, fork),
        (-rx - tail * 0.7, 0.0),
    );
    let fin = rng.range(0.06, 0.2);
    fig.triangle((-0.15, -ry * 0.9), (0.15, -ry * 0.9), (-0.05, -ry - fin));
    fig.triangle((-0.05, ry * 0.9), (0.1, ry * 0.9), (-0.02, ry + fin * 0.6));
    fig
}

/// A snake: a tapering body winding along a sine (lying) or rising into an S (raised head).
pub fn snake(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let waves = rng.range(1.0, 2.5);
    let amp = rng.range(0.04, 0.15);
    let r = rng.range(0.025, 0.045);
    let raised = rng.chance(0.4);
    let n = 24;
    let points: Vec<(f32, f32)> = (0..=n)
        .map(|i| {
            let t = i as f32 / n as f32;
            let y = amp * (waves * 2.0 * PI * t).sin();
            if raised && t > 0.7 {
                let u = (t - 0.7) / 0.3;
                (0.7 + 0.05 * u, y - u * 0.35)
            } else {
                (t, y)
            }
        })
        .collect();
    for (i, pair) in points.windows(2).enumerate() {
        let taper = 0.4 + 0.6 * (i as f32 / n as f32).min(0.85) / 0.85;
        fig.capsule(pair[0], pair[1], r * taper);
    }
    let head = points[n];
    fig.ellipse(head, r * 1.8, r * 1.3);
    fig
}
