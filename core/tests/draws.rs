//! The draws inside one chunk are independent exact posterior draws: per weight, variance σ²
//! around μ; between draws, no correlation (identical or shifted copies would show here, where
//! the KS tests of heights could miss them).
#![cfg(not(target_family = "wasm"))]

#[path = "common/draws.rs"]
mod draws;

use bayes_ruler_core::inference::WeightDraws;
use bayes_ruler_core::model::BayesianCnn;
use bayes_ruler_core::weights::load_embedded;
use burn::tensor::{Device, TensorData};

/// The shipped weights on a CPU device seeded with `seed`.
fn shipped_model(seed: u64) -> BayesianCnn {
    let device = Device::flex();
    device.seed(seed);
    load_embedded(&device).unwrap()
}

fn floats(data: TensorData) -> Vec<f32> {
    data.try_into_vec::<f32>().unwrap()
}

#[test]
fn draws_in_one_chunk_are_independent_with_the_posterior_spread() {
    let model = shipped_model(5);
    let n = 48;
    let w = WeightDraws::sample(&model, n);
    let data = [
        w.conv1.into_data(),
        w.conv2.into_data(),
        w.dense.into_data(),
    ];
    let posterior = draws::posterior(&model).map(|(mu, sigma)| (mu.into_data(), sigma.into_data()));
    for layer in draws::layers(data, posterior, n) {
        draws::assert_independent(&layer);
    }
}

#[test]
fn the_statistics_catch_repeated_and_correlated_draws() {
    let model = shipped_model(6);
    let n = 16;
    let dense = floats(WeightDraws::sample(&model, n).dense.into_data());
    let p = dense.len() / n;
    let [_, _, (mu, sigma)] = draws::posterior(&model);
    let (mu, sigma) = (floats(mu.into_data()), floats(sigma.into_data()));
    let caught = |draws: Vec<f32>| {
        let layer = draws::standardise("dense", n, draws, mu.clone(), sigma.clone());
        std::panic::catch_unwind(|| draws::assert_independent(&layer)).is_err()
    };
    assert!(!caught(dense.clone()), "independent draws must pass");
    // Every draw a copy of the first.
    let repeated: Vec<f32> = (0..n).flat_map(|_| dense[..p].to_vec()).collect();
    assert!(caught(repeated), "identical draws must fail");
    // Each draw mostly the previous one (an AR(1) chain with r = 0.5), rescaled to unit spread.
    let mut chained = dense.clone();
    for i in 1..n {
        for j in 0..p {
            let e = |v: f32| (v - mu[j]) / sigma[j];
            let mixed = 0.5 * e(chained[(i - 1) * p + j]) + 0.75f32.sqrt() * e(dense[i * p + j]);
            chained[i * p + j] = mu[j] + sigma[j] * mixed;
        }
    }
    assert!(caught(chained), "correlated draws must fail");
    // The right correlation but half the spread.
    let narrow: Vec<f32> = dense
        .iter()
        .enumerate()
        .map(|(i, &x)| mu[i % p] + 0.5 * (x - mu[i % p]))
        .collect();
    assert!(caught(narrow), "draws narrower than σ must fail");
}
