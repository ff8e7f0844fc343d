//! Silhouettes that exercise every path of the batched pass, shared by the tests of both CPU
//! implementations.

use bayes_ruler_silhouettes::demo_silhouette;

/// Figures that exercise every path of the batched pass: the demo toddler, figures touching
/// each border and corner (zero padding meets the figure), a single pixel, an empty frame, a
/// full frame of noise (no background to skip).
pub fn test_images() -> Vec<(&'static str, Vec<f32>)> {
    let side = 126;
    let rect = |r0: usize, r1: usize, c0: usize, c1: usize| {
        let mut p = vec![0.0; side * side];
        for r in r0..=r1 {
            for c in c0..=c1 {
                p[r * side + c] = 1.0;
            }
        }
        p
    };
    let mut noise = vec![0.0; side * side];
    let mut state = 12345u64;
    for p in noise.iter_mut() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *p = (state >> 63) as f32;
    }
    vec![
        ("demo", demo_silhouette().into_pixels()),
        ("top-left", rect(0, 30, 0, 9)),
        ("bottom-right", rect(100, 125, 117, 125)),
        ("right edge, middle", rect(50, 80, 120, 125)),
        ("single pixel", rect(63, 63, 2, 2)),
        ("last rows only", rect(124, 125, 40, 60)),
        ("empty", vec![0.0; side * side]),
        ("noise", noise),
    ]
}
