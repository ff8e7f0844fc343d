//! The native GPU path (`--features gpu`, burn's wgpu backend on Vulkan): the batched exact
//! sampler computes the CPU's heights for the same weight draws, and its own fresh draws have
//! the CPU's distribution. Needs a Vulkan adapter; lavapipe (`mesa-vulkan-drivers`) will do:
//! `cargo test -p bayes-ruler-cli --features gpu --test gpu`. Without one the tests fail and say so.
#![cfg(all(feature = "gpu", not(target_family = "wasm")))]

use std::sync::OnceLock;

use bayes_ruler_core::inference::{
    ModelInput, PassKernels, WeightDraws, forward_draws, forward_draws_with, sample_heights,
};
use bayes_ruler_core::stats::ks_two_sample;
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_silhouettes::demo_silhouette;
use burn::tensor::wgpu::WgpuBackend;
use burn::tensor::{Device, Tensor};

/// The wgpu runtime can be initialised once per process; the tests share it.
fn gpu() -> Device {
    static GPU: OnceLock<Device> = OnceLock::new();
    GPU.get_or_init(|| {
        let device = Device::wgpu_options()
            .graphics_api(WgpuBackend::Vulkan)
            .init()
            .unwrap_or_else(|e| {
                panic!("no Vulkan adapter ({e}); install one, e.g. mesa-vulkan-drivers")
            });
        device.seed(21);
        device
    })
    .clone()
}

fn to_vec(t: Tensor<1>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

#[test]
fn gpu_computes_the_cpu_heights_for_the_same_draws() {
    let cpu = Device::flex();
    cpu.seed(22);
    let gpu = gpu();
    let on_cpu = load_embedded(&cpu).unwrap();
    let on_gpu = load_embedded(&gpu).unwrap();
    let pixels = demo_silhouette().into_pixels();
    // 40 draws: more than one workgroup's worth of groups in the grouped convolution.
    let draws = WeightDraws::sample(&on_cpu, 40);
    let expected = to_vec(forward_draws(
        &on_cpu,
        &ModelInput::new(&on_cpu, &pixels, &cpu).unwrap(),
        &draws,
    ));
    let input = ModelInput::new(&on_gpu, &pixels, &gpu).unwrap();
    let draws = draws.to_device(&gpu);
    for kernel in [PassKernels::Convolutions, PassKernels::MatrixProducts] {
        let got = to_vec(forward_draws_with(&on_gpu, &input, &draws, kernel));
        assert_eq!(got.len(), expected.len());
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert!(
                (g - e).abs() <= 1e-3 * e.abs().max(1.0),
                "{kernel:?}, draw {i}: GPU {g} vs CPU {e}"
            );
        }
    }
}

#[test]
fn gpu_draws_are_distinct_and_have_the_cpu_distribution() {
    let cpu = Device::flex();
    cpu.seed(23);
    let gpu = gpu();
    let pixels = demo_silhouette().into_pixels();
    let n = 300;
    let on_gpu = sample_heights(&load_embedded(&gpu).unwrap(), &pixels, n, &gpu).unwrap();
    let on_cpu = sample_heights(&load_embedded(&cpu).unwrap(), &pixels, n, &cpu).unwrap();
    let mut sorted = on_gpu.clone();
    sorted.sort_by(f32::total_cmp);
    assert!(
        sorted.windows(2).all(|w| w[0] != w[1]),
        "two GPU samples are identical"
    );
    let (d, p) = ks_two_sample(&on_gpu, &on_cpu);
    assert!(p > 1e-3, "GPU vs CPU samples: KS D = {d:.3}, p = {p:.2e}");
}
