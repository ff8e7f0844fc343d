//! The JavaScript API (wasm-bindgen): `Estimator.create()`, `est.predictSilhouette(pixels, n)`,
//! `est.predictImage(bytes, n)`, and page helpers (`gallery`, `summarize`, `modelParameters`).
//!
//! Errors cross as real JS `Error`s with a message that says what was wrong. Methods return
//! Promises without holding a borrow of the estimator across an `await`, so a second call while
//! one runs is answered with a clear "busy" rejection instead of wasm-bindgen's "recursive use
//! of an object", and the object stays usable.
//!
//! The model, its sampling and preprocessing are `bayes-ruler-core`; this crate is only the JS
//! surface (a native build of it is empty).
#![cfg(target_family = "wasm")]

mod arguments;
mod device;
mod estimator;
mod gallery;
mod panic;
mod parameters;
mod picture;
mod report;
mod rules;

pub use device::{webgpu_chunk_limit, webgpu_device, webgpu_usable};
pub use estimator::Estimator;
pub use gallery::{demo_silhouette_js, gallery};
pub use panic::{on_panic, panic_for_tests};
pub use parameters::model_parameters;
pub use picture::{
    check_image_size, image_silhouette, inspect_image, memory_bytes, silhouette_from_rgba,
    working_side,
};
pub use report::{summarize, verdict_rule};
pub use rules::{
    abort_message, backend_options, busy_message, cpu_arithmetic, default_chunk, has_webgpu,
    image_side, max_chunk, max_samples,
};

use js_sys::{Array, Function, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use bayes_ruler_core::error::RulerError;

unsafe extern "C" {
    /// The static constructors, synthesised by wasm-ld (burn's kernel registries use them).
    fn __wasm_call_ctors();
}

/// Runs the static constructors once, when the module starts. Calling them explicitly also tells
/// wasm-ld that this is not a "command" module: otherwise it wraps every export (every method
/// call, every externref allocation of the JS glue) in a fresh run of all constructors, which
/// cost about 1 ms each time here and made a one-pass call take ~90 ms.
#[wasm_bindgen(start)]
pub fn start() {
    run_static_constructors();
}

/// Runs the static constructors exactly once. Besides `start`, every device entry point calls
/// it: hosts that skip the start function (wasm-bindgen-test's runner does) would otherwise
/// meet empty kernel registries (cubecl panics "Expected type cube.f32 to implement ...").
pub(crate) fn run_static_constructors() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: `Once` guarantees a single call, and nothing else calls the constructors.
    ONCE.call_once(|| {
        unsafe { __wasm_call_ctors() };
        panic::install_hook();
    });
}

/// A core result with its error as a JS `Error` whose message says what was wrong. (`RulerError`
/// and `JsValue` both live in other crates, so no `From` between them can be written here: the
/// boundary calls `.js()` instead of relying on `?` alone.)
pub(crate) trait JsResult<T> {
    fn js(self) -> Result<T, JsValue>;
}

impl<T> JsResult<T> for Result<T, RulerError> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(js_error)
    }
}

/// A core error as a JS `Error` with its message.
pub(crate) fn js_error(e: RulerError) -> JsValue {
    JsError::new(&e.to_string()).into()
}

/// A Rust value as a plain JS object (maps as objects, not `Map`s).
fn to_js(value: &impl Serialize) -> Result<JsValue, RulerError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| RulerError::Device(format!("cannot build the result: {e}")))
}

/// Sets `object[key] = value`.
fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), RulerError> {
    Reflect::set(object, &key.into(), value)
        .map(|_| ())
        .map_err(|_| RulerError::Device(format!("cannot set `{key}` on the result")))
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

/// Schedules `resolve` as a new task through a `MessageChannel`: unlike `setTimeout(0)`, it is
/// not clamped to 4 ms when nested, which would cost 4 ms per chunk.
fn post_task(resolve: &Function) -> Option<()> {
    let global = js_sys::global();
    let ctor: Function = Reflect::get(&global, &"MessageChannel".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let channel = Reflect::construct(&ctor, &Array::new()).ok()?;
    let port1 = Reflect::get(&channel, &"port1".into()).ok()?;
    let port2 = Reflect::get(&channel, &"port2".into()).ok()?;
    Reflect::set(&port1, &"onmessage".into(), resolve).ok()?;
    let post: Function = Reflect::get(&port2, &"postMessage".into())
        .ok()?
        .dyn_into()
        .ok()?;
    post.call1(&port2, &JsValue::NULL).ok()?;
    Some(())
}

/// Lets the event loop run (input, painting, an abort) between chunks.
async fn yield_to_event_loop() {
    let promise = Promise::new(&mut |resolve, _| {
        if post_task(&resolve).is_none() {
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
        }
    });
    let _ = JsFuture::from(promise).await;
}
