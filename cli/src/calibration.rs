//! Calibrating the width of the posterior after training: tempering.
//!
//! The article's loss, MSE + KL / N, is the negative log-likelihood of Gaussian label noise with
//! variance ½ px², while the trained network's errors vary about ten times more: every label
//! weighs too much against the prior, and the weight posterior comes out too narrow (the 90%
//! interval of the samples covered only ~72% of true heights). Training with a tempered loss,
//! MSE + β · KL / N, fixes that; near the trained means it has a closed form (Laplace): the
//! posterior precision of each weight is data precision + prior precision (the N(0, 1) prior has
//! precision 1), and β scales the data part, so
//!
//! ```text
//! 1 / σ_β² = (1 / σ² − 1) / β + 1
//! ```
//!
//! i.e. σ_β ≈ √β · σ where the data dominate, and never wider than the prior. The means and
//! biases stay as trained. Tempering composes (β₁ then β₂ is β₁β₂), so β then 1/β gives the
//! trained posterior back. β is fitted on held-out children (`bayes-ruler calibrate`), never on
//! the test set, together with a constant offset of the heights (`recentre`): the mean error
//! the tempered network makes on those children, which the deterministic output bias absorbs.

use burn::module::Param;
use burn::tensor::Tensor;

use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::layers::posterior::{sigma, softplus_inverse_tensor};
use bayes_ruler_core::model::BayesianCnn;

/// The posterior of the loss MSE + β · KL / N, approximated around the trained means.
pub fn temper(mut model: BayesianCnn, beta: f64) -> Result<BayesianCnn, RulerError> {
    // Far outside this range f32 sigmas underflow or saturate at the prior.
    if !(1e-3..=1e3).contains(&beta) {
        return Err(RulerError::InvalidInput(format!(
            "the tempering factor β must be a number from 0.001 to 1000, got {beta}"
        )));
    }
    model.conv1.kernel.rho = tempered(&model.conv1.kernel.rho, beta);
    model.conv2.kernel.rho = tempered(&model.conv2.kernel.rho, beta);
    model.dense.kernel.rho = tempered(&model.dense.kernel.rho, beta);
    Ok(model)
}

/// The same network with every height `offset` px lower: the dense layer's deterministic bias
/// absorbs it (each sample moves by exactly `offset`; the posterior is untouched).
pub fn recentre(mut model: BayesianCnn, offset: f64) -> Result<BayesianCnn, RulerError> {
    if !offset.is_finite() {
        return Err(RulerError::InvalidInput(format!(
            "the offset must be a finite number of pixels, got {offset}"
        )));
    }
    let bias = model.dense.kernel.bias.val();
    model.dense.kernel.bias = Param::from_tensor(bias.sub_scalar(offset / model.output_scale));
    Ok(model)
}

