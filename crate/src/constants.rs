//! Shared constants: the one place where the image size, sample limits and training-set size live.

/// Side of the square grayscale input, in pixels (the article's 126×126).
pub const IMAGE_SIDE: usize = 126;

/// Number of pixels of one input image.
pub const IMAGE_PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;

/// Largest number of stochastic passes one request may ask for.
pub const MAX_SAMPLES: usize = 100_000;

/// Number of bins of the histogram returned with every prediction.
pub const HISTOGRAM_BINS: usize = 40;

/// Training-set size of the article; the KL term of the loss is divided by it.
pub const N_TRAIN: usize = 836;

/// Seed of the generated data sets (training, validation and test children, spiders) used by
/// training, evaluation and the page's gallery.
pub const DATA_SEED: u64 = 2026;
