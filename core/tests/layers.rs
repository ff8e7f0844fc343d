//! The Bayesian layers against their closed forms: KL, output moments, batch semantics.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_core::layers::{
    Conv2dFlipout, Conv2dReparameterization, ConvKernelConfig, DenseFlipout, DenseKernelConfig,
    DenseReparameterization, softplus_inverse,
};
use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};

fn device(seed: u64) -> Device {
    let device = Device::flex();
    device.seed(seed);
    device
}

fn param<const D: usize>(values: Vec<f32>, shape: [usize; D], device: &Device) -> Param<Tensor<D>> {
    Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), device))
}

fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

/// A dense kernel with mu_i = 0.3 − 0.1 i, sigma_i = 0.05 + 0.04 i, bias 0.25.
fn dense_params(features: usize, device: &Device) -> (Vec<f64>, Vec<f64>) {
    let mu: Vec<f64> = (0..features).map(|i| 0.3 - 0.1 * i as f64).collect();
    let sigma: Vec<f64> = (0..features).map(|i| 0.05 + 0.04 * i as f64).collect();
    let _ = device;
    (mu, sigma)
}

fn set_dense(
    kernel: &mut bayes_ruler_core::layers::DenseKernel,
    mu: &[f64],
    sigma: &[f64],
    device: &Device,
) {
    let n = mu.len();
    kernel.mu = param(mu.iter().map(|&v| v as f32).collect(), [n, 1], device);
    kernel.rho = param(
        sigma.iter().map(|&s| softplus_inverse(s) as f32).collect(),
        [n, 1],
        device,
    );
    kernel.bias = param(vec![0.25], [1], device);
}

fn closed_form_kl(mu: &[f64], sigma: &[f64]) -> f64 {
    mu.iter()
        .zip(sigma)
        .map(|(m, s)| 0.5 * (m * m + s * s - 1.0) - s.ln())
        .sum()
}

#[test]
fn kl_matches_the_closed_form() {
    let device = device(1);
    let (mu, sigma) = dense_params(6, &device);
    let mut layer = DenseFlipout::new(&DenseKernelConfig::new(6, 1), &device);
    set_dense(&mut layer.kernel, &mu, &sigma, &device);
    let kl = to_vec(layer.kl())[0] as f64;
    let expected = closed_form_kl(&mu, &sigma);
    assert!(
        (kl - expected).abs() < 1e-4 * expected.abs().max(1.0),
        "{kl} vs {expected}"
    );

    // Conv kernels too, with the default (TFP) initialisation: compare with the host formula.
    let conv = Conv2dFlipout::new(&ConvKernelConfig::new(2, 3, 3), &device);
    let mu: Vec<f64> = to_vec(conv.kernel.mu.val())
        .into_iter()
        .map(f64::from)
        .collect();
    let sigma: Vec<f64> = to_vec(conv.kernel.sigma())
        .into_iter()
        .map(f64::from)
        .collect();
    assert_eq!(mu.len(), 3 * 2 * 3 * 3);
    let kl = to_vec(conv.kl())[0] as f64;
    let expected = closed_form_kl(&mu, &sigma);
    assert!(
        (kl - expected).abs() < 1e-3 * expected.abs(),
        "{kl} vs {expected}"
    );
    // Initial sigma is softplus(N(-3, 0.1)) ≈ 0.049: TFP's default posterior.
    let mean_sigma = sigma.iter().sum::<f64>() / sigma.len() as f64;
    assert!(
        (mean_sigma - 0.0486).abs() < 0.005,
        "mean sigma {mean_sigma}"
    );
}

/// Mean and variance of `draw()` over `calls` calls.
fn moments(calls: usize, mut draw: impl FnMut() -> f64) -> (f64, f64) {
    let xs: Vec<f64> = (0..calls).map(|_| draw()).collect();
    let mean = xs.iter().sum::<f64>() / calls as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (calls - 1) as f64;
    (mean, var)
}

/// Checks sample moments against the posterior-implied ones: mean within 4 standard errors,
/// variance within 4 standard errors of a Gaussian's sample variance (√(2/n) relative).
fn assert_moments((mean, var): (f64, f64), expected_mean: f64, expected_var: f64, calls: usize) {
    let se_mean = (expected_var / calls as f64).sqrt();
    assert!(
        (mean - expected_mean).abs() < 4.0 * se_mean,
        "mean {mean} vs {expected_mean} (se {se_mean})"
    );
    let rel = (var / expected_var - 1.0).abs();
    assert!(
        rel < 4.0 * (2.0 / calls as f64).sqrt(),
        "variance {var} vs {expected_var}"
    );
}

