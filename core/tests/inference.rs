//! Exact batched sampling: the batched computation equals one pass per draw, draws differ.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_core::inference::{
    ModelInput, PassKernels, WeightDraws, check_sample_count, chunk_sizes, forward_draws,
    forward_draws_with, image_tensor, sample_heights,
};
use bayes_ruler_core::stats::ks_two_sample;
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_core::{BayesianCnnConfig, RulerError};
use bayes_ruler_silhouettes::demo_silhouette;
use burn::tensor::{Device, Tensor};

#[path = "common/images.rs"]
mod images;
use images::test_images;

fn device(seed: u64) -> Device {
    let device = Device::flex();
    device.seed(seed);
    device
}

fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

#[test]
fn one_pass_costs_the_documented_multiply_adds() {
    let config = BayesianCnnConfig::new();
    // 126 + a 1-px frame = 128 → 32 → 8: the pools tile the whole image.
    assert_eq!(config.input_side(), 128);
    assert_eq!(config.dense_features(), 32 * 8 * 8);
    assert_eq!(
        config.macs_per_pass(),
        128 * 128 * 16 * 25 + 32 * 32 * 16 * 32 * 25 + 2048
    );
}

/// WebGPU chunks from the adapter's binding limit: the first layer's output per pass is the
/// network's 16 filters over the 128 × 128 framed image; 128 MiB (WebGPU's guaranteed
/// minimum) holds 120 passes with room, 2 GiB 1920, and a tiny limit still one.
#[test]
fn webgpu_chunks_fit_the_adapters_binding_limit() {
    use bayes_ruler_core::inference::{WEBGPU_BYTES_PER_PASS, WEBGPU_MAX_CHUNK, webgpu_max_chunk};
    let config = BayesianCnnConfig::new();
    let side = config.input_side() as u64;
    assert_eq!(
        WEBGPU_BYTES_PER_PASS,
        config.conv1_filters as u64 * side * side * 4
    );
    assert_eq!(webgpu_max_chunk(128 << 20), WEBGPU_MAX_CHUNK);
    assert_eq!(webgpu_max_chunk(2 << 30), 1920);
    assert_eq!(webgpu_max_chunk(1000), 1);
    for limit in [128u64 << 20, 256 << 20, 1 << 30, 4 << 30] {
        let n = webgpu_max_chunk(limit) as u64;
        assert!(
            n * WEBGPU_BYTES_PER_PASS <= limit && (n + 1) * WEBGPU_BYTES_PER_PASS > limit / 16 * 15
        );
    }
}

#[test]
fn training_pass_maps_a_batch_to_one_height_each() {
    let device = device(5);
    let model = BayesianCnnConfig::new().init(&device);
    let x = Tensor::<4>::zeros([3, 1, 126, 126], &device);
    assert_eq!(model.forward(x.clone()).dims(), [3, 1]);
    assert_eq!(model.forward_mean(x).dims(), [3, 1]);
}

#[test]
fn batched_draws_equal_one_pass_per_draw() {
    let device = device(6);
    // Trained weights: non-zero biases make the skipped background's constant values matter.
    let model = load_embedded(&device).unwrap();
    let draws = WeightDraws::sample(&model, 5);
    for (name, pixels) in test_images() {
        let image = image_tensor(&pixels, &device).unwrap();
        let input = ModelInput::new(&model, &pixels, &device).unwrap();
        let batched = to_vec(forward_draws(&model, &input, &draws));
        let unfolded = to_vec(forward_draws_with(
            &model,
            &input,
            &draws,
            PassKernels::MatrixProducts,
        ));
        assert_eq!(batched.len(), 5);
        assert_eq!(unfolded.len(), 5);
        for (i, (&b, &u)) in batched.iter().zip(&unfolded).enumerate() {
            let single = to_vec(model.forward_with(image.clone(), &draws.get(i)))[0];
            assert!(
                (b - single).abs() <= 1e-4 * single.abs().max(1.0),
                "{name}, draw {i}: batched {b} vs single {single}"
            );
            assert!(
                (u - single).abs() <= 1e-4 * single.abs().max(1.0),
                "{name}, draw {i}: batched with layer 2 unfolded {u} vs single {single}"
            );
        }
        // And every draw is its own: no two heights coincide.
        for i in 0..5 {
            for j in 0..i {
                assert_ne!(batched[i], batched[j], "{name}: draws {i} and {j}");
            }
        }
    }
    let fresh = BayesianCnnConfig::new().init(&device);
    let pixels = demo_silhouette().into_pixels();
    let draws = WeightDraws::sample(&fresh, 3);
    let input = ModelInput::new(&fresh, &pixels, &device).unwrap();
    let batched = to_vec(forward_draws(&fresh, &input, &draws));
    let image = image_tensor(&pixels, &device).unwrap();
    for (i, &b) in batched.iter().enumerate() {
        let single = to_vec(fresh.forward_with(image.clone(), &draws.get(i)))[0];
        assert!(
            (b - single).abs() <= 1e-4 * single.abs().max(1.0),
            "fresh draw {i}"
        );
    }
}

