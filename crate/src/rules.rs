//! The limits and messages that JS shares with the module: the page, the widget and the worker
//! pool read them from here instead of keeping their own copies.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::device::HAS_WEBGPU;
use bayes_ruler_core::constants::{IMAGE_SIDE, MAX_SAMPLES};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::{CPU_ARITHMETIC, DEFAULT_CHUNK};

/// Largest chunk a caller may ask for (passes per device call).
pub(crate) const MAX_CHUNK: usize = 1024;

/// The message of a prediction cancelled through its `AbortSignal` (an `Error` named
/// `AbortError`, as `fetch` gives).
pub(crate) const ABORT_MESSAGE: &str = "cancelled: the prediction was aborted through its signal";

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

/// The rejection of a prediction cancelled through its signal (the worker pool's words too).
#[wasm_bindgen(js_name = abortMessage)]
pub fn abort_message() -> String {
    ABORT_MESSAGE.into()
}

/// Passes per device call when a prediction names no `chunk`.
#[wasm_bindgen(js_name = defaultChunk)]
pub fn default_chunk() -> usize {
    DEFAULT_CHUNK
}

/// Largest `options.chunk` a prediction accepts.
#[wasm_bindgen(js_name = maxChunk)]
pub fn max_chunk() -> usize {
    MAX_CHUNK
}

/// Whether this module can compute on WebGPU: `false` for the CPU-only module
/// (`bayes_ruler_cpu.js`).
#[wasm_bindgen(js_name = hasWebgpu)]
pub fn has_webgpu() -> bool {
    HAS_WEBGPU
}

/// How this module's CPU kernels multiply and add: "relaxed-simd" (the relaxed-SIMD build,
/// `bayes_ruler_cpu_relaxed_bg.wasm`: fused multiply-adds) or "simd128".
#[wasm_bindgen(js_name = cpuArithmetic)]
pub fn cpu_arithmetic() -> String {
    CPU_ARITHMETIC.into()
}

/// The object accepted by `Estimator.create`, for Rust callers and tests.
pub fn backend_options(backend: &str) -> JsValue {
    let options = Object::new();
    let _ = Reflect::set(&options, &"backend".into(), &backend.into());
    options.into()
}
