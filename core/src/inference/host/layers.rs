//! The three stages of one pass on the CPU, for one weight draw: layer 1 over the figure's
//! cells, layer 2's change from the background, and the second pool with the dense layer. The
//! same arithmetic as `forward.rs` (which explains the background skipping), on flat buffers.

use super::block::{LANES, MARGIN, ROWS, Taps, dot_block};
use super::{HostCrop, HostNetwork};

/// Layer 2's zero-padded input D = layer-1 output − relu(bias) over the figure's cells: `c1`
/// planes of (rows + 4r) × (cols + 4r), so that a "valid" convolution gives every layer-2
/// output the figure changes (rows + 2r of them, from r above the cells to r below).
pub(super) struct Layer2Input {
    pub(super) data: Vec<f32>,
    pub(super) width: usize,
    plane: usize,
    pad: usize,
    /// Layer 2's taps over `data`: (c, dy, dx) at c·plane + dy·width + dx.
    taps: Taps,
}

impl Layer2Input {
    pub(super) fn new(channels: usize, rows: usize, cols: usize, reach: usize) -> Self {
        let pad = 2 * reach;
        let width = cols + 2 * pad;
        let plane = (rows + 2 * pad) * width;
        let k = 2 * reach + 1;
        let taps = (0..channels * k * k).map(|t| {
            let (c, tap) = (t / (k * k), t % (k * k));
            c * plane + (tap / k) * width + tap % k
        });
        Self {
            data: vec![0.0; channels * plane + MARGIN],
            width,
            plane,
            pad,
            taps: Taps::new(taps.collect()),
        }
    }

    fn set(&mut self, channel: usize, row: usize, col: usize, value: f32) {
        let at = channel * self.plane + (row + self.pad) * self.width + col + self.pad;
        self.data[at] = value;
    }
}

/// The four kernels of channel block `block`, each `taps` long.
fn block_kernels(kernels: &[f32], block: usize, taps: usize) -> [&[f32]; ROWS] {
    std::array::from_fn(|r| &kernels[(block * ROWS + r) * taps..][..taps])
}

/// Layers 1 and 2 for one draw: D from the crop into `delta`, then conv(D) into `out` (see
/// [`layer1`], [`layer2`]).
pub(super) fn convolve(
    net: &HostNetwork,
    crop: &HostCrop,
    (conv1, conv2): (&[f32], &[f32]),
    delta: &mut Layer2Input,
    out_shape: (usize, usize),
    out: &mut [f32],
) {
    // Safe on wasm: an engine without relaxed SIMD refuses the whole module when it compiles it.
    #[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
    convolve_fused(net, crop, (conv1, conv2), delta, out_shape, out);
    #[cfg(not(all(target_arch = "wasm32", feature = "relaxed-simd")))]
    {
        layer1(net, crop, conv1, delta);
        layer2(net, delta, out_shape, conv2, out);
    }
}

/// [`convolve`] compiled with relaxed SIMD, so that `dot_block`'s fused multiply-adds inline
/// into both loops.
#[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
#[target_feature(enable = "relaxed-simd")]
fn convolve_fused(
    net: &HostNetwork,
    crop: &HostCrop,
    (conv1, conv2): (&[f32], &[f32]),
    delta: &mut Layer2Input,
    out_shape: (usize, usize),
    out: &mut [f32],
) {
    layer1(net, crop, conv1, delta);
    layer2(net, delta, out_shape, conv2, out);
}

/// Layer 1 for one draw: conv + bias over the crop, the max of each pool cell, ReLU, minus the
/// background's relu(bias), written into `delta`. `kernels` is the draw's `[c1, 1, k, k]`.
#[inline(always)]
fn layer1(net: &HostNetwork, crop: &HostCrop, kernels: &[f32], delta: &mut Layer2Input) {
    let k = net.kernel;
    let pool = net.pool;
    let cols = pool * crop.cols; // output columns of the valid convolution
    let mut maxima = vec![[f32::NEG_INFINITY; ROWS]; crop.cols];
    for block in 0..net.conv1_bias.len() / ROWS {
        let rows = block_kernels(kernels, block, k * k);
        for cell_row in 0..crop.rows {
            maxima.fill([f32::NEG_INFINITY; ROWS]);
            for y in pool * cell_row..pool * (cell_row + 1) {
                for x0 in (0..cols).step_by(LANES) {
                    let acc = dot_block(&crop.data, y * crop.width + x0, &crop.taps, rows);
                    for j in 0..LANES.min(cols - x0) {
                        let cell = &mut maxima[(x0 + j) / pool];
                        for r in 0..ROWS {
                            cell[r] = cell[r].max(acc[r][j]);
                        }
                    }
                }
            }
            for (cell_col, cell) in maxima.iter().enumerate() {
                for (r, &m) in cell.iter().enumerate() {
                    let channel = block * ROWS + r;
                    let bias = net.conv1_bias[channel];
                    let value = (bias + m).max(0.0) - bias.max(0.0);
                    delta.set(channel, cell_row, cell_col, value);
                }
            }
        }
    }
}

