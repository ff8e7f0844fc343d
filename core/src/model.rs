//! The architecture: Conv2D-Flipout → max-pool → Conv2D-Flipout → max-pool → flatten →
//! Dense-Flipout(1), mapping a 1×126×126 silhouette to a height in pixels.
//!
//! The article does not publish its filter counts; we use 16 and 32 filters of 5×5 with `same`
//! padding and 4×4 pools, ReLU after each convolution. The image gets a 1-pixel frame of
//! background first (126 → 128 → 32 → 8), so that the pools tile it exactly: without it they
//! drop the last rows and columns (126 → 31 → 7 covers 112 of 126), and children reaching into
//! that strip were measured to 2.2–2.3 px RMSE instead of 1.6 (trained/README.md). One pass
//! costs [`BayesianCnnConfig::macs_per_pass`] multiply-adds (19.7 M, i.e. ≈ 39 MFLOP).

use burn::config::Config;
use burn::module::Module;
use burn::tensor::activation::relu;
use burn::tensor::module::max_pool2d;
use burn::tensor::ops::MaxPoolOptions;
use burn::tensor::{Device, Tensor};

use crate::constants::IMAGE_SIDE;
use crate::layers::{Conv2dFlipout, ConvKernelConfig, DenseFlipout, DenseKernelConfig};

/// Hyperparameters of the network.
#[derive(Config, Debug)]
pub struct BayesianCnnConfig {
    /// Filters of the first convolution.
    #[config(default = 16)]
    pub conv1_filters: usize,
    /// Filters of the second convolution.
    #[config(default = 32)]
    pub conv2_filters: usize,
    /// Side of both convolution kernels.
    #[config(default = 5)]
    pub kernel_size: usize,
    /// Side (and stride) of both max-pools: "large" pools, as in the article.
    #[config(default = 4)]
    pub pool: usize,
    /// Background pixels added on every side of the image before the first convolution, so
    /// that the two pools tile the whole frame (126 + 2 = 128 = 4 · 4 · 8). 0 is the layout
    /// of weights trained before 2026-11-27 (see `bayes-ruler reframe`).
    #[config(default = 1)]
    pub frame: usize,
    /// Height (px) that a zero network output stands for, so that the initial network predicts
    /// a mid-frame height instead of 0.
    #[config(default = 64.0)]
    pub output_offset: f64,
    /// Pixels per unit of network output. 1, as in the article (the net outputs pixels): a
    /// larger scale (32 was tried) also multiplies the weight noise's effect on the output,
    /// and the trained posterior came out badly calibrated (trained/README.md has the figures).
    #[config(default = 1.0)]
    pub output_scale: f64,
}

impl BayesianCnnConfig {
    /// Side of the framed image the first convolution sees.
    pub fn input_side(&self) -> usize {
        IMAGE_SIDE + 2 * self.frame
    }

    /// Spatial side after the first pool.
    pub fn side_after_pool1(&self) -> usize {
        self.input_side() / self.pool
    }

    /// Spatial side after the second pool.
    pub fn side_after_pool2(&self) -> usize {
        self.side_after_pool1() / self.pool
    }

    /// Inputs of the dense layer.
    pub fn dense_features(&self) -> usize {
        self.conv2_filters * self.side_after_pool2().pow(2)
    }

    /// Multiply-adds of one forward pass (convolutions at full resolution plus the dense layer).
    pub fn macs_per_pass(&self) -> u64 {
        let k2 = (self.kernel_size * self.kernel_size) as u64;
        let conv1 = self.input_side().pow(2) as u64 * self.conv1_filters as u64 * k2;
        let conv2 =
            (self.side_after_pool1().pow(2) * self.conv1_filters * self.conv2_filters) as u64 * k2;
        conv1 + conv2 + self.dense_features() as u64
    }

    /// A network with TFP's initial posterior.
    pub fn init(&self, device: &Device) -> BayesianCnn {
        let conv = |c_in, c_out| ConvKernelConfig::new(c_in, c_out, self.kernel_size);
        BayesianCnn {
            conv1: Conv2dFlipout::new(&conv(1, self.conv1_filters), device),
            conv2: Conv2dFlipout::new(&conv(self.conv1_filters, self.conv2_filters), device),
            dense: DenseFlipout::new(&DenseKernelConfig::new(self.dense_features(), 1), device),
            pool: self.pool,
            frame: self.frame,
            output_offset: self.output_offset,
            output_scale: self.output_scale,
        }
    }
}

