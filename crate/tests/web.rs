//! Browser tests of the JS API on the CPU backend (wasm-bindgen-test, headless Chromium and
//! Firefox): results, errors, progress and cancellation. WebGPU's own tests are in `webgpu.rs`
//! (Chromium), the check that Firefox really has no WebGPU in `firefox.rs`.
#![cfg(target_family = "wasm")]

#[path = "common/browser.rs"]
mod browser;
#[path = "../../core/tests/common/host_check.rs"]
mod host_check;
#[path = "../../core/tests/common/images.rs"]
mod images;

use std::cell::RefCell;
use std::rc::Rc;

use bayes_ruler::{Estimator, backend_options};
use bayes_ruler_core::preprocess::silhouette_png;
use bayes_ruler_silhouettes::demo_silhouette;
use browser::{check_estimator, float_array, message, number, object, predict, string};
use js_sys::{Float32Array, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn cpu_estimator_predicts_the_demo_silhouette() {
    check_estimator("cpu", 40.0).await;
}

/// The CPU kernels as compiled for wasm SIMD compute what burn's pass computes, draw for draw.
#[wasm_bindgen_test]
fn cpu_kernels_equal_burns_pass_in_the_browser() {
    let device = burn::tensor::Device::flex();
    device.seed(41);
    let model = bayes_ruler_core::weights::load_embedded(&device).unwrap();
    host_check::assert_host_matches_burn(&model, &device, 4, "in the browser");
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
    let merged = Rc::new(RefCell::new(Vec::<f32>::new()));
    let (log, merge) = (seen.clone(), merged.clone());
    let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        let added = float_array(&p, "added");
        log.borrow_mut().push((number(&p, "done"), added.len()));
        merge.borrow_mut().extend(added);
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
        vec![(4.0, 4), (8.0, 4), (10.0, 2)],
        "one report per chunk, with that chunk's heights"
    );
    assert_eq!(
        float_array(&r, "samples"),
        *merged.borrow(),
        "the increments, appended, are the samples"
    );

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
    // The worker pool rejects with the module's own words (abortMessage()).
    assert_eq!(string(&err, "message"), bayes_ruler::abort_message());
    assert_eq!(*reports.borrow(), 1, "no chunk runs after the abort");
    assert!(!est.busy());
    assert!(predict(&est, pixels.clone(), 2.0).await.is_ok());

    // The chunk limits JS reads from the module are the ones the estimator applies.
    let max = bayes_ruler::max_chunk();
    assert!(bayes_ruler::default_chunk() >= 1 && bayes_ruler::default_chunk() <= max);
    let at_max = object(&[("chunk", &JsValue::from(max as f64))]);
    let ok = JsFuture::from(est.predict_silhouette(pixels.clone(), JsValue::from(3), at_max)).await;
    assert!(ok.is_ok(), "chunk = maxChunk() is accepted");
    let over = object(&[("chunk", &JsValue::from(max as f64 + 1.0))]);
    let err = JsFuture::from(est.predict_silhouette(pixels.clone(), JsValue::from(3), over))
        .await
        .expect_err("chunk above maxChunk()");
    assert!(message(err).contains(&format!("from 1 to {max}")));
    // This is the full module: it has the WebGPU backend.
    assert!(bayes_ruler::has_webgpu());

    let bad = object(&[("onProgress", &JsValue::from(3))]);
    let err = JsFuture::from(est.predict_silhouette(pixels, JsValue::from(2), bad))
        .await
        .expect_err("bad option");
    assert!(message(err).contains("onProgress"));
}
