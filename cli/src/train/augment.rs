//! Label-preserving augmentation: mirror, move and (optionally) rescale an example, its height
//! measured again.

use bayes_ruler_core::constants::IMAGE_SIDE;
use bayes_ruler_silhouettes::{Example, Rng, figure_extent};

/// A variant of an example: rescaled by a random factor, log-uniform in `[1/max_scale, max_scale]`
/// but never larger than what fits the frame (nearest-neighbour, so the silhouette stays binary), mirrored left–right with
/// probability ½ and moved to a random position where the whole figure stays in the frame. The
/// label is measured again on the result (a mirror or a move changes no row count; a rescale
/// does). `max_scale` = 1 keeps the size: only mirror and move.
pub fn augment(example: &Example, max_scale: f32, rng: &mut Rng) -> Example {
    let side = IMAGE_SIDE;
    let Some([r0, r1, c0, c1]) = figure_extent(&example.pixels, side) else {
        return example.clone();
    };
    let (h, w) = (r1 - r0 + 1, c1 - c0 + 1);
    // The largest factor that still fits the frame with the generated data's 1-px margin, and a
    // random one up to it.
    let fits = ((side - 2) as f32 / h.max(w) as f32).min(max_scale.max(1.0));
    let lo = max_scale.max(1.0).recip().ln();
    let scale = if max_scale > 1.0 {
        rng.range(lo, fits.ln().max(lo)).exp()
    } else {
        1.0
    };
    let (nh, nw) = (
        ((h as f32 * scale).round() as usize).clamp(1, side),
        ((w as f32 * scale).round() as usize).clamp(1, side),
    );
    let mirror = rng.chance(0.5);
    let top = rng.below(side - nh + 1);
    let left = rng.below(side - nw + 1);
    let mut pixels = vec![0.0; side * side];
    for r in 0..nh {
        let sr = r0 + (r * h / nh).min(h - 1);
        for c in 0..nw {
            let sc = (c * w / nw).min(w - 1);
            let sc = if mirror { c1 - sc } else { c0 + sc };
            pixels[(top + r) * side + left + c] = example.pixels[sr * side + sc];
        }
    }
    let height =
        figure_extent(&pixels, side).map_or(example.height, |[a, b, _, _]| (b - a + 1) as f32);
    Example {
        pixels,
        height,
        kind: example.kind,
    }
}
