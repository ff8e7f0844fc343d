//! The `bayes-ruler` command's library: training, evaluation on the generated data sets,
//! calibration of the posterior, benchmarks, plots and contact sheets. The model itself is
//! `bayes-ruler-core`; the data `bayes-ruler-silhouettes`.

pub mod bench;
pub mod calibration;
pub mod cli;
pub mod evaluate;
pub mod plot;
pub mod sheet;
pub mod train;
