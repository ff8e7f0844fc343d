//! The JavaScript API (wasm-bindgen): `Estimator.create()`, `est.predictSilhouette(pixels, n)`.
//!
//! Errors cross as real JS `Error`s with a message that says what was wrong. Methods return
//! Promises without holding a borrow of the estimator across an `await`, so a second call while
//! one runs is answered with a clear "busy" rejection instead of wasm-bindgen's "recursive use
//! of an object", and the object stays usable.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use burn::tensor::Device;
use js_sys::{Float32Array, Function, Object, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::constants::{IMAGE_PIXELS, IMAGE_SIDE, MAX_SAMPLES};
use crate::data::demo_silhouette;
use crate::error::RulerError;
use crate::inference::{
    DEFAULT_CHUNK, check_sample_count, chunk_sizes, image_tensor, read_floats, sample_chunk,
};
use crate::model::BayesianCnn;
use crate::stats::{Histogram, Summary};
use crate::weights::load_embedded;

impl From<RulerError> for JsValue {
    fn from(e: RulerError) -> Self {
        JsError::new(&e.to_string()).into()
    }
}

/// Which backend an estimator computes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }
}

/// What `create` was asked for: `{ backend: "auto" | "webgpu" | "cpu" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BackendRequest {
    Auto,
    Only(Backend),
}

