//! Generated figures for pages: the gallery of held-out children, spiders and strangers, and the
//! demo silhouette.

use js_sys::{Array, Float32Array, Object};
use wasm_bindgen::prelude::*;

use crate::{JsResult, js_error, set};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{test_children, test_spiders, test_strangers};
use bayes_ruler_silhouettes::{Category, Kind, demo_silhouette};

/// Held-out generated figures for a gallery: `children` test children (with their true height),
/// `spiders` spiders, then the first image of `strangers` categories of the broad
/// out-of-distribution test set (spread over its 17 categories; default none), each
/// `{ kind: "child" | "spider" | "stranger", category, height, pixels }` (height is `null` but
/// for children; `category` names a stranger's kind, e.g. "horse"). At most 64 children and
/// spiders, 17 strangers.
#[wasm_bindgen]
pub fn gallery(
    children: usize,
    spiders: usize,
    strangers: Option<usize>,
) -> Result<Array, JsValue> {
    let strangers = strangers.unwrap_or(0);
    if children > 64 || spiders > 64 || strangers > Category::ALL.len() {
        return Err(js_error(RulerError::InvalidInput(
            "a gallery holds at most 64 children, 64 spiders and 17 strangers".into(),
        )));
    }
    let items = Array::new();
    let categories = (0..strangers).map(|i| Category::ALL[i * Category::ALL.len() / strangers]);
    let examples = test_children(DATA_SEED, children)
        .into_iter()
        .chain(test_spiders(DATA_SEED, spiders))
        .chain(categories.flat_map(|c| test_strangers(DATA_SEED, c, 1)));
    for example in examples {
        let item = Object::new();
        let (kind, category, height) = match example.kind {
            Kind::Child(_) => ("child", None, JsValue::from(example.height)),
            Kind::Spider => ("spider", None, JsValue::NULL),
            Kind::Cat => ("cat", None, JsValue::NULL),
            Kind::Stranger(c) => ("stranger", Some(c.name()), JsValue::NULL),
            Kind::Negative(_) => ("negative", None, JsValue::NULL),
        };
        set(&item, "kind", &kind.into()).js()?;
        set(
            &item,
            "category",
            &category.map_or(JsValue::NULL, JsValue::from),
        )
        .js()?;
        set(&item, "height", &height).js()?;
        set(
            &item,
            "pixels",
            &Float32Array::from(example.pixels.as_slice()),
        )
        .js()?;
        items.push(&item);
    }
    Ok(items)
}

/// The built-in 126×126 silhouette of the demo (a standing toddler), row-major, figure = 1.
#[wasm_bindgen(js_name = demoSilhouette)]
pub fn demo_silhouette_js() -> Float32Array {
    Float32Array::from(demo_silhouette().pixels())
}
