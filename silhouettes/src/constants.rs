//! The data's own constants: the frame every drawing fills, the article's training-set size and
//! the seed of the shipped data sets.

/// Side of the square frame, in pixels (the article's 126×126): the model's input side, which
/// `bayes-ruler-core` defines as `IMAGE_SIDE` (its tests check that the two agree).
pub const IMAGE_SIDE: usize = 126;

/// Training-set size of the article; the KL term of the loss is divided by it.
pub const N_TRAIN: usize = 836;

/// Seed of the generated data sets (training, validation and test children, spiders) used by
/// training, evaluation and the page's gallery.
pub const DATA_SEED: u64 = 2026;