fn parse_options(options: &JsValue) -> Result<BackendRequest, RulerError> {
    if options.is_undefined() || options.is_null() {
        return Ok(BackendRequest::Auto);
    }
    if !options.is_object() {
        return Err(RulerError::InvalidInput(
            "options must be an object such as { backend: \"auto\" }".into(),
        ));
    }
    let backend = Reflect::get(options, &"backend".into()).unwrap_or(JsValue::UNDEFINED);
    if backend.is_undefined() {
        return Ok(BackendRequest::Auto);
    }
    match backend.as_string().as_deref() {
        Some("auto") => Ok(BackendRequest::Auto),
        Some("webgpu") => Ok(BackendRequest::Only(Backend::WebGpu)),
        Some("cpu") => Ok(BackendRequest::Only(Backend::Cpu)),
        _ => Err(RulerError::InvalidInput(format!(
            "options.backend must be \"auto\", \"webgpu\" or \"cpu\", got {backend:?}"
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Devices: created once per page and shared by every estimator (a second WebGPU initialisation
// fails, and one device keeps one memory pool).

enum GpuState {
    Untried,
    Pending(Promise),
    Ready(Device),
    Failed(String),
}

thread_local! {
    static GPU: RefCell<GpuState> = const { RefCell::new(GpuState::Untried) };
    static CPU: RefCell<Option<Device>> = const { RefCell::new(None) };
}

/// A seed from the browser's `crypto.getRandomValues`, so no two page loads sample alike.
fn fresh_seed() -> Result<u64, RulerError> {
    getrandom::u64().map_err(|e| RulerError::Device(format!("crypto.getRandomValues failed: {e}")))
}

fn cpu_device() -> Result<Device, RulerError> {
    if let Some(device) = CPU.with_borrow(|d| d.clone()) {
        return Ok(device);
    }
    let device = Device::flex();
    device.seed(fresh_seed()?);
    CPU.with_borrow_mut(|d| *d = Some(device.clone()));
    Ok(device)
}

/// The page's WebGPU device, initialised on first use; concurrent callers await the same start.
pub async fn webgpu_device() -> Result<Device, RulerError> {
    enum Next {
        Done(Result<Device, RulerError>),
        Wait(Promise),
        Start,
    }
    loop {
        let next = GPU.with_borrow(|state| match state {
            GpuState::Ready(device) => Next::Done(Ok(device.clone())),
            GpuState::Failed(reason) => Next::Done(Err(RulerError::Device(reason.clone()))),
            GpuState::Pending(promise) => Next::Wait(promise.clone()),
            GpuState::Untried => Next::Start,
        });
        match next {
            Next::Done(result) => return result,
            Next::Wait(promise) => {
                let _ = JsFuture::from(promise).await;
            }
            Next::Start => {
                // The spawned future first runs in a later microtask, after `Pending` is stored.
                let promise = future_to_promise(async {
                    let state = match init_webgpu().await {
                        Ok(device) => GpuState::Ready(device),
                        Err(reason) => GpuState::Failed(reason),
                    };
                    GPU.with_borrow_mut(|s| *s = state);
                    Ok(JsValue::UNDEFINED)
                });
                GPU.with_borrow_mut(|s| *s = GpuState::Pending(promise));
            }
        }
    }
}

async fn init_webgpu() -> Result<Device, String> {
    let device = Device::wgpu_options()
        .init_async()
        .await
        .map_err(|e| format!("WebGPU is not available: {e:?}"))?;
    device.seed(fresh_seed().map_err(|e| e.to_string())?);
    Ok(device)
}

/// Asks the browser for an adapter without initialising burn: `None` when WebGPU is absent,
/// `Some(true)` for a software (fallback) adapter such as SwiftShader.
async fn probe_adapter() -> Result<bool, String> {
    let global = js_sys::global();
    let navigator = Reflect::get(&global, &"navigator".into()).unwrap_or(JsValue::UNDEFINED);
    let gpu = Reflect::get(&navigator, &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser has no WebGPU (navigator.gpu is missing)".into());
    }
    let request: Function = Reflect::get(&gpu, &"requestAdapter".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("navigator.gpu.requestAdapter is missing")?;
    let promise: Promise = request
        .call0(&gpu)
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or("navigator.gpu.requestAdapter() failed")?;
    let adapter = JsFuture::from(promise)
        .await
        .map_err(|e| format!("navigator.gpu.requestAdapter() failed: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("WebGPU found no adapter".into());
    }
    let flag = |obj: &JsValue| {
        Reflect::get(obj, &"isFallbackAdapter".into())
            .ok()?
            .as_bool()
    };
    let info = Reflect::get(&adapter, &"info".into()).unwrap_or(JsValue::UNDEFINED);
    Ok(flag(&info).or_else(|| flag(&adapter)).unwrap_or(false))
}

/// Picks the backend: a hardware WebGPU adapter when there is one, else the CPU with the reason.
async fn choose_backend(
    request: BackendRequest,
) -> Result<(Backend, Device, Option<String>), RulerError> {
    match request {
        BackendRequest::Only(Backend::Cpu) => Ok((Backend::Cpu, cpu_device()?, None)),
        BackendRequest::Only(Backend::WebGpu) => {
            Ok((Backend::WebGpu, webgpu_device().await?, None))
        }
        BackendRequest::Auto => {
            let reason = match probe_adapter().await {
                Ok(false) => match webgpu_device().await {
                    Ok(device) => return Ok((Backend::WebGpu, device, None)),
                    Err(e) => e.to_string(),
                },
                Ok(true) => "only a software WebGPU adapter (e.g. SwiftShader) is available; \
                             the CPU backend (wasm SIMD) is faster"
                    .to_string(),
                Err(reason) => reason,
            };
            Ok((Backend::Cpu, cpu_device()?, Some(reason)))
        }
    }
}

// ---------------------------------------------------------------------------------------------

struct Inner {
    device: Device,
    model: BayesianCnn,
    backend: Backend,
    fallback_reason: Option<String>,
    busy: Cell<bool>,
}

/// Releases the estimator when a prediction ends, however it ends.
struct BusyGuard(Rc<Inner>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.busy.set(false);
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Prediction {
    histogram: Histogram,
    mean: f64,
    std: f64,
    median: f64,
    ci90: [f64; 2],
    backend: &'static str,
    elapsed_ms: f64,
}

/// Milliseconds from the page's clock (`performance.now()`, also in workers).
fn now_ms() -> f64 {
    let performance = Reflect::get(&js_sys::global(), &"performance".into()).ok();
    performance
        .and_then(|p| {
            let now: Function = Reflect::get(&p, &"now".into()).ok()?.dyn_into().ok()?;
            now.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// Lets the event loop run (input, painting) between chunks.
async fn yield_to_event_loop() {
    let promise = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout = Reflect::get(&global, &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        match set_timeout {
            Some(f) => {
                let _ = f.call2(&global, &resolve, &JsValue::from(0));
            }
            None => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    });
    let _ = JsFuture::from(promise).await;
}

impl Inner {
    async fn predict(&self, pixels: Vec<f32>, n: usize) -> Result<JsValue, RulerError> {
        let start = now_ms();
        let image = image_tensor(&pixels, &self.device)?;
        let mut samples = Vec::with_capacity(n);
        for size in chunk_sizes(n, DEFAULT_CHUNK) {
            let heights = sample_chunk(&self.model, image.clone(), size);
            let data = heights
                .into_data_async()
                .await
                .map_err(|e| RulerError::Device(format!("failed to read the samples: {e:?}")))?;
            samples.extend(read_floats(data)?);
            yield_to_event_loop().await;
        }
        let summary = Summary::of(&samples)
            .ok_or_else(|| RulerError::Device("the passes produced non-finite heights".into()))?;
        let prediction = Prediction {
            histogram: summary.histogram,
            mean: summary.mean,
            std: summary.std,
            median: summary.median,
            ci90: summary.ci90,
            backend: self.backend.name(),
            elapsed_ms: now_ms() - start,
        };
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        let result = prediction
            .serialize(&serializer)
            .map_err(|e| RulerError::Device(format!("cannot build the result: {e}")))?;
        let samples = Float32Array::from(samples.as_slice());
        Reflect::set(&result, &"samples".into(), &samples)
            .map_err(|_| RulerError::Device("cannot build the result".into()))?;
        Ok(result)
    }
}

/// Reads the pixels argument: a Float32Array or an array of numbers.
fn parse_pixels(pixels: &JsValue) -> Result<Vec<f32>, RulerError> {
    if let Some(array) = pixels.dyn_ref::<Float32Array>() {
        return Ok(array.to_vec());
    }
    if js_sys::Array::is_array(pixels) {
        return Ok(Float32Array::new(pixels).to_vec());
    }
    Err(RulerError::InvalidInput(format!(
        "pixels must be a Float32Array of {IMAGE_PIXELS} values ({IMAGE_SIDE}×{IMAGE_SIDE}, \
         row-major, figure = 1, background = 0)"
    )))
}

fn parse_count(n: &JsValue) -> Result<usize, RulerError> {
    let value = n.as_f64().ok_or_else(|| {
        RulerError::InvalidInput(format!(
            "the number of samples must be a number from 1 to {MAX_SAMPLES}"
        ))
    })?;
    check_sample_count(value)
}

/// A Bayesian height estimator: the shipped weights on the best available backend.
#[wasm_bindgen]
pub struct Estimator {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Estimator {
    /// Creates an estimator. `options.backend`: `"auto"` (default: WebGPU on a hardware adapter,
    /// else the CPU), `"webgpu"` or `"cpu"`.
    pub async fn create(options: JsValue) -> Result<Estimator, JsValue> {
        let request = parse_options(&options)?;
        let (backend, device, fallback_reason) = choose_backend(request).await?;
        let model = load_embedded(&device)?;
        Ok(Estimator {
            inner: Rc::new(Inner {
                device,
                model,
                backend,
                fallback_reason,
                busy: Cell::new(false),
            }),
        })
    }

    /// `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.inner.backend.name().to_string()
    }

    /// Why the CPU was chosen when WebGPU was not (undefined otherwise).
    #[wasm_bindgen(getter, js_name = fallbackReason)]
    pub fn fallback_reason(&self) -> Option<String> {
        self.inner.fallback_reason.clone()
    }

    /// Whether a prediction is running.
    #[wasm_bindgen(getter)]
    pub fn busy(&self) -> bool {
        self.inner.busy.get()
    }

    /// Runs `n` stochastic passes (each its own weight draw) over a 126×126 silhouette
    /// (row-major, figure = 1, background = 0). Resolves to `{ samples, histogram: { edges,
    /// counts }, mean, std, median, ci90: [lo, hi], backend, elapsedMs }`.
    #[wasm_bindgen(js_name = predictSilhouette)]
    pub fn predict_silhouette(&self, pixels: JsValue, n: JsValue) -> Promise {
        let args = parse_pixels(&pixels).and_then(|p| Ok((p, parse_count(&n)?)));
        let (pixels, n) = match args {
            Ok(args) => args,
            Err(e) => return Promise::reject(&e.into()),
        };
        if self.inner.busy.replace(true) {
            return Promise::reject(&RulerError::Busy.into());
        }
        let guard = BusyGuard(self.inner.clone());
        future_to_promise(async move {
            let result = guard.0.predict(pixels, n).await;
            drop(guard);
            result.map_err(JsValue::from)
        })
    }
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

/// Largest `n` a prediction accepts.
#[wasm_bindgen(js_name = maxSamples)]
pub fn max_samples() -> usize {
    MAX_SAMPLES
}

/// The object accepted by `Estimator.create`, for Rust callers and tests.
pub fn backend_options(backend: &str) -> JsValue {
    let options = Object::new();
    let _ = Reflect::set(&options, &"backend".into(), &backend.into());
    options.into()
}
