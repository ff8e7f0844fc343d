//! What a pass may be asked: a checked silhouette (and the part of it the figure reaches), a
//! checked number of passes.

use burn::tensor::{Device, Tensor, TensorData};

use super::host::HostCrop;
use crate::constants::{IMAGE_PIXELS, IMAGE_SIDE, MAX_SAMPLES};
use crate::error::RulerError;
use crate::model::BayesianCnn;

/// A silhouette ready for [`forward_draws`]: the block of first-layer pool cells the figure can
/// reach, and the zero-padded image under them.
#[derive(Debug, Clone)]
pub struct ModelInput {
    /// `None` for an image without figure pixels (every pass then sees only background).
    pub(super) figure: Option<FigureCrop>,
}

/// The part of the image the figure's cells see.
#[derive(Debug, Clone)]
pub(super) struct FigureCrop {
    /// `[row_lo, row_hi, col_lo, col_hi]` of the first pool's cells that are not constant.
    pub(super) cells: [usize; 4],
    /// The zero-padded image over those cells: `[1, c_in, pool·rows + 2r, pool·cols + 2r]`.
    pub(super) pixels: Tensor<4>,
    /// The same pixels in host memory, for the CPU kernels.
    pub(super) host: HostCrop,
}

impl ModelInput {
    /// Checks the pixels (see [`image_tensor`]) and finds the figure's bounding box.
    pub fn new(model: &BayesianCnn, pixels: &[f32], device: &Device) -> Result<Self, RulerError> {
        let image = model.framed(image_tensor(pixels, device)?);
        let [_, _, k, _] = model.conv1.kernel.dims();
        let reach = k / 2;
        let pool = model.pool;
        let cells = model.input_side() / pool;
        let figure = |i: usize| pixels[i] != 0.0;
        // Rows and columns of the framed image.
        let rows: Vec<usize> = (0..IMAGE_SIDE)
            .filter(|&r| (0..IMAGE_SIDE).any(|c| figure(r * IMAGE_SIDE + c)))
            .map(|r| r + model.frame)
            .collect();
        let cols: Vec<usize> = (0..IMAGE_SIDE)
            .filter(|&c| (0..IMAGE_SIDE).any(|r| figure(r * IMAGE_SIDE + c)))
            .map(|c| c + model.frame)
            .collect();
        let figure = match (rows.first(), rows.last(), cols.first(), cols.last()) {
            (Some(&r0), Some(&r1), Some(&c0), Some(&c1)) => {
                let [a0, a1] = cell_range(r0, r1, pool, reach, cells);
                let [b0, b1] = cell_range(c0, c1, pool, reach, cells);
                // Padded rows pool·a0 .. pool·(a1 + 1) + 2r feed those cells' windows.
                let crop = image
                    .pad([(reach, reach), (reach, reach)], 0.0)
                    .narrow(2, pool * a0, pool * (a1 - a0 + 1) + 2 * reach)
                    .narrow(3, pool * b0, pool * (b1 - b0 + 1) + 2 * reach);
                let cells = [a0, a1, b0, b1];
                let host = HostCrop::new(pixels, IMAGE_SIDE, model.frame, reach, pool, cells);
                Some(FigureCrop {
                    cells,
                    pixels: crop,
                    host,
                })
            }
            _ => None,
        };
        Ok(Self { figure })
    }

    /// The figure's crop in host memory (`None` without figure pixels).
    pub(super) fn host_crop(&self) -> Option<&HostCrop> {
        self.figure.as_ref().map(|f| &f.host)
    }
}

/// Rows (or columns) `[lo, hi]` of the first pool's cells whose 5×5 conv windows can see the
/// figure; every other cell holds relu(bias), the same for every draw.
fn cell_range(first: usize, last: usize, pool: usize, reach: usize, cells: usize) -> [usize; 2] {
    let lo = (first + 1).saturating_sub(pool + reach).div_ceil(pool);
    let hi = ((last + reach) / pool).min(cells - 1);
    [lo, hi]
}

/// Checks a silhouette (126×126, row-major, figure = 1, background = 0) and makes it a
/// `[1, 1, 126, 126]` tensor on `device`.
pub fn image_tensor(pixels: &[f32], device: &Device) -> Result<Tensor<4>, RulerError> {
    if pixels.len() != IMAGE_PIXELS {
        return Err(RulerError::InvalidInput(format!(
            "the silhouette must have {IMAGE_SIDE}×{IMAGE_SIDE} = {IMAGE_PIXELS} pixels, got {}",
            pixels.len()
        )));
    }
    if let Some((i, v)) = pixels
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_finite() || !(0.0..=1.0).contains(*v))
    {
        return Err(RulerError::InvalidInput(format!(
            "pixel {i} (row {}, column {}) is {v}; expected a value in [0, 1] \
             (figure = 1, background = 0)",
            i / IMAGE_SIDE,
            i % IMAGE_SIDE
        )));
    }
    let data = TensorData::new(pixels.to_vec(), [1, 1, IMAGE_SIDE, IMAGE_SIDE]);
    Ok(Tensor::from_data(data, device))
}

/// Checks a requested number of passes: an integer in 1..=MAX_SAMPLES.
pub fn check_sample_count(n: f64) -> Result<usize, RulerError> {
    if !n.is_finite() || n.fract() != 0.0 || n < 1.0 || n > MAX_SAMPLES as f64 {
        return Err(RulerError::InvalidInput(format!(
            "the number of samples must be an integer from 1 to {MAX_SAMPLES}, got {n}"
        )));
    }
    Ok(n as usize)
}
