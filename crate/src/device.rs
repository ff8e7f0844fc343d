//! Devices: created once per page and shared by every estimator (a second WebGPU initialisation
//! fails, and one device keeps one memory pool), and the choice of backend.

use std::cell::{Cell, RefCell};

use burn::tensor::Device;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

#[cfg(feature = "webgpu")]
use crate::rules::MAX_CHUNK;
use bayes_ruler_core::error::RulerError;
#[cfg(feature = "webgpu")]
use bayes_ruler_core::inference::{WEBGPU_MAX_CHUNK, webgpu_max_chunk};

/// Which backend an estimator computes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }
}

/// What `create` was asked for: `{ backend: "auto" | "webgpu" | "cpu" }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BackendRequest {
    Auto,
    Only(Backend),
}

pub(crate) fn parse_options(options: &JsValue) -> Result<BackendRequest, RulerError> {
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

enum GpuState {
    Untried,
    Pending(Promise),
    Ready(Device),
    Failed(String),
    /// The device was lost after it worked; a new one would come from the same dead adapter.
    Lost(String),
}

thread_local! {
    static GPU: RefCell<GpuState> = const { RefCell::new(GpuState::Untried) };
    /// Most passes per WebGPU call, from the adapter's limits once the device started.
    static WEBGPU_CHUNK_LIMIT: Cell<Option<usize>> = const { Cell::new(None) };
    static CPU: RefCell<Option<Device>> = const { RefCell::new(None) };
}

/// A seed from the browser's `crypto.getRandomValues`, so no two page loads sample alike.
pub(crate) fn fresh_seed() -> Result<u64, RulerError> {
    getrandom::u64().map_err(|e| RulerError::Device(format!("crypto.getRandomValues failed: {e}")))
}

pub(crate) fn cpu_device() -> Result<Device, RulerError> {
    crate::run_static_constructors();
    if let Some(device) = CPU.with_borrow(|d| d.clone()) {
        return Ok(device);
    }
    let device = Device::flex();
    device.seed(fresh_seed()?);
    CPU.with_borrow_mut(|d| *d = Some(device.clone()));
    Ok(device)
}

/// The page's WebGPU device, initialised on first use; concurrent callers await the same start.
/// A failed start is not kept: the callers that awaited it get its error, the next call tries
/// again (the adapter may have been busy, or the browser's GPU process restarting).
pub async fn webgpu_device() -> Result<Device, RulerError> {
    crate::run_static_constructors();
    enum Next {
        Done(Result<Device, RulerError>),
        Wait(Promise),
        Start,
    }
    let mut awaited_a_start = false;
    loop {
        let next = GPU.with_borrow(|state| match state {
            GpuState::Ready(device) => Next::Done(Ok(device.clone())),
            GpuState::Failed(reason) if awaited_a_start => {
                Next::Done(Err(RulerError::Device(reason.clone())))
            }
            GpuState::Lost(reason) => Next::Done(Err(RulerError::Device(format!(
                "{reason}; reload the page to try WebGPU again"
            )))),
            GpuState::Pending(promise) => Next::Wait(promise.clone()),
            GpuState::Untried | GpuState::Failed(_) => Next::Start,
        });
        match next {
            Next::Done(result) => return result,
            Next::Wait(promise) => {
                let _ = JsFuture::from(promise).await;
                awaited_a_start = true;
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

/// Records that the page's WebGPU device was lost: later requests for it fail with `reason`.
pub(crate) fn mark_webgpu_lost(reason: &str) {
    GPU.with_borrow_mut(|s| *s = GpuState::Lost(reason.to_string()));
}

/// Why WebGPU is gone, once the page's device was lost.
fn lost_reason() -> Option<String> {
    GPU.with_borrow(|s| match s {
        GpuState::Lost(reason) => Some(reason.clone()),
        _ => None,
    })
}

/// Why the CPU-only module (`bayes_ruler_cpu.js`, built without the `webgpu` feature) computes on
/// the CPU.
pub const CPU_ONLY_REASON: &str =
    "this is the CPU-only module (bayes_ruler_cpu.js), which has no WebGPU backend";

/// Whether this module has burn's WebGPU backend (the `webgpu` feature).
pub const HAS_WEBGPU: bool = cfg!(feature = "webgpu");

#[cfg(not(feature = "webgpu"))]
async fn init_webgpu() -> Result<Device, String> {
    Err(CPU_ONLY_REASON.into())
}

#[cfg(feature = "webgpu")]
async fn init_webgpu() -> Result<Device, String> {
    let device = Device::wgpu_options()
        .init_async()
        .await
        .map_err(|e| format!("WebGPU is not available: {e:?}"))?;
    let limit = binding_limit()
        .await
        .map_or(WEBGPU_MAX_CHUNK, webgpu_max_chunk);
    WEBGPU_CHUNK_LIMIT.set(Some(limit.min(MAX_CHUNK)));
    device.seed(fresh_seed().map_err(|e| e.to_string())?);
    Ok(device)
}

/// Why the CPU where the only adapter is a software one.
const SOFTWARE_ADAPTER: &str = "only a software WebGPU adapter (e.g. SwiftShader) is available; \
                                the CPU backend (wasm SIMD) is faster";

/// Whether `Estimator.create()` with `backend: "auto"` would compute on WebGPU in this browser:
/// a hardware adapter, and no device lost before. The page asks the small CPU-only module this
/// before it downloads the full one (`www/ruler.js`), so the rule stays here.
#[wasm_bindgen(js_name = webgpuUsable)]
pub async fn webgpu_usable() -> bool {
    lost_reason().is_none() && probe_adapter().await == Ok(false)
}

/// Most passes per WebGPU device call on this page (`null` until WebGPU has started, and in the
/// CPU-only module): what the adapter's storage-buffer limits hold, at most `maxChunk()`.
#[wasm_bindgen(js_name = webgpuChunkLimit)]
pub fn webgpu_chunk_limit() -> Option<usize> {
    WEBGPU_CHUNK_LIMIT.get()
}

/// The bytes a storage-buffer binding may hold on this browser's adapter: the smaller of its
/// `maxStorageBufferBindingSize` and `maxBufferSize` (`None` when they cannot be read).
#[cfg(feature = "webgpu")]
async fn binding_limit() -> Option<u64> {
    let adapter = request_adapter().await.ok()?;
    let limits = Reflect::get(&adapter, &"limits".into()).ok()?;
    let read = |name: &str| Reflect::get(&limits, &name.into()).ok()?.as_f64();
    let bytes = read("maxStorageBufferBindingSize")?.min(read("maxBufferSize")?);
    (bytes.is_finite() && bytes > 0.0).then_some(bytes as u64)
}

/// Why the CPU where the browser has no WebGPU at all.
const NO_WEBGPU: &str = "this browser has no WebGPU (navigator.gpu is missing)";

/// `navigator.gpu`, where the browser has it.
fn navigator_gpu() -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    Reflect::get(&navigator, &"gpu".into())
        .ok()
        .filter(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

/// `navigator.gpu.requestAdapter()`'s adapter, or why there is none.
async fn request_adapter() -> Result<JsValue, String> {
    let gpu = navigator_gpu().ok_or(NO_WEBGPU)?;
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
    Ok(adapter)
}

/// Asks the browser for an adapter without initialising burn: `None` when WebGPU is absent,
/// `Some(true)` for a software (fallback) adapter such as SwiftShader.
async fn probe_adapter() -> Result<bool, String> {
    let adapter = request_adapter().await?;
    let flag = |obj: &JsValue| {
        Reflect::get(obj, &"isFallbackAdapter".into())
            .ok()?
            .as_bool()
    };
    let info = Reflect::get(&adapter, &"info".into()).unwrap_or(JsValue::UNDEFINED);
    Ok(flag(&info).or_else(|| flag(&adapter)).unwrap_or(false))
}

/// Picks the backend: a hardware WebGPU adapter when there is one, else the CPU with the reason.
pub(crate) async fn choose_backend(
    request: BackendRequest,
) -> Result<(Backend, Device, Option<String>), RulerError> {
    match request {
        BackendRequest::Only(Backend::Cpu) => Ok((Backend::Cpu, cpu_device()?, None)),
        BackendRequest::Only(Backend::WebGpu) => {
            Ok((Backend::WebGpu, webgpu_device().await?, None))
        }
        BackendRequest::Auto => {
            if let Some(lost) = lost_reason() {
                return Ok((Backend::Cpu, cpu_device()?, Some(lost)));
            }
            // One probe for both builds: the CPU-only one gives the browser's reason when it has
            // no usable adapter, and its own when it has one.
            let reason = match probe_adapter().await {
                Ok(false) if !HAS_WEBGPU => CPU_ONLY_REASON.to_string(),
                Ok(false) => match webgpu_device().await {
                    Ok(device) => return Ok((Backend::WebGpu, device, None)),
                    Err(e) => e.to_string(),
                },
                Ok(true) => SOFTWARE_ADAPTER.to_string(),
                Err(reason) => reason,
            };
            Ok((Backend::Cpu, cpu_device()?, Some(reason)))
        }
    }
}
