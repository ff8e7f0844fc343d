//! Native benchmark of the sampling paths (`bayes-ruler bench`, on the CPU or, in a `gpu` build,
//! on Vulkan): exact batched sampling with either layer-2 kernel and without skipping the
//! background, one-pass calls (the article's method), the Flipout training pass, and a large
//! matrix product for the device's practical peak.

use std::time::Instant;

use burn::tensor::{Device, Distribution, Tensor};

use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::{
    HostDraws, ModelInput, PassKernels, WeightDraws, chunk_sizes, forward_draws,
    forward_draws_dense, forward_draws_with, host_network_for, image_tensor, read_floats,
    sample_chunk_on_host, sample_heights,
};
use bayes_ruler_core::model::{BayesianCnn, BayesianCnnConfig};
use bayes_ruler_silhouettes::demo_silhouette;

/// One measured configuration.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchRow {
    /// What was timed.
    pub name: String,
    /// Passes per timed run.
    pub passes: usize,
    /// Median wall time per pass, ms.
    pub ms_per_pass: f64,
    /// 2 × the dense multiply-adds of a pass ÷ time: the rate a dense implementation would
    /// need to match (skipping the background does fewer real operations).
    pub gflops: f64,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn time(
    repeats: usize,
    mut run: impl FnMut() -> Result<(), RulerError>,
) -> Result<f64, RulerError> {
    run()?; // warm-up: allocations, caches
    let mut times = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let start = Instant::now();
        run()?;
        times.push(start.elapsed().as_secs_f64());
    }
    Ok(median(times))
}

fn row(name: &str, passes: usize, seconds: f64, flop_per_pass: f64) -> BenchRow {
    BenchRow {
        name: name.to_string(),
        passes,
        ms_per_pass: seconds * 1e3 / passes as f64,
        gflops: flop_per_pass * passes as f64 / seconds / 1e9,
    }
}

/// What to time: passes per batched run, the chunk sizes to try, repeats, and the side of the
/// square matrix product that stands for the device's practical peak.
#[derive(Debug, Clone)]
pub struct BenchPlan {
    /// Passes per timed batched run (one-pass calls time a tenth of them, at least 10).
    pub passes: usize,
    /// Passes per device call for the batched rows.
    pub chunks: Vec<usize>,
    /// Timed runs per row (after one warm-up run); the median is reported.
    pub repeats: usize,
    /// Side of the peak-reference matrix product.
    pub matmul: usize,
}

