//! Bayesian 2-D convolutions: the shared kernel posterior and its two estimators.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Tensor};

use super::kl_to_standard_normal;
use super::posterior::{PosteriorInit, random_signs, sigma, standard_normal};

/// Shape of a Bayesian convolution. Stride 1; `same` padding keeps the spatial size (odd kernels).
#[derive(Config, Debug)]
pub struct ConvKernelConfig {
    /// Input channels.
    pub channels_in: usize,
    /// Output channels (filters).
    pub channels_out: usize,
    /// Side of the square kernel.
    pub kernel_size: usize,
    /// Zero-pad so that the output keeps the input's height and width.
    #[config(default = true)]
    pub same_padding: bool,
    /// Initial posterior.
    #[config(default = "PosteriorInit::new()")]
    pub init: PosteriorInit,
}

impl ConvKernelConfig {
    /// A kernel posterior with TFP's initialisation and a zero bias.
    pub fn init(&self, device: &Device) -> ConvKernel {
        let k = self.kernel_size;
        let shape = [self.channels_out, self.channels_in, k, k];
        let (mu, rho) = self.init.init::<4>(shape, device);
        ConvKernel {
            mu,
            rho,
            bias: Param::from_tensor(Tensor::zeros([self.channels_out], device)),
            padding: if self.same_padding { k / 2 } else { 0 },
        }
    }
}

/// Posterior N(mu, softplus(rho)) over a `[c_out, c_in, k, k]` kernel, plus a deterministic bias.
#[derive(Module, Debug)]
pub struct ConvKernel {
    /// Posterior means of the kernel weights.
    pub mu: Param<Tensor<4>>,
    /// Posterior scales before softplus.
    pub rho: Param<Tensor<4>>,
    /// Deterministic bias, one per output channel.
    pub bias: Param<Tensor<1>>,
    /// Zero padding on every side.
    pub padding: usize,
}

impl ConvKernel {
    /// Posterior standard deviations, softplus(rho).
    pub fn sigma(&self) -> Tensor<4> {
        sigma(self.rho.val())
    }

    /// KL to the N(0, 1) prior, summed over kernel weights (the bias has none).
    pub fn kl(&self) -> Tensor<1> {
        kl_to_standard_normal(self.mu.val(), self.sigma())
    }

    /// `[c_out, c_in, k, k]`.
    pub fn dims(&self) -> [usize; 4] {
        self.mu.dims()
    }

    /// Convolution options for this kernel with `groups` groups.
    pub fn options(&self, groups: usize) -> ConvOptions<2> {
        ConvOptions::new([1, 1], [self.padding, self.padding], [1, 1], groups)
    }

    /// The same without padding ("valid"), for callers that pad or crop the input themselves.
    pub fn options_valid(&self, groups: usize) -> ConvOptions<2> {
        ConvOptions::new([1, 1], [0, 0], [1, 1], groups)
    }

    /// Convolves with an explicit kernel (the same for every example), adding the bias.
    pub fn conv_with(&self, x: Tensor<4>, kernel: Tensor<4>) -> Tensor<4> {
        conv2d(x, kernel, Some(self.bias.val()), self.options(1))
    }

    /// `n` independent kernel draws, `[n, c_out, c_in, k, k]`.
    pub fn sample(&self, n: usize) -> Tensor<5> {
        let [c_out, c_in, k, _] = self.dims();
        let device = self.mu.device();
        let eps = standard_normal::<5>([n, c_out, c_in, k, k], &device);
        eps * self.sigma().unsqueeze_dim::<5>(0) + self.mu.val().unsqueeze_dim::<5>(0)
    }
}

/// Conv2D with the Flipout estimator (TFP's `Convolution2DFlipout`).
#[derive(Module, Debug)]
pub struct Conv2dFlipout {
    /// The weight posterior.
    pub kernel: ConvKernel,
}

impl Conv2dFlipout {
    /// A new layer from its configuration.
    pub fn new(config: &ConvKernelConfig, device: &Device) -> Self {
        Self {
            kernel: config.init(device),
        }
    }

    /// `conv(x, mu) + conv(x ⊙ s_in, ΔW) ⊙ s_out`: one ΔW ~ N(0, sigma²) per call, signs per
    /// (example, channel). Input `[b, c_in, h, w]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let [batch, c_in, _, _] = x.dims();
        let [c_out, _, k, _] = self.kernel.dims();
        let device = x.device();
        let mean = self.kernel.conv_with(x.clone(), self.kernel.mu.val());
        let delta = standard_normal::<4>([c_out, c_in, k, k], &device) * self.kernel.sigma();
        let sign_in = random_signs::<4>([batch, c_in, 1, 1], &device);
        let sign_out = random_signs::<4>([batch, c_out, 1, 1], &device);
        let perturbation = conv2d(x * sign_in, delta, None, self.kernel.options(1)) * sign_out;
        mean + perturbation
    }

    /// The deterministic pass through the posterior means.
    pub fn forward_mean(&self, x: Tensor<4>) -> Tensor<4> {
        self.kernel.conv_with(x, self.kernel.mu.val())
    }

    /// KL to the prior.
    pub fn kl(&self) -> Tensor<1> {
        self.kernel.kl()
    }
}

/// Conv2D with the reparameterization estimator (TFP's `Convolution2DReparameterization`):
/// one kernel sample per call, shared by every example of the batch.
#[derive(Module, Debug)]
pub struct Conv2dReparameterization {
    /// The weight posterior.
    pub kernel: ConvKernel,
}

impl Conv2dReparameterization {
    /// A new layer from its configuration.
    pub fn new(config: &ConvKernelConfig, device: &Device) -> Self {
        Self {
            kernel: config.init(device),
        }
    }

    /// `conv(x, W)` with one W ~ N(mu, sigma²) drawn for this call.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let weights = self.kernel.sample(1).squeeze_dim::<4>(0);
        self.kernel.conv_with(x, weights)
    }

    /// The deterministic pass through the posterior means.
    pub fn forward_mean(&self, x: Tensor<4>) -> Tensor<4> {
        self.kernel.conv_with(x, self.kernel.mu.val())
    }

    /// KL to the prior.
    pub fn kl(&self) -> Tensor<1> {
        self.kernel.kl()
    }
}
