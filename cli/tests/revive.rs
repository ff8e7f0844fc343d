//! Training only the idle second-layer filters (`train --revive-idle`, drawn afresh, and
//! `--train-idle`, as they are): every other weight of the start stays bit for bit, the idle
//! ones move.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_cli::train::idle::idle_channels;
use bayes_ruler_cli::train::{TrainConfig, train_on};
use bayes_ruler_core::BayesianCnn;
use bayes_ruler_core::weights::load_model;
use bayes_ruler_silhouettes::dataset::{train_validation, training_negatives};
use burn::module::Module;
use burn::tensor::{Device, Tensor};

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().iter::<f32>().collect()
}

/// Every weight of the model, by name, as flat vectors.
fn weights(m: &BayesianCnn) -> Vec<(&'static str, Vec<f32>)> {
    vec![
        ("conv1.mu", values(m.conv1.kernel.mu.val())),
        ("conv1.rho", values(m.conv1.kernel.rho.val())),
        ("conv1.bias", values(m.conv1.kernel.bias.val())),
        ("conv2.mu", values(m.conv2.kernel.mu.val())),
        ("conv2.rho", values(m.conv2.kernel.rho.val())),
        ("conv2.bias", values(m.conv2.kernel.bias.val())),
        ("dense.mu", values(m.dense.kernel.mu.val())),
        ("dense.rho", values(m.dense.kernel.rho.val())),
        ("dense.bias", values(m.dense.kernel.bias.val())),
    ]
}

/// Rows per channel: a conv2 filter is 16 · 5 · 5 values, its bias one, its dense weights 64.
fn row_len(name: &str) -> usize {
    match name {
        "conv2.mu" | "conv2.rho" => 400,
        "conv2.bias" => 1,
        "dense.mu" | "dense.rho" => 64,
        _ => 0,
    }
}

/// One epoch on 10 children with two negatives per step from the pinned weights, `config`
/// choosing how the idle filters train; checks that every other weight stayed bit for bit and
/// that the idle ones moved, and returns (idle channels, weights before, weights after).
fn one_epoch_on_the_idle_filters(config: TrainConfig) -> IdleRun {
    let device = Device::flex();
    // Pinned: the posterior as training left it before any filter was revived (what the first
    // `--revive-idle` run resumed from), whatever ships later.
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../trained/experiments/shipped-before-revive/posterior-as-trained.bpk"
    ))
    .expect("the weights before the revived filters");
    let start = load_model(&bytes, &device).expect("they load");
    let idle = idle_channels(&start);
    // That network leaves some second-layer filters unused, not all of them, switched off by
    // their biases.
    assert!(!idle.is_empty() && idle.len() < 32, "{idle:?}");
    let bias: Vec<f32> = values(start.conv2.kernel.bias.val());
    assert!(idle.iter().all(|&c| bias[c] < -2.0), "{bias:?}");
    let (train_set, validation) = train_validation(2026);
    let negatives = training_negatives(2026, 20);
    let config = config
        .with_epochs(1)
        .with_seed(5)
        .with_negatives_per_step(2)
        .with_negative_weight(5.0);
    let (trained, history) = train_on(
        &device,
        Some(&bytes),
        &config,
        (&train_set[..10], &validation[..2], &negatives[..]),
        |_, _, _, _| {},
        |_, _| {},
    );
    assert!(history[0].loss.is_finite() && history[0].negative_gap > 0.0);
    let (before, after) = (weights(&start), weights(&trained));
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        assert_eq!(old.len(), new.len(), "{name}");
        let len = row_len(name);
        let revived = |i: usize| len > 0 && idle.contains(&(i / len));
        let frozen_moved = (0..old.len())
            .filter(|&i| !revived(i) && old[i] != new[i])
            .count();
        assert_eq!(frozen_moved, 0, "{name}: frozen weights changed");
        if len > 0 {
            let moved = (0..old.len())
                .filter(|&i| revived(i) && old[i] != new[i])
                .count();
            assert!(moved > 0, "{name}: the idle weights did not move");
        }
    }
    IdleRun {
        idle,
        before,
        after,
    }
}

struct IdleRun {
    idle: Vec<usize>,
    before: Vec<(&'static str, Vec<f32>)>,
    after: Vec<(&'static str, Vec<f32>)>,
}

impl IdleRun {
    /// The largest change of any idle channel's conv2 value in weights[`which`].
    fn largest_idle_change(&self, which: usize) -> f32 {
        let (name, old) = &self.before[which];
        let new = &self.after[which].1;
        let len = row_len(name);
        (0..old.len())
            .filter(|&i| self.idle.contains(&(i / len)))
            .map(|i| (old[i] - new[i]).abs())
            .fold(0.0, f32::max)
    }
}

#[test]
fn reviving_idle_filters_trains_them_alone() {
    let run = one_epoch_on_the_idle_filters(TrainConfig::new().with_revive_idle(true));
    // The revived filters start afresh: biases near TFP's initial 0 (from below −2), their
    // means redrawn from N(0, 0.1).
    let bias = &run.after[5].1;
    assert!(run.idle.iter().all(|&c| bias[c].abs() < 0.5), "{bias:?}");
    assert!(run.largest_idle_change(3) > 0.1, "conv2.mu was not redrawn");
    // A start without idle filters (a fresh network's dense σ ≈ 0.05) has none to revive.
    let device = Device::flex();
    let fresh = bayes_ruler_core::BayesianCnnConfig::new().init(&device);
    assert!(idle_channels(&fresh.no_grad()).is_empty());
}

/// `--train-idle` goes on from the idle filters as they are: two Adam steps at lr 1e-3 move
/// each value by about 0.002 at most, where a fresh draw moves them by ~0.1.
#[test]
fn training_idle_filters_as_they_are_moves_them_only_by_the_steps() {
    let run = one_epoch_on_the_idle_filters(TrainConfig::new().with_train_idle(true));
    for which in [3, 4, 5] {
        let change = run.largest_idle_change(which);
        assert!(change < 0.01, "{}: {change}", run.before[which].0);
    }
}
