//! Bayesian layers with TensorFlow Probability's semantics.
//!
//! Every kernel weight is a Gaussian N(mu, softplus(rho)); biases are deterministic. Two
//! estimators of the forward pass share the same parameters:
//! - *Flipout*: `conv(x, mu) + conv(x ⊙ s_in, ΔW) ⊙ s_out` with one ΔW ~ N(0, sigma²) per call
//!   and ±1 signs per (example, channel), so the examples of a batch get decorrelated
//!   perturbations (lower-variance gradients when training).
//! - *Reparameterization*: one W = mu + sigma·ε per call, shared by the whole batch.
//!
//! Each layer reports its analytic KL divergence to the N(0, 1) prior, summed over kernel weights.

mod conv;
mod dense;
pub mod posterior;

pub use conv::{Conv2dFlipout, Conv2dReparameterization, ConvKernel, ConvKernelConfig};
pub use dense::{DenseFlipout, DenseKernel, DenseKernelConfig, DenseReparameterization};
pub use posterior::{PosteriorInit, kl_to_standard_normal, softplus_inverse};
