//! The evaluation commands' process pool: the images of some sets sampled over several
//! processes of this program (`--jobs`), each image from its own seed, so that the figures do
//! not depend on how the images are split.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::eval::EvalArgs;
use super::load_weights;
use super::strangers::StrangersArgs;
use crate::evaluate::{Assessment, assess_one, image_seed};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::model::BayesianCnn;
use bayes_ruler_silhouettes::Example;

/// Base of every image's seed (`image_seed`); fixed, so that `eval` gives the same figures on
/// every run and with any number of jobs. `--sampling-seed` sets another (to sample the same
/// images again independently).
pub(super) const EVAL_SEED: u64 = 7;

/// Which images a worker process rebuilds (from the same arguments as the process that started
/// it) and which weights it samples them with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) enum Job {
    Eval(EvalArgs),
    Strangers(StrangersArgs),
}

impl Job {
    fn model_and_sets(
        &self,
        device: &Device,
    ) -> Result<(BayesianCnn, Vec<Vec<Example>>), RulerError> {
        match self {
            Job::Eval(args) => Ok((args.load_tempered(device)?, Vec::from(args.sets()?.sets))),
            Job::Strangers(args) => {
                Ok((load_weights(args.weights.as_deref(), device)?, args.sets()?))
            }
        }
    }
}

/// What `bayes-ruler worker` reads on standard input.
#[derive(Debug, Serialize, Deserialize)]
struct Request {
    job: Job,
    /// This process's share `k` of `jobs`.
    share: usize,
    jobs: usize,
    passes: usize,
    seed: u64,
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

/// `bayes-ruler worker`: samples the share of the images that the request on standard input
/// names, and prints one JSON line `[set, index, assessment]` per image for the process that
/// started it.
pub(super) fn serve_stdin_job() -> Result<(), RulerError> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| RulerError::InvalidInput(format!("cannot read the job: {e}")))?;
    let request: Request = serde_json::from_str(&text).map_err(|e| {
        RulerError::InvalidInput(format!(
            "`worker` is started by eval, strangers and calibrate with a job on standard input: {e}"
        ))
    })?;
    if request.share >= request.jobs {
        return Err(RulerError::InvalidInput(
            "the job's share is not below its job count".into(),
        ));
    }
    let device = Device::flex();
    let (model, sets) = request.job.model_and_sets(&device)?;
    assess_share(
        &model,
        &sets,
        request.passes,
        &device,
        (request.share, request.jobs, request.seed),
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

fn spawn_workers(job: &Job, plan: Plan) -> Result<Vec<Worker>, RulerError> {
    let exe = std::env::current_exe().map_err(|e| {
        RulerError::Device(format!("cannot find this program to start workers: {e}"))
    })?;
    (1..plan.jobs)
        .map(|k| {
            let failed =
                |e: std::io::Error| RulerError::Device(format!("cannot start worker {k}: {e}"));
            let request = Request {
                job: job.clone(),
                share: k,
                jobs: plan.jobs,
                passes: plan.passes,
                seed: plan.seed,
            };
            let json =
                serde_json::to_string(&request).map_err(|e| RulerError::Device(e.to_string()))?;
            let mut child = Command::new(&exe)
                .arg("worker")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .map_err(failed)?;
            let mut stdin = child.stdin.take().expect("piped stdin");
            let mut stdout = child.stdout.take().expect("piped stdout");
            let output = std::thread::spawn(move || {
                let mut text = String::new();
                stdout.read_to_string(&mut text).map(|_| text)
            });
            let worker = Worker {
                child,
                output: Some(output),
            };
            // Dropping stdin closes it: the worker reads to its end.
            stdin.write_all(json.as_bytes()).map_err(failed)?;
            Ok(worker)
        })
        .collect()
}

/// How a run's images are sampled: on how many processes, with how many passes, from which base
/// seed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Plan {
    jobs: usize,
    passes: usize,
    seed: u64,
}

impl Plan {
    /// `--jobs J` (default: one per core) processes, never more than there are images in `sets`
    /// (more would only start idle workers).
    pub(super) fn new(
        jobs: Option<usize>,
        sets: &[Vec<Example>],
        passes: usize,
        seed: u64,
    ) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let images: usize = sets.iter().map(Vec::len).sum();
        let jobs = jobs.unwrap_or(cores).max(1).min(images.max(1));
        Plan { jobs, passes, seed }
    }
}

/// Samples every image of `sets` over `jobs` processes: this one and `jobs − 1` workers (the
/// same program's `worker` command with `job`, which rebuilds the same sets). Per-image seeds
/// make the result independent of `jobs`.
pub(super) fn assess_all(
    model: &BayesianCnn,
    sets: &[Vec<Example>],
    device: &Device,
    (job, plan): (&Job, Plan),
) -> Result<Vec<Vec<Assessment>>, RulerError> {
    let Plan { jobs, passes, seed } = plan;
    let total: usize = sets.iter().map(Vec::len).sum();
    eprintln!("sampling {total} images × {passes} passes on {jobs} process(es)…");
    let workers = spawn_workers(job, plan)?;
    let mut slots: Vec<Vec<Option<Assessment>>> =
        sets.iter().map(|s| vec![None; s.len()]).collect();
    // On an error the remaining workers are dropped, which stops them.
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
        let failed = |why: String| RulerError::Device(format!("worker {share} failed: {why}"));
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
                .ok_or_else(|| RulerError::Device("a worker left images unsampled".into()))
        })
        .collect()
}
