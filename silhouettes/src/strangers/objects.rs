//! Things that are not animals, in unit coordinates (ground at y = 0, y down): vehicles,
//! bicycles, chairs, tables, tools, cups and bottles, trees and houses.

use std::f32::consts::{PI, TAU};

use super::super::figure::Figure;
use super::super::rng::Rng;

/// A ring of radius `r` and stroke `w` around `c`, as short capsules (a wheel, a handle).
fn ring(fig: &mut Figure, c: (f32, f32), r: f32, w: f32, from: f32, to: f32) {
    let n = 16;
    let points: Vec<(f32, f32)> = (0..=n)
        .map(|i| {
            let a = from + (to - from) * i as f32 / n as f32;
            (c.0 + r * a.cos(), c.1 + r * a.sin())
        })
        .collect();
    fig.polyline(&points, w);
}

/// A car, a van or a truck: a body, a cabin, two or three wheels.
pub fn vehicle(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let wheel = rng.range(0.08, 0.13);
    let len = 1.0;
    let body_h = rng.range(0.15, 0.3);
    let floor = -wheel * 1.2;
    fig.rect(-len / 2.0, floor - body_h, len / 2.0, floor);
    match rng.below(3) {
        0 => {
            // A car: a cabin with sloping front and back.
            let cab = rng.range(0.12, 0.22);
            let (x0, x1) = (rng.range(-0.3, -0.15), rng.range(0.1, 0.25));
            let top = floor - body_h - cab;
            fig.rect(x0, top, x1, floor - body_h + 0.01);
            fig.triangle((x0, top), (x0 - 0.15, floor - body_h), (x0, floor - body_h));
            fig.triangle((x1, top), (x1 + 0.18, floor - body_h), (x1, floor - body_h));
        }
        1 => {
            // A van: one tall box.
            let top = floor - body_h - rng.range(0.2, 0.35);
            fig.rect(-len / 2.0, top, len * 0.35, floor - body_h + 0.01);
        }
        _ => {
            // A truck: a cab in front of a load box.
            let cab_top = floor - body_h - rng.range(0.15, 0.25);
            fig.rect(len * 0.25, cab_top, len / 2.0, floor - body_h + 0.01);
            let box_top = floor - body_h - rng.range(0.15, 0.45);
            fig.rect(-len / 2.0, box_top, len * 0.2, floor - body_h + 0.01);
        }
    }
    let axles: &[f32] = if rng.chance(0.3) {
        &[-0.35, -0.1, 0.33]
    } else {
        &[-0.3, 0.3]
    };
    for &x in axles {
        fig.disc(x, -wheel, wheel);
    }
    fig
}

/// A bicycle: two thin wheels, a diamond frame, a saddle and handlebars.
pub fn bicycle(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let r = rng.range(0.18, 0.24);
    let w = rng.range(0.012, 0.022);
    let (back, front) = ((-0.35, -r), (0.35, -r));
    ring(&mut fig, back, r, w, 0.0, TAU);
    ring(&mut fig, front, r, w, 0.0, TAU);
    let pedal = (rng.range(-0.08, 0.0), -r);
    let seat = (-0.12, -r - rng.range(0.3, 0.4));
    let head = (0.25, -r - rng.range(0.3, 0.38));
    fig.polyline(&[back, pedal, seat, back], w);
    fig.polyline(&[pedal, head, front], w);
    fig.capsule(seat, (head.0 - 0.02, seat.1 + 0.02), w);
    fig.rect(seat.0 - 0.07, seat.1 - 0.04, seat.0 + 0.05, seat.1 - 0.01);
    fig.capsule(head, (head.0 - 0.05, head.1 - 0.08), w);
    fig.capsule(
        (head.0 - 0.05, head.1 - 0.08),
        (head.0 + 0.05, head.1 - 0.1),
        w,
    );
    fig
}

/// A chair, side view: legs, a seat and a back (sometimes armrests).
pub fn chair(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let seat_y = -rng.range(0.4, 0.55);
    let depth = rng.range(0.4, 0.55);
    let t = rng.range(0.02, 0.04);
    fig.rect(0.0, seat_y - t * 1.5, depth, seat_y);
    for x in [t, depth - t] {
        fig.capsule((x, seat_y), (x + rng.range(-0.04, 0.04), 0.0), t);
    }
    let back = rng.range(0.35, 0.6);
    let lean = rng.range(0.0, 0.12);
    fig.capsule((t, seat_y), (t - lean, seat_y - back), t * 1.2);
    if rng.chance(0.5) {
        fig.rect(
            -lean * 0.5,
            seat_y - back * 0.9,
            t * 2.0,
            seat_y - back * 0.5,
        );
    }
    if rng.chance(0.4) {
        let arm = seat_y - back * 0.4;
        fig.capsule((t, arm), (depth, arm), t);
        fig.capsule((depth, arm), (depth, seat_y), t);
    }
    fig
}

/// A table (a top on two or three legs) or a lamp standing on its foot.
pub fn table(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let h = rng.range(0.35, 0.6);
    let t = rng.range(0.025, 0.05);
    fig.rect(-0.5, -h - t * 2.0, 0.5, -h);
    let legs = if rng.chance(0.5) { 2 } else { 3 };
    for i in 0..legs {
        let x = -0.45 + 0.9 * i as f32 / (legs - 1) as f32;
        let splay = rng.range(0.0, 0.08) * x.signum();
        fig.capsule((x, -h), (x + splay, -t), t);
    }
    fig
}

