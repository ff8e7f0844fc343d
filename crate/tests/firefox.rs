//! Run in headless Firefox only (`scripts/test.sh`): it has no WebGPU adapter, so `webgpu.rs`
//! does not run there; this checks that this is still so and that the estimator says why it
//! uses the CPU. When a Firefox gains WebGPU these tests fail: then run `webgpu.rs` there too.
#![cfg(target_family = "wasm")]

use bayes_ruler::{Estimator, backend_options, webgpu_device};
use js_sys::Reflect;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn user_agent() -> String {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap();
    Reflect::get(&navigator, &"userAgent".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn firefox_headless_has_no_webgpu_and_auto_falls_back_to_the_cpu_with_the_reason() {
    let agent = user_agent();
    assert!(
        agent.contains("Firefox"),
        "firefox.rs is Firefox's suite; this browser is {agent}"
    );
    let err = webgpu_device().await.expect_err(
        "Firefox headless offers WebGPU now: run webgpu.rs in Firefox too (scripts/test.sh)",
    );
    assert!(err.to_string().contains("WebGPU"), "{err}");
    // A failed start is retried, and fails the same way, not with a stale or different error.
    let again = webgpu_device().await.expect_err("still no WebGPU");
    assert!(again.to_string().contains("WebGPU"), "{again}");

    let est = Estimator::create(backend_options("auto")).await.unwrap();
    assert_eq!(est.backend(), "cpu");
    let reason = est.fallback_reason().unwrap_or_default();
    assert!(
        reason.contains("WebGPU") || reason.contains("adapter"),
        "the fallback must say why: {reason:?}"
    );
    let err = Estimator::create(backend_options("webgpu"))
        .await
        .err()
        .expect("asking for WebGPU where there is none must reject");
    assert!(err.is_object(), "the rejection is an Error");
}
