//! The CPU kernels' weight draws, made in their layout: w = μ + σ·ε for every weight of every
//! draw, ε from the ziggurat (exact N(0, 1)) on xoshiro256++, written straight into the flat
//! buffers the kernels read. burn's draws cost a quarter of a pass (four tensor passes over
//! the draws plus ChaCha12); these cost a few nanoseconds a weight. Each chunk's generator is
//! seeded from burn's RNG, so `Device::seed` still makes a run reproducible.

use burn::tensor::{Device, Distribution, Tensor};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

use super::super::{WeightDraws, read_floats};
use crate::error::RulerError;
use crate::model::BayesianCnn;

/// One kernel's posterior in host memory, in the kernels' layout.
#[derive(Debug, Clone)]
pub(super) struct Posterior {
    mu: Vec<f32>,
    sigma: Vec<f32>,
}

impl Posterior {
    fn new<const D: usize>(mu: Tensor<D>, sigma: Tensor<D>) -> Result<Self, RulerError> {
        Ok(Self {
            mu: read_floats(mu.to_data())?,
            sigma: read_floats(sigma.to_data())?,
        })
    }

    /// The three kernels' posteriors: conv1, conv2, dense.
    pub(super) fn of(model: &BayesianCnn) -> Result<[Self; 3], RulerError> {
        Ok([
            Self::new(model.conv1.kernel.mu.val(), model.conv1.kernel.sigma())?,
            Self::new(model.conv2.kernel.mu.val(), model.conv2.kernel.sigma())?,
            Self::new(model.dense.kernel.mu.val(), model.dense.kernel.sigma())?,
        ])
    }

    /// Weights of the kernel.
    pub(super) fn len(&self) -> usize {
        self.mu.len()
    }

    /// `n` independent draws, one after another, into `out`.
    fn draw(&self, n: usize, rng: &mut SmallRng, out: &mut Vec<f32>) {
        out.clear();
        out.reserve(n * self.mu.len());
        for _ in 0..n {
            out.extend(self.mu.iter().zip(&self.sigma).map(|(&m, &s)| {
                let eps: f32 = rng.sample(StandardNormal);
                m + s * eps
            }));
        }
    }
}

/// A 64-bit seed for one chunk from burn's RNG on `device` (four uniform floats' bits).
pub(super) fn chunk_seed(device: &Device) -> Result<u64, RulerError> {
    let uniforms =
        read_floats(Tensor::<1>::random([4], Distribution::Uniform(0.0, 1.0), device).to_data())?;
    Ok(uniforms.iter().fold(0u64, |seed, u| {
        seed.rotate_left(23) ^ u64::from(u.to_bits())
    }))
}

/// `n` weight draws in host memory, each kernel's draws one after another.
#[derive(Debug, Clone, Default)]
pub struct HostDraws {
    pub(super) n: usize,
    pub(super) conv1: Vec<f32>,
    pub(super) conv2: Vec<f32>,
    pub(super) dense: Vec<f32>,
}

impl HostDraws {
    /// burn's draws, read (immediate for burn's CPU backend, in the browser too).
    pub fn read(draws: &WeightDraws) -> Result<Self, RulerError> {
        Ok(Self {
            n: draws.len(),
            conv1: read_floats(draws.conv1.to_data())?,
            conv2: read_floats(draws.conv2.to_data())?,
            dense: read_floats(draws.dense.to_data())?,
        })
    }

    /// Replaces these with `n` fresh draws from `posterior` (reusing the buffers).
    pub(super) fn redraw(&mut self, posterior: &[Posterior; 3], n: usize, seed: u64) {
        let mut rng = SmallRng::seed_from_u64(seed);
        self.n = n;
        posterior[0].draw(n, &mut rng, &mut self.conv1);
        posterior[1].draw(n, &mut rng, &mut self.conv2);
        posterior[2].draw(n, &mut rng, &mut self.dense);
    }

    /// Number of draws.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The draws of conv1 `[n, c1, 1, k, k]`, conv2 `[n, c2, c1, k, k]` and dense
    /// `[n, features, 1]`, flat.
    pub fn kernels(&self) -> [&[f32]; 3] {
        [&self.conv1, &self.conv2, &self.dense]
    }
}
