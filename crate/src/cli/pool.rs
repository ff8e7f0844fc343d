//! The evaluation commands' process pool: the images of some sets sampled over several
//! processes of this program (`--jobs`), each image from its own seed, so that the figures do
//! not depend on how the images are split.

use std::io::Read;
use std::process::{Child, Command, Stdio};

use burn::tensor::Device;

use super::Options;
use crate::data::Example;
use crate::error::RulerError;
use crate::evaluate::{Assessment, assess_one, image_seed};
use crate::inference::check_sample_count;
use crate::model::BayesianCnn;

/// Base of every image's seed (`image_seed`); fixed, so that `eval` gives the same figures on
/// every run and with any number of jobs. `--sampling-seed` sets another (to sample the same
/// images again independently).
pub(super) const EVAL_SEED: u64 = 7;

/// `--sampling-seed` (default [`EVAL_SEED`]).
pub(super) fn sampling_seed(options: &Options) -> Result<u64, RulerError> {
    let seed = options.number("sampling-seed", EVAL_SEED as f64)?;
    if seed.fract() != 0.0 || !(0.0..=1e15).contains(&seed) {
        return Err(RulerError::InvalidInput(format!(
            "--sampling-seed must be a whole number from 0 to 10^15, got {seed}"
        )));
    }
    Ok(seed as u64)
}

pub(super) fn count(options: &Options, name: &str, default: f64) -> Result<usize, RulerError> {
    count_up_to(options, name, default, 100_000)
}

/// A whole option `--name` from 0 to `max` (default `default`).
pub(super) fn count_up_to(
    options: &Options,
    name: &str,
    default: f64,
    max: usize,
) -> Result<usize, RulerError> {
    let n = options.number(name, default)?;
    if n.fract() != 0.0 || !(0.0..=max as f64).contains(&n) {
        return Err(RulerError::InvalidInput(format!(
            "--{name} must be a whole number from 0 to {max}, got {n}"
        )));
    }
    Ok(n as usize)
}

/// Samples this process's share of the images: image `p` of the sets laid end to end belongs to
/// process `p mod jobs`. Each image is sampled from its own seed.
fn assess_share(
    model: &BayesianCnn,
    sets: &[Vec<Example>],
    passes: usize,
    device: &Device,
    (share, jobs, seed): (usize, usize, u64),
    mut each: impl FnMut(usize, usize, Assessment) -> Result<(), RulerError>,
) -> Result<(), RulerError> {
    let total: usize = sets.iter().map(Vec::len).sum();
    let images = sets
        .iter()
        .enumerate()
        .flat_map(|(set, examples)| examples.iter().enumerate().map(move |(i, e)| (set, i, e)));
    for (p, (set, index, example)) in images.enumerate().filter(|(p, _)| p % jobs == share) {
        device.seed(image_seed(seed, set, index));
        each(set, index, assess_one(model, example, passes, device)?)?;
        if share == 0 && (p / jobs) % 50 == 49 {
            eprintln!("  sampled {} of {total} images", p + 1);
        }
    }
    Ok(())
}

/// `<command> --worker k/J`: samples share k of `sets` (which the worker rebuilt from the same
/// options) and prints one JSON line `[set, index, assessment]` per image for the process that
/// started it.
pub(super) fn serve_share(
    model: &BayesianCnn,
    sets: &[Vec<Example>],
    device: &Device,
    options: &Options,
    spec: &str,
) -> Result<(), RulerError> {
    let bad = || RulerError::InvalidInput(format!("--worker must be k/J with k < J, got `{spec}`"));
    let (k, j) = spec.split_once('/').ok_or_else(bad)?;
    let (share, jobs): (usize, usize) =
        (k.parse().map_err(|_| bad())?, j.parse().map_err(|_| bad())?);
    if share >= jobs {
        return Err(bad());
    }
    let passes = check_sample_count(options.number("passes", 1000.0)?)?;
    assess_share(
        model,
        sets,
        passes,
        device,
        (share, jobs, sampling_seed(options)?),
        |set, index, a| {
            let line = serde_json::to_string(&(set, index, a))
                .map_err(|e| RulerError::Device(e.to_string()))?;
            println!("{line}");
            Ok(())
        },
    )
}