#[test]
fn dense_outputs_have_the_posterior_moments() {
    let device = device(2);
    let (mu, sigma) = dense_params(5, &device);
    let x: Vec<f64> = vec![1.0, -0.5, 2.0, 0.7, -1.2];
    let expected_mean = 0.25 + x.iter().zip(&mu).map(|(a, m)| a * m).sum::<f64>();
    let expected_var: f64 = x.iter().zip(&sigma).map(|(a, s)| a * a * s * s).sum();
    let input = Tensor::<2>::from_data(
        TensorData::new(x.iter().map(|&v| v as f32).collect(), [1, 5]),
        &device,
    );
    let calls = 3000;

    let mut flipout = DenseFlipout::new(&DenseKernelConfig::new(5, 1), &device);
    set_dense(&mut flipout.kernel, &mu, &sigma, &device);
    let m = moments(calls, || to_vec(flipout.forward(input.clone()))[0] as f64);
    assert_moments(m, expected_mean, expected_var, calls);

    let mut reparam = DenseReparameterization::new(&DenseKernelConfig::new(5, 1), &device);
    set_dense(&mut reparam.kernel, &mu, &sigma, &device);
    let m = moments(calls, || to_vec(reparam.forward(input.clone()))[0] as f64);
    assert_moments(m, expected_mean, expected_var, calls);
}

#[test]
fn conv_outputs_have_the_posterior_moments() {
    let device = device(3);
    // One 3×3 kernel over a 3×3 image without padding: one output pixel.
    let config = ConvKernelConfig::new(1, 1, 3).with_same_padding(false);
    let mu: Vec<f64> = (0..9).map(|i| 0.2 - 0.05 * i as f64).collect();
    let sigma: Vec<f64> = (0..9).map(|i| 0.03 + 0.02 * i as f64).collect();
    let x: Vec<f64> = (0..9).map(|i| ((i * 7) % 5) as f64 / 4.0 - 0.3).collect();
    let expected_mean = -0.1 + x.iter().zip(&mu).map(|(a, m)| a * m).sum::<f64>();
    let expected_var: f64 = x.iter().zip(&sigma).map(|(a, s)| a * a * s * s).sum();
    let input = Tensor::<4>::from_data(
        TensorData::new(x.iter().map(|&v| v as f32).collect(), [1, 1, 3, 3]),
        &device,
    );
    let set = |kernel: &mut bayes_ruler_core::layers::ConvKernel| {
        kernel.mu = param(
            mu.iter().map(|&v| v as f32).collect(),
            [1, 1, 3, 3],
            &device,
        );
        let rho = sigma.iter().map(|&s| softplus_inverse(s) as f32).collect();
        kernel.rho = param(rho, [1, 1, 3, 3], &device);
        kernel.bias = param(vec![-0.1], [1], &device);
    };
    let calls = 3000;

    let mut flipout = Conv2dFlipout::new(&config, &device);
    set(&mut flipout.kernel);
    let m = moments(calls, || to_vec(flipout.forward(input.clone()))[0] as f64);
    assert_moments(m, expected_mean, expected_var, calls);

    let mut reparam = Conv2dReparameterization::new(&config, &device);
    set(&mut reparam.kernel);
    let m = moments(calls, || to_vec(reparam.forward(input.clone()))[0] as f64);
    assert_moments(m, expected_mean, expected_var, calls);
}

fn all_equal(v: &[f32]) -> bool {
    v.iter().all(|&x| x == v[0])
}

#[test]
fn reparameterization_shares_one_draw_and_flipout_perturbs_each_example() {
    let device = device(4);
    let batch = 8;
    let image = Tensor::<4>::random(
        [1, 2, 6, 6],
        burn::tensor::Distribution::Normal(0.0, 1.0),
        &device,
    )
    .repeat_dim(0, batch);
    let config = ConvKernelConfig::new(2, 3, 3);

    let reparam = Conv2dReparameterization::new(&config, &device);
    let a = to_vec(reparam.forward(image.clone()));
    let per_example = a.len() / batch;
    let first: Vec<f32> = a[..per_example].to_vec();
    for b in 1..batch {
        assert_eq!(
            &a[b * per_example..(b + 1) * per_example],
            &first[..],
            "example {b}"
        );
    }
    let again = to_vec(reparam.forward(image.clone()));
    assert_ne!(
        &again[..per_example],
        &first[..],
        "a new call must draw new weights"
    );

    let flipout = Conv2dFlipout::new(&config, &device);
    let f = to_vec(flipout.forward(image.clone()));
    let firsts: Vec<f32> = (0..batch).map(|b| f[b * per_example]).collect();
    assert!(
        !all_equal(&firsts),
        "flipout gave identical examples: {firsts:?}"
    );
    // Their common centre is the mean pass.
    let mean = to_vec(flipout.forward_mean(image.clone()));
    assert!(all_equal(
        &(0..batch)
            .map(|b| mean[b * per_example])
            .collect::<Vec<_>>()
    ));

    // Dense layers: the same two properties.
    let x = Tensor::<2>::ones([batch, 4], &device);
    let dense = DenseReparameterization::new(&DenseKernelConfig::new(4, 1), &device);
    assert!(all_equal(&to_vec(dense.forward(x.clone()))));
    let dense = DenseFlipout::new(&DenseKernelConfig::new(4, 1), &device);
    assert!(!all_equal(&to_vec(dense.forward(x))));
}
