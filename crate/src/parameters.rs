//! The shipped weights as plain arrays, for benchmarks against other implementations of the same
//! network (bench/ runs TF.js on them).

use burn::tensor::{Device, Tensor};
use js_sys::{Float32Array, Object};
use wasm_bindgen::prelude::*;

use crate::{JsResult, set, to_js};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::weights::load_embedded;

async fn floats<const D: usize>(t: Tensor<D>) -> Result<JsValue, RulerError> {
    let data = t
        .into_data_async()
        .await
        .map_err(|e| RulerError::Device(format!("cannot read the weights: {e:?}")))?;
    let values = bayes_ruler_core::inference::read_floats(data)?;
    Ok(Float32Array::from(values.as_slice()).into())
}

/// One layer's posterior as `{ mu, rho, bias, shape }` (burn's layouts: conv `[out, in, k, k]`,
/// dense `[in, out]`).
async fn layer<const D: usize>(
    mu: Tensor<D>,
    rho: Tensor<D>,
    bias: Tensor<1>,
) -> Result<JsValue, RulerError> {
    let layer = Object::new();
    set(&layer, "shape", &to_js(&mu.dims().to_vec())?)?;
    set(&layer, "mu", &floats(mu).await?)?;
    set(&layer, "rho", &floats(rho).await?)?;
    set(&layer, "bias", &floats(bias).await?)?;
    Ok(layer.into())
}

/// The shipped weights: `{ conv1, conv2, dense, pool, outputOffset, outputScale }`, each layer
/// `{ mu, rho, bias, shape }` with sigma = softplus(rho). Height = outputOffset + outputScale · y.
#[wasm_bindgen(js_name = modelParameters)]
pub async fn model_parameters() -> Result<JsValue, JsValue> {
    let model = load_embedded(&Device::flex()).js()?;
    let result = Object::new();
    let c1 = &model.conv1.kernel;
    let c2 = &model.conv2.kernel;
    let d = &model.dense.kernel;
    set(
        &result,
        "conv1",
        &layer(c1.mu.val(), c1.rho.val(), c1.bias.val()).await.js()?,
    )
    .js()?;
    set(
        &result,
        "conv2",
        &layer(c2.mu.val(), c2.rho.val(), c2.bias.val()).await.js()?,
    )
    .js()?;
    set(
        &result,
        "dense",
        &layer(d.mu.val(), d.rho.val(), d.bias.val()).await.js()?,
    )
    .js()?;
    set(&result, "pool", &model.pool.into()).js()?;
    set(&result, "frame", &model.frame.into()).js()?;
    set(&result, "outputOffset", &model.output_offset.into()).js()?;
    set(&result, "outputScale", &model.output_scale.into()).js()?;
    Ok(result.into())
}
