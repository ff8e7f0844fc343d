//! `bayes-ruler bench`: how fast exact sampling runs here, against a matmul of the same device.

use burn::tensor::Device;
use clap::Args;

use super::{DeviceName, load_weights, passes, pick_device};
use bayes_ruler_core::error::RulerError;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Passes per timed call.
    #[arg(long, default_value = "256", value_parser = passes)]
    passes: usize,
    /// Timed runs of each path (the median is reported).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    repeats: u64,
    #[arg(long, value_enum, default_value_t = DeviceName::Cpu)]
    device: DeviceName,
    /// Passes per device call to time, comma-separated (default 8,32,128 on the CPU,
    /// 32,128,512,1000 on a GPU).
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u64).range(1..=100_000))]
    chunks: Vec<u64>,
    /// Side of the square matmul that measures the device's peak (default 1024 on the CPU,
    /// 8192 on a GPU).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    matmul: Option<u64>,
    /// Weights to time (default: the embedded ones).
    #[arg(long)]
    weights: Option<String>,
    /// Also time each stage of a pass alone.
    #[arg(long)]
    stages: bool,
}

pub(super) fn bench(args: &BenchArgs) -> Result<(), RulerError> {
    let (device, description) = pick_device(args.device)?;
    let cpu = args.device == DeviceName::Cpu;
    let name = format!("{:?}", args.device).to_lowercase();
    let chunks: Vec<usize> = if args.chunks.is_empty() {
        if cpu {
            vec![8, 32, 128]
        } else {
            vec![32, 128, 512, 1000]
        }
    } else {
        args.chunks.iter().map(|&c| c as usize).collect()
    };
    let plan = crate::bench::BenchPlan {
        passes: args.passes,
        chunks,
        repeats: args.repeats as usize,
        matmul: args
            .matmul
            .map_or(if cpu { 1024 } else { 8192 }, |m| m as usize),
    };
    let weights = args.weights.as_deref();
    device.seed(3);
    let model = load_weights(weights, &device)?;
    if !cpu {
        let reference_device = Device::flex();
        reference_device.seed(4);
        let reference = load_weights(weights, &reference_device)?;
        let gap =
            crate::bench::gap_to_reference(&model, &device, &reference, &reference_device, 64)?;
        println!("same 64 weight draws on {name} and the CPU: largest relative gap {gap:.2e}");
        if gap.is_nan() || gap > 1e-3 {
            return Err(RulerError::Device(format!(
                "{name} disagrees with the CPU (relative gap {gap:.2e}); not timing it"
            )));
        }
    }
    let mut rows = crate::bench::run(&model, &device, &plan)?;
    if args.stages {
        let largest = plan.chunks.iter().copied().max().unwrap_or(32);
        rows.extend(crate::bench::stages(&device, largest, plan.repeats)?);
    }
    println!(
        "{description}, median of {}; GFLOP/s = 2 × {} dense MACs per pass ÷ time\n",
        plan.repeats,
        bayes_ruler_core::BayesianCnnConfig::new().macs_per_pass()
    );
    println!("| path | passes | ms / pass | GFLOP/s |\n| --- | --- | --- | --- |");
    for r in &rows {
        println!(
            "| {} | {} | {:.4} | {:.2} |",
            r.name, r.passes, r.ms_per_pass, r.gflops
        );
    }
    if let Some(r) = crate::bench::ratios(&rows) {
        println!(
            "\nfastest batched ({}): {:.1}× faster than one-pass calls, {:.1}% of the matmul's \
             GFLOP/s",
            r.best_batched,
            r.speedup_over_one_pass,
            100.0 * r.share_of_matmul_peak
        );
    }
    Ok(())
}
