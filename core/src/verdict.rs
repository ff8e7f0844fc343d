//! The verdict: "confident" when the spread of the samples is at most the threshold shipped in
//! `trained/threshold.json` (chosen by `bayes-ruler eval` on validation children at a fixed
//! false-alarm rate), "uncertain" above it, and "undecided" when the score's own Monte-Carlo
//! noise (how far the quantiles of N samples may be from those of infinitely many) leaves it on
//! both sides of the threshold: more passes decide. A mean height that the 126-px frame
//! cannot hold is never "confident".

use serde::{Deserialize, Serialize};

use crate::constants::IMAGE_SIDE;
use crate::stats::{QuantileRanges, Summary};

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
    /// The Monte-Carlo ranges of the quantiles, when known (absent: the point rule alone).
    pub ranges: Option<QuantileRanges>,
}

impl Spread {
    pub fn of(summary: &Summary) -> Self {
        Spread {
            mean: summary.mean,
            std: summary.std,
            median: summary.median,
            ci90: summary.ci90,
            ranges: Some(summary.ranges),
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

/// The range of the score that the quantiles' Monte-Carlo ranges allow: its smallest and
/// largest value over every combination of their ends (`None` without ranges). The std-based
/// scores read no quantile: their range is the point. With ranges open at the sample's ends
/// (too few passes) a score that reads them has no upper bound: it can be "uncertain" (its
/// lower bound above the threshold already) or "undecided", never "confident".
pub fn score_range(spread: &Spread, threshold: &Threshold) -> Option<[f64; 2]> {
    let r = spread.ranges?;
    let mut range = [f64::INFINITY, f64::NEG_INFINITY];
    for low in r.low {
        for high in r.high {
            for median in r.median {
                let corner = Spread {
                    ci90: [low, high.max(low)],
                    median,
                    ranges: None,
                    ..*spread
                };
                let v = threshold.score_of(&corner);
                range = [range[0].min(v), range[1].max(v)];
            }
        }
    }
    if !r.closed && range[1] > range[0] {
        range[1] = f64::INFINITY;
    }
    Some(range).filter(|r| r[0].is_finite() && !r[1].is_nan())
}

/// Why a verdict is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The score is at most the threshold, with room for its Monte-Carlo noise.
    NarrowSpread,
    /// The score is above the threshold, with room for its Monte-Carlo noise.
    WideSpread,
    /// The score's Monte-Carlo range straddles the threshold.
    TooFewPasses,
    /// The mean height is below 1 px or above the frame's 126 px.
    OutsideFrame,
    /// The score is not a number (e.g. a rule that lacks the children's widths).
    NoScore,
}

/// A verdict and its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// "confident", "uncertain" or "undecided".
    pub verdict: &'static str,
    pub reason: Reason,
}

/// The verdict of a prediction's spread: "confident" when its score is at most the threshold
/// (and, with Monte-Carlo ranges, when all of its range is), "uncertain" when it is above (all
/// of its range), "undecided" when the range straddles the threshold; a mean outside the
/// frame is "uncertain" whatever the spread.
pub fn decide(spread: &Spread, threshold: &Threshold) -> Decision {
    let decision = |verdict, reason| Decision { verdict, reason };
    if !(spread.mean >= 1.0 && spread.mean <= IMAGE_SIDE as f64) {
        return decision("uncertain", Reason::OutsideFrame);
    }
    let score = threshold.score_of(spread);
    if !score.is_finite() {
        return decision("uncertain", Reason::NoScore);
    }
    let [lo, hi] = score_range(spread, threshold).unwrap_or([score, score]);
    if hi <= threshold.threshold {
        decision("confident", Reason::NarrowSpread)
    } else if lo > threshold.threshold {
        decision("uncertain", Reason::WideSpread)
    } else {
        decision("undecided", Reason::TooFewPasses)
    }
}

/// "confident", "uncertain" or "undecided" for a prediction's spread ([`decide`]).
pub fn verdict(spread: &Spread, threshold: &Threshold) -> &'static str {
    decide(spread, threshold).verdict
}
