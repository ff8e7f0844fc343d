//! Subcommands of the native `bayes-ruler` binary.

use burn::module::Module;
use burn::tensor::Device;

use crate::data::demo_silhouette;
use crate::error::RulerError;
use crate::inference::{check_sample_count, sample_heights};
use crate::model::BayesianCnnConfig;
use crate::stats::Summary;
use crate::weights::load_embedded;

const USAGE: &str = "\
usage: bayes-ruler <command> [options]

commands:
  init-weights [--seed S] [--out PATH]   write untrained (initial-posterior) weights
                                         (default seed 42, PATH trained/model.bpk)
  demo [--samples N]                     sample the built-in silhouette with the embedded
                                         weights and print a JSON summary
  help                                   this text";

/// Runs one command line (without the program name).
pub fn run(args: &[String]) -> Result<(), RulerError> {
    let (command, rest) = args
        .split_first()
        .map_or(("help", &[][..]), |(c, r)| (c.as_str(), r));
    let options = Options::parse(rest)?;
    match command {
        "init-weights" => init_weights(&options),
        "demo" => demo(&options),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(RulerError::InvalidInput(format!(
            "unknown command `{other}`\n{USAGE}"
        ))),
    }
}

/// `--key value` pairs.
struct Options(Vec<(String, String)>);

impl Options {
    fn parse(args: &[String]) -> Result<Self, RulerError> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(key) = it.next() {
            let Some(name) = key.strip_prefix("--") else {
                return Err(RulerError::InvalidInput(format!(
                    "unexpected argument `{key}`"
                )));
            };
            let value = it
                .next()
                .ok_or_else(|| RulerError::InvalidInput(format!("--{name} needs a value")))?;
            pairs.push((name.to_string(), value.clone()));
        }
        Ok(Self(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str, default: f64) -> Result<f64, RulerError> {
        self.get(name).map_or(Ok(default), |v| {
            v.parse().map_err(|_| {
                RulerError::InvalidInput(format!("--{name} must be a number, got `{v}`"))
            })
        })
    }
}

fn init_weights(options: &Options) -> Result<(), RulerError> {
    let seed = options.number("seed", 42.0)? as u64;
    let out = options.get("out").unwrap_or("trained/model.bpk");
    let device = Device::flex();
    device.seed(seed);
    let model = BayesianCnnConfig::new().init(&device);
    model
        .save_file(out)
        .map_err(|e| RulerError::Weights(format!("cannot write {out}: {e}")))?;
    println!("wrote initial (untrained) weights to {out} (seed {seed})");
    Ok(())
}

fn demo(options: &Options) -> Result<(), RulerError> {
    let n = check_sample_count(options.number("samples", 1000.0)?)?;
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
