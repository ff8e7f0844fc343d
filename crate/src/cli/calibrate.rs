//! `bayes-ruler calibrate`: fits the tempering factor β (`crate::calibration`) so that the
//! central 90% interval of the samples covers 90% of the held-out children's true heights once
//! the heights are recentred by the mean error those children show at that β, and writes the
//! tempered, recentred weights. Only held-out children are sampled (the validation split and the
//! calibration children, never trained on); the test set is not looked at.

use burn::module::Module;
use burn::tensor::Device;

use super::eval::{HELD_OUT, eval_sets};
use super::pool::{assess_all, job_count};
use super::{Options, load_weights, write};
use crate::calibration::{recentre, temper};
use crate::evaluate::{Assessment, coverage90, mean_error, rmse};
use crate::inference::check_sample_count;

use crate::error::RulerError;

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

pub(super) fn calibrate(options: &Options) -> Result<(), RulerError> {
    let weights = options.get("weights").unwrap_or(TRAINED).to_string();
    let out = options.get("out").unwrap_or(SHIPPED).to_string();
    let passes = check_sample_count(options.number("passes", 200.0)?)?;
    let target = options.number("target", 0.9)?;
    if !(0.5..1.0).contains(&target) {
        return Err(RulerError::InvalidInput(format!(
            "--target must be a coverage from 0.5 to below 1, got {target}"
        )));
    }
    let steps = super::pool::count(options, "steps", 5.0)?;
    // Each step samples every held-out child; past ~20 bisection no longer moves β.
    if !(1..=20).contains(&steps) {
        return Err(RulerError::InvalidInput(format!(
            "--steps must be a whole number from 1 to 20, got {steps}"
        )));
    }
    // The search runs over log₂ β in [lo, hi]: β from ½ (narrower) to 8 (wider); the first
    // trial is β = 2.
    let (mut lo, mut hi) = (-1.0f64, 3.0f64);

    // What `eval --held-out-only true --validation-spiders 0 --temper β` samples, on the same
    // processes and seeds (so every β sees the same weight noise and coverage moves smoothly).
    // The weights and the children are read once; only `--temper` changes between trials.
    let mut pairs = options.0.clone();
    pairs.extend(
        [
            ("weights", weights.clone()),
            ("passes", passes.to_string()),
            ("held-out-only", "true".into()),
            ("validation-spiders", "0".into()),
        ]
        .map(|(k, v)| (k.to_string(), v)),
    );
    pairs.retain(|(k, _)| !matches!(k.as_str(), "out" | "target" | "steps" | "temper"));
    let base = Options(pairs);
    let device = Device::flex();
    let trained = load_weights(&base, &device)?;
    let data = eval_sets(&base)?;
    let jobs = job_count(&base, data.sets.iter().map(Vec::len).sum())?;
    let try_beta = |beta: f64| -> Result<Trial, RulerError> {
        let mut pairs = base.0.clone();
        pairs.push(("temper".into(), beta.to_string()));
        let model = temper(trained.clone(), beta)?;
        let results = assess_all(
            &model,
            &data.sets,
            passes,
            &device,
            (&Options(pairs), jobs, "eval"),
        )?;
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
    model
        .save_file(out.as_str())
        .map_err(|e| RulerError::Weights(format!("cannot write {out}: {e}")))?;
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
