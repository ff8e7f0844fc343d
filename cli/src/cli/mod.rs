//! Subcommands of the native `bayes-ruler` binary, parsed by clap: `bayes-ruler help` lists
//! them, `bayes-ruler <command> --help` explains one. Unknown options and malformed values are
//! errors before anything runs.

mod calibrate;
mod eval;
mod files;
mod generate;
mod pool;
mod predict;
mod speed;
mod strangers;
mod training;

use burn::tensor::Device;
use clap::{Parser, Subcommand, ValueEnum};

use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::check_sample_count;

pub use calibrate::CalibrateArgs;
pub use eval::EvalArgs;
pub use generate::GenerateArgs;
pub use predict::PredictArgs;
pub use speed::BenchArgs;
pub use strangers::StrangersArgs;
pub use training::{CurvesArgs, TrainArgs};

/// A Bayesian CNN that measures toddler silhouettes and says how sure it is.
#[derive(Debug, Parser)]
#[command(name = "bayes-ruler", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write untrained (initial-posterior) weights.
    InitWeights(files::InitWeightsArgs),
    /// Carry weights trained without the background frame (before 2026-11-27) over to the framed
    /// network, as a warm start for `train --resume`.
    Reframe(files::ReframeArgs),
    /// Sample the built-in silhouette with the embedded weights and print a JSON summary.
    Demo(files::DemoArgs),
    /// Write children, spiders and cats as PNGs, and the contact sheets in trained/.
    Generate(GenerateArgs),
    /// Train on the generated children and write the weights and their history.
    Train(TrainArgs),
    /// Recompute the report and the verdict's threshold from the weights and the generated sets.
    Eval(EvalArgs),
    /// The verdict on the broad out-of-distribution test set (17 categories), and how often it
    /// changes with the number of passes.
    Strangers(StrangersArgs),
    /// Fit the posterior's width on the held-out children and write the calibrated weights.
    Calibrate(CalibrateArgs),
    /// Measure PNG, JPEG, GIF, WebP or BMP files.
    Predict(PredictArgs),
    /// Time batched exact sampling, one-pass calls and a matmul.
    Bench(BenchArgs),
    /// Plot loss, MSE and validation MSE per epoch of a training history.
    Curves(CurvesArgs),
    /// One share of an `eval`, `strangers` or `calibrate` run's images (the job comes as JSON on
    /// standard input from the process that started this one).
    #[command(hide = true)]
    Worker,
}

/// Parses one command line (without the program name) and runs it. clap's own messages (help,
/// usage errors) come back as `Failure::Usage`, for the caller to print and exit with.
pub fn run(args: &[String]) -> Result<(), Failure> {
    let program = std::iter::once("bayes-ruler".to_string());
    let cli = Cli::try_parse_from(program.chain(args.iter().cloned())).map_err(Failure::Usage)?;
    execute(cli.command).map_err(Failure::Run)
}

/// Why a command line did not run to the end.
#[derive(Debug)]
pub enum Failure {
    /// clap's answer: help or version text (success) or a usage error.
    Usage(clap::Error),
    /// The command ran and failed.
    Run(RulerError),
}

/// Runs a parsed command.
pub fn execute(command: Command) -> Result<(), RulerError> {
    match command {
        Command::InitWeights(a) => files::init_weights(&a),
        Command::Reframe(a) => files::reframe(&a),
        Command::Demo(a) => files::demo(&a),
        Command::Generate(a) => generate::generate(&a),
        Command::Train(a) => training::train(&a),
        Command::Eval(a) => eval::eval(&a),
        Command::Strangers(a) => strangers::strangers(&a),
        Command::Calibrate(a) => calibrate::calibrate(&a),
        Command::Predict(a) => predict::predict(&a),
        Command::Bench(a) => speed::bench(&a),
        Command::Curves(a) => training::curves(&a),
        Command::Worker => pool::serve_stdin_job(),
    }
}

/// `--passes` / `--samples`: a whole number of passes from 1 to the library's limit.
pub(crate) fn passes(text: &str) -> Result<usize, String> {
    let n: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    check_sample_count(n).map_err(|e| e.to_string())
}

