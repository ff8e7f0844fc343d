//! Exact Monte-Carlo inference: `n` passes, each with its own independent draw of every weight,
//! computed in a few batched device calls instead of `n` separate ones.
//!
//! On burn's CPU backend the passes run on the project's own kernels (`host/`: the weights drawn
//! in their layout, the same arithmetic, faster than burn's general ones); elsewhere, as burn
//! tensor operations:
//! the image is the same for every pass, so the first layer is one convolution of the image with
//! the `n` stacked kernel draws; the second is a grouped convolution (one group per draw); the
//! dense layer is a batched matrix product. On a GPU with large chunks both convolutions run
//! faster as matrix products over im2col columns ([`PassKernels`]). Chunks bound the memory of
//! the intermediate tensors.

//!
//! [`WeightDraws`] (`draws.rs`) holds a chunk's draws, [`ModelInput`] (`input.rs`) a checked
//! silhouette and the part of it the figure reaches, `forward.rs` the batched pass; this file
//! the chunk loops.

mod draws;
mod forward;
mod host;
mod input;

use burn::tensor::{Device, Tensor, TensorData};

use crate::error::RulerError;
use crate::model::BayesianCnn;

pub use draws::WeightDraws;
pub use forward::{
    PassKernels, forward_draws, forward_draws_dense, forward_draws_with, per_draw_conv_unfolded,
};
pub use host::{ARITHMETIC as CPU_ARITHMETIC, HostDraws, HostNetwork, sample_chunk_on_host};
pub use input::{ModelInput, check_sample_count, image_tensor};

/// Bytes of a WebGPU pass's largest intermediate: the first layer's output for a figure that
/// fills the frame, 16 · 128² floats (1 MiB) per pass.
pub const WEBGPU_BYTES_PER_PASS: u64 = 16 * 128 * 128 * 4;

/// Most passes per device call on WebGPU where storage-buffer bindings may hold `binding_bytes`
/// (the adapter's `maxStorageBufferBindingSize`, capped by its `maxBufferSize`: CubeCL asks for
/// the adapter's own limits): 15/16 of it in passes, at least 1, so that no chunk's buffer
/// exceeds the limit (that could fail silently). [`WEBGPU_MAX_CHUNK`] at WebGPU's guaranteed
/// 128 MiB.
pub const fn webgpu_max_chunk(binding_bytes: u64) -> usize {
    let passes = (binding_bytes / 16 * 15) / WEBGPU_BYTES_PER_PASS;
    if passes > 1 { passes as usize } else { 1 }
}

/// Most passes per device call on WebGPU when the adapter's limits are not known: what
/// WebGPU's guaranteed 128 MiB storage-buffer binding holds (120).
pub const WEBGPU_MAX_CHUNK: usize = webgpu_max_chunk(128 << 20);

/// Passes computed per device call by default: about 3 MB of intermediates per pass, so a chunk
/// stays near 100 MB, under WebGPU's default 128 MiB storage-buffer binding limit.
pub const DEFAULT_CHUNK: usize = 32;

/// Heights under `n` fresh independent weight draws (one chunk's worth of device work).
pub fn sample_chunk(model: &BayesianCnn, input: &ModelInput, n: usize) -> Tensor<1> {
    forward_draws(model, input, &WeightDraws::sample(model, n))
}

/// The CPU kernels for `model` when `device` is burn's CPU backend (and the network's layout is
/// one they cover): the faster way to sample there.
pub fn host_network_for(model: &BayesianCnn, device: &Device) -> Option<HostNetwork> {
    (*device == Device::flex())
        .then(|| HostNetwork::new(model).ok())
        .flatten()
}

/// Sizes of the chunks that make up `n` passes.
pub fn chunk_sizes(n: usize, chunk: usize) -> impl Iterator<Item = usize> {
    let chunk = chunk.max(1);
    (0..n.div_ceil(chunk)).map(move |i| chunk.min(n - i * chunk))
}

/// Native (synchronous) sampling of `n` heights, chunk by chunk.
pub fn sample_heights(
    model: &BayesianCnn,
    pixels: &[f32],
    n: usize,
    device: &Device,
) -> Result<Vec<f32>, RulerError> {
    let input = ModelInput::new(model, pixels, device)?;
    let host = host_network_for(model, device);
    let mut heights = Vec::with_capacity(n);
    for size in chunk_sizes(n, DEFAULT_CHUNK) {
        heights.extend(match &host {
            Some(host) => sample_chunk_on_host(host, &input, size, device)?,
            None => read_floats(sample_chunk(model, &input, size).into_data())?,
        });
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
    let input = ModelInput::new(model, pixels, device)?;
    let host = host_network_for(model, device);
    let mut heights = Vec::with_capacity(n);
    for size in chunk_sizes(n, DEFAULT_CHUNK) {
        if let Some(host) = &host {
            heights.extend(sample_chunk_on_host(host, &input, size, device)?);
            continue;
        }
        let data = sample_chunk(model, &input, size)
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
