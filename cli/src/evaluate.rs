//! Quality figures of a trained model: accuracy and calibration on children, and how well the
//! spread of the samples separates children from spiders.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::sample_heights;
use bayes_ruler_core::model::BayesianCnn;
use bayes_ruler_core::stats::{QuantileRanges, Summary, mode_share};
use bayes_ruler_core::verdict::Spread;
use bayes_ruler_silhouettes::{Example, Kind};

/// What the model said about one image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// True height (px), for children.
    pub height: f32,
    /// Whether the image is a child.
    pub is_child: bool,
    /// Predictive mean.
    pub mean: f64,
    /// Predictive standard deviation.
    pub std: f64,
    /// Predictive median.
    pub median: f64,
    /// Central 90% interval.
    pub ci90: [f64; 2],
    /// Fraction of samples within ±1 px of the mode.
    pub mode_share: f64,
    /// Monte-Carlo ranges of the quantiles (absent in records made before 2026-12-02).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<QuantileRanges>,
}

impl Assessment {
    /// The same read with every sample `offset` px lower (what a network recentred by `offset`
    /// reads from the same draws).
    pub fn shifted(&self, offset: f64) -> Assessment {
        let shift = |r: QuantileRanges| QuantileRanges {
            low: r.low.map(|v| v - offset),
            median: r.median.map(|v| v - offset),
            high: r.high.map(|v| v - offset),
            ..r
        };
        Assessment {
            mean: self.mean - offset,
            median: self.median - offset,
            ci90: [self.ci90[0] - offset, self.ci90[1] - offset],
            ranges: self.ranges.map(shift),
            ..self.clone()
        }
    }

    /// What the spread scores read.
    pub fn spread(&self) -> Spread {
        Spread {
            mean: self.mean,
            std: self.std,
            median: self.median,
            ci90: self.ci90,
            ranges: self.ranges,
        }
    }
}

/// Samples `passes` heights of every example and summarises them.
pub fn assess(
    model: &BayesianCnn,
    examples: &[Example],
    passes: usize,
    device: &Device,
) -> Result<Vec<Assessment>, RulerError> {
    examples
        .iter()
        .map(|e| assess_one(model, e, passes, device))
        .collect()
}

/// Samples `passes` heights of one image and summarises them.
pub fn assess_one(
    model: &BayesianCnn,
    example: &Example,
    passes: usize,
    device: &Device,
) -> Result<Assessment, RulerError> {
    let samples = sample_heights(model, &example.pixels, passes, device)?;
    let s = Summary::of(&samples).ok_or_else(|| RulerError::Device("non-finite heights".into()))?;
    Ok(Assessment {
        height: example.height,
        is_child: matches!(example.kind, Kind::Child(_)),
        mean: s.mean,
        std: s.std,
        median: s.median,
        ci90: s.ci90,
        mode_share: mode_share(&samples),
        ranges: Some(s.ranges),
    })
}

/// The seed of one image's passes in an evaluation: every image draws from its own stream, so
/// the figures do not depend on the order in which images are sampled or on how they are split
/// over processes (the CPU backend's generator is one per process).
pub fn image_seed(base: u64, set: usize, index: usize) -> u64 {
    // SplitMix64's finaliser spreads neighbouring (set, index) pairs over the seed space; the
    // base is mixed first, so that two bases never share a stream (base ^ 1 at index 0 would
    // otherwise be base at index 1).
    let mix = |z: u64| {
        let z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    mix(mix(base) ^ ((set as u64) << 32) ^ index as u64)
}

/// Mean error of the predictive means (px; positive: measured too tall).
pub fn mean_error(results: &[Assessment]) -> f64 {
    results
        .iter()
        .map(|r| r.mean - f64::from(r.height))
        .sum::<f64>()
        / results.len().max(1) as f64
}

/// Root mean squared error of the predictive means (px).
pub fn rmse(results: &[Assessment]) -> f64 {
    let n = results.len().max(1) as f64;
    (results
        .iter()
        .map(|r| (r.mean - r.height as f64).powi(2))
        .sum::<f64>()
        / n)
        .sqrt()
}

/// Fraction of true heights inside the central 90% interval.
pub fn coverage90(results: &[Assessment]) -> f64 {
    let inside = results
        .iter()
        .filter(|r| (r.ci90[0]..=r.ci90[1]).contains(&(r.height as f64)))
        .count();
    inside as f64 / results.len().max(1) as f64
}

/// Area under the ROC curve of a score that should be higher for `positives`
/// (Mann–Whitney U / (n₊ n₋), ties counted half).
pub fn auroc(positives: &[f64], negatives: &[f64]) -> f64 {
    let mut wins = 0.0;
    for &p in positives {
        for &n in negatives {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (positives.len() * negatives.len()).max(1) as f64
}

/// The standard error of an AUROC `a` measured on `n_pos` positives and `n_neg` negatives
/// (Hanley & McNeil 1982): how far a test set of that size can leave the measured AUROC from the
/// true one.
pub fn auroc_standard_error(a: f64, n_pos: usize, n_neg: usize) -> f64 {
    if n_pos == 0 || n_neg == 0 {
        return f64::NAN;
    }
    let (np, nn) = (n_pos as f64, n_neg as f64);
    let q1 = a / (2.0 - a);
    let q2 = 2.0 * a * a / (1.0 + a);
    ((a * (1.0 - a) + (np - 1.0) * (q1 - a * a) + (nn - 1.0) * (q2 - a * a)) / (np * nn)).sqrt()
}

/// The smallest threshold whose false-alarm rate on `negatives` is at most `rate` (a score above
/// the threshold is an alarm).
pub fn threshold_at_false_alarm(negatives: &[f64], rate: f64) -> f64 {
    let mut sorted = negatives.to_vec();
    sorted.sort_by(f64::total_cmp);
    let allowed = (rate * sorted.len() as f64).floor() as usize;
    let idx = sorted.len().saturating_sub(allowed + 1);
    sorted.get(idx).copied().unwrap_or(f64::INFINITY)
}

/// Fraction of `scores` above `threshold`.
pub fn rate_above(scores: &[f64], threshold: f64) -> f64 {
    scores.iter().filter(|&&s| s > threshold).count() as f64 / scores.len().max(1) as f64
}
