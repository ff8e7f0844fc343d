//! bayes-ruler's core: a Bayesian CNN that measures the height of a toddler's silhouette and
//! says how sure it is. Every kernel weight is a Gaussian; a prediction is many forward passes,
//! each with its own weight draw, and the spread of their results is the model's doubt.
//!
//! Module map: [`layers`] (Flipout / reparameterization layers), [`model`] (the architecture),
//! [`inference`] (exact batched Monte-Carlo sampling), [`stats`] (summaries of the samples),
//! [`verdict`] (confident / uncertain / undecided), [`preprocess`] (any picture to the
//! 126-pixel frame), [`weights`] (the shipped .bpk). No wasm-bindgen and no command line here:
//! the JS surface is the `bayes-ruler` crate (`crate/`), the command the `bayes-ruler-cli` crate.

pub mod constants;
pub mod error;
pub mod inference;
pub mod layers;
pub mod model;
pub mod preprocess;
pub mod stats;
pub mod verdict;
pub mod weights;

pub use error::RulerError;
pub use model::{BayesianCnn, BayesianCnnConfig};
