//! Toddler figures (0–4 years): a head of 1/4–1/5 of the standing height, a round torso, short
//! thick limbs, in one of several poses. Coordinates: standing height 1, y down, head top at 0.

use std::f32::consts::PI;

use super::Canvas;
use super::figure::Figure;
use super::rng::Rng;

/// Body posture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pose {
    /// Upright, arms hanging.
    Standing,
    /// Legs apart, arms swinging.
    Walking,
    /// Both arms raised.
    ArmsUp,
    /// Arms stretched sideways.
    ArmsOut,
    /// Sitting on the floor, legs forward (side view).
    Sitting,
    /// On hands and knees (side view).
    Crawling,
}

impl Pose {
    /// Every pose, for uniform choice.
    pub const ALL: [Pose; 6] = [
        Pose::Standing,
        Pose::Walking,
        Pose::ArmsUp,
        Pose::ArmsOut,
        Pose::Sitting,
        Pose::Crawling,
    ];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Pose::Standing => "standing",
            Pose::Walking => "walking",
            Pose::ArmsUp => "arms-up",
            Pose::ArmsOut => "arms-out",
            Pose::Sitting => "sitting",
            Pose::Crawling => "crawling",
        }
    }
}

/// Body proportions, in units of the standing height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Body {
    /// Head diameter (0.20–0.25: 1/5 to 1/4 of the height).
    pub head: f32,
    /// Torso half-width.
    pub width: f32,
    /// Arm radius.
    pub arm: f32,
    /// Leg radius.
    pub leg: f32,
}

impl Body {
    /// Average proportions.
    pub const TYPICAL: Body = Body {
        head: 0.22,
        width: 0.16,
        arm: 0.038,
        leg: 0.055,
    };

    /// Random proportions: head size, body width and limb thickness all vary.
    pub fn random(rng: &mut Rng) -> Body {
        let thickness = rng.range(0.8, 1.25);
        Body {
            head: rng.range(0.20, 0.25),
            width: 0.16 * rng.range(0.8, 1.25),
            arm: 0.038 * thickness,
            leg: 0.055 * thickness,
        }
    }
}

/// A direction `angle` radians from straight down, turned towards side `side` (±1).
fn dir(angle: f32, side: f32) -> (f32, f32) {
    (side * angle.sin(), angle.cos())
}

fn step(p: (f32, f32), d: (f32, f32), len: f32) -> (f32, f32) {
    (p.0 + d.0 * len, p.1 + d.1 * len)
}

/// A two-segment limb from `root`: the upper part at `angle` from down, the lower bent by `bend`.
fn limb(
    fig: &mut Figure,
    root: (f32, f32),
    side: f32,
    angle: f32,
    bend: f32,
    lens: (f32, f32),
    r: f32,
) {
    let joint = step(root, dir(angle, side), lens.0);
    let end = step(joint, dir(angle + bend, side), lens.1);
    fig.capsule(root, joint, r);
    fig.capsule(joint, end, r * 0.92);
}

/// An upright toddler (standing, walking, arms up or out), front view.
fn upright(body: Body, arm_angles: [f32; 2], arm_bend: f32, leg_angles: [f32; 2]) -> Figure {
    let mut fig = Figure::default();
    let hr = body.head / 2.0;
    fig.ellipse((0.0, hr), hr * 0.92, hr);
    let neck = body.head * 0.95;
    let hips = 0.58;
    fig.ellipse(
        (0.0, (neck + hips) / 2.0),
        body.width,
        (hips - neck) / 2.0 + 0.03,
    );
    let shoulder_y = neck + 0.06;
    for (i, side) in [-1.0f32, 1.0].into_iter().enumerate() {
        let shoulder = (side * body.width * 0.8, shoulder_y);
        limb(
            &mut fig,
            shoulder,
            side,
            arm_angles[i],
            arm_bend,
            (0.15, 0.14),
            body.arm,
        );
        let hip = (side * body.width * 0.5, hips - 0.03);
        let leg_len = 1.0 - hip.1 - body.leg;
        limb(
            &mut fig,
            hip,
            side,
            leg_angles[i],
            0.0,
            (leg_len * 0.5, leg_len * 0.5),
            body.leg,
        );
    }
    fig
}

