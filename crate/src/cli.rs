//! Subcommands of the native `bayes-ruler` binary.

mod calibrate;
mod eval;
mod pool;
mod strangers;

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
  reframe --weights OLD --out NEW [--seed S]
                                         carry weights trained without the background frame
                                         (before 2026-11-27) over to the framed network, as a
                                         warm start for `train --resume`
  demo [--samples N]                     sample the built-in silhouette with the embedded
                                         weights and print a JSON summary
  generate [--seed S] [--out DIR] [--count N] [--set train|test]
                                         write N children (training or test set), N test
                                         spiders and N cats as PNGs into DIR (default data/) and
                                         trained/contact-sheet.png
  train [--epochs E] [--seed S] [--estimator flipout|reparameterization]
        [--batch-size B] [--learning-rate LR] [--limit K] [--resume BPK] [--out PATH]
        [--augment true] [--augment-scale S] [--kl-weight W] [--device cpu|vulkan|wgpu]
        [--negatives K] [--negative-weight W] [--negative-margin PX]
                                         train on the generated children (first K only with
                                         --limit) and write the weights (default
                                         trained/model.bpk) and PATH's .json history;
                                         --negatives K adds outlier exposure: K generic
                                         negatives per step whose two passes must disagree by
                                         PX (default 8) px, weighted W (default 0.1)
  eval [--passes P] [--children N] [--spiders N] [--cats N] [--calibration-children N]
       [--validation-spiders N] [--weights PATH] [--report-dir DIR] [--jobs J]
       [--held-out-only true [--threshold-out PATH]] [--temper β] [--validation-negatives N]
                                         recompute the report (DIR/report.json, default
                                         trained/) and the verdict threshold (DIR/threshold.json)
                                         with P passes per image (default 1000, as the page),
                                         on N test children and spiders (default 1000 each; the
                                         first 200 are also reported apart), 100 test cats, 400
                                         calibration children and 100 validation spiders,
                                         on J processes (default: one per core; the figures do
                                         not depend on J); --held-out-only prints the held-out
                                         figures only (to compare weights without the test set);
                                         --temper samples the weights tempered by β (see
                                         calibrate); --validation-negatives adds N generic
                                         negatives of their own stream to the held-out
                                         figures (to compare outlier-exposure runs)
  strangers [--passes P] [--children N] [--spiders N] [--cats N] [--per-category N]
            [--consistency K] [--consistency-passes A,B] [--weights PATH]
            [--threshold PATH] [--report-dir DIR] [--jobs J]
                                         the shipped verdict on the broad out-of-distribution
                                         test set (N of each of 17 categories, default 100;
                                         100 test spiders, 100 cats) against N test children
                                         (default 300), and how often the first K images of
                                         each set (10·K children; default 5) change verdict
                                         at A and B passes (default 300,3000); writes
                                         DIR/strangers.json
  calibrate [--weights IN] [--out OUT] [--passes P] [--target C] [--steps S] [--jobs J]
                                         fit the posterior's width on the held-out children:
                                         the tempering factor β whose central 90% intervals,
                                         once recentred by the children's mean error, cover C
                                         of them (default 0.9), by S bisection steps
                                         (default 5) with P passes per image (default 200);
                                         writes the calibrated weights (default IN
                                         trained/posterior-as-trained.bpk, OUT
                                         trained/model.bpk) and calibration.json beside OUT
  predict [--samples N] [--json true] IMAGE...
                                         measure PNG/JPEG/GIF/WebP/BMP files
  bench [--passes N] [--repeats R] [--device cpu|vulkan|wgpu] [--chunks C,C,...]
        [--matmul M] [--weights PATH] [--stages true]
                                         time batched exact sampling, one-pass calls and an
                                         M³ matmul (default 1024 on the CPU, 8192 on a GPU);
                                         a markdown table and the ratios (GPU devices need
                                         a build with --features gpu)
  curves [--history JSON] [--out PNG]    plot loss (blue), MSE (orange) and validation MSE
                                         (green) per epoch of a training history, log scale
  help                                   this text";

