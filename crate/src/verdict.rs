//! The verdict: "confident" when the spread of the samples is at most the threshold shipped in
//! `trained/threshold.json` (chosen by `bayes-ruler eval` on validation children at a fixed
//! false-alarm rate), "uncertain" above it.

use serde::{Deserialize, Serialize};

use crate::stats::Summary;

/// `trained/threshold.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// The spread score: one of [`SPREAD_SCORES`].
    pub score: String,
    /// Scores above this are "uncertain".
    pub threshold: f64,
    /// Share of validation children above the threshold (absent for a placeholder).
    pub validation_false_alarm_rate: Option<f64>,
}

/// The shipped threshold file, as committed.
pub const THRESHOLD_JSON: &str = include_str!("../../trained/threshold.json");

/// The shipped threshold (a malformed file is a build-time mistake, caught by the tests; the
/// fallback only keeps the product answering).
pub fn shipped_threshold() -> Threshold {
    serde_json::from_str(THRESHOLD_JSON).unwrap_or(Threshold {
        score: "std".into(),
        threshold: 5.0,
        validation_false_alarm_rate: None,
    })
}

/// What the spread scores read of a prediction's samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub mean: f64,
    pub std: f64,
    pub median: f64,
    /// Central 90% interval `[5th, 95th percentile]`.
    pub ci90: [f64; 2],
}

impl Spread {
    pub fn of(summary: &Summary) -> Self {
        Spread {
            mean: summary.mean,
            std: summary.std,
            median: summary.median,
            ci90: summary.ci90,
        }
    }
}

/// The candidate spread scores, in the order `eval` tries them on validation data:
/// - `"std"`: the predictive standard deviation (px);
/// - `"cv"`: std / mean, so a small figure's spread counts as much as a tall one's;
/// - `"ci90_rel"`: width of the central 90% interval / median. Unlike the std it ignores the
///   rare far-out samples that the posterior's tails produce, which make the std of even 1000
///   samples of one image vary by half from run to run.
pub const SPREAD_SCORES: [&str; 3] = ["std", "cv", "ci90_rel"];

/// The spread score named `score` (one of [`SPREAD_SCORES`]; anything else reads as "std").
pub fn spread_score(score: &str, s: &Spread) -> f64 {
    match score {
        "cv" => s.std / s.mean.abs().max(1.0),
        "ci90_rel" => (s.ci90[1] - s.ci90[0]) / s.median.abs().max(1.0),
        _ => s.std,
    }
}

/// "confident" or "uncertain" for a prediction's spread.
pub fn verdict(spread: &Spread, threshold: &Threshold) -> &'static str {
    let score = spread_score(&threshold.score, spread);
    if score.is_finite() && score <= threshold.threshold {
        "confident"
    } else {
        "uncertain"
    }
}
