//! The weights files and the embedded model at a glance: `init-weights`, `reframe`, `demo`.

use burn::tensor::Device;
use clap::Args;

use super::{passes, read_weights, save_weights};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::sample_heights;
use bayes_ruler_core::model::BayesianCnnConfig;
use bayes_ruler_core::stats::Summary;
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_silhouettes::demo_silhouette;

#[derive(Debug, Args)]
pub struct InitWeightsArgs {
    /// Seed of the initial posterior's draw (mu ~ N(0, 0.1), rho ~ N(-3, 0.1)).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Where to write the weights.
    #[arg(long, default_value = "trained/model.bpk")]
    out: String,
}

#[derive(Debug, Args)]
pub struct ReframeArgs {
    /// Weights of the network without the background frame.
    #[arg(long)]
    weights: String,
    /// Where to write the framed network's weights.
    #[arg(long)]
    out: String,
    /// Seed of the new layers' initial draw.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Passes (independent weight draws).
    #[arg(long, default_value = "1000", value_parser = passes)]
    samples: usize,
}

pub(super) fn reframe(args: &ReframeArgs) -> Result<(), RulerError> {
    let (from, out) = (&args.weights, &args.out);
    let device = Device::flex();
    device.seed(args.seed);
    let unframed = BayesianCnnConfig::new().with_frame(0);
    let old = bayes_ruler_core::weights::load_model_as(&read_weights(from)?, &unframed, &device)?;
    save_weights(bayes_ruler_core::weights::reframe(old, &device)?, out)?;
    println!("wrote {out}: {from} carried over to the framed network (128 → 32 → 8)");
    Ok(())
}

pub(super) fn init_weights(args: &InitWeightsArgs) -> Result<(), RulerError> {
    let (seed, out) = (args.seed, &args.out);
    let device = Device::flex();
    device.seed(seed);
    let model = BayesianCnnConfig::new().init(&device);
    save_weights(model, out)?;
    println!("wrote initial (untrained) weights to {out} (seed {seed})");
    Ok(())
}

pub(super) fn demo(args: &DemoArgs) -> Result<(), RulerError> {
    let n = args.samples;
    let device = Device::flex();
    let model = load_embedded(&device)?;
    let silhouette = demo_silhouette();
    let start = std::time::Instant::now();
    let samples = sample_heights(&model, silhouette.pixels(), n, &device)?;
    let elapsed = start.elapsed();
    let summary = Summary::of(&samples)
        .ok_or_else(|| RulerError::Device("the passes produced non-finite heights".into()))?;
    println!(
        "{{\"true_height\": {}, \"samples\": {n}, \"mean\": {:.3}, \"std\": {:.3}, \"ci90\": [{:.3}, {:.3}], \"elapsed_ms\": {:.1}}}",
        silhouette.figure_height(),
        summary.mean,
        summary.std,
        summary.ci90[0],
        summary.ci90[1],
        elapsed.as_secs_f64() * 1e3
    );
    Ok(())
}