/// The same equality for the network without the background frame (126 → 31 → 7, the layout
/// `reframe` reads), whose second pool leaves layer 2's last rows and columns unused; random
/// biases make the skipped background's constant values matter.
#[test]
fn batched_draws_equal_one_pass_per_draw_without_the_frame() {
    use burn::module::Param;
    use burn::tensor::Distribution;
    let device = device(8);
    let mut model = BayesianCnnConfig::new().with_frame(0).init(&device);
    let bias =
        |n: usize| Param::from_tensor(Tensor::random([n], Distribution::Normal(0.0, 0.5), &device));
    model.conv1.kernel.bias = bias(16);
    model.conv2.kernel.bias = bias(32);
    let draws = WeightDraws::sample(&model, 3);
    for (name, pixels) in test_images() {
        let image = image_tensor(&pixels, &device).unwrap();
        let input = ModelInput::new(&model, &pixels, &device).unwrap();
        let batched = to_vec(forward_draws(&model, &input, &draws));
        for (i, &b) in batched.iter().enumerate() {
            let single = to_vec(model.forward_with(image.clone(), &draws.get(i)))[0];
            assert!(
                (b - single).abs() <= 1e-4 * single.abs().max(1.0),
                "{name}, draw {i}: batched {b} vs single {single}"
            );
        }
    }
}

#[test]
fn sampled_heights_are_all_distinct_and_spread_around_the_mean_pass() {
    let device = device(7);
    let model = BayesianCnnConfig::new().init(&device);
    let pixels = demo_silhouette().into_pixels();
    let n = 100; // four chunks of at most 32
    let heights = sample_heights(&model, &pixels, n, &device).unwrap();
    assert_eq!(heights.len(), n);
    let mut sorted = heights.clone();
    sorted.sort_by(f32::total_cmp);
    assert!(
        sorted.windows(2).all(|w| w[0] != w[1]),
        "two samples are identical"
    );
    let mean_pass = to_vec(model.forward_mean(image_tensor(&pixels, &device).unwrap()))[0];
    assert!(sorted[0] < mean_pass && mean_pass < sorted[n - 1]);
}

#[test]
fn chunks_cover_the_request_exactly() {
    assert_eq!(
        chunk_sizes(100, 32).collect::<Vec<_>>(),
        vec![32, 32, 32, 4]
    );
    assert_eq!(chunk_sizes(1, 32).collect::<Vec<_>>(), vec![1]);
    assert_eq!(chunk_sizes(64, 32).collect::<Vec<_>>(), vec![32, 32]);
}

#[test]
fn bad_inputs_are_rejected_with_a_reason() {
    let device = device(8);
    let short = vec![0.0; 100];
    let err = image_tensor(&short, &device).unwrap_err();
    assert!(
        matches!(&err, RulerError::InvalidInput(m) if m.contains("15876") && m.contains("100"))
    );
    let mut nan = demo_silhouette().into_pixels();
    nan[130] = f32::NAN;
    let err = image_tensor(&nan, &device).unwrap_err().to_string();
    assert!(err.contains("pixel 130") && err.contains("NaN"), "{err}");
    let mut bright = demo_silhouette().into_pixels();
    bright[0] = 255.0;
    assert!(
        image_tensor(&bright, &device)
            .unwrap_err()
            .to_string()
            .contains("[0, 1]")
    );

    for bad in [0.0, -1.0, 1.5, 100_001.0, f64::NAN, f64::INFINITY] {
        assert!(check_sample_count(bad).is_err(), "{bad} accepted");
    }
    assert_eq!(check_sample_count(1.0), Ok(1));
    assert_eq!(check_sample_count(100_000.0), Ok(100_000));
}

/// The exactness claim as a statistical test: n passes computed batched have the distribution of
/// n separate single-pass calls, both of the batched path (one draw per call) and of the Flipout
/// layers the network was trained with (the article's method), on the shipped weights.
#[test]
fn batched_samples_have_the_distribution_of_separate_single_pass_calls() {
    let device = device(9);
    let model = load_embedded(&device).unwrap();
    let pixels = demo_silhouette().into_pixels();
    let image = image_tensor(&pixels, &device).unwrap();
    let n = 400;
    let batched = sample_heights(&model, &pixels, n, &device).unwrap();
    let one_call_each: Vec<f32> = (0..n)
        .flat_map(|_| sample_heights(&model, &pixels, 1, &device).unwrap())
        .collect();
    let flipout_calls: Vec<f32> = (0..n)
        .map(|_| to_vec(model.forward(image.clone()))[0])
        .collect();
    for (name, sequential) in [
        ("single draws", &one_call_each),
        ("flipout", &flipout_calls),
    ] {
        let (d, p) = ks_two_sample(&batched, sequential);
        assert!(p > 1e-3, "batched vs {name}: KS D = {d:.3}, p = {p:.2e}");
    }
    // The test has power: a sampler that reused one draw (or the mean) would fail it.
    let reused = vec![to_vec(model.forward_mean(image))[0]; n];
    let (d, p) = ks_two_sample(&batched, &reused);
    assert!(
        p < 1e-6,
        "a constant sample passed: D = {d:.3}, p = {p:.2e}"
    );
}
