//! Pictures in the browser: a canvas's RGBA (the browser decodes, orients and shrinks the file)
//! or a file's bytes (decoded here) to the silhouette the model reads, with the user's
//! corrections (threshold, inverted shades, the piece pointed at) and what was found on the way.

use js_sys::{Float32Array, Object, Uint8Array, Uint8ClampedArray};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::{JsResult, js_error, set};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::preprocess::{
    FigureOptions, Pick, Picture, Silhouette, WORKING_SIDE, check_dimensions, check_file_size,
    decode_picture, inspect,
};

/// The corrections a page can make, as a JS object; every field optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Corrections {
    threshold: Option<f32>,
    light_figure: Option<bool>,
    /// The k-th largest piece (0 = the largest).
    piece: Option<usize>,
    /// A frame point `[x, y]` (0–126): the piece nearest to it.
    at: Option<[f64; 2]>,
    /// How far from `at` a piece may be, in frame pixels (default 4).
    radius: Option<f64>,
}

fn parse_corrections(options: &JsValue) -> Result<FigureOptions, RulerError> {
    let c: Corrections = if options.is_undefined() || options.is_null() {
        Corrections::default()
    } else {
        serde_wasm_bindgen::from_value(options.clone()).map_err(|e| {
            RulerError::InvalidInput(format!(
                "bad options ({e}); allowed: threshold, lightFigure, piece, at, radius"
            ))
        })?
    };
    let pick = match (c.piece, c.at) {
        (Some(_), Some(_)) => {
            return Err(RulerError::InvalidInput(
                "give either `piece` or `at`, not both".into(),
            ));
        }
        (Some(k), None) => Some(Pick::Rank(k)),
        (None, Some([x, y])) => Some(Pick::At {
            x,
            y,
            radius: c.radius.unwrap_or(4.0),
        }),
        (None, None) => None,
    };
    Ok(FigureOptions {
        threshold: c.threshold,
        light_figure: c.light_figure,
        pick,
    })
}

/// The silhouette as a JS object: `pixels` (what the model reads), `shade` (every pixel of the
/// figure's shade, pieces left out included), the original's size and `sourcePerFrame`, and the
/// decisions: `threshold`, `autoThreshold`, `lightFigure`, `pieces` (how many count), `piece`
/// (the chosen one's rank, or null), `photoLike`, `midToneShare`.
pub(crate) fn silhouette_object(s: &Silhouette) -> Result<Object, RulerError> {
    let o = Object::new();
    let f = &s.figure;
    set(&o, "pixels", &Float32Array::from(s.pixels.as_slice()))?;
    set(&o, "shade", &Float32Array::from(s.shade.as_slice()))?;
    set(&o, "sourceWidth", &s.source_size.0.into())?;
    set(&o, "sourceHeight", &s.source_size.1.into())?;
    set(&o, "sourcePerFrame", &s.source_per_frame.into())?;
    set(&o, "threshold", &f.threshold.into())?;
    set(&o, "autoThreshold", &f.auto_threshold.into())?;
    set(&o, "lightFigure", &f.light_figure.into())?;
    set(&o, "pieces", &f.pieces.len().into())?;
    set(&o, "piece", &f.chosen.map_or(JsValue::NULL, |k| k.into()))?;
    set(&o, "photoLike", &f.photo_like().into())?;
    set(&o, "midToneShare", &f.mid_tone_share.into())?;
    Ok(o)
}

/// The 126×126 silhouette the model would see for an image file's bytes (Uint8Array or
/// ArrayBuffer), decoded here with its EXIF orientation: `{ pixels, shade, sourceWidth, … }`
/// as `silhouetteFromRgba`. Throws an `Error` that says what is wrong with a bad file. Pages
/// should prefer the browser's decoder and `silhouetteFromRgba`: a photo decoded here grows the
/// module's memory by its decoded size, for good (wasm memory never shrinks).
#[wasm_bindgen(js_name = imageSilhouette)]
pub fn image_silhouette(bytes: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
    let bytes = crate::arguments::parse_bytes(bytes).js()?;
    let picture = decode_picture(&bytes).js()?;
    drop(bytes);
    Ok(
        silhouette_object(&picture.silhouette(&parse_corrections(options).js()?).js()?)
            .js()?
            .into(),
    )
}

/// The silhouette of an upright picture given as RGBA bytes (a canvas's `ImageData.data`), at
/// most `workingSide()` pixels a side, with the original image's size for the units, and the
/// user's corrections: `{ threshold, lightFigure, piece, at: [x, y], radius }` (all optional).
#[wasm_bindgen(js_name = silhouetteFromRgba)]
pub fn silhouette_from_rgba(
    rgba: &JsValue,
    width: u32,
    height: u32,
    source_width: u32,
    source_height: u32,
    options: &JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = if let Some(a) = rgba.dyn_ref::<Uint8ClampedArray>() {
        a.to_vec()
    } else if let Some(a) = rgba.dyn_ref::<Uint8Array>() {
        a.to_vec()
    } else {
        return Err(js_error(RulerError::InvalidInput(
            "rgba must be a Uint8ClampedArray or Uint8Array (a canvas's ImageData.data)".into(),
        )));
    };
    let picture = Picture::from_rgba(width, height, &bytes, (source_width, source_height)).js()?;
    drop(bytes);
    Ok(
        silhouette_object(&picture.silhouette(&parse_corrections(options).js()?).js()?)
            .js()?
            .into(),
    )
}

/// The longest side `silhouetteFromRgba` accepts: shrink larger pictures to it first.
#[wasm_bindgen(js_name = workingSide)]
pub fn working_side() -> u32 {
    WORKING_SIDE
}

/// Throws when a decoded image of `width × height` is over the limits (the same words as for
/// a file decoded here).
#[wasm_bindgen(js_name = checkImageSize)]
pub fn check_image_size(width: u32, height: u32) -> Result<(), JsValue> {
    check_dimensions(width, height).js()
}

/// Reads a file's size and first bytes (a few hundred KB are enough) before the browser
/// decodes it: throws for an empty file, one over the size limit, or one whose header says it
/// is over the pixel limits; returns `{ format, width, height }`, or null when the format or
/// the header is not known here.
#[wasm_bindgen(js_name = inspectImage)]
pub fn inspect_image(head: &Uint8Array, file_bytes: f64) -> Result<JsValue, JsValue> {
    check_file_size(file_bytes as usize).js()?;
    let Some((format, width, height)) = inspect(&head.to_vec()).js()? else {
        return Ok(JsValue::NULL);
    };
    let o = Object::new();
    set(&o, "format", &format.into()).js()?;
    set(&o, "width", &width.into()).js()?;
    set(&o, "height", &height.into()).js()?;
    Ok(o.into())
}

/// The module's linear memory, in bytes: it only grows (the figures of the photo tests).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return (core::arch::wasm32::memory_size(0) * 65536) as f64;
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}