/// conv(D) for one draw: `[c2, out_rows, stride(out_cols)]` (each row padded to whole blocks)
/// from the draw's `[c2, c1, k, k]` kernels.
#[inline(always)]
fn layer2(
    net: &HostNetwork,
    delta: &Layer2Input,
    (out_rows, out_cols): (usize, usize),
    kernels: &[f32],
    out: &mut [f32],
) {
    let k = net.kernel;
    let c1 = net.conv1_bias.len();
    let row_stride = row_stride(out_cols);
    let plane = out_rows * row_stride;
    for block in 0..net.conv2_bias.len() / ROWS {
        let rows = block_kernels(kernels, block, c1 * k * k);
        for y in 0..out_rows {
            for x0 in (0..out_cols).step_by(LANES) {
                let acc = dot_block(&delta.data, y * delta.width + x0, &delta.taps, rows);
                for (r, values) in acc.iter().enumerate() {
                    let at = (block * ROWS + r) * plane + y * row_stride + x0;
                    out[at..at + LANES].copy_from_slice(values);
                }
            }
        }
    }
}

/// Floats per row of layer 2's output: `cols` rounded up to whole blocks.
pub(super) fn row_stride(cols: usize) -> usize {
    cols.next_multiple_of(LANES)
}

/// The figure's change to layer 2 for one draw: `values[o]` is a `[rows, width]` map whose
/// (0, 0) is layer-2 position (`row0`, `col0`) (which may be negative: above or left of the frame).
pub(super) struct Change<'a> {
    pub(super) values: &'a [f32],
    pub(super) stride: usize,
    pub(super) row0: isize,
    pub(super) col0: isize,
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) width: usize,
}

/// conv(C) + bias for one draw, C the constant map of relu(layer-1 bias): one value per output
/// channel and (row class, column class), a class being the distance to a zero-padded border
/// (0 .. r − 1 from the top or left, r inside, r + 1 .. 2r towards the bottom or right).
fn background(net: &HostNetwork, kernels: &[f32]) -> Vec<f32> {
    let k = net.kernel;
    let reach = k / 2;
    let taps = k * k;
    let c1 = net.conv1_bias.len();
    let side = 2 * reach + 1;
    let mut values = Vec::with_capacity(net.conv2_bias.len() * side * side);
    for (o, &bias) in net.conv2_bias.iter().enumerate() {
        // Each tap's weight summed over the input channels, weighted by their constant value.
        let mut tap_sums = vec![0.0f32; taps];
        for c in 0..c1 {
            let floor = net.conv1_bias[c].max(0.0);
            let kernel = &kernels[(o * c1 + c) * taps..][..taps];
            for (s, &w) in tap_sums.iter_mut().zip(kernel) {
                *s += floor * w;
            }
        }
        // Tap (dy, dx) lands inside the map at class (cy, cx) when cy + dy − r is in 0..=2r.
        let inside = |class: usize, d: usize| (reach..=3 * reach).contains(&(class + d));
        for cy in 0..side {
            for cx in 0..side {
                let mut value = bias;
                for (t, &s) in tap_sums.iter().enumerate() {
                    if inside(cy, t / k) && inside(cx, t % k) {
                        value += s;
                    }
                }
                values.push(value);
            }
        }
    }
    values
}

/// The second pool and the dense layer for one draw: the height in pixels. Each channel's
/// layer-2 map is written out whole (rows copied from one template per border class, the
/// figure's change added row by row), then pooled: plain loops over contiguous rows.
pub(super) fn head(
    net: &HostNetwork,
    conv2: &[f32],
    dense: &[f32],
    change: Option<&Change<'_>>,
) -> f32 {
    let k = net.kernel;
    let reach = k / 2;
    let side = 2 * reach + 1;
    let pool = net.pool;
    let cells = net.cells;
    let pooled_side = cells / pool;
    let used = pooled_side * pool;
    let background = background(net, conv2);
    let class = |i: usize| {
        if i < reach {
            i
        } else if i >= cells - reach {
            i + side - cells
        } else {
            reach
        }
    };
    // The change's rows and columns inside 0 .. used, as ranges of layer 2 and of the change.
    let clip = |first: isize, count: usize| {
        let start = first.max(0) as usize;
        let end = (first + count as isize).clamp(0, used as isize) as usize;
        (start, end.max(start), (start as isize - first) as usize)
    };
    let mut templates = vec![0.0f32; side * used];
    let mut map = vec![0.0f32; used * used];
    let mut pooled_row = vec![0.0f32; used];
    let mut sum = net.dense_bias;
    for o in 0..net.conv2_bias.len() {
        let constants = &background[o * side * side..][..side * side];
        for (cy, template) in templates.chunks_exact_mut(used).enumerate() {
            for (x, t) in template.iter_mut().enumerate() {
                *t = constants[cy * side + class(x)];
            }
        }
        for (y, row) in map.chunks_exact_mut(used).enumerate() {
            row.copy_from_slice(&templates[class(y) * used..][..used]);
        }
        if let Some(c) = change {
            let (y0, y1, dy0) = clip(c.row0, c.rows);
            let (x0, x1, dx0) = clip(c.col0, c.cols);
            for y in y0..y1 {
                let from = &c.values[o * c.stride + (y - y0 + dy0) * c.width + dx0..][..x1 - x0];
                for (m, &d) in map[y * used + x0..y * used + x1].iter_mut().zip(from) {
                    *m += d;
                }
            }
        }
        let weights = &dense[o * pooled_side * pooled_side..][..pooled_side * pooled_side];
        for (pi, band) in map.chunks_exact(pool * used).enumerate() {
            pooled_row.copy_from_slice(&band[..used]);
            for row in band.chunks_exact(used).skip(1) {
                for (p, &v) in pooled_row.iter_mut().zip(row) {
                    *p = p.max(v);
                }
            }
            for (pj, cell) in pooled_row.chunks_exact(pool).enumerate() {
                let m = cell.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                sum += m.max(0.0) * weights[pi * pooled_side + pj];
            }
        }
    }
    sum * net.output_scale + net.output_offset
}
