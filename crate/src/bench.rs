//! Native benchmark of the sampling paths (`bayes-ruler bench`): exact batched sampling with and
//! without skipping the background, one-pass calls (the article's method), the Flipout training
//! pass, and a large matrix product for the device's practical peak.

use std::time::Instant;

use burn::tensor::{Device, Distribution, Tensor};

use crate::data::demo_silhouette;
use crate::error::RulerError;
use crate::inference::{
    ModelInput, WeightDraws, chunk_sizes, forward_draws, forward_draws_dense, image_tensor,
    read_floats, sample_heights,
};
use crate::model::{BayesianCnn, BayesianCnnConfig};

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

/// Times every path on `device` with the demo silhouette.
pub fn run(
    model: &BayesianCnn,
    device: &Device,
    passes: usize,
    repeats: usize,
) -> Result<Vec<BenchRow>, RulerError> {
    let flop = 2.0 * BayesianCnnConfig::new().macs_per_pass() as f64;
    let pixels = demo_silhouette().into_pixels();
    let input = ModelInput::new(model, &pixels, device)?;
    let image = image_tensor(&pixels, device)?;
    let mut rows = Vec::new();
    for chunk in [8, 32, 128] {
        let s = time(repeats, || {
            for size in chunk_sizes(passes, chunk) {
                let draws = WeightDraws::sample(model, size);
                read_floats(forward_draws(model, &input, &draws).into_data())?;
            }
            Ok(())
        })?;
        rows.push(row(
            &format!("batched exact, chunks of {chunk}"),
            passes,
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
        "batched exact, chunks of 32, every position computed",
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
    rows.push(row("one pass per call (n calls of n = 1)", single, s, flop));
    let s = time(repeats, || {
        for _ in 0..single {
            read_floats(model.forward(image.clone()).reshape([1]).into_data())?;
        }
        Ok(())
    })?;
    rows.push(row("Flipout layers, one pass per call", single, s, flop));
    // Practical peak: a 1024³ matrix product on the same device.
    let size = 1024;
    let a = Tensor::<2>::random([size, size], Distribution::Normal(0.0, 1.0), device);
    let b = Tensor::<2>::random([size, size], Distribution::Normal(0.0, 1.0), device);
    let s = time(repeats, || {
        read_floats(a.clone().matmul(b.clone()).sum().into_data())?;
        Ok(())
    })?;
    rows.push(row(
        "matmul 1024×1024×1024 (peak reference)",
        1,
        s,
        2.0 * (size as f64).powi(3),
    ));
    Ok(rows)
}
