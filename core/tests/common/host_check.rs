//! The CPU kernels against burn's batched pass on every test image, shared by the native test
//! and the browser one (where the kernels are compiled for wasm SIMD). The including test crate
//! has the `images` module at its root.

use bayes_ruler_core::inference::{HostDraws, HostNetwork, ModelInput, WeightDraws, forward_draws};
use bayes_ruler_core::model::BayesianCnn;
use burn::tensor::Device;

/// Every test image, `draws` draws: the host's heights against burn's, within float rounding.
pub fn assert_host_matches_burn(model: &BayesianCnn, device: &Device, draws: usize, what: &str) {
    let host = HostNetwork::new(model).unwrap();
    let draws = WeightDraws::sample(model, draws);
    let on_host = HostDraws::read(&draws).unwrap();
    for (name, pixels) in crate::images::test_images() {
        let input = ModelInput::new(model, &pixels, device).unwrap();
        let expected = forward_draws(model, &input, &draws)
            .into_data()
            .try_into_vec::<f32>()
            .unwrap();
        let got = host.forward(&input, &on_host).unwrap();
        assert_eq!(got.len(), expected.len(), "{what}, {name}");
        for (i, (&g, &e)) in got.iter().zip(&expected).enumerate() {
            assert!(
                (g - e).abs() <= 1e-4 * e.abs().max(1.0),
                "{what}, {name}, draw {i}: host {g} vs burn {e}"
            );
        }
    }
}