/// Runs one command line (without the program name).
pub fn run(args: &[String]) -> Result<(), RulerError> {
    let (command, rest) = args
        .split_first()
        .map_or(("help", &[][..]), |(c, r)| (c.as_str(), r));
    let options = if command == "predict" {
        Options(Vec::new())
    } else {
        Options::parse(rest)?
    };
    match command {
        "init-weights" => init_weights(&options),
        "reframe" => reframe(&options),
        "demo" => demo(&options),
        "generate" => generate(&options),
        "train" => train(&options),
        "eval" => eval::eval(&options),
        "calibrate" => calibrate::calibrate(&options),
        "strangers" => strangers::strangers(&options),
        "curves" => curves(&options),
        "bench" => bench(&options),
        "predict" => predict(args.get(1..).unwrap_or(&[])),
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

fn reframe(options: &Options) -> Result<(), RulerError> {
    let from = options
        .get("weights")
        .ok_or_else(|| RulerError::InvalidInput("reframe needs --weights OLD.bpk".into()))?;
    let out = options
        .get("out")
        .ok_or_else(|| RulerError::InvalidInput("reframe needs --out NEW.bpk".into()))?;
    let device = Device::flex();
    device.seed(options.number("seed", 42.0)? as u64);
    let unframed = BayesianCnnConfig::new().with_frame(0);
    let old = crate::weights::load_model_as(&read_weights(from)?, &unframed, &device)?;
    crate::weights::reframe(old, &device)?
        .save_file(out)
        .map_err(|e| RulerError::Weights(format!("cannot write {out}: {e}")))?;
    println!("wrote {out}: {from} carried over to the framed network (128 → 32 → 8)");
    Ok(())
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

fn write(path: &str, bytes: &[u8]) -> Result<(), RulerError> {
    if let Some(dir) = std::path::Path::new(path).parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            RulerError::InvalidInput(format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| RulerError::InvalidInput(format!("cannot write {path}: {e}")))
}

fn generate(options: &Options) -> Result<(), RulerError> {
    use crate::data::dataset::{test_cats, test_children, test_spiders, train_validation};
    let seed = options.number("seed", DATA_SEED as f64)? as u64;
    let out = options.get("out").unwrap_or("data");
    let count = options.number("count", 24.0)? as usize;
    let train = match options.get("set").unwrap_or("train") {
        "train" => train_validation(seed).0,
        "test" => test_children(seed, count.max(32)),
        other => {
            return Err(RulerError::InvalidInput(format!(
                "--set must be train or test, got `{other}`"
            )));
        }
    };
    let spiders = test_spiders(seed, count);
    let cats = test_cats(seed, count);
    for (i, e) in train.iter().take(count).enumerate() {
        let png = crate::preprocess::silhouette_png(&e.pixels, crate::constants::IMAGE_SIDE)?;
        write(&format!("{out}/child-{i:03}-{}px.png", e.height), &png)?;
    }
    for (name, set) in [("spider", &spiders), ("cat", &cats)] {
        for (i, e) in set.iter().enumerate() {
            let png = crate::preprocess::silhouette_png(&e.pixels, crate::constants::IMAGE_SIDE)?;
            write(&format!("{out}/{name}-{i:03}.png"), &png)?;
        }
    }
    // The contact sheet shows the training data.
    if options.get("set").unwrap_or("train") == "train" {
        let mut tiles: Vec<&[f32]> = train.iter().take(32).map(|e| e.pixels.as_slice()).collect();
        tiles.extend(spiders.iter().take(8).map(|e| e.pixels.as_slice()));
        tiles.extend(cats.iter().take(8).map(|e| e.pixels.as_slice()));
        write(
            "trained/contact-sheet.png",
            &crate::sheet::contact_sheet(&tiles, 8)?,
        )?;
        write_stranger_sheets(seed)?;
    }
    println!("wrote {count} children, {count} spiders and {count} cats to {out}/");
    Ok(())
}

pub use crate::constants::DATA_SEED;

/// `trained/strangers-sheet.png` (the first 8 images of every category of the broad
/// out-of-distribution test set, a row each, in the report's order) and
/// `trained/negatives-sheet.png` (the first 32 generic training negatives).
fn write_stranger_sheets(seed: u64) -> Result<(), RulerError> {
    use crate::data::Category;
    use crate::data::dataset::{test_strangers, training_negatives};
    let strangers: Vec<_> = Category::ALL
        .iter()
        .flat_map(|&c| test_strangers(seed, c, 8))
        .collect();
    let tiles: Vec<&[f32]> = strangers.iter().map(|e| e.pixels.as_slice()).collect();
    write(
        "trained/strangers-sheet.png",
        &crate::sheet::contact_sheet(&tiles, 8)?,
    )?;
    let negatives = training_negatives(seed, 32);
    let tiles: Vec<&[f32]> = negatives.iter().map(|e| e.pixels.as_slice()).collect();
    write(
        "trained/negatives-sheet.png",
        &crate::sheet::contact_sheet(&tiles, 8)?,
    )
}

fn train(options: &Options) -> Result<(), RulerError> {
    use crate::data::dataset::train_validation;
    use crate::train::{Estimator, TrainConfig, train_on};
    use std::io::Write;
    let estimator = match options.get("estimator").unwrap_or("flipout") {
        "flipout" => Estimator::Flipout,
        "reparameterization" => Estimator::Reparameterization,
        other => {
            return Err(RulerError::InvalidInput(format!(
                "unknown estimator `{other}`"
            )));
        }
    };
    let augment = options.get("augment").is_some_and(|v| v != "false");
    let augment_scale = options.number("augment-scale", 1.0)?;
    if !(augment_scale.is_finite() && augment_scale >= 1.0) {
        return Err(RulerError::InvalidInput(format!(
            "--augment-scale must be a finite factor of at least 1, got {augment_scale}"
        )));
    }
    if augment_scale > 1.0 && !augment {
        return Err(RulerError::InvalidInput(
            "--augment-scale rescales augmented examples: add --augment true".into(),
        ));
    }
    let config = TrainConfig::new()
        .with_epochs(options.number("epochs", 60.0)? as usize)
        .with_seed(options.number("seed", 1.0)? as u64)
        .with_batch_size(options.number("batch-size", 5.0)? as usize)
        .with_learning_rate(options.number("learning-rate", 1e-3)?)
        .with_augment(augment)
        .with_augment_scale(augment_scale)
        .with_kl_weight(options.number("kl-weight", 1.0)?)
        .with_negatives_per_step(pool::count_up_to(options, "negatives", 0.0, 1000)?)
        .with_negative_weight(options.number("negative-weight", 0.1)?)
        .with_negative_margin(options.number("negative-margin", 8.0)?)
        .with_estimator(estimator);
    let usable = |v: f64| v.is_finite() && v >= 0.0;
    if !(usable(config.negative_weight) && usable(config.negative_margin)) {
        return Err(RulerError::InvalidInput(
            "--negative-weight and --negative-margin must be finite and not negative".into(),
        ));
    }
    let out = options
        .get("out")
        .unwrap_or("trained/model.bpk")
        .to_string();
    // The device first: a bad --device fails before the data are generated.
    let (device, description) = pick_device(options.get("device").unwrap_or("cpu"))?;
    eprintln!("on {description}");
    let (mut train_set, mut validation) = train_validation(DATA_SEED);
    if let Some(limit) = options.get("limit") {
        let k: usize = limit
            .parse()
            .map_err(|_| RulerError::InvalidInput("--limit needs a count".into()))?;
        train_set.truncate(k);
        validation.truncate(k.div_ceil(9));
    }
    eprintln!(
        "training on {} children, validating on {} ({:?}, batch {}, {} epochs)",
        train_set.len(),
        validation.len(),
        config.estimator,
        config.batch_size,
        config.epochs
    );
    let epochs = config.epochs;
    let resume = match options.get("resume") {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| RulerError::Weights(format!("cannot read {path}: {e}")))?,
        ),
        None => None,
    };
    if let Some(bytes) = &resume {
        crate::weights::load_model(bytes, &Device::flex())?;
    }
    if let Some(dir) = std::path::Path::new(&out).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let history_path = out.trim_end_matches(".bpk").to_string() + ".json";
    let mut history = Vec::new();
    let mut saved: Result<(), RulerError> = Ok(());
    // Generic negatives only (shards, scribbles, scrambled and deformed children): never an
    // image of a test category.
    let negatives = if config.negatives_per_step > 0 {
        crate::data::dataset::training_negatives(DATA_SEED, 2000)
    } else {
        Vec::new()
    };
    train_on(
        &device,
        resume.as_deref(),
        &config,
        (&train_set, &validation, &negatives),
        |epoch, step, steps, loss| {
            let filled = step * 30 / steps;
            eprint!(
                "\repoch {epoch:>3}/{epochs} [{}{}] {step:>4}/{steps} loss {loss:9.3}",
                "#".repeat(filled),
                ".".repeat(30 - filled)
            );
            let _ = std::io::stderr().flush();
        },
        |s, model| {
            eprintln!(
                "\repoch {:>3}/{epochs} loss {:9.3}  mse {:9.3}  kl/N {:7.3}  neg {:6.3} (gap {:5.2} px)  val_mse {:9.3}  ({:.1} s)",
                s.epoch,
                s.loss,
                s.mse,
                s.kl_term,
                s.negative_term,
                s.negative_gap,
                s.val_mse,
                s.seconds
            );
            // A checkpoint after every epoch: a long run that is cut off keeps its progress.
            history.push(s.clone());
            if saved.is_ok() {
                saved = save_run(
                    model,
                    &out,
                    &history_path,
                    &config,
                    &train_set,
                    &validation,
                    &history,
                );
            }
        },
    );
    saved?;
    println!("wrote {out} and {history_path}");
    Ok(())
}

/// Writes the weights and the run's history (`.json` next to them).
fn save_run(
    model: &crate::BayesianCnn,
    out: &str,
    history_path: &str,
    config: &crate::train::TrainConfig,
    train_set: &[crate::data::Example],
    validation: &[crate::data::Example],
    history: &[crate::train::EpochStats],
) -> Result<(), RulerError> {
    model
        .clone()
        .save_file(out)
        .map_err(|e| RulerError::Weights(format!("cannot write {out}: {e}")))?;
    let json = serde_json::json!({
        "estimator": format!("{:?}", config.estimator),
        "batch_size": config.batch_size,
        "learning_rate": config.learning_rate,
        "augment": config.augment,
        "augment_scale": config.augment_scale,
        "kl_weight": config.kl_weight,
        "negatives_per_step": config.negatives_per_step,
        "negative_weight": config.negative_weight,
        "negative_margin": config.negative_margin,
        "output_scale": config.model.output_scale,
        "seed": config.seed,
        "data_seed": DATA_SEED,
        "train_examples": train_set.len(),
        "validation_examples": validation.len(),
        "history": history,
    });
    write(
        history_path,
        serde_json::to_string_pretty(&json)
            .unwrap_or_default()
            .as_bytes(),
    )
}

fn read_weights(path: &str) -> Result<Vec<u8>, RulerError> {
    std::fs::read(path).map_err(|e| RulerError::Weights(format!("cannot read {path}: {e}")))
}

/// `--threshold PATH`: a threshold file written by `eval` (`threshold.json`, or
/// `--threshold-out` of a held-out-only run) for other weights; the shipped one without it.
fn threshold_option(options: &Options) -> Result<crate::verdict::Threshold, RulerError> {
    let Some(path) = options.get("threshold") else {
        return Ok(crate::verdict::shipped_threshold());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| RulerError::InvalidInput(format!("cannot read {path}: {e}")))?;
    serde_json::from_str(&text)
        .map_err(|e| RulerError::InvalidInput(format!("{path} is not a threshold file: {e}")))
}

fn load_weights(options: &Options, device: &Device) -> Result<crate::BayesianCnn, RulerError> {
    match options.get("weights") {
        Some(path) => crate::weights::load_model(&read_weights(path)?, device),
        None => load_embedded(device),
    }
}

fn predict(args: &[String]) -> Result<(), RulerError> {
    let mut samples = 1000.0;
    let mut json = false;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--samples" => {
                let v = it
                    .next()
                    .ok_or_else(|| RulerError::InvalidInput("--samples needs a value".into()))?;
                samples = v.parse().map_err(|_| {
                    RulerError::InvalidInput(format!("--samples must be a number, got `{v}`"))
                })?;
            }
            "--json" => json = true,
            f => files.push(f.to_string()),
        }
    }
    let n = check_sample_count(samples)?;
    if files.is_empty() {
        return Err(RulerError::InvalidInput(
            "predict needs at least one image file".into(),
        ));
    }
    let device = Device::flex();
    let model = load_embedded(&device)?;
    let threshold = crate::verdict::shipped_threshold();
    let mut failed = 0;
    for file in &files {
        let result = std::fs::read(file)
            .map_err(|e| RulerError::InvalidInput(format!("cannot read {file}: {e}")))
            .and_then(|bytes| crate::preprocess::silhouette_from_bytes(&bytes))
            .and_then(|s| Ok((sample_heights(&model, &s.pixels, n, &device)?, s)));
        let (heights, silhouette) = match result {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{file}: {e}");
                failed += 1;
                continue;
            }
        };
        let s =
            Summary::of(&heights).ok_or_else(|| RulerError::Device("non-finite heights".into()))?;
        let verdict = crate::verdict::verdict(&crate::verdict::Spread::of(&s), &threshold);
        let share = crate::evaluate::mode_share(&heights);
        let figure = &silhouette.figure;
        if figure.photo_like() {
            eprintln!(
                "{file}: this looks like a photograph, not a two-tone silhouette ({:.0}% of its \
                 pixels are mid-tones): the figure measured is the largest piece darker than \
                 gray level {:.0}, which may not be the child",
                100.0 * figure.mid_tone_share,
                figure.threshold
            );
        }
        let in_source = s.mean * silhouette.source_per_frame;
        if json {
            let line = serde_json::json!({
                "file": file, "mean": s.mean, "std": s.std, "median": s.median, "ci90": s.ci90,
                "mode_share": share, "verdict": verdict,
                "source_size": silhouette.source_size, "source_per_frame": silhouette.source_per_frame,
                "mean_in_source": in_source, "photo_like": figure.photo_like(),
                "samples": heights,
            });
            println!("{line}");
        } else {
            println!(
                "{file}: {:.1} px of the 126-px frame, about {in_source:.0} px of the {}×{} image \
                 (std {:.2}, 90% {:.1}–{:.1}, {:.0}% at the mode): {verdict}",
                s.mean,
                silhouette.source_size.0,
                silhouette.source_size.1,
                s.std,
                s.ci90[0],
                s.ci90[1],
                share * 100.0
            );
        }
    }
    if failed > 0 {
        return Err(RulerError::InvalidInput(format!(
            "{failed} of {} files could not be measured",
            files.len()
        )));
    }
    Ok(())
}

