//! `Estimator`: the shipped weights on one backend, sampling n exact passes chunk by chunk with
//! progress reports, cancellation and a verdict.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use burn::tensor::Device;
use js_sys::{Float32Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::arguments::{RunOptions, parse_bytes, parse_count, parse_pixels, parse_run_options};
use crate::device::{
    Backend, choose_backend, cpu_device, mark_webgpu_lost, parse_options, webgpu_chunk_limit,
};
use crate::report::report;
use crate::rules::ABORT_MESSAGE;
use crate::{JsResult, js_error, now_ms, set, yield_to_event_loop};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::{
    HostNetwork, ModelInput, WEBGPU_MAX_CHUNK, host_network_for, read_floats, sample_chunk,
    sample_chunk_on_host,
};
use bayes_ruler_core::model::BayesianCnn;
use bayes_ruler_core::preprocess::silhouette_from_bytes;
use bayes_ruler_core::weights::load_embedded;

/// Where an estimator computes: fixed at creation, except that a lost WebGPU device moves it to
/// the CPU for good.
#[derive(Clone)]
struct Compute {
    device: Device,
    model: BayesianCnn,
    backend: Backend,
    fallback_reason: Option<String>,
    /// The CPU kernels, on the CPU backend (shared: `sample` clones the `Compute`).
    host: Option<Rc<HostNetwork>>,
}

struct Inner {
    compute: RefCell<Compute>,
    busy: Cell<bool>,
}

/// Releases the estimator when a prediction ends, however it ends.
struct BusyGuard(Rc<Inner>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.busy.set(false);
    }
}

/// The rejection of a cancelled prediction: an `Error` named `AbortError`, as `fetch` gives.
fn cancelled() -> JsValue {
    let error = js_sys::Error::new(ABORT_MESSAGE);
    error.set_name("AbortError");
    error.into()
}

/// A device error's chain on one line: "The device is poisoned: Destroyed: Device was
/// destroyed." rather than "…\nCaused by:\n  …\nBacktrace:\n…".
fn one_line(error: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for line in error.lines().map(str::trim) {
        if line.is_empty()
            || line == "Caused by:"
            || line.starts_with("Backtrace")
            || line.starts_with("No backtrace")
        {
            continue;
        }
        if parts.last() != Some(&line) {
            parts.push(line);
        }
    }
    parts.join(": ")
}

impl Compute {
    fn chunk(&self, requested: usize) -> usize {
        match self.backend {
            Backend::WebGpu => requested.min(webgpu_chunk_limit().unwrap_or(WEBGPU_MAX_CHUNK)),
            Backend::Cpu => requested,
        }
    }
}

impl Inner {
    /// After a WebGPU read failed (the device lost: a driver reset, the GPU process restarted,
    /// the tab in the background too long): the CPU from now on, for this and every estimator.
    fn fall_back_to_cpu(&self, error: &str) -> Result<Compute, RulerError> {
        let reason = format!("the WebGPU device was lost ({error}); sampling on the CPU");
        web_sys::console::warn_1(&format!("bayes-ruler: {reason}").into());
        mark_webgpu_lost(&reason);
        let device = cpu_device()?;
        let model = load_embedded(&device)?;
        let compute = Compute {
            host: host_network_for(&model, &device).map(Rc::new),
            model,
            device,
            backend: Backend::Cpu,
            fallback_reason: Some(reason),
        };
        *self.compute.borrow_mut() = compute.clone();
        Ok(compute)
    }

    /// One chunk of `size` heights as burn tensor operations on `compute`'s device; `None` when
    /// WebGPU was lost and `compute` and `input` moved to the CPU, where the chunk is drawn again
    /// (the heights so far are exact draws too).
    async fn device_chunk(
        &self,
        compute: &mut Compute,
        input: &mut ModelInput,
        pixels: &[f32],
        size: usize,
    ) -> Result<Option<Vec<f32>>, JsValue> {
        match sample_chunk(&compute.model, input, size)
            .into_data_async()
            .await
        {
            Ok(data) => Ok(Some(read_floats(data).js()?)),
            Err(e) if compute.backend == Backend::WebGpu => {
                *compute = self.fall_back_to_cpu(&one_line(&format!("{e:?}"))).js()?;
                *input = ModelInput::new(&compute.model, pixels, &compute.device).js()?;
                Ok(None)
            }
            Err(e) => Err(js_error(RulerError::Device(format!(
                "failed to read the samples: {e:?}"
            )))),
        }
    }

    /// `n` exact passes, a chunk per device call; partial results go to `onProgress`.
    async fn sample(
        &self,
        pixels: &[f32],
        n: usize,
        run: &RunOptions,
    ) -> Result<Vec<f32>, JsValue> {
        let mut compute = self.compute.borrow().clone();
        let mut input = ModelInput::new(&compute.model, pixels, &compute.device).js()?;
        let mut samples = Vec::with_capacity(n);
        while samples.len() < n {
            if run.aborted() {
                return Err(cancelled());
            }
            let size = compute.chunk(run.chunk).min(n - samples.len());
            let added = match compute.host.clone() {
                Some(host) => sample_chunk_on_host(&host, &input, size, &compute.device).js()?,
                None => match self
                    .device_chunk(&mut compute, &mut input, pixels, size)
                    .await?
                {
                    Some(heights) => heights,
                    None => continue,
                },
            };
            samples.extend_from_slice(&added);
            if let Some(callback) = &run.on_progress {
                // Only this chunk's heights: the receiver appends them (a copy of every sample
                // so far at every chunk would cost n²/chunk copies).
                let partial = Object::new();
                set(&partial, "done", &samples.len().into()).js()?;
                set(&partial, "total", &n.into()).js()?;
                set(&partial, "added", &Float32Array::from(added.as_slice())).js()?;
                callback.call1(&JsValue::NULL, &partial)?;
            }
            if samples.len() < n {
                yield_to_event_loop().await;
            }
        }
        if run.aborted() {
            return Err(cancelled());
        }
        Ok(samples)
    }

