//! Diagnostic: per conv2 channel of the shipped weights, its bias, mean |mu|, mean sigma, the
//! dense weights it feeds, and how often it fires (posterior means) on calibration children and
//! on generic validation negatives. No test-category image is read.
//!
//! `cargo run --example channels -- [WEIGHTS.bpk]` (default: the shipped weights).
use bayes_ruler_cli::train::idle::{IDLE_DENSE_SIGMA, idle_channels};
use bayes_ruler_core::weights::{load_embedded, load_model};
use bayes_ruler_silhouettes::Example;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{calibration_children, validation_negatives};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};

fn batch(examples: &[Example], device: &Device) -> Tensor<4> {
    let pixels: Vec<f32> = examples
        .iter()
        .flat_map(|e| e.pixels.iter().copied())
        .collect();
    Tensor::from_data(
        TensorData::new(pixels, [examples.len(), 1, 126, 126]),
        device,
    )
}

fn main() {
    let device = Device::flex();
    let m = match std::env::args().nth(1) {
        Some(path) => load_model(&std::fs::read(&path).expect("readable weights"), &device),
        None => load_embedded(&device),
    }
    .expect("weights that load");
    println!(
        "idle (dense sigma > {IDLE_DENSE_SIGMA}): {:?}",
        idle_channels(&m)
    );
    let vals = |t: Tensor<1>| -> Vec<f32> { t.into_data().iter::<f32>().collect() };
    let c2 = m.conv2.kernel.dims()[0];
    let mu = m
        .conv2
        .kernel
        .mu
        .val()
        .abs()
        .mean_dims(&[1, 2, 3])
        .reshape([c2]);
    let sg = m.conv2.kernel.sigma().mean_dims(&[1, 2, 3]).reshape([c2]);
    let bias = vals(m.conv2.kernel.bias.val());
    let dmu = m
        .dense
        .kernel
        .mu
        .val()
        .reshape([c2, 64])
        .abs()
        .mean_dim(1)
        .reshape([c2]);
    let dsg = m
        .dense
        .kernel
        .sigma()
        .reshape([c2, 64])
        .mean_dim(1)
        .reshape([c2]);
    let fire = |set: &[Example]| -> Vec<f32> {
        let x = batch(set, &device);
        let x = m.max_pool(relu(m.conv1.forward_mean(m.framed(x))));
        let inp = x.clone().square().sum_dims(&[1]).mean();
        println!(
            "conv2 input mean sum-of-squares over channels per position: {:?}",
            vals(inp.reshape([1]))
        );
        let y = relu(m.conv2.forward(x.clone()));
        let a = y.clone().max_dims(&[2, 3]).mean_dim(0).reshape([c2]);
        println!(
            "noisy mean of per-image max activation: {:?}",
            vals(a)
                .iter()
                .map(|v| (v * 100.0).round() / 100.0)
                .collect::<Vec<_>>()
        );
        let x = relu(m.conv2.forward_mean(x));
        let on = x
            .max_dims(&[2, 3])
            .greater_elem(0.0)
            .float()
            .mean_dim(0)
            .reshape([c2]);
        vals(on)
    };
    let kids = calibration_children(DATA_SEED, 100);
    let negs = validation_negatives(DATA_SEED, 100);
    let (fk, fn_) = (fire(&kids), fire(&negs));
    let (mu, sg, dmu, dsg) = (vals(mu), vals(sg), vals(dmu), vals(dsg));
    println!("ch bias  |mu|  sigma  dense|mu| dense sigma  fires:children negatives");
    for c in 0..c2 {
        println!(
            "{c:2} {:6.2} {:5.3} {:5.3} {:8.4} {:8.4}   {:5.2} {:5.2}",
            bias[c], mu[c], sg[c], dmu[c], dsg[c], fk[c], fn_[c]
        );
    }
    let c1 = m.conv1.kernel.dims()[0];
    let b1 = vals(m.conv1.kernel.bias.val());
    let s1 = vals(m.conv1.kernel.sigma().mean_dims(&[1, 2, 3]).reshape([c1]));
    let m1 = vals(
        m.conv1
            .kernel
            .mu
            .val()
            .abs()
            .mean_dims(&[1, 2, 3])
            .reshape([c1]),
    );
    for c in 0..c1 {
        println!(
            "conv1 {c:2} bias {:6.2} |mu| {:5.3} sigma {:5.3}",
            b1[c], m1[c], s1[c]
        );
    }
}
