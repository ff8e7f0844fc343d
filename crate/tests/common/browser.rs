//! Helpers of the browser suites (`web.rs`, `webgpu.rs`, `firefox.rs`, `relaxed.rs`).
#![allow(dead_code)] // each suite uses some of them

use bayes_ruler::{Estimator, backend_options};
use bayes_ruler_silhouettes::demo_silhouette;
use burn::tensor::Tensor;
use js_sys::{Float32Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub async fn read(t: Tensor<1>) -> Vec<f32> {
    t.into_data_async()
        .await
        .unwrap()
        .try_into_vec::<f32>()
        .unwrap()
}

pub fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= tol * y.abs().max(1.0))
}

pub async fn predict(est: &Estimator, pixels: JsValue, n: f64) -> Result<JsValue, JsValue> {
    JsFuture::from(est.predict_silhouette(pixels, JsValue::from(n), JsValue::UNDEFINED)).await
}

pub fn number(obj: &JsValue, key: &str) -> f64 {
    Reflect::get(obj, &key.into()).unwrap().as_f64().unwrap()
}

pub fn message(err: JsValue) -> String {
    err.dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

/// An estimator on `backend` sampling `n` passes of the demo child: the result's fields agree.
pub async fn check_estimator(backend: &str, n: f64) {
    let est = match Estimator::create(backend_options(backend)).await {
        Ok(est) => est,
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

pub fn float_array(obj: &JsValue, key: &str) -> Vec<f32> {
    Reflect::get(obj, &key.into())
        .unwrap()
        .dyn_into::<Float32Array>()
        .unwrap()
        .to_vec()
}

pub fn string(obj: &JsValue, key: &str) -> String {
    Reflect::get(obj, &key.into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// `{ key: value, ... }`.
pub fn object(entries: &[(&str, &JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}
