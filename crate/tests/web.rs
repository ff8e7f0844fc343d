//! Browser tests (wasm-bindgen-test, headless Chromium or Firefox): WebGPU against the CPU for
//! the same weights and input, and the JS API's results and errors.
#![cfg(target_family = "wasm")]

use std::cell::RefCell;
use std::rc::Rc;

use bayes_ruler::data::demo_silhouette;
use bayes_ruler::inference::{
    ModelInput, WeightDraws, forward_draws, image_tensor, sample_heights_async,
};
use bayes_ruler::preprocess::silhouette_png;
use bayes_ruler::stats::ks_two_sample;
use bayes_ruler::web::{Estimator, backend_options};
use bayes_ruler::weights::load_embedded;
use burn::tensor::{Device, Tensor};
use js_sys::{Float32Array, Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Set at build time by `scripts/test.sh` for browsers that must offer WebGPU (Chromium with
/// SwiftShader); elsewhere (Firefox headless) a missing adapter is reported, not failed.
const REQUIRE_WEBGPU: bool = option_env!("BAYES_RULER_REQUIRE_WEBGPU").is_some();

async fn read(t: Tensor<1>) -> Vec<f32> {
    t.into_data_async()
        .await
        .unwrap()
        .try_into_vec::<f32>()
        .unwrap()
}

async fn webgpu() -> Option<Device> {
    match bayes_ruler::web::webgpu_device().await {
        Ok(device) => Some(device),
        Err(e) => {
            assert!(!REQUIRE_WEBGPU, "WebGPU is required in this browser: {e}");
            web_sys::console::log_1(&format!("no WebGPU here, GPU checks skipped: {e}").into());
            None
        }
    }
}

fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= tol * y.abs().max(1.0))
}

#[wasm_bindgen_test]
async fn webgpu_mean_pass_matches_the_cpu() {
    let Some(gpu) = webgpu().await else { return };
    let cpu = Device::flex();
    let pixels = demo_silhouette().into_pixels();
    let on = |device: &Device| {
        let model = load_embedded(device).unwrap();
        let image = image_tensor(&pixels, device).unwrap();
        model.forward_mean(image).reshape([1])
    };
    let g = read(on(&gpu)).await;
    let c = read(on(&cpu)).await;
    assert!(
        g[0] != 0.0,
        "WebGPU returned zero: a shader may have failed validation"
    );
    assert!(close(&g, &c, 1e-3), "webgpu {g:?} vs cpu {c:?}");
}

#[wasm_bindgen_test]
async fn webgpu_batched_draws_match_the_cpu_for_identical_noise() {
    let Some(gpu) = webgpu().await else { return };
    let cpu = Device::flex();
    cpu.seed(11);
    let pixels = demo_silhouette().into_pixels();
    let cpu_model = load_embedded(&cpu).unwrap();
    let gpu_model = load_embedded(&gpu).unwrap();
    let draws = WeightDraws::sample(&cpu_model, 3);
    let c = read(forward_draws(
        &cpu_model,
        &ModelInput::new(&cpu_model, &pixels, &cpu).unwrap(),
        &draws,
    ))
    .await;
    let gpu_draws = draws.to_device(&gpu);
    let g = read(forward_draws(
        &gpu_model,
        &ModelInput::new(&gpu_model, &pixels, &gpu).unwrap(),
        &gpu_draws,
    ))
    .await;
    assert!(close(&g, &c, 1e-3), "webgpu {g:?} vs cpu {c:?}");
}

async fn predict(est: &Estimator, pixels: JsValue, n: f64) -> Result<JsValue, JsValue> {
    JsFuture::from(est.predict_silhouette(pixels, JsValue::from(n), JsValue::UNDEFINED)).await
}

fn number(obj: &JsValue, key: &str) -> f64 {
    Reflect::get(obj, &key.into()).unwrap().as_f64().unwrap()
}