fn tempered<const D: usize>(rho: &Param<Tensor<D>>, beta: f64) -> Param<Tensor<D>> {
    let rho = rho.val();
    let s = sigma(rho.clone());
    // A weight as wide as the prior or wider carries no information from the data (its data
    // precision would be ≤ 0): it stays as it is.
    let uninformed = s.clone().greater_equal_elem(1.0);
    let data_precision = s.powf_scalar(-2.0).sub_scalar(1.0);
    let s_beta = data_precision
        .div_scalar(beta)
        .add_scalar(1.0)
        .powf_scalar(-0.5);
    let rho_beta = softplus_inverse_tensor(s_beta).mask_where(uninformed, rho);
    Param::from_tensor(rho_beta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayes_ruler_core::layers::posterior::softplus_inverse;
    use bayes_ruler_core::model::{BayesianCnnConfig, Kernels};
    use burn::tensor::{Device, TensorData};

    /// Every kernel weight's value, layer after layer.
    fn flat(k: Kernels) -> Vec<f32> {
        let mut all = k.conv1.into_data().try_to_vec::<f32>().unwrap();
        all.extend(k.conv2.into_data().try_to_vec::<f32>().unwrap());
        all.extend(k.dense.into_data().try_to_vec::<f32>().unwrap());
        all
    }

    fn sigmas(model: &BayesianCnn) -> Vec<f32> {
        flat(Kernels {
            conv1: model.conv1.kernel.sigma(),
            conv2: model.conv2.kernel.sigma(),
            dense: model.dense.kernel.sigma(),
        })
    }

    fn means(model: &BayesianCnn) -> Vec<f32> {
        flat(model.mean_kernels())
    }

    #[test]
    fn tempering_follows_the_laplace_relation_and_undoes_itself() {
        let device = Device::flex();
        device.seed(3);
        let mut model = BayesianCnnConfig::new()
            .with_conv1_filters(2)
            .with_conv2_filters(2)
            .init(&device);
        // Some weights wider than the prior: they must not move.
        let wide = [1.0f32, 1.5, 2.0, 0.3, 0.01, 0.999]
            .map(|s| softplus_inverse(f64::from(s)) as f32)
            .to_vec();
        let n = wide.len();
        let mut rho = model
            .conv1
            .kernel
            .rho
            .val()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        rho[..n].copy_from_slice(&wide);
        let shape = model.conv1.kernel.rho.dims();
        model.conv1.kernel.rho =
            Param::from_tensor(Tensor::from_data(TensorData::new(rho, shape), &device));
        let before = sigmas(&model);
        let beta = 3.0;
        let hot = temper(model.clone(), beta).unwrap();
        let after = sigmas(&hot);
        for (&s, &t) in before.iter().zip(&after) {
            let (s, t) = (f64::from(s), f64::from(t));
            let expected = if s >= 1.0 {
                s
            } else {
                ((1.0 / (s * s) - 1.0) / beta + 1.0).powf(-0.5)
            };
            assert!(
                (t - expected).abs() < 1e-4 * expected.max(1e-2),
                "{s} → {t}, expected {expected}"
            );
            // Narrow weights widen by about √β.
            if s < 0.05 {
                assert!((t / s - beta.sqrt()).abs() < 0.02, "{s} → {t}");
            }
        }
        assert_eq!(means(&model), means(&hot), "tempering moves no mean");
        let back = sigmas(&temper(hot, 1.0 / beta).unwrap());
        for (&s, &b) in before.iter().zip(&back) {
            assert!((s - b).abs() < 2e-4 * s.max(1e-2), "{s} came back as {b}");
        }
    }

    #[test]
    fn recentring_moves_every_height_by_the_offset() {
        let device = Device::flex();
        device.seed(5);
        let model = BayesianCnnConfig::new()
            .with_conv1_filters(2)
            .with_conv2_filters(2)
            .init(&device);
        let image = bayes_ruler_silhouettes::demo_silhouette().into_pixels();
        let x = bayes_ruler_core::inference::image_tensor(&image, &device).unwrap();
        let height = |m: &BayesianCnn| {
            m.forward_mean(x.clone())
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()[0]
        };
        let moved = recentre(model.clone(), 2.5).unwrap();
        assert!((height(&model) - height(&moved) - 2.5).abs() < 1e-4);
        assert_eq!(sigmas(&model), sigmas(&moved), "the posterior is untouched");
        assert!(recentre(model, f64::NAN).is_err());
    }

    #[test]
    fn tempering_rejects_a_factor_outside_its_range() {
        let device = Device::flex();
        let model = BayesianCnnConfig::new()
            .with_conv1_filters(1)
            .with_conv2_filters(1)
            .init(&device);
        for beta in [0.0, -1.0, 1e-4, 1e4, f64::NAN, f64::INFINITY] {
            let message = temper(model.clone(), beta).unwrap_err().to_string();
            assert!(
                message.contains("β must be a number from 0.001 to 1000"),
                "{message}"
            );
        }
    }
}