    /// Samples and reports: the summary, the verdict, the samples, backend and timing.
    async fn predict(
        &self,
        pixels: &[f32],
        n: usize,
        run: &RunOptions,
    ) -> Result<JsValue, JsValue> {
        let start = now_ms();
        let samples = self.sample(pixels, n, run).await?;
        let result = report(&samples).js()?;
        set(&result, "samples", &Float32Array::from(samples.as_slice())).js()?;
        // The backend it ended on (the CPU after a lost WebGPU device).
        set(
            &result,
            "backend",
            &self.compute.borrow().backend.name().into(),
        )
        .js()?;
        set(&result, "elapsedMs", &(now_ms() - start).into()).js()?;
        Ok(result)
    }
}

/// A Bayesian height estimator: the shipped weights on the best available backend.
#[wasm_bindgen]
pub struct Estimator {
    inner: Rc<Inner>,
}

impl Estimator {
    /// Marks the estimator busy and runs `work` on it, or rejects at once when it is busy.
    fn run<F>(&self, work: impl FnOnce(Rc<Inner>) -> F) -> Promise
    where
        F: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
    {
        if self.inner.busy.replace(true) {
            return Promise::reject(&js_error(RulerError::Busy));
        }
        let guard = BusyGuard(self.inner.clone());
        let future = work(self.inner.clone());
        future_to_promise(async move {
            let result = future.await;
            drop(guard);
            result
        })
    }
}

#[wasm_bindgen]
impl Estimator {
    /// Creates an estimator. `options.backend`: `"auto"` (default: WebGPU on a hardware adapter,
    /// else the CPU), `"webgpu"` or `"cpu"`.
    pub async fn create(options: JsValue) -> Result<Estimator, JsValue> {
        let request = parse_options(&options).js()?;
        let (backend, device, fallback_reason) = choose_backend(request).await.js()?;
        let model = load_embedded(&device).js()?;
        Ok(Estimator {
            inner: Rc::new(Inner {
                compute: RefCell::new(Compute {
                    host: host_network_for(&model, &device).map(Rc::new),
                    device,
                    model,
                    backend,
                    fallback_reason,
                }),
                busy: Cell::new(false),
            }),
        })
    }

    /// `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.inner.compute.borrow().backend.name().to_string()
    }

    /// Why the CPU was chosen when WebGPU was not, or why it took over from a lost WebGPU
    /// device (undefined otherwise).
    #[wasm_bindgen(getter, js_name = fallbackReason)]
    pub fn fallback_reason(&self) -> Option<String> {
        self.inner.compute.borrow().fallback_reason.clone()
    }

    /// Whether a prediction is running.
    #[wasm_bindgen(getter)]
    pub fn busy(&self) -> bool {
        self.inner.busy.get()
    }

    /// Runs `n` stochastic passes (each its own weight draw) over a 126×126 silhouette
    /// (row-major, figure = 1, background = 0). Resolves to `{ samples, histogram: { edges,
    /// counts }, mean, std, median, ci90: [lo, hi], modeShare, verdict, backend, elapsedMs }`.
    /// `options`: `{ onProgress({ done, total, added }), signal: AbortSignal, chunk }`: `added`
    /// holds the heights of the chunk just sampled (`done` in all so far, of `total`).
    #[wasm_bindgen(js_name = predictSilhouette)]
    pub fn predict_silhouette(&self, pixels: JsValue, n: JsValue, options: JsValue) -> Promise {
        let args = parse_pixels(&pixels)
            .and_then(|p| Ok((p, parse_count(&n)?, parse_run_options(&options)?)));
        let (pixels, n, run) = match args {
            Ok(args) => args,
            Err(e) => return Promise::reject(&js_error(e)),
        };
        self.run(|inner| async move { inner.predict(&pixels, n, &run).await })
    }

    /// Like `predictSilhouette`, from an image file's bytes (PNG, JPEG, GIF, WebP, BMP): the
    /// result also holds `silhouette` (the 126×126 Float32Array the model saw), `sourceWidth`,
    /// `sourceHeight` and `picture`
    /// (what `imageSilhouette` says of the file: its size, `sourcePerFrame`, `photoLike`, …).
    #[wasm_bindgen(js_name = predictImage)]
    pub fn predict_image(&self, bytes: JsValue, n: JsValue, options: JsValue) -> Promise {
        let args = parse_bytes(&bytes)
            .and_then(|b| Ok((b, parse_count(&n)?, parse_run_options(&options)?)));
        let (bytes, n, run) = match args {
            Ok(args) => args,
            Err(e) => return Promise::reject(&js_error(e)),
        };
        self.run(|inner| async move {
            let silhouette = silhouette_from_bytes(&bytes).js()?;
            drop(bytes);
            let result = inner.predict(&silhouette.pixels, n, &run).await?;
            let pixels = Float32Array::from(silhouette.pixels.as_slice());
            set(&result, "silhouette", &pixels).js()?;
            set(&result, "sourceWidth", &silhouette.source_size.0.into()).js()?;
            set(&result, "sourceHeight", &silhouette.source_size.1.into()).js()?;
            set(
                &result,
                "picture",
                &crate::picture::silhouette_object(&silhouette).js()?.into(),
            )
            .js()?;
            Ok(result)
        })
    }
}
