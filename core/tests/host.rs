//! The CPU kernels (`HostNetwork`) compute what burn's batched pass computes, draw for draw.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_core::BayesianCnnConfig;
use bayes_ruler_core::inference::{
    HostDraws, HostNetwork, ModelInput, WeightDraws, sample_chunk_on_host,
};
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_silhouettes::demo_silhouette;
use burn::module::Param;
use burn::tensor::{Device, Distribution, Tensor, TensorData};

#[path = "common/draws.rs"]
mod draws;
#[path = "common/host_check.rs"]
mod host_check;
#[path = "common/images.rs"]
mod images;
use host_check::assert_host_matches_burn;

fn device(seed: u64) -> Device {
    let device = Device::flex();
    device.seed(seed);
    device
}

#[test]
fn host_kernels_equal_burns_pass_for_the_trained_weights() {
    let device = device(31);
    // Trained biases: the background's constant values and the dead channels both matter.
    assert_host_matches_burn(&load_embedded(&device).unwrap(), &device, 6, "trained");
}

#[test]
fn host_kernels_equal_burns_pass_for_fresh_weights_with_random_biases() {
    let device = device(32);
    let bias =
        |n: usize| Param::from_tensor(Tensor::random([n], Distribution::Normal(0.0, 0.5), &device));
    let mut model = BayesianCnnConfig::new().init(&device);
    model.conv1.kernel.bias = bias(16);
    model.conv2.kernel.bias = bias(32);
    model.dense.kernel.bias = bias(1);
    assert_host_matches_burn(&model, &device, 4, "framed");
    // Without the frame (126 → 31 → 7): the second pool leaves layer 2's last rows unused.
    let mut unframed = BayesianCnnConfig::new().with_frame(0).init(&device);
    unframed.conv1.kernel.bias = bias(16);
    unframed.conv2.kernel.bias = bias(32);
    assert_host_matches_burn(&unframed, &device, 4, "unframed");
    // Other filter counts and kernel sides than the shipped 16, 32 and 5.
    let other = BayesianCnnConfig::new()
        .with_conv1_filters(8)
        .with_conv2_filters(12)
        .with_kernel_size(3)
        .init(&device);
    assert_host_matches_burn(&other, &device, 3, "8 and 12 filters of 3×3");
}

#[test]
fn host_refuses_layouts_its_kernels_do_not_cover() {
    let device = device(33);
    let odd = BayesianCnnConfig::new()
        .with_conv2_filters(30)
        .init(&device);
    let error = HostNetwork::new(&odd).unwrap_err().to_string();
    assert!(error.contains("multiples of 4"), "{error}");
    // Draws of another network's shapes are an error, not a panic.
    let shipped = load_embedded(&device).unwrap();
    let host = HostNetwork::new(&shipped).unwrap();
    let small = BayesianCnnConfig::new().with_conv2_filters(8).init(&device);
    let foreign = HostDraws::read(&WeightDraws::sample(&small, 2)).unwrap();
    let pixels = demo_silhouette().into_pixels();
    let input = ModelInput::new(&shipped, &pixels, &device).unwrap();
    let error = host.forward(&input, &foreign).unwrap_err().to_string();
    assert!(error.contains("do not fit this network"), "{error}");
}

#[test]
fn host_sampling_gives_a_fresh_draw_per_pass() {
    let device = device(34);
    let model = load_embedded(&device).unwrap();
    let host = HostNetwork::new(&model).unwrap();
    let pixels = demo_silhouette().into_pixels();
    let input = ModelInput::new(&model, &pixels, &device).unwrap();
    let mut heights = sample_chunk_on_host(&host, &input, 40, &device).unwrap();
    heights.extend(sample_chunk_on_host(&host, &input, 40, &device).unwrap());
    assert_eq!(heights.len(), 80);
    // Two independent draws can still round to the same f32 height (about 1 pair in 300 here:
    // ~12 000 heights give ~70 tied pairs), so allow one tie; repeated draws would give many.
    let mut sorted = heights.clone();
    sorted.sort_by(f32::total_cmp);
    sorted.dedup();
    assert!(
        sorted.len() >= 79,
        "{} distinct heights of 80",
        sorted.len()
    );
    let mean = heights.iter().sum::<f32>() / 80.0;
    assert!((20.0..110.0).contains(&mean), "mean {mean}");
}

