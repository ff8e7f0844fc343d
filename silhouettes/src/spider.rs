//! Spiders, the out-of-distribution shape: a two-part body and eight jointed legs, in unit
//! coordinates around the origin. Never used for training.

use std::f32::consts::PI;

use super::figure::Figure;
use super::rng::Rng;

/// A spider with random leg spread, joint bends and proportions (not yet rotated).
pub fn spider(rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let abdomen = (rng.range(0.14, 0.22), rng.range(0.18, 0.28));
    let head = rng.range(0.09, 0.13);
    fig.ellipse((0.0, abdomen.1 * 0.9), abdomen.0, abdomen.1);
    fig.ellipse((0.0, -head * 0.6), head, head * 1.1);
    let leg_r = rng.range(0.012, 0.024);
    let femur = rng.range(0.22, 0.32);
    let tibia = rng.range(0.25, 0.4);
    for side in [-1.0f32, 1.0] {
        for i in 0..4 {
            // Legs fan from pointing forward (up) to pointing back (down).
            let base = (-55.0 + 36.0 * i as f32 + rng.range(-10.0, 10.0)) * PI / 180.0;
            let root = (
                side * head * 0.8,
                -head * 0.6 + (i as f32 - 1.5) * head * 0.3,
            );
            // The femur rises outwards, the tibia bends back down: the "knee" of a spider.
            let up = rng.range(0.3, 0.7);
            let knee = (
                root.0 + side * femur * base.cos(),
                root.1 + femur * (base.sin() - up),
            );
            let bend = rng.range(0.5, 1.1);
            let foot = (
                knee.0 + side * tibia * (base.cos() * 0.7),
                knee.1 + tibia * (base.sin() * 0.7 + bend * 0.7),
            );
            fig.capsule(root, knee, leg_r);
            fig.capsule(knee, foot, leg_r * 0.8);
        }
    }
    fig
}
