//! The CPU kernels (`HostNetwork`) compute what burn's batched pass computes, draw for draw.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_core::BayesianCnnConfig;
use bayes_ruler_core::inference::{
    HostDraws, HostNetwork, ModelInput, WeightDraws, forward_draws, sample_chunk_on_host,
};
use bayes_ruler_core::model::BayesianCnn;
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_silhouettes::demo_silhouette;
use burn::module::Param;
use burn::tensor::{Device, Distribution, Tensor};

#[path = "common/images.rs"]
mod images;
use images::test_images;

fn device(seed: u64) -> Device {
    let device = Device::flex();
    device.seed(seed);
    device
}

/// Every test image, `draws` draws: the host's heights against burn's, within float rounding.
fn assert_host_matches_burn(model: &BayesianCnn, device: &Device, draws: usize, what: &str) {
    let host = HostNetwork::new(model).unwrap();
    let draws = WeightDraws::sample(model, draws);
    let on_host = HostDraws::read(&draws).unwrap();
    for (name, pixels) in test_images() {
        let input = ModelInput::new(model, &pixels, device).unwrap();
        let expected = forward_draws(model, &input, &draws)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap();
        let got = host.forward(&input, &on_host);
        assert_eq!(got.len(), expected.len(), "{what}, {name}");
        for (i, (&g, &e)) in got.iter().zip(&expected).enumerate() {
            assert!(
                (g - e).abs() <= 1e-4 * e.abs().max(1.0),
                "{what}, {name}, draw {i}: host {g} vs burn {e}"
            );
        }
    }
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
}

#[test]
fn host_sampling_gives_a_fresh_draw_per_pass() {
    let device = device(34);
    let model = load_embedded(&device).unwrap();
    let host = HostNetwork::new(&model).unwrap();
    let pixels = demo_silhouette().into_pixels();
    let input = ModelInput::new(&model, &pixels, &device).unwrap();
    let mut heights = sample_chunk_on_host(&model, &host, &input, 40).unwrap();
    heights.extend(sample_chunk_on_host(&model, &host, &input, 40).unwrap());
    assert_eq!(heights.len(), 80);
    let mut sorted = heights.clone();
    sorted.sort_by(f32::total_cmp);
    sorted.dedup();
    assert_eq!(sorted.len(), 80, "two passes gave the same height");
    let mean = heights.iter().sum::<f32>() / 80.0;
    assert!((20.0..110.0).contains(&mean), "mean {mean}");
}
