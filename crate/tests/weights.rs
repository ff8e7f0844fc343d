//! The shipped .bpk decodes into the architecture; records round-trip; bad bytes are refused.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler::BayesianCnnConfig;
use bayes_ruler::RulerError;
use bayes_ruler::data::demo_silhouette;
use bayes_ruler::inference::image_tensor;
use bayes_ruler::weights::{EMBEDDED_WEIGHTS, load_embedded, load_model};
use burn::module::Module;
use burn::tensor::Device;

#[test]
fn embedded_weights_fit_the_architecture() {
    let device = Device::flex();
    let model = load_embedded(&device).expect("trained/model.bpk must decode");
    // 2 × (400 + 12 800 + 1 568) kernel parameters (mu, rho) + 16 + 32 + 1 biases.
    assert_eq!(model.num_params(), 2 * (400 + 12_800 + 1_568) + 49);
    let kl = model.kl().into_data().try_into_vec::<f32>().unwrap()[0];
    assert!(kl.is_finite() && kl > 0.0, "KL {kl}");
}

#[test]
fn a_record_round_trips_through_bytes() {
    let device = Device::flex();
    device.seed(9);
    let model = BayesianCnnConfig::new().init(&device);
    let image = image_tensor(demo_silhouette().pixels(), &device).unwrap();
    let before = model
        .forward_mean(image.clone())
        .into_data()
        .try_into_vec::<f32>()
        .unwrap();
    let bytes = model.into_record().into_bytes().unwrap();
    let loaded = load_model(&bytes, &device).unwrap();
    let after = loaded
        .forward_mean(image)
        .into_data()
        .try_into_vec::<f32>()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn corrupt_weights_are_an_error_not_a_panic() {
    let device = Device::flex();
    let truncated = &EMBEDDED_WEIGHTS[..EMBEDDED_WEIGHTS.len() / 2];
    assert!(matches!(
        load_model(truncated, &device),
        Err(RulerError::Weights(_))
    ));
    assert!(matches!(
        load_model(b"not a burnpack", &device),
        Err(RulerError::Weights(_))
    ));
}
