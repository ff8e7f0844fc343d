//! The verdict: "confident" when the spread of the samples is at most the threshold shipped in
//! `trained/threshold.json` (chosen by `bayes-ruler eval` on validation children at a fixed
//! false-alarm rate), "uncertain" above it.

use serde::{Deserialize, Serialize};

/// `trained/threshold.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// The spread score: `"std"` (predictive standard deviation, px) or `"cv"` (std / mean).
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

/// The spread score named `score` of a prediction with this mean and standard deviation.
pub fn spread_score(score: &str, mean: f64, std: f64) -> f64 {
    match score {
        "cv" => std / mean.abs().max(1.0),
        _ => std,
    }
}

/// "confident" or "uncertain" for a prediction's mean and standard deviation.
pub fn verdict(mean: f64, std: f64, threshold: &Threshold) -> &'static str {
    let score = spread_score(&threshold.score, mean, std);
    if score.is_finite() && score <= threshold.threshold {
        "confident"
    } else {
        "uncertain"
    }
}