/// One complete set of weights (every kernel fixed), e.g. the posterior means or one draw.
#[derive(Debug, Clone)]
pub struct Kernels {
    /// `[c1, 1, k, k]`.
    pub conv1: Tensor<4>,
    /// `[c2, c1, k, k]`.
    pub conv2: Tensor<4>,
    /// `[features, 1]`.
    pub dense: Tensor<2>,
}

/// The Bayesian CNN.
#[derive(Module, Debug)]
pub struct BayesianCnn {
    /// First convolution.
    pub conv1: Conv2dFlipout,
    /// Second convolution.
    pub conv2: Conv2dFlipout,
    /// Regression head.
    pub dense: DenseFlipout,
    /// Max-pool side and stride.
    pub pool: usize,
    /// Background pixels around the image (see [`BayesianCnnConfig::frame`]).
    pub frame: usize,
    /// Height (px) of a zero output.
    pub output_offset: f64,
    /// Pixels per unit of output.
    pub output_scale: f64,
}

impl BayesianCnn {
    /// Side of the framed image the first convolution sees.
    pub fn input_side(&self) -> usize {
        IMAGE_SIDE + 2 * self.frame
    }

    /// `[.., 126, 126]` images → `[.., 128, 128]`: the background frame that lets the pools
    /// tile the whole image.
    pub fn framed(&self, x: Tensor<4>) -> Tensor<4> {
        if self.frame == 0 {
            return x;
        }
        let f = self.frame;
        x.pad([(f, f), (f, f)], 0.0)
    }

    /// The large max-pool between the layers.
    pub fn max_pool(&self, x: Tensor<4>) -> Tensor<4> {
        max_pool2d(x, MaxPoolOptions::new([self.pool, self.pool]))
    }

    /// Network output → height in pixels (offset + scale · y).
    pub fn to_pixels<const D: usize>(&self, y: Tensor<D>) -> Tensor<D> {
        y.mul_scalar(self.output_scale)
            .add_scalar(self.output_offset)
    }

    /// Training pass with the Flipout estimator: `[b, 1, 126, 126]` → heights `[b, 1]` in px.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.max_pool(relu(self.conv1.forward(self.framed(x))));
        let x = self.max_pool(relu(self.conv2.forward(x)));
        self.to_pixels(self.dense.forward(x.flatten::<2>(1, 3)))
    }

    /// A pass with explicit weights shared by the whole batch.
    pub fn forward_with(&self, x: Tensor<4>, kernels: &Kernels) -> Tensor<2> {
        let x = self
            .conv1
            .kernel
            .conv_with(self.framed(x), kernels.conv1.clone());
        let x = self.max_pool(relu(x));
        let x = self.conv2.kernel.conv_with(x, kernels.conv2.clone());
        let x = self.max_pool(relu(x));
        self.to_pixels(
            self.dense
                .kernel
                .apply(x.flatten::<2>(1, 3), kernels.dense.clone()),
        )
    }

    /// A pass with the reparameterization estimator: one weight draw shared by the batch.
    pub fn forward_reparameterized(&self, x: Tensor<4>) -> Tensor<2> {
        let draw = Kernels {
            conv1: self.conv1.kernel.sample(1).squeeze_dim::<4>(0),
            conv2: self.conv2.kernel.sample(1).squeeze_dim::<4>(0),
            dense: self.dense.kernel.sample(1).squeeze_dim::<2>(0),
        };
        self.forward_with(x, &draw)
    }

    /// The posterior means as one weight set.
    pub fn mean_kernels(&self) -> Kernels {
        Kernels {
            conv1: self.conv1.kernel.mu.val(),
            conv2: self.conv2.kernel.mu.val(),
            dense: self.dense.kernel.mu.val(),
        }
    }

    /// The deterministic pass through the posterior means.
    pub fn forward_mean(&self, x: Tensor<4>) -> Tensor<2> {
        self.forward_with(x, &self.mean_kernels())
    }

    /// Total KL divergence of the posterior to the N(0, 1) prior (not yet divided by N_train).
    pub fn kl(&self) -> Tensor<1> {
        self.conv1.kl() + self.conv2.kl() + self.dense.kl()
    }
}
