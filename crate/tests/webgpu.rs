//! Browser tests of WebGPU against the CPU for the same weights and input (wasm-bindgen-test,
//! headless Chromium on SwiftShader). Every test here needs WebGPU and fails without it:
//! `scripts/test.sh` runs this file only in Chromium (Firefox headless has no adapter; its run
//! checks that in `firefox.rs`, so a Firefox that gains WebGPU is noticed, not skipped).
#![cfg(target_family = "wasm")]

#[path = "common/browser.rs"]
mod browser;
#[path = "../../core/tests/common/draws.rs"]
mod draws;

use bayes_ruler_core::inference::{
    ModelInput, WeightDraws, forward_draws, image_tensor, sample_heights_async,
};
use bayes_ruler_core::stats::ks_two_sample;
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_silhouettes::demo_silhouette;
use browser::{check_estimator, close, read};
use burn::tensor::Device;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn webgpu() -> Device {
    bayes_ruler::webgpu_device().await.unwrap_or_else(|e| {
        panic!(
            "this suite needs WebGPU (headless Chromium has it on SwiftShader with \
             crate/webdriver.json's flags; Firefox runs firefox.rs instead): {e}"
        )
    })
}

#[wasm_bindgen_test]
async fn webgpu_mean_pass_matches_the_cpu() {
    let gpu = webgpu().await;
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
    let gpu = webgpu().await;
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

#[wasm_bindgen_test]
async fn webgpu_estimator_predicts_the_demo_silhouette() {
    check_estimator("webgpu", 4.0).await;
}

/// Batched WebGPU samples have the distribution of batched CPU samples and of separate
/// single-pass WebGPU calls (two-sample Kolmogorov–Smirnov, fixed seeds), with matching means.
#[wasm_bindgen_test]
async fn webgpu_samples_have_the_distribution_of_cpu_and_sequential_samples() {
    let gpu = webgpu().await;
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

/// The draws WebGPU makes inside one chunk are independent exact draws (the generator is the
/// GPU's own, not the CPU's): per-weight variance σ², no correlation between draws.
#[wasm_bindgen_test]
async fn webgpu_draws_in_one_chunk_are_independent() {
    let gpu = webgpu().await;
    gpu.seed(31);
    let model = load_embedded(&gpu).unwrap();
    let n = 32;
    let w = WeightDraws::sample(&model, n);
    let data = [
        w.conv1.into_data_async().await.unwrap(),
        w.conv2.into_data_async().await.unwrap(),
        w.dense.into_data_async().await.unwrap(),
    ];
    let mut posterior = Vec::new();
    for (mu, sigma) in draws::posterior(&model) {
        posterior.push((
            mu.into_data_async().await.unwrap(),
            sigma.into_data_async().await.unwrap(),
        ));
    }
    let posterior: [_; 3] = posterior.try_into().unwrap();
    for layer in draws::layers(data, posterior, n) {
        draws::assert_independent(&layer);
    }
}

/// The WebGPU chunk limit comes from this adapter's storage-buffer limits (read here on their
/// own), and a prediction that asks for more per call gets chunks of at most that.
#[wasm_bindgen_test]
async fn webgpu_chunks_follow_the_adapters_limits() {
    use bayes_ruler::{Estimator, backend_options, max_chunk, webgpu_chunk_limit};
    use bayes_ruler_core::inference::webgpu_max_chunk;
    use js_sys::{Function, Promise, Reflect};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    let est = Estimator::create(backend_options("webgpu")).await.unwrap();
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
    let gpu = Reflect::get(&navigator, &"gpu".into()).unwrap();
    let request: Function = Reflect::get(&gpu, &"requestAdapter".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let promise: Promise = request.call0(&gpu).unwrap().dyn_into().unwrap();
    let adapter = JsFuture::from(promise).await.unwrap();
    let limits = Reflect::get(&adapter, &"limits".into()).unwrap();
    let read = |name: &str| {
        Reflect::get(&limits, &name.into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    let bytes = read("maxStorageBufferBindingSize").min(read("maxBufferSize"));
    let expected = webgpu_max_chunk(bytes as u64).min(max_chunk());
    assert_eq!(
        webgpu_chunk_limit(),
        Some(expected),
        "{bytes} bytes per binding"
    );
    assert!(
        expected >= 120,
        "WebGPU guarantees 128 MiB bindings: {bytes}"
    );

    // Ask for more than the limit per call (a few passes more than one chunk's worth, within
    // maxChunk): every chunk holds at most the limit.
    let n = (expected + 3).min(max_chunk());
    let sizes = Rc::new(RefCell::new(Vec::new()));
    let log = sizes.clone();
    let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        let added: js_sys::Float32Array = Reflect::get(&p, &"added".into())
            .unwrap()
            .dyn_into()
            .unwrap();
        log.borrow_mut().push(added.length() as usize);
    });
    let options = browser::object(&[
        ("onProgress", on_progress.as_ref()),
        ("chunk", &JsValue::from(max_chunk() as f64)),
    ]);
    let pixels: JsValue = js_sys::Float32Array::from(demo_silhouette().pixels()).into();
    JsFuture::from(est.predict_silhouette(pixels, JsValue::from(n as f64), options))
        .await
        .unwrap();
    let sizes = sizes.borrow();
    assert_eq!(sizes.iter().sum::<usize>(), n);
    assert!(
        sizes.iter().all(|&s| s <= expected),
        "chunks {sizes:?} over the limit {expected}"
    );
}
