//! The shipped weights: a burn `ModuleRecord` (.bpk) in `trained/`, embedded in the binary so the
//! browser needs no extra request and no synchronous readback to load them.

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device};

use crate::error::RulerError;
use crate::model::{BayesianCnn, BayesianCnnConfig};

/// `trained/model.bpk`, as committed.
pub const EMBEDDED_WEIGHTS: &[u8] = include_bytes!("../../trained/model.bpk");

/// Decodes a .bpk record into the default architecture on `device`.
pub fn load_model(bytes: &[u8], device: &Device) -> Result<BayesianCnn, RulerError> {
    load_model_as(bytes, &BayesianCnnConfig::new(), device)
}

/// Decodes a .bpk record into the architecture of `config`.
pub fn load_model_as(
    bytes: &[u8],
    config: &BayesianCnnConfig,
    device: &Device,
) -> Result<BayesianCnn, RulerError> {
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| RulerError::Weights(e.to_string()))?;
    config
        .init(device)
        .try_load_record(record)
        .map_err(|e| RulerError::Weights(e.to_string()))
}

/// Carries weights trained without the background frame (`frame` 0: pools over 126 → 31 → 7)
/// over to the framed network (128 → 32 → 8): the convolutions and biases are unchanged, each
/// dense weight keeps its pooled cell, and the cells the old network never saw (the last row
/// and column) start at zero mean (so the carried-over network measures as the old one did) and
/// the initial sigma. A warm start
/// for training, not a finished model.
pub fn reframe(old: BayesianCnn, device: &Device) -> Result<BayesianCnn, RulerError> {
    use burn::module::Param;
    use burn::tensor::Tensor;
    let config = BayesianCnnConfig::new();
    let fresh = config.init(device);
    let c2 = config.conv2_filters;
    let (s_old, s_new) = (
        config.clone().with_frame(0).side_after_pool2(),
        config.side_after_pool2(),
    );
    let [features, units] = old.dense.kernel.mu.val().dims();
    if old.frame != 0 || features != c2 * s_old * s_old || units != 1 {
        return Err(RulerError::Weights(format!(
            "reframe expects weights without a frame ({} dense inputs), got {features}",
            c2 * s_old * s_old
        )));
    }
    // [features, 1] → [c2, s, s] (burn flattens channels first), old cells into the new grid.
    let place = |new: Tensor<2>, old: Tensor<2>| -> Tensor<2> {
        new.reshape([c2, s_new, s_new])
            .slice_assign([0..c2, 0..s_old, 0..s_old], old.reshape([c2, s_old, s_old]))
            .reshape([c2 * s_new * s_new, 1])
    };
    let mut model = fresh;
    model.dense.kernel.mu = Param::from_tensor(place(
        model.dense.kernel.mu.val().zeros_like(),
        old.dense.kernel.mu.val(),
    ));
    model.dense.kernel.rho = Param::from_tensor(place(
        model.dense.kernel.rho.val(),
        old.dense.kernel.rho.val(),
    ));
    model.dense.kernel.bias = old.dense.kernel.bias;
    model.conv1 = old.conv1;
    model.conv2 = old.conv2;
    Ok(model)
}

/// The embedded weights on `device`.
pub fn load_embedded(device: &Device) -> Result<BayesianCnn, RulerError> {
    load_model(EMBEDDED_WEIGHTS, device)
}
