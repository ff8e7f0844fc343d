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
    /// How wide held-out children's intervals are at each measured height (for the
    /// `ci90_vs_children` score; absent for the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_width: Option<ChildWidth>,
}

impl Threshold {
    /// This rule's spread score of a prediction.
    pub fn score_of(&self, spread: &Spread) -> f64 {
        spread_score(&self.score, spread, self.child_width.as_ref())
    }
}

/// The width of the central 90% interval that held-out children measured at a height `m` show:
/// `scale · m^exponent`. A tall figure's samples spread more pixels than a small one's, but not
/// in proportion (`ci90_rel` divides by `m` and so over-corrects: a small child looks as unsure
/// as a large spider); a fit on children puts every height on the same footing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChildWidth {
    pub scale: f64,
    pub exponent: f64,
}

impl ChildWidth {
    /// Least-squares fit of ln(width) = ln(scale) + exponent · ln(median) over children's
    /// predictions (those with a finite, non-zero width); `None` without two distinct medians.
    pub fn fit(children: &[Spread]) -> Option<Self> {
        // Only finite, positive widths: a zero width (every sample equal) has no logarithm.
        let points: Vec<(f64, f64)> = children
            .iter()
            .filter(|s| s.median.is_finite() && s.ci90.iter().all(|v| v.is_finite()))
            .filter(|s| s.ci90[1] > s.ci90[0])
            .map(|s| (s.median.abs().max(1.0).ln(), (s.ci90[1] - s.ci90[0]).ln()))
            .collect();
        let first = points.first()?.0;
        if !points.iter().any(|p| p.0 != first) {
            return None;
        }
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let exponent = sxy / sxx;
        Some(ChildWidth {
            scale: (my - exponent * mx).exp(),
            exponent,
        })
    }

    /// The width children measured at `median` px show.
    pub fn expected(&self, median: f64) -> f64 {
        self.scale * median.abs().max(1.0).powf(self.exponent)
    }
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
        child_width: None,
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

/// The candidate spread scores, in the order `eval` tries them on held-out data:
/// - `"std"`: the predictive standard deviation (px);
/// - `"cv"`: std / mean, so a small figure's spread counts as much as a tall one's;
/// - `"ci90_rel"`: width of the central 90% interval / median. Unlike the std it ignores the
///   rare far-out samples that the posterior's tails produce, which make the std of even 1000
///   samples of one image vary by half from run to run;
/// - `"ci90_vs_children"`: width of the central 90% interval / the width held-out children
///   measured at the same height show ([`ChildWidth`]): 1 is a typical child, 2 twice as unsure.
pub const SPREAD_SCORES: [&str; 4] = ["std", "cv", "ci90_rel", "ci90_vs_children"];

/// The spread score named `score` (one of [`SPREAD_SCORES`]; anything else reads as "std").
/// `ci90_vs_children` needs the children's widths; without them it is NaN (an "uncertain"
/// verdict, never a confident one by mistake).
pub fn spread_score(score: &str, s: &Spread, child_width: Option<&ChildWidth>) -> f64 {
    let width = s.ci90[1] - s.ci90[0];
    match score {
        "cv" => s.std / s.mean.abs().max(1.0),
        "ci90_rel" => width / s.median.abs().max(1.0),
        "ci90_vs_children" => child_width.map_or(f64::NAN, |c| width / c.expected(s.median)),
        _ => s.std,
    }
}

/// "confident" or "uncertain" for a prediction's spread.
pub fn verdict(spread: &Spread, threshold: &Threshold) -> &'static str {
    let score = threshold.score_of(spread);
    if score.is_finite() && score <= threshold.threshold {
        "confident"
    } else {
        "uncertain"
    }
}
