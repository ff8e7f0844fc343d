//! The JS API's free functions for pages: summaries of samples, the gallery of generated
//! figures, the demo silhouette, limits, and the raw weights (for benchmarks against other
//! implementations of the same network).

use burn::tensor::{Device, Tensor};
use js_sys::{Array, Float32Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{set, to_js};
use crate::constants::{DATA_SEED, IMAGE_SIDE, MAX_SAMPLES};
use crate::data::dataset::{test_children, test_spiders, test_strangers};
use crate::data::{Category, Kind, demo_silhouette};
use crate::error::RulerError;
use crate::evaluate::mode_share;
use crate::stats::{Histogram, Summary};
use crate::verdict::{Reason, Spread, decide, score_range, shipped_threshold};
use crate::weights::load_embedded;

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
    Ok(report(&samples.to_vec())?)
}

/// The verdict's rule, as in `trained/threshold.json`: `{ score: "std" | "cv" | "ci90_rel" |
/// "ci90_vs_children", threshold, validation_false_alarm_rate, child_width? }` (confident when
/// score ≤ threshold; `child_width: { scale, exponent }` is the interval width
/// `scale · median^exponent` that children show, for `ci90_vs_children`).
#[wasm_bindgen(js_name = verdictRule)]
pub fn verdict_rule() -> Result<JsValue, JsValue> {
    Ok(to_js(&shipped_threshold())?)
}

/// Held-out generated figures for a gallery: `children` test children (with their true height),
/// `spiders` spiders, then the first image of `strangers` categories of the broad
/// out-of-distribution test set (spread over its 17 categories; default none), each
/// `{ kind: "child" | "spider" | "stranger", category, height, pixels }` (height is `null` but
/// for children; `category` names a stranger's kind, e.g. "horse"). At most 64 children and
/// spiders, 17 strangers.
#[wasm_bindgen]
pub fn gallery(
    children: usize,
    spiders: usize,
    strangers: Option<usize>,
) -> Result<Array, JsValue> {
    let strangers = strangers.unwrap_or(0);
    if children > 64 || spiders > 64 || strangers > Category::ALL.len() {
        return Err(RulerError::InvalidInput(
            "a gallery holds at most 64 children, 64 spiders and 17 strangers".into(),
        )
        .into());
    }
    let items = Array::new();
    let categories = (0..strangers).map(|i| Category::ALL[i * Category::ALL.len() / strangers]);
    let examples = test_children(DATA_SEED, children)
        .into_iter()
        .chain(test_spiders(DATA_SEED, spiders))
        .chain(categories.flat_map(|c| test_strangers(DATA_SEED, c, 1)));
    for example in examples {
        let item = Object::new();
        let (kind, category, height) = match example.kind {
            Kind::Child(_) => ("child", None, JsValue::from(example.height)),
            Kind::Spider => ("spider", None, JsValue::NULL),
            Kind::Cat => ("cat", None, JsValue::NULL),
            Kind::Stranger(c) => ("stranger", Some(c.name()), JsValue::NULL),
            Kind::Negative(_) => ("negative", None, JsValue::NULL),
        };
        set(&item, "kind", &kind.into())?;
        set(
            &item,
            "category",
            &category.map_or(JsValue::NULL, JsValue::from),
        )?;
        set(&item, "height", &height)?;
        set(
            &item,
            "pixels",
            &Float32Array::from(example.pixels.as_slice()),
        )?;
        items.push(&item);
    }
    Ok(items)
}

/// The built-in 126×126 silhouette of the demo (a standing toddler), row-major, figure = 1.
#[wasm_bindgen(js_name = demoSilhouette)]
pub fn demo_silhouette_js() -> Float32Array {
    Float32Array::from(demo_silhouette().pixels())
}

/// Side of the square input, in pixels.
#[wasm_bindgen(js_name = imageSide)]
pub fn image_side() -> usize {
    IMAGE_SIDE
}

/// The rejection of a second prediction while one runs on the same estimator (the worker pool
/// answers with the same words).
#[wasm_bindgen(js_name = busyMessage)]
pub fn busy_message() -> String {
    RulerError::Busy.to_string()
}

/// Largest `n` a prediction accepts.
#[wasm_bindgen(js_name = maxSamples)]
pub fn max_samples() -> usize {
    MAX_SAMPLES
}

async fn floats<const D: usize>(t: Tensor<D>) -> Result<JsValue, RulerError> {
    let data = t
        .into_data_async()
        .await
        .map_err(|e| RulerError::Device(format!("cannot read the weights: {e:?}")))?;
    let values = crate::inference::read_floats(data)?;
    Ok(Float32Array::from(values.as_slice()).into())
}

/// One layer's posterior as `{ mu, rho, bias, shape }` (burn's layouts: conv `[out, in, k, k]`,
/// dense `[in, out]`).
async fn layer<const D: usize>(
    mu: Tensor<D>,
    rho: Tensor<D>,
    bias: Tensor<1>,
) -> Result<JsValue, RulerError> {
    let layer = Object::new();
    set(&layer, "shape", &to_js(&mu.dims().to_vec())?)?;
    set(&layer, "mu", &floats(mu).await?)?;
    set(&layer, "rho", &floats(rho).await?)?;
    set(&layer, "bias", &floats(bias).await?)?;
    Ok(layer.into())
}

/// The shipped weights: `{ conv1, conv2, dense, pool, outputOffset, outputScale }`, each layer
/// `{ mu, rho, bias, shape }` with sigma = softplus(rho). Height = outputOffset + outputScale · y.
#[wasm_bindgen(js_name = modelParameters)]
pub async fn model_parameters() -> Result<JsValue, JsValue> {
    let model = load_embedded(&Device::flex())?;
    let result = Object::new();
    let c1 = &model.conv1.kernel;
    let c2 = &model.conv2.kernel;
    let d = &model.dense.kernel;
    set(
        &result,
        "conv1",
        &layer(c1.mu.val(), c1.rho.val(), c1.bias.val()).await?,
    )?;
    set(
        &result,
        "conv2",
        &layer(c2.mu.val(), c2.rho.val(), c2.bias.val()).await?,
    )?;
    set(
        &result,
        "dense",
        &layer(d.mu.val(), d.rho.val(), d.bias.val()).await?,
    )?;
    set(&result, "pool", &model.pool.into())?;
    set(&result, "frame", &model.frame.into())?;
    set(&result, "outputOffset", &model.output_offset.into())?;
    set(&result, "outputScale", &model.output_scale.into())?;
    Ok(result.into())
}

/// The object accepted by `Estimator.create`, for Rust callers and tests.
pub fn backend_options(backend: &str) -> JsValue {
    let options = Object::new();
    let _ = Reflect::set(&options, &"backend".into(), &backend.into());
    options.into()
}