/// Times every path on `device` with the demo silhouette.
pub fn run(
    model: &BayesianCnn,
    device: &Device,
    plan: &BenchPlan,
) -> Result<Vec<BenchRow>, RulerError> {
    let BenchPlan {
        passes, repeats, ..
    } = *plan;
    let flop = 2.0 * BayesianCnnConfig::new().macs_per_pass() as f64;
    let pixels = demo_silhouette().into_pixels();
    let input = ModelInput::new(model, &pixels, device)?;
    let image = image_tensor(&pixels, device)?;
    let mut rows = Vec::new();
    for kernel in [PassKernels::Convolutions, PassKernels::MatrixProducts] {
        for &chunk in &plan.chunks {
            let s = time(repeats, || {
                for size in chunk_sizes(passes, chunk) {
                    let draws = WeightDraws::sample(model, size);
                    read_floats(forward_draws_with(model, &input, &draws, kernel).into_data())?;
                }
                Ok(())
            })?;
            let how = match kernel {
                PassKernels::Convolutions => "",
                PassKernels::MatrixProducts => ", as matrix products",
            };
            rows.push(row(
                &format!("{BATCHED_ROW}{how}, chunks of {chunk}"),
                passes,
                s,
                flop,
            ));
        }
    }
    // The project's own CPU kernels (what the CPU backend samples with).
    let host = host_network_for(model, device);
    if let Some(host) = &host {
        for &chunk in &plan.chunks {
            let s = time(repeats, || {
                for size in chunk_sizes(passes, chunk) {
                    sample_chunk_on_host(host, &input, size, device)?;
                }
                Ok(())
            })?;
            rows.push(row(
                &format!("{BATCHED_ROW}, own CPU kernels, chunks of {chunk}"),
                passes,
                s,
                flop,
            ));
        }
    }
    // Where the time of the largest chunk goes: drawing the weights vs the passes themselves.
    let chunk = plan.chunks.iter().copied().max().unwrap_or(32).min(passes);
    let s = time(repeats, || {
        let draws = WeightDraws::sample(model, chunk);
        let total = draws.conv1.sum() + draws.conv2.sum() + draws.dense.sum();
        read_floats(total.into_data())?;
        Ok(())
    })?;
    rows.push(row(
        &format!("weight draws only, chunk of {chunk}"),
        chunk,
        s,
        0.0,
    ));
    if let Some(host) = &host {
        let mut on_host = HostDraws::default();
        let s = time(repeats, || host.redraw(&mut on_host, chunk, device))?;
        rows.push(row(
            &format!("weight draws only, own CPU kernels' layout, chunk of {chunk}"),
            chunk,
            s,
            0.0,
        ));
    }
    let draws = WeightDraws::sample(model, chunk);
    if let Some(host) = &host {
        let on_host = HostDraws::read(&draws)?;
        let s = time(repeats, || {
            host.forward(&input, &on_host)?;
            Ok(())
        })?;
        rows.push(row(
            &format!("passes only (own CPU kernels, weights drawn beforehand), chunk of {chunk}"),
            chunk,
            s,
            flop,
        ));
        // The same time against the arithmetic the kernels really do (background skipped).
        let macs = host.multiply_adds(&input);
        rows.push(row(
            &format!(
                "the same, GFLOP/s of the {:.2} M multiply-adds the kernels compute",
                macs as f64 / 1e6
            ),
            chunk,
            s,
            2.0 * macs as f64,
        ));
    }
    for kernel in [PassKernels::Convolutions, PassKernels::MatrixProducts] {
        let s = time(repeats, || {
            read_floats(forward_draws_with(model, &input, &draws, kernel).into_data())?;
            Ok(())
        })?;
        rows.push(row(
            &format!("passes only ({kernel:?}, weights drawn beforehand), chunk of {chunk}"),
            chunk,
            s,
            flop,
        ));
    }
    let s = time(repeats, || {
        for size in chunk_sizes(passes, 32) {
            let draws = WeightDraws::sample(model, size);
            read_floats(forward_draws_dense(model, image.clone(), &draws).into_data())?;
        }
        Ok(())
    })?;
    rows.push(row(
        &format!("{BATCHED_ROW}, chunks of 32, every position computed"),
        passes,
        s,
        flop,
    ));
    let single = (passes / 10).max(10);
    let s = time(repeats, || {
        for _ in 0..single {
            sample_heights(model, &pixels, 1, device)?;
        }
        Ok(())
    })?;
    rows.push(row(
        &format!("{ONE_PASS_ROW} (n calls of n = 1)"),
        single,
        s,
        flop,
    ));
    let s = time(repeats, || {
        for _ in 0..single {
            read_floats(model.forward(image.clone()).reshape([1]).into_data())?;
        }
        Ok(())
    })?;
    rows.push(row("Flipout layers, one pass per call", single, s, flop));
    // Practical peak: a large matrix product on the same device.
    let size = plan.matmul;
    let a = Tensor::<2>::random([size, size], Distribution::Normal(0.0, 1.0), device);
    let b = Tensor::<2>::random([size, size], Distribution::Normal(0.0, 1.0), device);
    let s = time(repeats, || {
        read_floats(a.clone().matmul(b.clone()).sum().into_data())?;
        Ok(())
    })?;
    rows.push(row(
        &format!("{MATMUL_ROW} {size}×{size}×{size}"),
        1,
        s,
        2.0 * (size as f64).powi(3),
    ));
    Ok(rows)
}

/// Largest relative gap between the heights `model` computes on its device and those `reference`
/// (the same weights, usually on the CPU) computes on its own, for the same `n` weight draws of
/// the demo silhouette, with both [`PassKernels`]: a GPU that silently computes wrong numbers
/// must not get a timing.
pub fn gap_to_reference(
    model: &BayesianCnn,
    device: &Device,
    reference: &BayesianCnn,
    reference_device: &Device,
    n: usize,
) -> Result<f32, RulerError> {
    let pixels = demo_silhouette().into_pixels();
    let draws = WeightDraws::sample(reference, n);
    let expected = read_floats(
        forward_draws(
            reference,
            &ModelInput::new(reference, &pixels, reference_device)?,
            &draws,
        )
        .into_data(),
    )?;
    let input = ModelInput::new(model, &pixels, device)?;
    let draws = draws.to_device(device);
    let mut gap = 0.0f32;
    for kernels in [PassKernels::Convolutions, PassKernels::MatrixProducts] {
        let got = read_floats(forward_draws_with(model, &input, &draws, kernels).into_data())?;
        for (g, e) in got.iter().zip(&expected) {
            // NaN must not vanish in max(): a NaN gap is reported as NaN.
            let d = (g - e).abs() / e.abs().max(1.0);
            gap = if d.is_nan() { f32::NAN } else { gap.max(d) };
        }
    }
    Ok(gap)
}

