//! New noise paths from idle channels: outlier exposure that cannot widen the children.
//!
//! Outlier exposure on the whole network widened the children's spread with the negatives'
//! (trained/README.md): the noisy paths that fire on a negative are the children's own. The
//! trained network has second-layer filters it does not use: switched off by their biases, their
//! dense weights still at the N(0, 1) prior. Such a channel is a ready-made path for doubt: if
//! it fires, the output gets the noise of 64 dense weights of σ ≈ 0.8. Here those filters start
//! afresh (TFP's initial posterior) and only they, with their dense weights, are trained; every
//! other weight is frozen, so a child's answers can change only where a revived filter fires on
//! it, which its MSE punishes, while the negatives' hinge rewards firing on them.

use burn::module::Param;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Distribution, Tensor, TensorData};

use bayes_ruler_core::layers::PosteriorInit;
use bayes_ruler_core::model::BayesianCnn;

/// A conv2 channel is idle when its dense weights' mean σ is above this: the dense layer has
/// learnt nothing from it (the prior's σ is 1; the channels the network uses sit at 0.03–0.33).
pub const IDLE_DENSE_SIGMA: f32 = 0.75;

/// The conv2 channels whose dense weights sit near the prior.
pub fn idle_channels(model: &BayesianCnn) -> Vec<usize> {
    let channels = model.conv2.kernel.dims()[0];
    let per_channel = model.dense.kernel.dims()[0] / channels;
    let sigma: Vec<f32> = model
        .dense
        .kernel
        .sigma()
        .reshape([channels, per_channel])
        .mean_dim(1)
        .into_data()
        .iter::<f32>()
        .collect();
    (0..channels)
        .filter(|&c| sigma[c] > IDLE_DENSE_SIGMA)
        .collect()
}

/// 1 on the rows of `channels` (the first axis, `row_len` values each), 0 elsewhere.
fn row_mask(rows: usize, row_len: usize, channels: &[usize]) -> Vec<f32> {
    (0..rows * row_len)
        .map(|i| f32::from(channels.contains(&(i / row_len))))
        .collect()
}

fn mask_tensor<const D: usize>(
    shape: [usize; D],
    channels: &[usize],
    device: &Device,
) -> Tensor<D> {
    let row_len = shape[1..].iter().product();
    Tensor::from_data(
        TensorData::new(row_mask(shape[0], row_len, channels), shape),
        device,
    )
}

/// Replaces a parameter's rows of `channels` by `fresh`'s, keeping its id.
fn replace_rows<const D: usize>(
    param: Param<Tensor<D>>,
    fresh: Tensor<D>,
    channels: &[usize],
) -> Param<Tensor<D>> {
    param.map(|old| {
        let device = old.device();
        let fresh_rows = mask_tensor(old.dims(), channels, &device);
        let mixed = old.detach() * fresh_rows.clone().neg().add_scalar(1.0) + fresh * fresh_rows;
        // Through the data: a fresh leaf of the graph, as a parameter must be.
        Tensor::from_data(mixed.into_data(), &device).require_grad()
    })
}

/// The model with the conv2 filters of `channels` drawn afresh from TFP's initial posterior
/// (mu ~ N(0, 0.1), rho ~ N(−3, 0.1), bias 0); their dense weights are kept (at the prior).
pub fn revive(model: BayesianCnn, channels: &[usize]) -> BayesianCnn {
    let init = PosteriorInit::new();
    let mut model = model;
    let kernel = &mut model.conv2.kernel;
    let shape = kernel.dims();
    let device = kernel.mu.val().device();
    let normal = |mean, std| Tensor::random(shape, Distribution::Normal(mean, std), &device);
    kernel.mu = replace_rows(
        kernel.mu.clone(),
        normal(init.mu_mean, init.mu_std),
        channels,
    );
    kernel.rho = replace_rows(
        kernel.rho.clone(),
        normal(init.rho_mean, init.rho_std),
        channels,
    );
    kernel.bias = replace_rows(
        kernel.bias.clone(),
        Tensor::zeros([shape[0]], &device),
        channels,
    );
    model
}

/// The gradients of a step restricted to the revived channels: their conv2 filters and biases
/// and the dense weights they feed. The other rows of those parameters get a zero gradient and
/// every other parameter none, so Adam leaves them exactly as they were (moments 0, steps 0).
pub fn revived_gradients(
    grads: burn::tensor::Gradients,
    model: &BayesianCnn,
    channels: &[usize],
) -> GradientsParams {
    let conv = &model.conv2.kernel;
    let dense = &model.dense.kernel;
    let ids = [
        conv.mu.id,
        conv.rho.id,
        conv.bias.id,
        dense.mu.id,
        dense.rho.id,
    ];
    let mut grads = grads;
    let mut params = GradientsParams::from_params(&mut grads, model, &ids);
    let per_channel = dense.dims()[0] / conv.dims()[0];
    fn masked<const D: usize>(
        params: &mut GradientsParams,
        id: burn::module::ParamId,
        rows: &[usize],
    ) {
        if let Some(g) = params.remove::<D>(id) {
            let mask = mask_tensor(g.dims(), rows, &g.device());
            params.register(id, g * mask);
        }
    }
    masked::<4>(&mut params, conv.mu.id, channels);
    masked::<4>(&mut params, conv.rho.id, channels);
    masked::<1>(&mut params, conv.bias.id, channels);
    // The dense layer's `[features, 1]` rows are channel-major: channel c owns rows
    // c · per_channel ..
    let dense_rows: Vec<usize> = channels
        .iter()
        .flat_map(|&c| c * per_channel..(c + 1) * per_channel)
        .collect();
    masked::<2>(&mut params, dense.mu.id, &dense_rows);
    masked::<2>(&mut params, dense.rho.id, &dense_rows);
    params
}

#[cfg(test)]
mod tests {
    use super::row_mask;

    #[test]
    fn the_mask_covers_exactly_the_chosen_rows() {
        assert_eq!(row_mask(3, 2, &[0, 2]), vec![1.0, 1.0, 0.0, 0.0, 1.0, 1.0]);
        assert_eq!(row_mask(2, 1, &[]), vec![0.0, 0.0]);
    }
}