/// A tool: a hammer, a wrench, a saw or a screwdriver, along x.
pub fn tool(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let w = rng.range(0.025, 0.045);
    match rng.below(4) {
        0 => {
            fig.capsule((0.0, 0.0), (0.8, 0.0), w);
            let head = rng.range(0.08, 0.12);
            fig.rect(
                0.75,
                -rng.range(0.15, 0.25),
                0.75 + head,
                rng.range(0.05, 0.12),
            );
        }
        1 => {
            fig.capsule((0.0, 0.0), (0.8, 0.0), w * 1.2);
            let r = rng.range(0.08, 0.12);
            ring(&mut fig, (0.8 + r, 0.0), r, w, PI * 0.25, PI * 1.75);
            ring(&mut fig, (-r * 0.8, 0.0), r * 0.8, w, -PI * 0.75, PI * 0.75);
        }
        2 => {
            let blade = rng.range(0.1, 0.18);
            fig.triangle((0.25, -blade), (1.0, -0.02), (0.25, 0.02));
            fig.rect(0.25, -blade, 1.0, -blade * 0.5 + 0.01);
            fig.rect(0.0, -blade * 1.1, 0.25, 0.04);
        }
        _ => {
            fig.ellipse((0.15, 0.0), 0.15, w * 2.0);
            fig.capsule((0.3, 0.0), (0.9, 0.0), w * 0.5);
            fig.triangle((0.88, -w * 0.6), (0.88, w * 0.6), (0.95, 0.0));
        }
    }
    fig
}

/// A cup with a handle, a mug, a bottle or a vase, upright.
pub fn vessel(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    match rng.below(3) {
        0 => {
            let (w, h) = (rng.range(0.2, 0.3), rng.range(0.3, 0.45));
            fig.rect(-w, -h, w, 0.0);
            fig.triangle((-w, -h), (-w - rng.range(0.0, 0.05), -h), (-w, 0.0));
            ring(
                &mut fig,
                (w, -h / 2.0),
                h * 0.28,
                0.025,
                -PI / 2.0,
                PI / 2.0,
            );
        }
        1 => {
            let (w, h) = (rng.range(0.12, 0.2), rng.range(0.5, 0.75));
            fig.rect(-w, -h, w, 0.0);
            fig.ellipse((0.0, -h), w, w * 0.6);
            let neck = rng.range(0.05, 0.08);
            let top = -h - rng.range(0.15, 0.3);
            fig.rect(-neck, top, neck, -h);
            fig.rect(-neck * 1.3, top - 0.04, neck * 1.3, top);
        }
        _ => {
            let h = rng.range(0.5, 0.8);
            fig.ellipse((0.0, -h * 0.35), rng.range(0.2, 0.3), h * 0.35);
            let neck = rng.range(0.05, 0.1);
            fig.rect(-neck, -h, neck, -h * 0.5);
            fig.ellipse((0.0, -h), neck * 2.0, 0.03);
        }
    }
    fig
}

/// A tree: a trunk under a round crown of several lobes, or a conifer's stacked triangles.
pub fn tree(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let trunk = rng.range(0.25, 0.45);
    let tw = rng.range(0.03, 0.07);
    fig.rect(-tw, -trunk - 0.05, tw, 0.0);
    if rng.chance(0.5) {
        let r = rng.range(0.2, 0.32);
        fig.disc(0.0, -trunk - r * 0.8, r);
        for _ in 0..rng.below(4) + 2 {
            let a = rng.range(PI, TAU);
            let d = r * rng.range(0.5, 0.9);
            let c = (d * a.cos(), -trunk - r * 0.8 + d * a.sin());
            fig.disc(c.0, c.1, r * rng.range(0.45, 0.7));
        }
    } else {
        let tiers = rng.below(3) + 2;
        let half = rng.range(0.22, 0.35);
        let tier_h = rng.range(0.2, 0.3);
        for i in 0..tiers {
            let base = -trunk - i as f32 * tier_h * 0.6;
            let w = half * (1.0 - 0.2 * i as f32);
            fig.triangle((-w, base), (w, base), (0.0, base - tier_h));
        }
    }
    fig
}

/// A house: walls, a pitched or flat roof, sometimes a chimney or a side wing.
pub fn house(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let w = rng.range(0.35, 0.5);
    let h = rng.range(0.3, 0.55);
    fig.rect(-w, -h, w, 0.0);
    if rng.chance(0.75) {
        let roof = rng.range(0.2, 0.45);
        let eave = rng.range(0.0, 0.07);
        fig.triangle(
            (-w - eave, -h),
            (w + eave, -h),
            (rng.range(-0.1, 0.1), -h - roof),
        );
        if rng.chance(0.5) {
            let x = w * rng.range(0.3, 0.6);
            fig.rect(x, -h - roof * 0.8, x + 0.08, -h - roof * 0.2);
        }
    } else {
        fig.rect(-w - 0.03, -h - 0.05, w + 0.03, -h);
    }
    if rng.chance(0.4) {
        let wing = rng.range(0.2, 0.35);
        fig.rect(w, -h * 0.6, w + wing, 0.0);
    }
    fig
}
