//! The one inner loop of both convolutions on the CPU: a block of [`ROWS`] output channels ×
//! [`LANES`] neighbouring output positions, each the dot product of its kernel with the input
//! read at fixed offsets from the position.
//!
//! Both convolutions are written so that every tap (input channel c, row dy, column dx) is a
//! constant offset `c·plane + dy·width + dx` into a flat, row-major input; the positions of one
//! output row then read contiguous input, and [`LANES`] of them are two 128-bit vectors. The
//! loop is plain Rust that LLVM vectorises for wasm's SIMD128 and for SSE alike (one code path,
//! tested natively against burn's convolutions): fixed-size arrays keep the 8 accumulators in
//! registers, and each tap costs 2 input loads, 4 weight loads and 8 vector multiply-adds.

/// Output channels per block.
pub(super) const ROWS: usize = 4;

/// Output positions per block: two f32x4 vectors.
pub(super) const LANES: usize = 8;

/// Floats of zeros after every flat input, so that a block that starts at the last positions
/// may read [`LANES`] − 1 past the end of its row (its extra outputs are never used).
pub(super) const MARGIN: usize = 2 * LANES;

/// `acc[r][j] = Σ_t kernels[r][t] · input[base + offsets[t] + j]`.
#[inline(always)]
pub(super) fn dot_block(
    input: &[f32],
    base: usize,
    offsets: &[usize],
    kernels: [&[f32]; ROWS],
) -> [[f32; LANES]; ROWS] {
    let taps = offsets.len();
    let kernels = kernels.map(|k| &k[..taps]);
    let mut acc = [[0.0f32; LANES]; ROWS];
    for (t, &offset) in offsets.iter().enumerate() {
        let at = base + offset;
        let x: &[f32; LANES] = input[at..at + LANES]
            .try_into()
            .expect("a slice of LANES floats");
        for (row, kernel) in acc.iter_mut().zip(&kernels) {
            let w = kernel[t];
            for (a, &v) in row.iter_mut().zip(x) {
                *a += w * v;
            }
        }
    }
    acc
}
