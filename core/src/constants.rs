//! The model's constants: the one place where the input size and the sample limits live.

/// Side of the square grayscale input, in pixels (the article's 126×126).
pub const IMAGE_SIDE: usize = 126;

/// Number of pixels of one input image.
pub const IMAGE_PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;

/// Largest number of stochastic passes one request may ask for.
pub const MAX_SAMPLES: usize = 100_000;

/// Number of bins of the histogram returned with every prediction.
pub const HISTOGRAM_BINS: usize = 40;
