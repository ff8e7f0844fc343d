//! Exact Monte-Carlo inference: `n` passes, each with its own independent draw of every weight,
//! computed in a few batched device calls instead of `n` separate ones.
//!
//! The image is the same for every pass, so the first layer is one convolution of the image with
//! the `n` stacked kernel draws; the second is a grouped convolution (one group per draw); the
//! dense layer is a batched matrix product. Chunks bound the memory of the intermediate tensors.

use burn::tensor::activation::relu;
use burn::tensor::module::conv2d;
use burn::tensor::{Device, Tensor, TensorData};

use crate::constants::{IMAGE_PIXELS, IMAGE_SIDE, MAX_SAMPLES};
use crate::error::RulerError;
use crate::model::{BayesianCnn, Kernels};

/// Passes computed per device call by default: about 3 MB of intermediates per pass, so a chunk
/// stays near 100 MB, under WebGPU's default 128 MiB storage-buffer binding limit.
pub const DEFAULT_CHUNK: usize = 32;

/// `n` independent draws of every kernel of the network.
#[derive(Debug, Clone)]
pub struct WeightDraws {
    /// `[n, c1, 1, k, k]`.
    pub conv1: Tensor<5>,
    /// `[n, c2, c1, k, k]`.
    pub conv2: Tensor<5>,
    /// `[n, features, 1]`.
    pub dense: Tensor<3>,
}

impl WeightDraws {
    /// Draws `n` full weight samples from the posterior.
    pub fn sample(model: &BayesianCnn, n: usize) -> Self {
        Self {
            conv1: model.conv1.kernel.sample(n),
            conv2: model.conv2.kernel.sample(n),
            dense: model.dense.kernel.sample(n),
        }
    }

    /// Number of draws.
    pub fn len(&self) -> usize {
        self.conv1.dims()[0]
    }

    /// Whether there are no draws.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Draw `i` as an ordinary weight set.
    pub fn get(&self, i: usize) -> Kernels {
        Kernels {
            conv1: self
                .conv1
                .clone()
                .slice_dim(0, i..i + 1)
                .squeeze_dim::<4>(0),
            conv2: self
                .conv2
                .clone()
                .slice_dim(0, i..i + 1)
                .squeeze_dim::<4>(0),
            dense: self
                .dense
                .clone()
                .slice_dim(0, i..i + 1)
                .squeeze_dim::<2>(0),
        }
    }

    /// The same draws on another device (through host memory, so any pair of backends works).
    pub fn to_device(&self, device: &Device) -> Self {
        let move5 = |t: &Tensor<5>| Tensor::<5>::from_data(t.to_data(), device);
        Self {
            conv1: move5(&self.conv1),
            conv2: move5(&self.conv2),
            dense: Tensor::<3>::from_data(self.dense.to_data(), device),
        }
    }
}

/// Repeats a per-channel bias once per draw: `[c]` → `[n·c]`, matching stacked kernels.
fn tile_bias(bias: Tensor<1>, n: usize) -> Tensor<1> {
    let [c] = bias.dims();
    bias.unsqueeze_dim::<2>(0).repeat_dim(0, n).reshape([n * c])
}

/// Heights `[n]` of one image `[1, 1, 126, 126]` under each of the `n` weight draws.
pub fn forward_draws(model: &BayesianCnn, image: Tensor<4>, draws: &WeightDraws) -> Tensor<1> {
    let n = draws.len();
    let [_, c1, c_in, k, _] = draws.conv1.dims();
    let [_, c2, _, _, _] = draws.conv2.dims();
    let [_, features, units] = draws.dense.dims();

    // Layer 1: every draw sees the same image, so the n·c1 kernels form one ordinary convolution.
    let w1 = draws.conv1.clone().reshape([n * c1, c_in, k, k]);
    let b1 = tile_bias(model.conv1.kernel.bias.val(), n);
    let x = conv2d(image, w1, Some(b1), model.conv1.kernel.options(1));
    let x = model.max_pool(relu(x));

    // Layer 2: draw i's channels only meet draw i's kernels: a grouped convolution, n groups.
    let w2 = draws.conv2.clone().reshape([n * c2, c1, k, k]);
    let b2 = tile_bias(model.conv2.kernel.bias.val(), n);
    let x = conv2d(x, w2, Some(b2), model.conv2.kernel.options(n));
    let x = model.max_pool(relu(x));

    // Dense: [n, 1, features] × [n, features, units], one matrix per draw.
    let x = x.reshape([n, 1, features]);
    let out = x.matmul(draws.dense.clone()).reshape([n, units]);
    let out = out + model.dense.kernel.bias.val().unsqueeze_dim::<2>(0);
    model.to_pixels(out.reshape([n * units]))
}

/// Heights under `n` fresh independent weight draws (one chunk's worth of device work).
pub fn sample_chunk(model: &BayesianCnn, image: Tensor<4>, n: usize) -> Tensor<1> {
    forward_draws(model, image, &WeightDraws::sample(model, n))
}

/// Sizes of the chunks that make up `n` passes.
pub fn chunk_sizes(n: usize, chunk: usize) -> impl Iterator<Item = usize> {
    let chunk = chunk.max(1);
    (0..n.div_ceil(chunk)).map(move |i| chunk.min(n - i * chunk))
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

/// Native (synchronous) sampling of `n` heights, chunk by chunk.
pub fn sample_heights(
    model: &BayesianCnn,
    pixels: &[f32],
    n: usize,
    device: &Device,
) -> Result<Vec<f32>, RulerError> {
    let image = image_tensor(pixels, device)?;
    let mut heights = Vec::with_capacity(n);
    for size in chunk_sizes(n, DEFAULT_CHUNK) {
        let chunk = sample_chunk(model, image.clone(), size);
        heights.extend(read_floats(chunk.into_data())?);
    }
    Ok(heights)
}

/// Like [`sample_heights`] with asynchronous readback, as WebGPU in the browser requires.
pub async fn sample_heights_async(
    model: &BayesianCnn,
    pixels: &[f32],
    n: usize,
    device: &Device,
) -> Result<Vec<f32>, RulerError> {
    let image = image_tensor(pixels, device)?;
    let mut heights = Vec::with_capacity(n);
    for size in chunk_sizes(n, DEFAULT_CHUNK) {
        let data = sample_chunk(model, image.clone(), size)
            .into_data_async()
            .await
            .map_err(|e| RulerError::Device(format!("failed to read the samples: {e:?}")))?;
        heights.extend(read_floats(data)?);
    }
    Ok(heights)
}

/// Converts read-back data to `f32`s.
pub fn read_floats(data: TensorData) -> Result<Vec<f32>, RulerError> {
    data.try_into_vec::<f32>()
        .map_err(|e| RulerError::Device(format!("unexpected result data: {e:?}")))
}