fn curves(options: &Options) -> Result<(), RulerError> {
    let path = options.get("history").unwrap_or("trained/training.json");
    let out = options.get("out").unwrap_or("trained/training-curves.png");
    let text = std::fs::read_to_string(path)
        .map_err(|e| RulerError::InvalidInput(format!("cannot read {path}: {e}")))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| RulerError::InvalidInput(format!("{path} is not JSON: {e}")))?;
    let history = json["history"].as_array().cloned().unwrap_or_default();
    let column = |key: &str| {
        history
            .iter()
            .filter_map(|h| h[key].as_f64())
            .collect::<Vec<_>>()
    };
    let (loss, mse, val) = (column("loss"), column("mse"), column("val_mse"));
    write(out, &crate::plot::log_curves(&[&loss, &mse, &val])?)?;
    println!("wrote {out} ({} epochs)", loss.len());
    Ok(())
}

fn bench(options: &Options) -> Result<(), RulerError> {
    let name = options.get("device").unwrap_or("cpu");
    let (device, description) = pick_device(name)?;
    let cpu = name == "cpu";
    let chunks = options
        .get("chunks")
        .unwrap_or(if cpu { "8,32,128" } else { "32,128,512,1000" })
        .split(',')
        .map(|c| match c.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(RulerError::InvalidInput(format!(
                "--chunks must be positive whole numbers separated by commas, got `{c}`"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let plan = crate::bench::BenchPlan {
        passes: check_sample_count(options.number("passes", 256.0)?)?,
        chunks,
        repeats: options.number("repeats", 5.0)?.max(1.0) as usize,
        matmul: options.number("matmul", if cpu { 1024.0 } else { 8192.0 })? as usize,
    };
    if plan.matmul == 0 {
        return Err(RulerError::InvalidInput(
            "--matmul must be at least 1".into(),
        ));
    }
    device.seed(3);
    let model = load_weights(options, &device)?;
    if !cpu {
        let reference_device = Device::flex();
        reference_device.seed(4);
        let reference = load_weights(options, &reference_device)?;
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
    if options.get("stages").is_some_and(|v| v != "false") {
        let largest = plan.chunks.iter().copied().max().unwrap_or(32);
        rows.extend(crate::bench::stages(&device, largest, plan.repeats)?);
    }
    println!(
        "{description}, median of {}; GFLOP/s = 2 × {} dense MACs per pass ÷ time\n",
        plan.repeats,
        crate::BayesianCnnConfig::new().macs_per_pass()
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

/// The device `--device NAME` names (`bench`, `train`), and a line that says what it is.
fn pick_device(name: &str) -> Result<(Device, String), RulerError> {
    match name {
        "cpu" => {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            Ok((
                Device::flex(),
                format!("native CPU (burn flex), {threads} hardware threads"),
            ))
        }
        #[cfg(feature = "gpu")]
        "vulkan" | "wgpu" => {
            use burn::tensor::wgpu::WgpuBackend;
            let api = if name == "vulkan" {
                WgpuBackend::Vulkan
            } else {
                WgpuBackend::Auto
            };
            let (device, setup) = Device::wgpu_options()
                .graphics_api(api)
                .init_with_setup()
                .map_err(|e| RulerError::Device(format!("no {name} GPU adapter: {e}")))?;
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
        "vulkan" | "wgpu" => Err(RulerError::InvalidInput(format!(
            "--device {name} needs a build with the GPU backend: \
             cargo run --features gpu --bin bayes-ruler -- bench --device {name}"
        ))),
        other => Err(RulerError::InvalidInput(format!(
            "--device must be cpu, vulkan or wgpu, got `{other}`"
        ))),
    }
}
