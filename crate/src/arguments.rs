//! The JS arguments of a prediction, checked and read: pixels, image bytes, the number of
//! passes and the per-call options. Each wrong argument gets a message that says what was wrong.

use js_sys::{ArrayBuffer, Float32Array, Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::rules::MAX_CHUNK;
use bayes_ruler_core::constants::{IMAGE_PIXELS, IMAGE_SIDE, MAX_SAMPLES};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::{DEFAULT_CHUNK, check_sample_count};
use bayes_ruler_core::preprocess::check_file_size;

/// The per-call options: `{ onProgress(partial), signal: AbortSignal, chunk }`.
pub(crate) struct RunOptions {
    pub(crate) on_progress: Option<Function>,
    pub(crate) signal: Option<JsValue>,
    pub(crate) chunk: usize,
}

pub(crate) fn parse_run_options(options: &JsValue) -> Result<RunOptions, RulerError> {
    let mut run = RunOptions {
        on_progress: None,
        signal: None,
        chunk: DEFAULT_CHUNK,
    };
    if options.is_undefined() || options.is_null() {
        return Ok(run);
    }
    if !options.is_object() {
        return Err(RulerError::InvalidInput(
            "options must be an object such as { onProgress, signal, chunk }".into(),
        ));
    }
    let get = |key: &str| Reflect::get(options, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let on_progress = get("onProgress");
    if !on_progress.is_undefined() {
        run.on_progress = Some(on_progress.dyn_into().map_err(|_| {
            RulerError::InvalidInput("options.onProgress must be a function".into())
        })?);
    }
    let signal = get("signal");
    if !signal.is_undefined() {
        let has_flag = Reflect::get(&signal, &"aborted".into())
            .ok()
            .and_then(|a| a.as_bool())
            .is_some();
        if !has_flag {
            return Err(RulerError::InvalidInput(
                "options.signal must be an AbortSignal (from an AbortController)".into(),
            ));
        }
        run.signal = Some(signal);
    }
    let chunk = get("chunk");
    if !chunk.is_undefined() {
        run.chunk = chunk
            .as_f64()
            .filter(|c| c.fract() == 0.0 && (1.0..=MAX_CHUNK as f64).contains(c))
            .ok_or_else(|| {
                RulerError::InvalidInput(format!(
                    "options.chunk must be an integer from 1 to {MAX_CHUNK}"
                ))
            })? as usize;
    }
    Ok(run)
}

impl RunOptions {
    pub(crate) fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(|s| {
            Reflect::get(s, &"aborted".into())
                .ok()
                .and_then(|a| a.as_bool())
                == Some(true)
        })
    }
}

/// Reads the pixels argument: a Float32Array or an array of numbers.
pub(crate) fn parse_pixels(pixels: &JsValue) -> Result<Vec<f32>, RulerError> {
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

/// Reads an image file's bytes: a Uint8Array or an ArrayBuffer, size-checked before copying.
pub(crate) fn parse_bytes(bytes: &JsValue) -> Result<Vec<u8>, RulerError> {
    let array = if let Some(array) = bytes.dyn_ref::<Uint8Array>() {
        array.clone()
    } else if let Some(buffer) = bytes.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(buffer)
    } else {
        return Err(RulerError::InvalidInput(
            "the image must be a Uint8Array or ArrayBuffer of a PNG, JPEG, GIF, WebP or BMP file \
             (e.g. new Uint8Array(await file.arrayBuffer()))"
                .into(),
        ));
    };
    check_file_size(array.length() as usize)?;
    Ok(array.to_vec())
}

pub(crate) fn parse_count(n: &JsValue) -> Result<usize, RulerError> {
    let value = n.as_f64().ok_or_else(|| {
        RulerError::InvalidInput(format!(
            "the number of samples must be a number from 1 to {MAX_SAMPLES}"
        ))
    })?;
    check_sample_count(value)
}