fn message(err: JsValue) -> String {
    err.dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

async fn check_estimator(backend: &str, n: f64) {
    let est = match Estimator::create(backend_options(backend)).await {
        Ok(est) => est,
        Err(e) if backend == "webgpu" && !REQUIRE_WEBGPU => {
            web_sys::console::log_1(&format!("skipping webgpu estimator: {e:?}").into());
            return;
        }
        Err(e) => panic!("create({backend}) failed: {e:?}"),
    };
    assert_eq!(est.backend(), backend);
    let pixels: JsValue = Float32Array::from(demo_silhouette().pixels()).into();
    let r = predict(&est, pixels.clone(), n).await.unwrap();
    let samples: Float32Array = Reflect::get(&r, &"samples".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(samples.length() as f64, n);
    let samples = samples.to_vec();
    let mean = samples.iter().map(|&x| x as f64).sum::<f64>() / n;
    assert!((number(&r, "mean") - mean).abs() < 1e-3 * mean.abs().max(1.0));
    assert!(number(&r, "std") > 0.0, "independent draws must spread");
    let ci: js_sys::Array = Reflect::get(&r, &"ci90".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let (lo, hi) = (ci.get(0).as_f64().unwrap(), ci.get(1).as_f64().unwrap());
    assert!(lo < number(&r, "median") && number(&r, "median") < hi);
    let hist = Reflect::get(&r, &"histogram".into()).unwrap();
    let counts: js_sys::Array = Reflect::get(&hist, &"counts".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let total: f64 = counts.iter().map(|c| c.as_f64().unwrap()).sum();
    assert_eq!(total, n);
    assert_eq!(
        Reflect::get(&r, &"backend".into())
            .unwrap()
            .as_string()
            .unwrap(),
        backend
    );
    assert!(number(&r, "elapsedMs") >= 0.0);
}

#[wasm_bindgen_test]
async fn cpu_estimator_predicts_the_demo_silhouette() {
    check_estimator("cpu", 40.0).await;
}

#[wasm_bindgen_test]
async fn webgpu_estimator_predicts_the_demo_silhouette() {
    check_estimator("webgpu", 4.0).await;
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_with_a_message_and_leave_the_estimator_usable() {
    let est = Estimator::create(backend_options("cpu")).await.unwrap();
    let good: JsValue = Float32Array::from(demo_silhouette().pixels()).into();
    let short: JsValue = Float32Array::new_with_length(10).into();
    let mut nan = demo_silhouette().into_pixels();
    nan[5] = f32::NAN;
    let nan: JsValue = Float32Array::from(nan.as_slice()).into();

    let cases = [
        (short, 10.0, "15876"),
        (nan, 10.0, "NaN"),
        (JsValue::from_str("pixels"), 10.0, "Float32Array"),
        (good.clone(), 0.0, "from 1 to 100000"),
        (good.clone(), 100_001.0, "from 1 to 100000"),
        (good.clone(), f64::NAN, "from 1 to 100000"),
        (good.clone(), 2.5, "integer"),
    ];
    for (pixels, n, expected) in cases {
        let err = predict(&est, pixels, n).await.expect_err("must reject");
        let msg = message(err);
        assert!(msg.contains(expected), "message {msg:?} lacks {expected:?}");
    }
    let bad_options = Estimator::create(backend_options("tpu"))
        .await
        .err()
        .map(message);
    assert!(bad_options.unwrap_or_default().contains("backend"));

    // A second call while the first runs is refused; the first still completes.
    let first =
        JsFuture::from(est.predict_silhouette(good.clone(), JsValue::from(8), JsValue::UNDEFINED));
    let second = predict(&est, good.clone(), 8.0).await.expect_err("busy");
    assert!(message(second).contains("busy"));
    assert!(first.await.is_ok());
    assert!(!est.busy());
    assert!(
        predict(&est, good, 8.0).await.is_ok(),
        "usable after errors"
    );
}

fn float_array(obj: &JsValue, key: &str) -> Vec<f32> {
    Reflect::get(obj, &key.into())
        .unwrap()
        .dyn_into::<Float32Array>()
        .unwrap()
        .to_vec()
}

fn string(obj: &JsValue, key: &str) -> String {
    Reflect::get(obj, &key.into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// `{ key: value, ... }`.
fn object(entries: &[(&str, &JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
async fn predict_image_passes_a_126_silhouette_png_through_and_gives_a_verdict() {
    let est = Estimator::create(backend_options("cpu")).await.unwrap();
    let pixels = demo_silhouette().into_pixels();
    let png = silhouette_png(&pixels, 126).unwrap();
    let bytes: JsValue = Uint8Array::from(png.as_slice()).into();
    let r = JsFuture::from(est.predict_image(bytes, JsValue::from(16), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(
        float_array(&r, "silhouette"),
        pixels,
        "the model must see the file as drawn"
    );
    assert_eq!(number(&r, "sourceWidth"), 126.0);
    assert_eq!(float_array(&r, "samples").len(), 16);
    assert!(["confident", "undecided", "uncertain"].contains(&string(&r, "verdict").as_str()));
    let share = number(&r, "modeShare");
    assert!((0.0..=1.0).contains(&share) && share > 0.0);

    let cases: [(JsValue, &str); 4] = [
        (Uint8Array::new_with_length(0).into(), "empty"),
        (
            Uint8Array::from(&b"hello, not an image"[..]).into(),
            "not a",
        ),
        (Uint8Array::from(&png[..png.len() / 2]).into(), "truncated"),
        (JsValue::from_str("file.png"), "Uint8Array"),
    ];
    for (bytes, expected) in cases {
        let err = JsFuture::from(est.predict_image(bytes, JsValue::from(4), JsValue::UNDEFINED))
            .await
            .expect_err("must reject");
        let msg = message(err);
        assert!(msg.contains(expected), "message {msg:?} lacks {expected:?}");
    }
    assert!(!est.busy(), "a bad file must not leave the estimator busy");
}

#[wasm_bindgen_test]
async fn progress_reports_every_chunk_and_a_signal_cancels() {
    let est = Estimator::create(backend_options("cpu")).await.unwrap();
    let pixels: JsValue = Float32Array::from(demo_silhouette().pixels()).into();
    let seen = Rc::new(RefCell::new(Vec::<(f64, usize)>::new()));
    let log = seen.clone();
    let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        log.borrow_mut()
            .push((number(&p, "done"), float_array(&p, "samples").len()));
    });
    let options = object(&[
        ("onProgress", on_progress.as_ref()),
        ("chunk", &JsValue::from(4)),
    ]);
    let r = JsFuture::from(est.predict_silhouette(pixels.clone(), JsValue::from(10), options))
        .await
        .unwrap();
    assert_eq!(
        *seen.borrow(),
        vec![(4.0, 4), (8.0, 8), (10.0, 10)],
        "one report per chunk"
    );
    assert_eq!(float_array(&r, "samples").len(), 10);

    // Abort after the first chunk: the promise rejects with an AbortError, and the estimator
    // takes the next request.
    let global = js_sys::global();
    let ctor: js_sys::Function = Reflect::get(&global, &"AbortController".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let controller = Reflect::construct(&ctor, &js_sys::Array::new()).unwrap();
    let signal = Reflect::get(&controller, &"signal".into()).unwrap();
    let abort: js_sys::Function = Reflect::get(&controller, &"abort".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let reports = Rc::new(RefCell::new(0));
    let count = reports.clone();
    let abort_on_first = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        *count.borrow_mut() += 1;
        abort.call0(&controller).unwrap();
    });
    let options = object(&[
        ("onProgress", abort_on_first.as_ref()),
        ("signal", &signal),
        ("chunk", &JsValue::from(2)),
    ]);
    let err = JsFuture::from(est.predict_silhouette(pixels.clone(), JsValue::from(20), options))
        .await
        .expect_err("aborted");
    assert_eq!(string(&err, "name"), "AbortError");
    assert_eq!(*reports.borrow(), 1, "no chunk runs after the abort");
    assert!(!est.busy());
    assert!(predict(&est, pixels.clone(), 2.0).await.is_ok());

    let bad = object(&[("onProgress", &JsValue::from(3))]);
    let err = JsFuture::from(est.predict_silhouette(pixels, JsValue::from(2), bad))
        .await
        .expect_err("bad option");
    assert!(message(err).contains("onProgress"));
}

/// Batched WebGPU samples have the distribution of batched CPU samples and of separate
/// single-pass WebGPU calls (two-sample Kolmogorov–Smirnov, fixed seeds), with matching means.
#[wasm_bindgen_test]
async fn webgpu_samples_have_the_distribution_of_cpu_and_sequential_samples() {
    let Some(gpu) = webgpu().await else { return };
    gpu.seed(21);
    let cpu = Device::flex();
    cpu.seed(22);
    let pixels = demo_silhouette().into_pixels();
    let gpu_model = load_embedded(&gpu).unwrap();
    let cpu_model = load_embedded(&cpu).unwrap();
    let n = 48;
    let g = sample_heights_async(&gpu_model, &pixels, n, &gpu)
        .await
        .unwrap();
    let c = sample_heights_async(&cpu_model, &pixels, n, &cpu)
        .await
        .unwrap();
    let mut sequential = Vec::new();
    for _ in 0..n / 2 {
        sequential.extend(
            sample_heights_async(&gpu_model, &pixels, 1, &gpu)
                .await
                .unwrap(),
        );
    }
    let mean = |v: &[f32]| v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64;
    let sd = |v: &[f32]| {
        let m = mean(v);
        (v.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    assert!(
        g.windows(2).all(|w| w[0] != w[1]),
        "identical WebGPU samples"
    );
    for (name, other) in [("cpu", &c), ("sequential webgpu", &sequential)] {
        let (d, p) = ks_two_sample(&g, other);
        assert!(p > 1e-3, "webgpu vs {name}: KS D = {d:.3}, p = {p:.2e}");
        let se = (sd(&g).powi(2) / g.len() as f64 + sd(other).powi(2) / other.len() as f64).sqrt();
        assert!(
            (mean(&g) - mean(other)).abs() < 4.0 * se,
            "means differ: webgpu vs {name}"
        );
    }
    let ratio = sd(&g) / sd(&c);
    assert!(
        (0.6..1.6).contains(&ratio),
        "spread ratio webgpu / cpu = {ratio:.2}"
    );
}
