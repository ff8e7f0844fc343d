//! Exact sampling on the CPU with the project's own kernels instead of burn's general ones: the
//! weights drawn in the kernels' layout (`draws.rs`), then the same arithmetic as
//! [`forward_draws`] (background skipped), a draw at a time on flat buffers that stay in cache,
//! with one vectorised inner loop (`block.rs`) for both convolutions. In the browser this is the
//! CPU path (the workers' and the page's); natively, `sample_heights` on the CPU. Given burn's
//! draws ([`HostDraws::read`]) it computes burn's heights, draw for draw (tested).
//!
//! [`forward_draws`]: super::forward_draws

mod block;
mod draws;
mod layers;

use super::{ModelInput, read_floats};
use burn::tensor::Device;

use crate::error::RulerError;
use crate::model::BayesianCnn;
pub use block::ARITHMETIC;
use block::{LANES, MARGIN, ROWS, Taps};
pub use draws::HostDraws;
use draws::{Posterior, chunk_seed};
use layers::{Change, Layer2Input, convolve, head, row_stride};

/// The network's fixed parts in host memory: biases, shapes and the output's offset and scale.
#[derive(Debug, Clone)]
pub struct HostNetwork {
    conv1_bias: Vec<f32>,
    conv2_bias: Vec<f32>,
    dense_bias: f32,
    kernel: usize,
    pool: usize,
    /// Side of layer 2's input and output (the first pool's cells).
    cells: usize,
    output_offset: f32,
    output_scale: f32,
    posterior: [Posterior; 3],
}

/// The zero-padded image under the figure's first-layer cells, flat and row-major (as
/// `FigureCrop::pixels`), with [`MARGIN`] zeros after it.
#[derive(Debug, Clone)]
pub(super) struct HostCrop {
    pub(super) data: Vec<f32>,
    pub(super) width: usize,
    /// Cells covered: rows × cols, starting at first-layer cell (row0, col0).
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) row0: usize,
    pub(super) col0: usize,
    /// The first layer's taps over `data`: (dy, dx) at dy·width + dx.
    taps: Taps,
}

impl HostCrop {
    /// The crop from the 126×126 pixels, framed by `frame` and padded by `reach`: cells
    /// `[row0, row1] × [col0, col1]` of side `pool`.
    pub(super) fn new(
        pixels: &[f32],
        side: usize,
        frame: usize,
        reach: usize,
        pool: usize,
        cells: [usize; 4],
    ) -> Self {
        let [row0, row1, col0, col1] = cells;
        let (rows, cols) = (row1 - row0 + 1, col1 - col0 + 1);
        let height = pool * rows + 2 * reach;
        let width = pool * cols + 2 * reach;
        let mut data = vec![0.0; height * width + MARGIN];
        let shift = (frame + reach) as isize;
        for y in 0..height {
            let image_row = (pool * row0 + y) as isize - shift;
            if !(0..side as isize).contains(&image_row) {
                continue;
            }
            for x in 0..width {
                let image_col = (pool * col0 + x) as isize - shift;
                if (0..side as isize).contains(&image_col) {
                    data[y * width + x] = pixels[image_row as usize * side + image_col as usize];
                }
            }
        }
        let k = 2 * reach + 1;
        Self {
            data,
            width,
            rows,
            cols,
            row0,
            col0,
            taps: Taps::new((0..k * k).map(|t| (t / k) * width + t % k).collect()),
        }
    }
}

impl HostNetwork {
    /// The fixed parts of `model` (on burn's CPU backend, where reading them is immediate).
    /// Refuses layouts the kernels do not cover: one input channel, a single output, filter
    /// counts that are multiples of 4, an odd kernel.
    pub fn new(model: &BayesianCnn) -> Result<Self, RulerError> {
        let [c1, c_in, k, _] = model.conv1.kernel.dims();
        let [c2, _, _, _] = model.conv2.kernel.dims();
        let [_, units] = model.dense.kernel.mu.dims();
        if c_in != 1 || units != 1 || c1 % ROWS != 0 || c2 % ROWS != 0 || k % 2 == 0 {
            return Err(RulerError::Weights(format!(
                "the CPU kernels need 1 input channel, 1 output and filter counts that are \
                 multiples of {ROWS} with an odd kernel; got {c_in} → {c1} → {c2} filters of \
                 {k}×{k}, {units} outputs"
            )));
        }
        let dense_bias = read_floats(model.dense.kernel.bias.val().to_data())?;
        Ok(Self {
            conv1_bias: read_floats(model.conv1.kernel.bias.val().to_data())?,
            conv2_bias: read_floats(model.conv2.kernel.bias.val().to_data())?,
            dense_bias: dense_bias[0],
            kernel: k,
            pool: model.pool,
            cells: model.input_side() / model.pool,
            output_offset: model.output_offset as f32,
            output_scale: model.output_scale as f32,
            posterior: Posterior::of(model)?,
        })
    }

