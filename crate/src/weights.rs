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
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes.to_vec()))
        .map_err(|e| RulerError::Weights(e.to_string()))?;
    BayesianCnnConfig::new()
        .init(device)
        .try_load_record(record)
        .map_err(|e| RulerError::Weights(e.to_string()))
}

/// The embedded weights on `device`.
pub fn load_embedded(device: &Device) -> Result<BayesianCnn, RulerError> {
    load_model(EMBEDDED_WEIGHTS, device)
}
