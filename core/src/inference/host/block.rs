//! The one inner loop of both convolutions on the CPU: a block of [`ROWS`] output channels ×
//! [`LANES`] neighbouring output positions, each the dot product of its kernel with the input
//! read at fixed offsets from the position.
//!
//! Both convolutions are written so that every tap (input channel c, row dy, column dx) is a
//! constant offset `c·plane + dy·width + dx` into a flat, row-major input; the positions of one
//! output row then read contiguous input, and [`LANES`] of them are two 128-bit vectors. Each
//! tap costs 2 input loads, 4 weight loads and 8 vector multiply-adds, the 8 accumulators
//! staying in registers; its reads are bounds-checked once per block ([`Taps`]).
//!
//! A row's arithmetic is the `lanes` module: plain loops that LLVM vectorises for wasm's
//! SIMD128 and for SSE alike, or, built with the `relaxed-simd` feature for wasm (the page's
//! third module, chosen where the browser validates relaxed SIMD), `f32x4.relaxed_madd`: a fused
//! multiply-add where the CPU has one (one instruction and one rounding instead of two). Rust
//! does not contract `a * b + c` by itself, so that one is written with explicit vectors. The
//! feature is not a global `-C target-feature` (burn's macerator does not compile with one):
//! the two convolutions are compiled with it (`layers::convolve`), and everything they call
//! inlines into them. Both are tested against burn's convolutions: the plain loops natively and
//! in Chromium and Firefox, the fused ones in Chromium.

/// How this build's CPU kernels multiply and add: "relaxed-simd" (wasm with relaxed SIMD: fused
/// multiply-adds), "simd128" (wasm SIMD) or "native" (LLVM's vectorisation for the host CPU).
pub const ARITHMETIC: &str = if cfg!(all(target_arch = "wasm32", feature = "relaxed-simd")) {
    "relaxed-simd"
} else if cfg!(target_arch = "wasm32") {
    "simd128"
} else {
    "native"
};

/// Output channels per block.
pub(super) const ROWS: usize = 4;

/// Output positions per block: two f32x4 vectors.
pub(super) const LANES: usize = 8;

/// Floats of zeros after every flat input, so that a block that starts at the last positions
/// may read [`LANES`] − 1 past the end of its row (its extra outputs are never used).
pub(super) const MARGIN: usize = 2 * LANES;

/// A convolution's taps: their offsets into its flat input and the furthest of them, so that a
/// block checks its reads once instead of at every tap.
#[derive(Debug, Clone)]
pub(super) struct Taps {
    offsets: Vec<usize>,
    furthest: usize,
}

impl Taps {
    pub(super) fn new(offsets: Vec<usize>) -> Self {
        let furthest = offsets.iter().copied().max().unwrap_or(0);
        Self { offsets, furthest }
    }

    pub(super) fn len(&self) -> usize {
        self.offsets.len()
    }

    /// The [`LANES`] floats of `input` from `base + offset` for each tap, after one check that
    /// the furthest of them lies inside `input`.
    #[inline(always)]
    fn windows<'a>(
        &'a self,
        input: &'a [f32],
        base: usize,
    ) -> impl Iterator<Item = &'a [f32; LANES]> {
        assert!(
            base + self.furthest + LANES <= input.len(),
            "a block reads past its input"
        );
        self.offsets.iter().map(move |&offset| {
            // SAFETY: base + offset + LANES ≤ base + furthest + LANES ≤ input.len() (checked
            // above; `furthest` is the largest offset, set with them in `new`).
            unsafe { &*input.as_ptr().add(base + offset).cast::<[f32; LANES]>() }
        })
    }
}

/// `acc[r][j] = Σ_t kernels[r][t] · input[base + offsets[t] + j]`, with `taps`' offsets.
#[inline(always)]
pub(super) fn dot_block(
    input: &[f32],
    base: usize,
    taps: &Taps,
    kernels: [&[f32]; ROWS],
) -> [[f32; LANES]; ROWS] {
    let kernels = kernels.map(|k| &k[..taps.len()]);
    let mut acc = [lanes::ZERO; ROWS];
    for (t, x) in taps.windows(input, base).enumerate() {
        let x = lanes::load(x);
        for (row, kernel) in acc.iter_mut().zip(&kernels) {
            lanes::madd(row, kernel[t], &x);
        }
    }
    acc.map(lanes::floats)
}