    /// `n` fresh independent draws of every weight, into `draws`' buffers; the chunk's
    /// generator is seeded from burn's RNG on `device`.
    pub fn redraw(
        &self,
        draws: &mut HostDraws,
        n: usize,
        device: &Device,
    ) -> Result<(), RulerError> {
        draws.redraw(&self.posterior, n, chunk_seed(device)?);
        Ok(())
    }

    /// Heights under each of `draws`, exactly as `forward_draws` computes them (up to rounding).
    /// Draws of another network's shapes are refused.
    pub fn forward(&self, input: &ModelInput, draws: &HostDraws) -> Result<Vec<f32>, RulerError> {
        let k = self.kernel;
        let reach = k / 2;
        let (c1, c2) = (self.conv1_bias.len(), self.conv2_bias.len());
        let (size1, size2) = (c1 * k * k, c2 * c1 * k * k);
        let features = self.posterior[2].len();
        let n = draws.n;
        if [draws.conv1.len(), draws.conv2.len(), draws.dense.len()]
            != [n * size1, n * size2, n * features]
        {
            return Err(RulerError::InvalidInput(format!(
                "{n} draws of {} + {} + {} weights do not fit this network ({size1} + {size2} + {features} per draw)",
                draws.conv1.len(),
                draws.conv2.len(),
                draws.dense.len()
            )));
        }
        let crop = input.host_crop();
        let mut delta = crop.map(|c| Layer2Input::new(c1, c.rows, c.cols, reach));
        let out_shape = crop.map_or((0, 0), |c| self.change_shape(c));
        let width = row_stride(out_shape.1);
        let stride = out_shape.0 * width;
        let mut out = vec![0.0f32; c2 * stride];
        let heights = (0..n)
            .map(|i| {
                let conv2 = &draws.conv2[i * size2..][..size2];
                let dense = &draws.dense[i * features..][..features];
                let change = match (crop, delta.as_mut()) {
                    (Some(crop), Some(delta)) => {
                        let conv1 = &draws.conv1[i * size1..][..size1];
                        convolve(self, crop, (conv1, conv2), delta, out_shape, &mut out);
                        Some(Change {
                            values: &out,
                            stride,
                            row0: crop.row0 as isize - reach as isize,
                            col0: crop.col0 as isize - reach as isize,
                            rows: out_shape.0,
                            cols: out_shape.1,
                            width,
                        })
                    }
                    _ => None,
                };
                head(self, conv2, dense, change.as_ref())
            })
            .collect::<Vec<_>>();
        Ok(heights)
    }

    /// The multiply-adds one pass costs on `input` in these kernels: both convolutions over the
    /// figure's cells (in whole blocks of [`LANES`] positions, as computed), the background's
    /// per-draw channel sums and the dense layer. For the achieved rate in the benchmarks.
    pub fn multiply_adds(&self, input: &ModelInput) -> usize {
        let k = self.kernel;
        let taps = k * k;
        let (c1, c2) = (self.conv1_bias.len(), self.conv2_bias.len());
        let convolutions = input.host_crop().map_or(0, |crop| {
            let layer1 = self.pool * crop.rows * (self.pool * crop.cols).next_multiple_of(LANES);
            let (rows, cols) = self.change_shape(crop);
            layer1 * taps * c1 + rows * row_stride(cols) * c1 * taps * c2
        });
        convolutions + c2 * c1 * taps + self.posterior[2].len()
    }

    /// Rows and columns of layer 2's outputs that the figure over `crop` changes: r beyond its
    /// cells on every side.
    fn change_shape(&self, crop: &HostCrop) -> (usize, usize) {
        let reach = self.kernel / 2;
        (crop.rows + 2 * reach, crop.cols + 2 * reach)
    }
}

/// Heights under `n` fresh independent weight draws, drawn and computed on the host.
pub fn sample_chunk_on_host(
    host: &HostNetwork,
    input: &ModelInput,
    n: usize,
    device: &Device,
) -> Result<Vec<f32>, RulerError> {
    let mut draws = HostDraws::default();
    host.redraw(&mut draws, n, device)?;
    host.forward(input, &draws)
}
