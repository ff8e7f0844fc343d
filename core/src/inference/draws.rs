//! A chunk's independent weight draws.

use burn::tensor::{Device, Tensor};

use crate::model::{BayesianCnn, Kernels};

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
