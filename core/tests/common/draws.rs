//! Statistics that tell independent weight draws from identical or correlated ones, shared by
//! the native (CPU) and browser (WebGPU) tests.

use bayes_ruler_core::model::BayesianCnn;
use burn::tensor::{Tensor, TensorData};

/// One layer's draws standardised, `(w − μ) / σ`, as `n` rows of `p` weights: for independent
/// exact draws every entry is an independent N(0, 1).
pub struct Standardised {
    pub name: &'static str,
    pub n: usize,
    pub p: usize,
    pub eps: Vec<f64>,
}

fn floats(data: TensorData) -> Vec<f32> {
    data.try_into_vec::<f32>().unwrap()
}

pub fn standardise(
    name: &'static str,
    n: usize,
    w: Vec<f32>,
    mu: Vec<f32>,
    sigma: Vec<f32>,
) -> Standardised {
    let p = mu.len();
    assert_eq!(w.len(), n * p, "{name}: draws of the wrong shape");
    let eps = w
        .iter()
        .enumerate()
        .map(|(i, &x)| (x as f64 - mu[i % p] as f64) / sigma[i % p] as f64)
        .collect();
    Standardised { name, n, p, eps }
}

/// The posterior's tensors, `[(μ, σ)]` for conv1, conv2 and dense, to read back with
/// `into_data` (natively) or `into_data_async` (in the browser).
pub fn posterior(model: &BayesianCnn) -> [(Tensor<1>, Tensor<1>); 3] {
    let flat4 = |t: Tensor<4>| t.flatten::<1>(0, 3);
    let flat2 = |t: Tensor<2>| t.flatten::<1>(0, 1);
    [
        (
            flat4(model.conv1.kernel.mu.val()),
            flat4(model.conv1.kernel.sigma()),
        ),
        (
            flat4(model.conv2.kernel.mu.val()),
            flat4(model.conv2.kernel.sigma()),
        ),
        (
            flat2(model.dense.kernel.mu.val()),
            flat2(model.dense.kernel.sigma()),
        ),
    ]
}

/// The three layers' draws (`conv1`, `conv2`, `dense`, read back from whichever device drew
/// them) standardised by the posterior's `(μ, σ)`, read back from `posterior`.
pub fn layers(
    draws: [TensorData; 3],
    posterior: [(TensorData, TensorData); 3],
    n: usize,
) -> Vec<Standardised> {
    let names = ["conv1", "conv2", "dense"];
    draws
        .into_iter()
        .zip(posterior)
        .zip(names)
        .map(|((w, (mu, sigma)), name)| standardise(name, n, floats(w), floats(mu), floats(sigma)))
        .collect()
}

/// Asserts, with bounds of about 5.5 standard errors (a false alarm well under 1 in 10⁴ per
/// check): mean 0 and variance 1 pooled over every weight and draw; the variance of each
/// weight over the draws, averaged, is 1 (σ is what the draws spread by); no two draws are
/// correlated (the largest |r| over all pairs, each ~N(0, 1/p)); neighbouring weights are
/// uncorrelated within a draw.
pub fn assert_independent(layer: &Standardised) {
    let Standardised { name, n, p, eps } = layer;
    let (n, p) = (*n, *p);
    let total = (n * p) as f64;
    let mean = eps.iter().sum::<f64>() / total;
    assert!(
        mean.abs() < 5.5 / total.sqrt(),
        "{name}: mean of ε = {mean:.4}"
    );
    let variance = eps.iter().map(|e| e * e).sum::<f64>() / total;
    let se = (2.0 / total).sqrt();
    assert!(
        (variance - 1.0).abs() < 5.5 * se,
        "{name}: variance of ε = {variance:.4} (σ² per weight)"
    );

    // Each weight's variance over the draws, around its own sample mean.
    let mut per_weight = 0.0;
    for j in 0..p {
        let column = (0..n).map(|i| eps[i * p + j]);
        let m = column.clone().sum::<f64>() / n as f64;
        per_weight += column.map(|e| (e - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    }
    per_weight /= p as f64;
    let se = (2.0 / ((n - 1) * p) as f64).sqrt();
    assert!(
        (per_weight - 1.0).abs() < 5.5 * se,
        "{name}: each weight's variance over the draws is {per_weight:.4} σ², not σ²"
    );

    // Every pair of draws: r = Σ ε_a ε_b / p. For identical draws r = 1.
    let pairs = n * (n - 1) / 2;
    let bound = (5.5 + (pairs as f64).ln().sqrt()) / (p as f64).sqrt();
    for a in 0..n {
        for b in a + 1..n {
            let r = (0..p).map(|j| eps[a * p + j] * eps[b * p + j]).sum::<f64>() / p as f64;
            assert!(
                r.abs() < bound.min(0.5),
                "{name}: draws {a} and {b} correlate, r = {r:.3}"
            );
        }
    }

    // Neighbouring weights within each draw.
    let products = n * (p - 1);
    let r = (0..n)
        .flat_map(|i| (0..p - 1).map(move |j| (i, j)))
        .map(|(i, j)| eps[i * p + j] * eps[i * p + j + 1])
        .sum::<f64>()
        / products as f64;
    assert!(
        r.abs() < 5.5 / (products as f64).sqrt(),
        "{name}: neighbouring weights correlate, r = {r:.4}"
    );
}
