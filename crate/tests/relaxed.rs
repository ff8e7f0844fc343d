//! The relaxed-SIMD build's CPU kernels (fused multiply-adds) in headless Chromium: run with
//! `--no-default-features --features relaxed-simd` (scripts/test.sh), and failing without it.
//! The other browser suites test the SIMD128 build.
#![cfg(target_family = "wasm")]

#[path = "common/browser.rs"]
mod browser;
#[path = "../../core/tests/common/host_check.rs"]
mod host_check;
#[path = "../../core/tests/common/images.rs"]
mod images;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// This build fuses: it is the module the page loads where relaxed SIMD validates.
#[wasm_bindgen_test]
fn this_build_fuses_the_multiply_adds() {
    assert_eq!(bayes_ruler::cpu_arithmetic(), "relaxed-simd");
    assert!(
        !bayes_ruler::has_webgpu(),
        "the relaxed build is the CPU-only module's twin"
    );
}

/// With fused multiply-adds the kernels still compute burn's heights, draw for draw (one
/// rounding less per tap: well inside the check's 1e-4).
#[wasm_bindgen_test]
fn fused_cpu_kernels_equal_burns_pass_in_the_browser() {
    let device = burn::tensor::Device::flex();
    device.seed(43);
    let model = bayes_ruler_core::weights::load_embedded(&device).unwrap();
    host_check::assert_host_matches_burn(&model, &device, 4, "in the browser, fused");
}

/// The estimator on this build: the demo silhouette's heights, spread and verdict as the SIMD128
/// build's test expects them.
#[wasm_bindgen_test]
async fn the_fused_estimator_predicts_the_demo_silhouette() {
    browser::check_estimator("cpu", 40.0).await;
}
