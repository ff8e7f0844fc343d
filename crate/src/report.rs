//! What a prediction reports about its samples (histogram, summary, spread score, verdict), and
//! the verdict's rule for pages that explain it.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{JsResult, to_js};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::stats::{Histogram, Summary, mode_share};
use bayes_ruler_core::verdict::{Reason, Spread, decide, score_range, shipped_threshold};
use js_sys::Float32Array;

/// What every prediction reports about its samples.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    histogram: Histogram,
    mean: f64,
    std: f64,
    median: f64,
    ci90: [f64; 2],
    mode_share: f64,
    /// The shipped spread score of these samples (`threshold.score`).
    spread: f64,
    /// The score's Monte-Carlo range `[lo, hi]` at this many samples (null when the rule's
    /// score reads no quantile).
    spread_range: Option<[f64; 2]>,
    /// "confident", "uncertain" or "undecided".
    verdict: &'static str,
    /// Why: "narrow-spread", "wide-spread", "too-few-passes", "outside-frame" or "no-score".
    verdict_reason: Reason,
}

/// Summary, mode share and verdict of some samples as a JS object.
pub(crate) fn report(samples: &[f32]) -> Result<JsValue, RulerError> {
    let summary = Summary::of(samples).ok_or_else(|| {
        RulerError::InvalidInput("the samples are empty or hold a non-finite value".into())
    })?;
    let threshold = shipped_threshold();
    let spread = Spread::of(&summary);
    let decision = decide(&spread, &threshold);
    to_js(&Report {
        mode_share: mode_share(samples),
        spread: threshold.score_of(&spread),
        spread_range: score_range(&spread, &threshold),
        verdict: decision.verdict,
        verdict_reason: decision.reason,
        histogram: summary.histogram,
        mean: summary.mean,
        std: summary.std,
        median: summary.median,
        ci90: summary.ci90,
    })
}

/// The summary of some heights, as in a prediction's result (for partial results while
/// sampling runs): `{ histogram, mean, std, median, ci90, modeShare, spread, verdict }`.
#[wasm_bindgen]
pub fn summarize(samples: &Float32Array) -> Result<JsValue, JsValue> {
    report(&samples.to_vec()).js()
}

/// The verdict's rule, as in `trained/threshold.json`: `{ score: "std" | "cv" | "ci90_rel" |
/// "ci90_vs_children", threshold, validation_false_alarm_rate, child_width? }` (confident when
/// score ≤ threshold; `child_width: { scale, exponent }` is the interval width
/// `scale · median^exponent` that children show, for `ci90_vs_children`).
#[wasm_bindgen(js_name = verdictRule)]
pub fn verdict_rule() -> Result<JsValue, JsValue> {
    to_js(&shipped_threshold()).js()
}
