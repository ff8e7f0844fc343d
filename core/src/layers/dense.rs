//! Bayesian dense layers: the shared kernel posterior and its two estimators.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor};

use super::kl_to_standard_normal;
use super::posterior::{PosteriorInit, random_signs, sigma, standard_normal};

/// Shape of a Bayesian dense layer.
#[derive(Config, Debug)]
pub struct DenseKernelConfig {
    /// Input features.
    pub features_in: usize,
    /// Output units.
    pub units: usize,
    /// Initial posterior.
    #[config(default = "PosteriorInit::new()")]
    pub init: PosteriorInit,
}

impl DenseKernelConfig {
    /// A kernel posterior with TFP's initialisation and a zero bias.
    pub fn init(&self, device: &Device) -> DenseKernel {
        let (mu, rho) = self.init.init::<2>([self.features_in, self.units], device);
        DenseKernel {
            mu,
            rho,
            bias: Param::from_tensor(Tensor::zeros([self.units], device)),
        }
    }
}

/// Posterior N(mu, softplus(rho)) over a `[in, units]` kernel (TF's layout), plus a bias.
#[derive(Module, Debug)]
pub struct DenseKernel {
    /// Posterior means of the kernel weights.
    pub mu: Param<Tensor<2>>,
    /// Posterior scales before softplus.
    pub rho: Param<Tensor<2>>,
    /// Deterministic bias, one per unit.
    pub bias: Param<Tensor<1>>,
}

impl DenseKernel {
    /// Posterior standard deviations, softplus(rho).
    pub fn sigma(&self) -> Tensor<2> {
        sigma(self.rho.val())
    }

    /// KL to the N(0, 1) prior, summed over kernel weights.
    pub fn kl(&self) -> Tensor<1> {
        kl_to_standard_normal(self.mu.val(), self.sigma())
    }

    /// `[in, units]`.
    pub fn dims(&self) -> [usize; 2] {
        self.mu.dims()
    }

    /// `x W + b` with an explicit kernel shared by the batch; `x` is `[b, in]`.
    pub fn apply(&self, x: Tensor<2>, kernel: Tensor<2>) -> Tensor<2> {
        x.matmul(kernel) + self.bias.val().unsqueeze_dim::<2>(0)
    }

    /// `n` independent kernel draws, `[n, in, units]`.
    pub fn sample(&self, n: usize) -> Tensor<3> {
        let [features_in, units] = self.dims();
        let eps = standard_normal::<3>([n, features_in, units], &self.mu.device());
        eps * self.sigma().unsqueeze_dim::<3>(0) + self.mu.val().unsqueeze_dim::<3>(0)
    }
}

/// Dense layer with the Flipout estimator (TFP's `DenseFlipout`).
#[derive(Module, Debug)]
pub struct DenseFlipout {
    /// The weight posterior.
    pub kernel: DenseKernel,
}

impl DenseFlipout {
    /// A new layer from its configuration.
    pub fn new(config: &DenseKernelConfig, device: &Device) -> Self {
        Self {
            kernel: config.init(device),
        }
    }

    /// `x mu + ((x ⊙ s_in) ΔW) ⊙ s_out + b`, one ΔW per call, signs per (example, feature).
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [batch, features_in] = x.dims();
        let [_, units] = self.kernel.dims();
        let device = x.device();
        let mean = self.kernel.apply(x.clone(), self.kernel.mu.val());
        let delta = standard_normal::<2>([features_in, units], &device) * self.kernel.sigma();
        let sign_in = random_signs::<2>([batch, features_in], &device);
        let sign_out = random_signs::<2>([batch, units], &device);
        mean + (x * sign_in).matmul(delta) * sign_out
    }

    /// The deterministic pass through the posterior means.
    pub fn forward_mean(&self, x: Tensor<2>) -> Tensor<2> {
        self.kernel.apply(x, self.kernel.mu.val())
    }

    /// KL to the prior.
    pub fn kl(&self) -> Tensor<1> {
        self.kernel.kl()
    }
}

/// Dense layer with the reparameterization estimator (TFP's `DenseReparameterization`).
#[derive(Module, Debug)]
pub struct DenseReparameterization {
    /// The weight posterior.
    pub kernel: DenseKernel,
}

impl DenseReparameterization {
    /// A new layer from its configuration.
    pub fn new(config: &DenseKernelConfig, device: &Device) -> Self {
        Self {
            kernel: config.init(device),
        }
    }

    /// `x W + b` with one W ~ N(mu, sigma²) drawn for this call.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let weights = self.kernel.sample(1).squeeze_dim::<2>(0);
        self.kernel.apply(x, weights)
    }

    /// The deterministic pass through the posterior means.
    pub fn forward_mean(&self, x: Tensor<2>) -> Tensor<2> {
        self.kernel.apply(x, self.kernel.mu.val())
    }

    /// KL to the prior.
    pub fn kl(&self) -> Tensor<1> {
        self.kernel.kl()
    }
}