/// Times the stages of one batched chunk of `n` passes in isolation, on random tensors of the
/// shapes the demo silhouette gives (layer 1 over 84 × 44 positions, layer 2's figure part
/// over 25 × 15): a profile for devices without a profiler. Rows: ms per pass of each stage.
pub fn stages(device: &Device, n: usize, repeats: usize) -> Result<Vec<BenchRow>, RulerError> {
    use burn::tensor::activation::relu;
    use burn::tensor::module::{conv2d, max_pool2d};
    use burn::tensor::ops::{ConvOptions, MaxPoolOptions};
    let normal = Distribution::Normal(0.0, 1.0);
    let pool = |x: Tensor<4>| max_pool2d(x, MaxPoolOptions::new([4, 4]));
    let crop = Tensor::<4>::random([1, 1, 88, 48], normal, device);
    let w1 = Tensor::<4>::random([16 * n, 1, 5, 5], normal, device);
    let b1 = Tensor::<1>::random([16 * n], normal, device);
    let delta = Tensor::<4>::random([1, 16 * n, 29, 19], normal, device);
    let w2 = Tensor::<5>::random([n, 32, 16, 5, 5], normal, device);
    let columns = Tensor::<3>::random([n, 400, 375], normal, device);
    let constant = Tensor::<4>::random([1, 16 * n, 5, 5], normal, device);
    let config = BayesianCnnConfig::new();
    let (used, features) = (config.side_after_pool2() * 4, config.dense_features());
    let layer2 = Tensor::<4>::random([1, 32 * n, used, used], normal, device);
    let dense = Tensor::<3>::random([n, features, 1], normal, device);
    let mut rows = Vec::new();
    let mut stage = |name: &str, run: &dyn Fn() -> Tensor<1>| -> Result<(), RulerError> {
        let s = time(repeats, || read_floats(run().into_data()).map(|_| ()))?;
        rows.push(row(&format!("stage: {name}"), n, s, 0.0));
        Ok(())
    };
    stage("layer 1 conv + ReLU + max-pool", &|| {
        let x = conv2d(
            crop.clone(),
            w1.clone(),
            Some(b1.clone()),
            ConvOptions::new([1, 1], [0, 0], [1, 1], 1),
        );
        pool(relu(x)).sum()
    })?;
    stage("layer 1 conv alone", &|| {
        conv2d(
            crop.clone(),
            w1.clone(),
            Some(b1.clone()),
            ConvOptions::new([1, 1], [0, 0], [1, 1], 1),
        )
        .sum()
    })?;
    let columns1 = Tensor::<2>::random([25, 84 * 44], normal, device);
    stage("layer 1 as one matmul with the image's columns", &|| {
        let x = w1.clone().reshape([16 * n, 25]).matmul(columns1.clone());
        (x + b1.clone().unsqueeze_dim::<2>(1)).sum()
    })?;
    // Layer 2's per-draw convolution as one grouped convolution, `padding` on each side.
    let grouped = |x: &Tensor<4>, padding: usize| {
        let w = w2.clone().reshape([32 * n, 16, 5, 5]);
        let options = ConvOptions::new([1, 1], [padding, padding], [1, 1], n);
        conv2d(x.clone(), w, None, options).sum()
    };
    stage("layer 2 figure part, grouped conv", &|| grouped(&delta, 0))?;
    stage("layer 2 figure part, im2col + batched matmul", &|| {
        bayes_ruler_core::inference::per_draw_conv_unfolded(delta.clone(), w2.clone()).sum()
    })?;
    stage("layer 2 figure part, the batched matmul alone", &|| {
        w2.clone()
            .reshape([n, 32, 400])
            .matmul(columns.clone())
            .sum()
    })?;
    stage("layer 2 background constant, grouped conv", &|| {
        grouped(&constant, 2)
    })?;
    stage("layer 2 ReLU + max-pool + dense matmul", &|| {
        let x = pool(relu(layer2.clone())).reshape([n, 1, features]);
        x.matmul(dense.clone()).sum()
    })?;
    Ok(rows)
}

const MATMUL_ROW: &str = "matmul (peak reference)";
const BATCHED_ROW: &str = "batched exact";
const ONE_PASS_ROW: &str = "one pass per call";

/// The ratios the targets are stated in: the fastest batched row against one-pass calls, and its
/// rate against the matrix product's. `None` when a row is missing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchRatios {
    /// The fastest batched row.
    pub best_batched: String,
    /// One-pass calls' time per pass ÷ the fastest batched row's.
    pub speedup_over_one_pass: f64,
    /// The fastest batched row's GFLOP/s ÷ the matrix product's.
    pub share_of_matmul_peak: f64,
}

/// Computes [`BenchRatios`] from the rows of [`run`].
pub fn ratios(rows: &[BenchRow]) -> Option<BenchRatios> {
    let best = rows
        .iter()
        .filter(|r| r.name.starts_with(BATCHED_ROW))
        .min_by(|a, b| a.ms_per_pass.total_cmp(&b.ms_per_pass))?;
    let one_pass = rows.iter().find(|r| r.name.starts_with(ONE_PASS_ROW))?;
    let matmul = rows.iter().find(|r| r.name.starts_with(MATMUL_ROW))?;
    Some(BenchRatios {
        best_batched: best.name.clone(),
        speedup_over_one_pass: one_pass.ms_per_pass / best.ms_per_pass,
        share_of_matmul_peak: best.gflops / matmul.gflops,
    })
}
