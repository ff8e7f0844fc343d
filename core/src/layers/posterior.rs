//! The Gaussian mean-field posterior shared by every layer: initialisation, sigma, KL, noise.

use burn::config::Config;
use burn::module::Param;
use burn::tensor::activation::softplus;
use burn::tensor::{Device, Distribution, Shape, Tensor};

/// How a posterior's parameters start. The defaults are TFP's `default_mean_field_normal_fn`:
/// mu ~ N(0, 0.1), rho ~ N(-3, 0.1), so sigma starts near softplus(-3) ≈ 0.049.
#[derive(Config, Debug, PartialEq)]
pub struct PosteriorInit {
    /// Mean of the initial mu.
    #[config(default = 0.0)]
    pub mu_mean: f64,
    /// Standard deviation of the initial mu.
    #[config(default = 0.1)]
    pub mu_std: f64,
    /// Mean of the initial rho.
    #[config(default = -3.0)]
    pub rho_mean: f64,
    /// Standard deviation of the initial rho.
    #[config(default = 0.1)]
    pub rho_std: f64,
}

impl PosteriorInit {
    /// Draws (mu, rho) parameters of the given shape.
    pub(crate) fn init<const D: usize>(
        &self,
        shape: impl Into<Shape> + Clone,
        device: &Device,
    ) -> (Param<Tensor<D>>, Param<Tensor<D>>) {
        let mu = Tensor::random(
            shape.clone(),
            Distribution::Normal(self.mu_mean, self.mu_std),
            device,
        );
        let rho = Tensor::random(
            shape,
            Distribution::Normal(self.rho_mean, self.rho_std),
            device,
        );
        (Param::from_tensor(mu), Param::from_tensor(rho))
    }
}

/// sigma = softplus(rho): positive for any rho, and smooth for the optimiser.
pub fn sigma<const D: usize>(rho: Tensor<D>) -> Tensor<D> {
    softplus(rho, 1.0)
}

/// The rho whose softplus is `sigma` (for tests and hand-made weights).
pub fn softplus_inverse(sigma: f64) -> f64 {
    sigma.exp_m1().ln()
}

/// The rho whose softplus is `sigma`, elementwise: ln(e^sigma − 1).
pub fn softplus_inverse_tensor<const D: usize>(sigma: Tensor<D>) -> Tensor<D> {
    sigma.exp().sub_scalar(1.0).log()
}

/// KL(N(mu, sigma²) ‖ N(0, 1)) summed over every weight:
/// Σ ½(mu² + sigma² − 1) − ln sigma.
pub fn kl_to_standard_normal<const D: usize>(mu: Tensor<D>, sigma: Tensor<D>) -> Tensor<1> {
    let quadratic = (mu.square() + sigma.clone().square())
        .sub_scalar(1.0)
        .mul_scalar(0.5);
    (quadratic - sigma.log()).sum()
}

/// Standard normal noise ε ~ N(0, 1).
pub(crate) fn standard_normal<const D: usize>(
    shape: impl Into<Shape>,
    device: &Device,
) -> Tensor<D> {
    Tensor::random(shape, Distribution::Normal(0.0, 1.0), device)
}

/// Independent random signs, each −1 or +1 with probability ½ (Flipout's s_in and s_out).
pub(crate) fn random_signs<const D: usize>(shape: impl Into<Shape>, device: &Device) -> Tensor<D> {
    Tensor::random(shape, Distribution::Bernoulli(0.5), device)
        .mul_scalar(2.0)
        .sub_scalar(1.0)
}