/// The host's own draws, standardised, pass the same independence and spread checks as burn's
/// (`draws.rs`), within one chunk and across two chunks (a repeated seed would show).
#[test]
fn host_draws_are_independent_with_the_posterior_spread() {
    let device = device(35);
    let model = load_embedded(&device).unwrap();
    let host = HostNetwork::new(&model).unwrap();
    let posterior = draws::posterior(&model).map(|(mu, sigma)| (mu.into_data(), sigma.into_data()));
    let (mut first, mut second) = (HostDraws::default(), HostDraws::default());
    host.redraw(&mut first, 24, &device).unwrap();
    host.redraw(&mut second, 24, &device).unwrap();
    assert_eq!(first.len(), 24);
    let joined: [Vec<f32>; 3] =
        std::array::from_fn(|i| [first.kernels()[i], second.kernels()[i]].concat());
    let data = joined.map(|v| {
        let len = v.len();
        TensorData::new(v, [len])
    });
    for layer in draws::layers(data, posterior, 48) {
        draws::assert_independent(&layer);
    }
}

/// The host's heights (its own draws) have the distribution of burn's batched pass (burn's
/// draws), and the comparison has power: a 0.7× narrower sample fails it.
#[test]
fn host_heights_have_the_distribution_of_burns_draws() {
    use bayes_ruler_core::inference::sample_chunk;
    use bayes_ruler_core::stats::ks_two_sample;
    let device = device(36);
    let model = load_embedded(&device).unwrap();
    let host = HostNetwork::new(&model).unwrap();
    let pixels = demo_silhouette().into_pixels();
    let input = ModelInput::new(&model, &pixels, &device).unwrap();
    let (mut on_host, mut by_burn) = (Vec::new(), Vec::new());
    while on_host.len() < 3000 {
        on_host.extend(sample_chunk_on_host(&host, &input, 32, &device).unwrap());
        let chunk = sample_chunk(&model, &input, 32).into_data();
        by_burn.extend(chunk.try_into_vec::<f32>().unwrap());
    }
    let (d, p) = ks_two_sample(&on_host, &by_burn);
    assert!(p > 1e-3, "host vs burn: KS D = {d:.3}, p = {p:.2e}");
    let mean = on_host.iter().sum::<f32>() / on_host.len() as f32;
    let narrow: Vec<f32> = on_host.iter().map(|h| mean + 0.7 * (h - mean)).collect();
    let (d, p) = ks_two_sample(&narrow, &by_burn);
    assert!(
        p < 1e-6,
        "a narrower sample passed: D = {d:.3}, p = {p:.2e}"
    );
}

/// The kernels' cost, from their loops: the fixed per-draw part alone for an empty frame; for a
/// figure on every cell layer 1 over all 128 × 128 framed pixels and layer 2 over 36 × 40
/// outputs (the 32 × 32 map, 2 beyond it on each side, rows padded to whole blocks of 8: more
/// than the network's 19.68 M); the demo toddler's 21 × 12 cells in between (layer 1 over
/// 84 × 48 pixels, layer 2 over 25 × 16 outputs).
#[test]
fn host_multiply_adds_count_what_the_kernels_compute() {
    let device = device(47);
    let model = load_embedded(&device).unwrap();
    let host = HostNetwork::new(&model).unwrap();
    let cost =
        |pixels: &[f32]| host.multiply_adds(&ModelInput::new(&model, pixels, &device).unwrap());
    let fixed = 32 * 16 * 25 + 32 * 8 * 8;
    assert_eq!(cost(&vec![0.0; 126 * 126]), fixed);
    let full = 128 * 128 * 16 * 25 + 36 * 40 * 16 * 25 * 32;
    assert_eq!(cost(&vec![1.0; 126 * 126]), full + fixed);
    let demo = 84 * 48 * 16 * 25 + 25 * 16 * 32 * 16 * 25;
    assert_eq!(cost(&demo_silhouette().into_pixels()), demo + fixed);
}