/// A count of images or steps from 0 to 100 000.
pub(crate) fn count(text: &str) -> Result<usize, String> {
    count_up_to(text, 100_000)
}

pub(crate) fn count_up_to(text: &str, max: usize) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!(
            "must be a whole number from 0 to {max}, got `{text}`"
        )),
    }
}

/// A finite number that is not negative.
pub(crate) fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "must be a finite number, not negative, got `{text}`"
        )),
    }
}

/// `--sampling-seed`: a whole number from 0 to 10^15 (the seeds of every image derive from it).
pub(crate) fn sampling_seed(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(n) if n <= 1_000_000_000_000_000 => Ok(n),
        _ => Err(format!(
            "must be a whole number from 0 to 10^15, got `{text}`"
        )),
    }
}

/// Where `bench` and `train` compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
pub enum DeviceName {
    /// burn's flex backend on this machine's cores.
    Cpu,
    /// burn's wgpu backend on Vulkan (a build with `--features gpu`).
    Vulkan,
    /// burn's wgpu backend on whatever graphics API wgpu picks (a build with `--features gpu`).
    Wgpu,
}

/// The device `--device NAME` names, and a line that says what it is.
pub(crate) fn pick_device(name: DeviceName) -> Result<(Device, String), RulerError> {
    match name {
        DeviceName::Cpu => {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            Ok((
                Device::flex(),
                format!("native CPU (burn flex), {threads} hardware threads"),
            ))
        }
        #[cfg(feature = "gpu")]
        DeviceName::Vulkan | DeviceName::Wgpu => {
            use burn::tensor::wgpu::WgpuBackend;
            let api = if name == DeviceName::Vulkan {
                WgpuBackend::Vulkan
            } else {
                WgpuBackend::Auto
            };
            let (device, setup) = Device::wgpu_options()
                .graphics_api(api)
                .init_with_setup()
                .map_err(|e| RulerError::Device(format!("no {name:?} GPU adapter: {e}")))?;
            let info = setup.adapter.get_info();
            Ok((
                device,
                format!(
                    "GPU {} ({:?}, {:?}, driver {} {}) through burn's wgpu backend",
                    info.name, info.device_type, info.backend, info.driver, info.driver_info
                ),
            ))
        }
        #[cfg(not(feature = "gpu"))]
        DeviceName::Vulkan | DeviceName::Wgpu => {
            let name = format!("{name:?}").to_lowercase();
            Err(RulerError::InvalidInput(format!(
                "--device {name} needs a build with the GPU backend: \
                 cargo run -p bayes-ruler-cli --features gpu --bin bayes-ruler -- bench --device {name}"
            )))
        }
    }
}

/// Writes `bytes` to `path`, creating its folder.
pub(crate) fn write(path: &str, bytes: &[u8]) -> Result<(), RulerError> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            RulerError::InvalidInput(format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| RulerError::InvalidInput(format!("cannot write {path}: {e}")))
}

/// Writes weights as a .bpk, creating the folder if needed (a fresh `--out` path is common).
pub(crate) fn save_weights(
    model: bayes_ruler_core::BayesianCnn,
    path: &str,
) -> Result<(), RulerError> {
    use burn::module::Module;
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            RulerError::InvalidInput(format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    model
        .save_file(path)
        .map(|_| ())
        .map_err(|e| RulerError::InvalidInput(format!("cannot write the weights to {path}: {e}")))
}

pub(crate) fn read_weights(path: &str) -> Result<Vec<u8>, RulerError> {
    std::fs::read(path).map_err(|e| RulerError::Weights(format!("cannot read {path}: {e}")))
}

/// The weights at `path`, or the embedded (shipped) ones without it.
pub(crate) fn load_weights(
    path: Option<&str>,
    device: &Device,
) -> Result<bayes_ruler_core::BayesianCnn, RulerError> {
    match path {
        Some(path) => bayes_ruler_core::weights::load_model(&read_weights(path)?, device),
        None => bayes_ruler_core::weights::load_embedded(device),
    }
}

/// How a report names the weights it describes.
pub(crate) fn weights_name(path: Option<&str>) -> String {
    path.unwrap_or("trained/model.bpk (embedded)").to_string()
}
