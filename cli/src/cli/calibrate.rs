//! `bayes-ruler calibrate`: fits the tempering factor β (`crate::calibration`) so that the
//! central 90% interval of the samples covers 90% of the held-out children's true heights once
//! the heights are recentred by the mean error those children show at that β, and writes the
//! tempered, recentred weights. Only held-out children are sampled (the validation split and the
//! calibration children, never trained on); the test set is not looked at.

use burn::tensor::Device;
use clap::Args;

use super::eval::{EvalArgs, HELD_OUT};
use super::pool::{EVAL_SEED, Job, Plan, assess_all};
use super::{count, passes, sampling_seed, save_weights, write};
use crate::calibration::{recentre, temper};
use crate::evaluate::{Assessment, coverage90, mean_error, rmse};
use bayes_ruler_core::error::RulerError;

/// The trained posterior (the input of `calibrate`) and the shipped, calibrated one.
const TRAINED: &str = "trained/posterior-as-trained.bpk";
const SHIPPED: &str = "trained/model.bpk";

/// One β tried and what the held-out children read with it.
#[derive(serde::Serialize)]
struct Trial {
    beta: f64,
    /// Mean error of the tempered network on the held-out children (px), removed before the
    /// two figures below.
    offset_px: f64,
    coverage90: f64,
    rmse_px: f64,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The trained posterior.
    #[arg(long, default_value = TRAINED)]
    weights: String,
    /// Where to write the calibrated weights (and calibration.json beside them).
    #[arg(long, default_value = SHIPPED)]
    out: String,
    /// Passes per image.
    #[arg(long, default_value = "200", value_parser = passes)]
    passes: usize,
    /// Share of held-out children the central 90% interval should cover.
    #[arg(long, default_value_t = 0.9, value_parser = coverage)]
    target: f64,
    /// Bisection steps (each samples every held-out child; past ~20 β no longer moves).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=20))]
    steps: u64,
    /// Calibration children (with the validation split, the held-out children).
    #[arg(long, default_value = "400", value_parser = count)]
    calibration_children: usize,
    /// Processes (default: one per core).
    #[arg(long, value_parser = count)]
    jobs: Option<usize>,
    /// Base of the images' seeds.
    #[arg(long, default_value_t = EVAL_SEED, value_parser = sampling_seed)]
    sampling_seed: u64,
}

fn coverage(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.5..1.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "must be a coverage from 0.5 to below 1, got `{text}`"
        )),
    }
}

pub(super) fn calibrate(args: &CalibrateArgs) -> Result<(), RulerError> {
    let (weights, out, passes, target) = (&args.weights, &args.out, args.passes, args.target);
    let steps = args.steps as usize;
    // The search runs over log₂ β in [lo, hi]: β from ½ (narrower) to 8 (wider); the first
    // trial is β = 2.
    let (mut lo, mut hi) = (-1.0f64, 3.0f64);

    // What `eval --held-out-only --validation-spiders 0 --temper β` samples, on the same
    // processes and seeds (so every β sees the same weight noise and coverage moves smoothly).
    // The weights and the children are read once; only `--temper` changes between trials.
    let base = EvalArgs {
        sampling_seed: args.sampling_seed,
        ..EvalArgs::held_out(weights, passes, args.calibration_children)
    };
    let device = Device::flex();
    let trained = base.load_tempered(&device)?;
    let data = base.sets()?;
    let plan = Plan::new(args.jobs, &data.sets, passes, args.sampling_seed);
    let try_beta = |beta: f64| -> Result<Trial, RulerError> {
        let job = Job::Eval(EvalArgs {
            temper: Some(beta),
            ..base.clone()
        });
        let model = temper(trained.clone(), beta)?;
        let results = assess_all(&model, &data.sets, &device, (&job, plan))?;
        let offset = mean_error(&results[HELD_OUT]);
        let held_out: Vec<Assessment> = results[HELD_OUT]
            .iter()
            .map(|a| a.shifted(offset))
            .collect();
        let trial = Trial {
            beta,
            offset_px: offset,
            coverage90: coverage90(&held_out),
            rmse_px: rmse(&held_out),
        };
        eprintln!(
            "  β = {:.4}: offset {:+.3} px, then coverage {:.1}%, RMSE {:.3} px ({} held-out children, {passes} passes)",
            trial.beta,
            trial.offset_px,
            100.0 * trial.coverage90,
            trial.rmse_px,
            held_out.len()
        );
        Ok(trial)
    };

    // Bisection on log₂ β, then linear interpolation of coverage between the last bracket.
    let mut trials = Vec::new();
    // The last trial below the target and the last at or above it: (log₂ β, coverage, offset).
    let mut below: Option<(f64, f64, f64)> = None;
    let mut above = below;
    for _ in 0..steps {
        let mid = 0.5 * (lo + hi);
        let trial = try_beta(mid.exp2())?;
        let point = Some((mid, trial.coverage90, trial.offset_px));
        if trial.coverage90 < target {
            lo = mid;
            below = point;
        } else {
            hi = mid;
            above = point;
        }
        trials.push(trial);
    }
    let (log_beta, offset) = match (below, above) {
        (Some((a, ca, oa)), Some((b, cb, ob))) if cb > ca => {
            let t = (target - ca) / (cb - ca);
            (a + (b - a) * t, oa + (ob - oa) * t)
        }
        (_, Some((b, _, ob))) => (b, ob),
        (Some((a, _, oa)), None) => (a, oa),
        (None, None) => unreachable!("at least one step was taken"),
    };
    if below.is_none() || above.is_none() {
        eprintln!(
            "warning: every β tried fell on one side of the target coverage {target}: β = {:.4} is \
             the closest end of the search (½ to 8), not a fit",
            log_beta.exp2()
        );
    }
    let beta = log_beta.exp2();
    let model = recentre(temper(trained, beta)?, offset)?;
    save_weights(model, out)?;
    let record = serde_json::json!({
        "method": "tempered posterior: 1/σ_β² = (1/σ² − 1)/β + 1 for every kernel weight (the Laplace approximation of training with MSE + β·KL/N around the trained means; means unchanged), then every height lowered by offset_px (the held-out children's mean error at that β, taken off the dense layer's deterministic bias)",
        "weights_in": weights,
        "weights_out": out,
        "beta": beta,
        "offset_px": offset,
        "target_coverage90": target,
        "fitted_on": "held-out children (validation split + calibration children); the test set is not used",
        "passes_per_image": passes,
        "trials": trials,
    });
    let text = serde_json::to_string_pretty(&record).unwrap_or_default();
    let record_path = std::path::Path::new(&out).with_file_name("calibration.json");
    write(&record_path.to_string_lossy(), text.as_bytes())?;
    println!("{text}");
    eprintln!(
        "wrote {out} (β = {beta:.4}, offset {offset:+.3} px) and {}",
        record_path.display()
    );
    Ok(())
}