/// Sitting on the floor, side view, legs stretched forward (+x).
fn sitting(body: Body, rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let hr = body.head / 2.0;
    let lean = rng.range(-0.08, 0.12);
    let seat = (0.0, 0.62);
    let neck = (seat.0 + lean, seat.1 - 0.4);
    fig.rotated_ellipse(
        ((seat.0 + neck.0) / 2.0, (seat.1 + neck.1) / 2.0),
        body.width * 0.85,
        0.24,
        lean,
    );
    fig.ellipse((neck.0 + 0.02, neck.1 - hr * 0.9), hr * 0.92, hr);
    // Legs forward along the floor, knees a little raised.
    let knee = (seat.0 + 0.2, seat.1 - rng.range(0.0, 0.08));
    let foot = (seat.0 + 0.4, seat.1 + 0.02);
    fig.capsule((seat.0, seat.1 - 0.02), knee, body.leg);
    fig.capsule(knee, foot, body.leg * 0.92);
    // Arm reaching forward or resting.
    let shoulder = (neck.0, neck.1 + 0.06);
    let hand = (
        shoulder.0 + rng.range(0.1, 0.28),
        shoulder.1 + rng.range(0.05, 0.25),
    );
    fig.capsule(shoulder, hand, body.arm);
    fig
}

/// On hands and knees, side view, head towards +x.
fn crawling(body: Body, rng: &mut Rng) -> Figure {
    let mut fig = Figure::default();
    let hr = body.head / 2.0;
    let floor = 0.6;
    let hip = (-0.2, floor - 0.26);
    let shoulder = (0.16, floor - 0.3 - rng.range(0.0, 0.05));
    let mid = ((hip.0 + shoulder.0) / 2.0, (hip.1 + shoulder.1) / 2.0);
    let tilt = (shoulder.1 - hip.1).atan2(shoulder.0 - hip.0);
    fig.rotated_ellipse(mid, 0.22, body.width * 0.8, tilt);
    fig.ellipse(
        (shoulder.0 + hr * 0.9, shoulder.1 - hr * rng.range(0.6, 1.2)),
        hr * 0.95,
        hr,
    );
    // Arms straight down to the floor, thighs down to the knees, shins back along the floor.
    fig.capsule(shoulder, (shoulder.0 + 0.03, floor - body.arm), body.arm);
    let knee = (hip.0 + 0.04, floor - body.leg);
    fig.capsule(hip, knee, body.leg);
    fig.capsule(
        knee,
        (knee.0 - 0.2, floor - body.leg * 0.8),
        body.leg * 0.85,
    );
    fig
}

/// A toddler in `pose` with `body`, posed with random joint angles, in unit coordinates.
pub fn toddler(pose: Pose, body: Body, rng: &mut Rng) -> Figure {
    let deg = |d: f32| d * PI / 180.0;
    match pose {
        Pose::Standing => {
            let a = rng.range(deg(8.0), deg(25.0));
            upright(
                body,
                [a, a + rng.range(-0.1, 0.1)],
                rng.range(-0.2, 0.1),
                [deg(4.0); 2],
            )
        }
        Pose::Walking => {
            let swing = rng.range(deg(10.0), deg(35.0));
            let stride = rng.range(deg(10.0), deg(28.0));
            upright(body, [swing, deg(10.0)], -0.2, [stride, -stride * 0.3])
        }
        Pose::ArmsUp => {
            let a = rng.range(deg(145.0), deg(175.0));
            upright(
                body,
                [a, a + rng.range(-0.15, 0.15)],
                rng.range(-0.1, 0.1),
                [deg(5.0); 2],
            )
        }
        Pose::ArmsOut => {
            let a = rng.range(deg(75.0), deg(105.0));
            upright(
                body,
                [a, a + rng.range(-0.15, 0.15)],
                rng.range(-0.2, 0.2),
                [deg(6.0); 2],
            )
        }
        Pose::Sitting => sitting(body, rng),
        Pose::Crawling => crawling(body, rng),
    }
}

/// Paints a standing toddler whose head top is at `top` and feet end near `top + height`,
/// centred on column `cx`, with typical proportions.
pub fn standing_toddler(canvas: &mut Canvas, cx: f32, top: f32, height: f32) {
    let d = 6.0f32.to_radians();
    let fig = upright(Body::TYPICAL, [0.3, 0.3], -0.1, [d, d]);
    let [_, y0, _, _] = fig.bbox();
    fig.scaled(height)
        .translated(cx, top - y0 * height)
        .paint(canvas);
}

/// The built-in silhouette of the demo page and the tests: a standing toddler about 80 px tall.
pub fn demo_silhouette() -> Canvas {
    let mut canvas = Canvas::default();
    standing_toddler(&mut canvas, 63.0, 22.0, 80.0);
    canvas
}