/// A block row's arithmetic on [`LANES`] positions: plain loops that LLVM vectorises (SIMD128,
/// SSE), a multiply and an add per lane.
#[cfg(not(all(target_arch = "wasm32", feature = "relaxed-simd")))]
mod lanes {
    use super::LANES;

    pub(super) type Row = [f32; LANES];
    pub(super) const ZERO: Row = [0.0; LANES];

    #[inline(always)]
    pub(super) fn load(x: &[f32; LANES]) -> Row {
        *x
    }

    /// `acc += w · x`, lane by lane.
    #[inline(always)]
    pub(super) fn madd(acc: &mut Row, w: f32, x: &Row) {
        for (a, &v) in acc.iter_mut().zip(x) {
            *a += w * v;
        }
    }

    #[inline(always)]
    pub(super) fn floats(acc: Row) -> [f32; LANES] {
        acc
    }
}

/// The same with relaxed SIMD's `f32x4.relaxed_madd`: two vectors per row, one fused
/// multiply-add each where the CPU has FMA.
#[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
mod lanes {
    use super::LANES;
    use core::arch::wasm32::{f32x4, f32x4_extract_lane, f32x4_relaxed_madd, f32x4_splat, v128};

    pub(super) type Row = [v128; 2];
    pub(super) const ZERO: Row = [f32x4(0.0, 0.0, 0.0, 0.0); 2];

    /// Four contiguous lanes each: LLVM makes them two v128.loads.
    #[inline(always)]
    pub(super) fn load(x: &[f32; LANES]) -> Row {
        [f32x4(x[0], x[1], x[2], x[3]), f32x4(x[4], x[5], x[6], x[7])]
    }

    /// `acc += w · x`, fused.
    #[inline(always)]
    pub(super) fn madd(acc: &mut Row, w: f32, x: &Row) {
        let w = f32x4_splat(w);
        acc[0] = f32x4_relaxed_madd(w, x[0], acc[0]);
        acc[1] = f32x4_relaxed_madd(w, x[1], acc[1]);
    }

    #[inline(always)]
    pub(super) fn floats([low, high]: Row) -> [f32; LANES] {
        let four = |v: v128| {
            [
                f32x4_extract_lane::<0>(v),
                f32x4_extract_lane::<1>(v),
                f32x4_extract_lane::<2>(v),
                f32x4_extract_lane::<3>(v),
            ]
        };
        let (l, h) = (four(low), four(high));
        [l[0], l[1], l[2], l[3], h[0], h[1], h[2], h[3]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_sums_its_taps_and_refuses_to_read_past_its_input() {
        let input: Vec<f32> = (0..40).map(|i| i as f32).collect();
        let taps = Taps::new(vec![0, 3, 17]);
        let kernels = [
            &[1.0, 0.0, 0.0][..],
            &[0.0, 1.0, 0.0],
            &[0.0, 0.0, 1.0],
            &[1.0, 1.0, 1.0],
        ];
        let acc = dot_block(&input, 2, &taps, kernels);
        let at = |offset: usize, j: usize| (2 + offset + j) as f32;
        let expected: [[f32; LANES]; ROWS] = [
            std::array::from_fn(|j| at(0, j)),
            std::array::from_fn(|j| at(3, j)),
            std::array::from_fn(|j| at(17, j)),
            std::array::from_fn(|j| at(0, j) + at(3, j) + at(17, j)),
        ];
        assert_eq!(acc, expected);
        // The furthest tap from base 16 would read floats 33..41 of 40.
        let past = std::panic::catch_unwind(|| dot_block(&input, 16, &taps, kernels));
        assert!(past.is_err());
    }
}
