//! Synthetic silhouettes, deterministic from a seed: a raster canvas, figures made of filled
//! primitives, toddlers in several poses, spiders and cats (out of distribution), and the data sets built from them. The
//! article's data set is not public, so the project draws its own.

pub mod constants;

mod canvas;
mod cat;
pub mod dataset;
mod figure;
mod negatives;
mod rng;
mod spider;
pub mod strangers;
mod toddler;

pub use canvas::{Canvas, figure_extent};
pub use cat::cat;
pub use dataset::{Example, Kind};
pub use figure::{Figure, Primitive};
pub use negatives::{NegativeKind, negative};
pub use rng::Rng;
pub use spider::spider;
pub use strangers::Category;
pub use toddler::{Body, Pose, demo_silhouette, standing_toddler, toddler};
