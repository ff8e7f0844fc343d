//! The crate's one error type: every failure a caller (JS or the CLI) can see, with a message
//! that says what was wrong.

use core::fmt;

/// Everything that can go wrong on a path a user or JS can reach.
#[derive(Debug, Clone, PartialEq)]
pub enum RulerError {
    /// The caller passed an argument that cannot be used (wrong length, NaN, bad count, ...).
    InvalidInput(String),
    /// The weights file could not be decoded or does not fit the architecture.
    Weights(String),
    /// The device failed while computing or reading back a result.
    Device(String),
    /// Another prediction is still running on the same estimator.
    Busy,
}

impl fmt::Display for RulerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RulerError::InvalidInput(msg) => write!(f, "invalid input: {msg}"),
            RulerError::Weights(msg) => write!(f, "cannot load the model weights: {msg}"),
            RulerError::Device(msg) => write!(f, "device error: {msg}"),
            RulerError::Busy => write!(
                f,
                "busy: another prediction is still running on this estimator; \
                 await it before starting the next one"
            ),
        }
    }
}

impl std::error::Error for RulerError {}
