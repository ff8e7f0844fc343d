//! bayes-ruler: a Bayesian CNN that measures the height of a toddler's silhouette and says how
//! sure it is. Every kernel weight is a Gaussian; a prediction is many forward passes, each with
//! its own weight draw, and the spread of their results is the model's doubt.
//!
//! Module map: [`layers`] (Flipout / reparameterization layers), [`model`] (the architecture),
//! [`inference`] (exact batched Monte-Carlo sampling), [`stats`] (summaries of the samples),
//! [`weights`] (the shipped .bpk), [`calibration`] (the posterior's width and centre fitted on
//! held-out children), [`data`] (synthetic silhouettes), `web` (the JS API).

pub mod calibration;
pub mod constants;
pub mod data;
pub mod error;
pub mod evaluate;
pub mod inference;
pub mod layers;
pub mod model;
pub mod plot;
pub mod preprocess;
pub mod sheet;
pub mod stats;
pub mod verdict;
pub mod weights;

#[cfg(target_family = "wasm")]
pub mod web;

pub use error::RulerError;
pub use model::{BayesianCnn, BayesianCnnConfig};

#[cfg(not(target_family = "wasm"))]
pub mod bench;
#[cfg(not(target_family = "wasm"))]
pub mod cli;
#[cfg(not(target_family = "wasm"))]
pub mod train;