/// A worker process and the thread that collects its output (read while this process samples
/// its own share, so that a full pipe never blocks the worker).
struct Worker {
    child: Child,
    output: Option<std::thread::JoinHandle<std::io::Result<String>>>,
}

impl Drop for Worker {
    /// A worker is never left running: on any error path (another worker failed to start,
    /// this process's share failed, a worker's output is bad) the rest are stopped here.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn spawn_workers(options: &Options, jobs: usize, command: &str) -> Result<Vec<Worker>, RulerError> {
    let exe = std::env::current_exe().map_err(|e| {
        RulerError::Device(format!("cannot find this program to start workers: {e}"))
    })?;
    let args: Vec<String> = options
        .0
        .iter()
        .filter(|(k, _)| k != "jobs")
        .flat_map(|(k, v)| [format!("--{k}"), v.clone()])
        .collect();
    (1..jobs)
        .map(|k| {
            let mut child = Command::new(&exe)
                .arg(command)
                .args(&args)
                .args(["--worker".to_string(), format!("{k}/{jobs}")])
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| RulerError::Device(format!("cannot start eval worker {k}: {e}")))?;
            let mut stdout = child.stdout.take().expect("piped stdout");
            let output = std::thread::spawn(move || {
                let mut text = String::new();
                stdout.read_to_string(&mut text).map(|_| text)
            });
            Ok(Worker {
                child,
                output: Some(output),
            })
        })
        .collect()
}

/// Samples every image of `sets` over `jobs` processes: this one and `jobs − 1` workers (the
/// same program's `command` with the same options and `--worker k/J`, which must rebuild the
/// same sets). Per-image seeds make the result independent of `jobs`.
pub(super) fn assess_all(
    model: &BayesianCnn,
    sets: &[Vec<Example>],
    passes: usize,
    device: &Device,
    (options, jobs, command): (&Options, usize, &str),
) -> Result<Vec<Vec<Assessment>>, RulerError> {
    let workers = spawn_workers(options, jobs, command)?;
    let mut slots: Vec<Vec<Option<Assessment>>> =
        sets.iter().map(|s| vec![None; s.len()]).collect();
    // On an error the remaining workers are dropped, which stops them.
    let seed = sampling_seed(options)?;
    assess_share(model, sets, passes, device, (0, jobs, seed), |set, i, a| {
        slots[set][i] = Some(a);
        Ok(())
    })?;
    // Where image (set, i) lies in the sets laid end to end: which process owned it.
    let offsets: Vec<usize> = sets
        .iter()
        .scan(0, |at, s| {
            let start = *at;
            *at += s.len();
            Some(start)
        })
        .collect();
    for (k, mut w) in workers.into_iter().enumerate() {
        let share = k + 1;
        let failed = |why: String| RulerError::Device(format!("eval worker {share} failed: {why}"));
        let text = w
            .output
            .take()
            .expect("collected once")
            .join()
            .map_err(|_| failed("its reader panicked".into()))?
            .map_err(|e| failed(e.to_string()))?;
        let status = w.child.wait().map_err(|e| failed(e.to_string()))?;
        if !status.success() {
            return Err(failed(status.to_string()));
        }
        for line in text.lines() {
            let (set, i, a): (usize, usize, Assessment) =
                serde_json::from_str(line).map_err(|e| failed(format!("{e} in `{line}`")))?;
            // The worker rebuilt the same lists: its images are its share, with their labels.
            let expected = sets.get(set).and_then(|s| s.get(i));
            if expected.is_none_or(|e| e.height != a.height) || (offsets[set] + i) % jobs != share {
                return Err(failed(format!("image {i} of set {set} is not its own")));
            }
            slots[set][i] = Some(a);
        }
    }
    slots
        .into_iter()
        .map(|s| {
            s.into_iter()
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| RulerError::Device("an eval worker left images unsampled".into()))
        })
        .collect()
}

/// `--jobs J` (default: one per core), never more than there are images (more processes would
/// only start idle workers).
pub(super) fn job_count(options: &Options, images: usize) -> Result<usize, RulerError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(count(options, "jobs", cores as f64)?
        .max(1)
        .min(images.max(1)))
}
