//! `bayes-ruler train` (with a checkpoint after every epoch) and `bayes-ruler curves`.

use std::io::Write;

use burn::tensor::Device;
use clap::{Args, ValueEnum};

use super::{DeviceName, count_up_to, non_negative, pick_device, save_weights, write};
use crate::train::{EpochStats, Estimator, TrainConfig, train_on};
use bayes_ruler_core::BayesianCnn;
use bayes_ruler_core::error::RulerError;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{train_validation, training_negatives, training_polygons};
use bayes_ruler_silhouettes::{Example, Kind, NegativeKind};

/// `--negative-kinds`: which generic negatives outlier exposure draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NegativeKindName {
    /// Triangles and rectangles, scattered and overlapping.
    Shards,
    /// Random-walk strokes.
    Scribble,
    /// A child's parts, each moved and turned at random.
    ScrambledChild,
    /// A child stretched, squashed, sheared or bent beyond a child's proportions.
    DeformedChild,
    /// One filled angular polygon (only when named: not among the default four).
    Polygon,
}

impl NegativeKindName {
    fn kind(self) -> NegativeKind {
        match self {
            NegativeKindName::Shards => NegativeKind::Shards,
            NegativeKindName::Scribble => NegativeKind::Scribble,
            NegativeKindName::ScrambledChild => NegativeKind::ScrambledChild,
            NegativeKindName::DeformedChild => NegativeKind::DeformedChild,
            NegativeKindName::Polygon => NegativeKind::Polygon,
        }
    }
}

/// `--estimator`: how a batch draws its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimatorName {
    /// Flipout: per-example sign flips around one draw per batch (the article's layers).
    Flipout,
    /// The reparameterization trick: one draw shared by the whole batch.
    Reparameterization,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Epochs.
    #[arg(long, default_value_t = 60)]
    epochs: usize,
    /// Seed of the initial weights, the batches and the weight noise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = EstimatorName::Flipout)]
    estimator: EstimatorName,
    /// Examples per step (the article's 5: small batches train much better).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    batch_size: u64,
    #[arg(long, default_value_t = 1e-3, value_parser = non_negative)]
    learning_rate: f64,
    /// Train on the first K children only (and validate on K/9).
    #[arg(long)]
    limit: Option<usize>,
    /// Start from these weights instead of the initial posterior.
    #[arg(long)]
    resume: Option<String>,
    /// Where to write the weights (and, beside them, the history as .json).
    #[arg(long, default_value = "trained/model.bpk")]
    out: String,
    /// Mirror each example at random and jitter its scale.
    #[arg(long)]
    augment: bool,
    /// Largest rescale of an augmented example (at least 1; needs --augment).
    #[arg(long, default_value_t = 1.0, requires = "augment", value_parser = scale_factor)]
    augment_scale: f64,
    /// Weight of the KL term (1 = the article's KL / N_train).
    #[arg(long, default_value_t = 1.0, value_parser = non_negative)]
    kl_weight: f64,
    #[arg(long, value_enum, default_value_t = DeviceName::Cpu)]
    device: DeviceName,
    /// Outlier exposure: K generic negatives per step (of --negative-kinds; never a test
    /// category) whose two passes must disagree by --negative-margin px.
    #[arg(long, default_value = "0", value_parser = |s: &str| count_up_to(s, 1000))]
    negatives: usize,
    /// Weight of the negatives' hinge term.
    #[arg(long, default_value_t = 0.1, value_parser = non_negative)]
    negative_weight: f64,
    /// How far apart (px) two passes on a negative must be.
    #[arg(long, default_value_t = 8.0, value_parser = non_negative)]
    negative_margin: f64,
    /// Which generic negatives to draw from, comma-separated (default: shards, scribble,
    /// scrambled-child and deformed-child; polygon only when named).
    #[arg(long, value_enum, value_delimiter = ',')]
    negative_kinds: Vec<NegativeKindName>,
    /// Holds the children's spread: weight of a term on each step's children, two more passes
    /// each, that grows with their disagreement above --child-gap-margin px (0: off).
    #[arg(long, default_value_t = 0.0, value_parser = non_negative)]
    child_gap_weight: f64,
    /// Disagreement (px) of two passes on a child that costs nothing.
    #[arg(long, default_value_t = 0.0, value_parser = non_negative)]
    child_gap_margin: f64,
    /// Train only the second layer's idle filters (dense weights still at the prior), drawn
    /// afresh, and the dense weights they feed; every other weight stays as --resume has it.
    #[arg(long, requires = "resume", conflicts_with = "train_idle")]
    revive_idle: bool,
    /// Train only the second layer's idle filters and the dense weights they feed as --resume
    /// has them (no fresh draw: to go on from a --revive-idle run); every other weight frozen.
    #[arg(long, requires = "resume")]
    train_idle: bool,
}

fn scale_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 1.0 => Ok(v),
        _ => Err(format!(
            "must be a finite factor of at least 1, got `{text}`"
        )),
    }
}

pub(super) fn train(args: &TrainArgs) -> Result<(), RulerError> {
    let config = TrainConfig::new()
        .with_epochs(args.epochs)
        .with_seed(args.seed)
        .with_batch_size(args.batch_size as usize)
        .with_learning_rate(args.learning_rate)
        .with_augment(args.augment)
        .with_augment_scale(args.augment_scale)
        .with_kl_weight(args.kl_weight)
        .with_negatives_per_step(args.negatives)
        .with_negative_weight(args.negative_weight)
        .with_negative_margin(args.negative_margin)
        .with_child_gap_weight(args.child_gap_weight)
        .with_child_gap_margin(args.child_gap_margin)
        .with_revive_idle(args.revive_idle)
        .with_train_idle(args.train_idle)
        .with_estimator(match args.estimator {
            EstimatorName::Flipout => Estimator::Flipout,
            EstimatorName::Reparameterization => Estimator::Reparameterization,
        });
    let out = &args.out;
    // The device first: a bad --device fails before the data are generated.
    let (device, description) = pick_device(args.device)?;
    eprintln!("on {description}");
    let (mut train_set, mut validation) = train_validation(DATA_SEED);
    if let Some(k) = args.limit {
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
    let resume = match &args.resume {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| RulerError::Weights(format!("cannot read {path}: {e}")))?,
        ),
        None => None,
    };
    let mut revived = Vec::new();
    if let Some(bytes) = &resume {
        let start = bayes_ruler_core::weights::load_model(bytes, &Device::flex())?;
        if args.revive_idle || args.train_idle {
            let flag = if args.revive_idle {
                "--revive-idle"
            } else {
                "--train-idle"
            };
            revived = crate::train::idle::idle_channels(&start);
            if revived.is_empty() {
                return Err(RulerError::InvalidInput(format!(
                    "{flag}: {} has no idle second-layer filter (none whose dense weights sit near the prior)",
                    args.resume.as_deref().unwrap_or_default()
                )));
            }
            let how = if args.revive_idle {
                "reviving"
            } else {
                "training, as they are,"
            };
            eprintln!("{how} the idle conv2 filters {revived:?}; every other weight frozen");
        }
    }
    let history_path = out.trim_end_matches(".bpk").to_string() + ".json";
    let mut history = Vec::new();
    let mut saved: Result<(), RulerError> = Ok(());
    // Generic negatives only (shards, scribbles, scrambled and deformed children, polygons when
    // named): never an image of a test category.
    let kinds: Vec<NegativeKind> = if args.negative_kinds.is_empty() {
        NegativeKind::ALL.to_vec()
    } else {
        args.negative_kinds.iter().map(|k| k.kind()).collect()
    };
    let negatives: Vec<Example> = if config.negatives_per_step > 0 {
        let mut negatives: Vec<Example> = training_negatives(DATA_SEED, 2000)
            .into_iter()
            .filter(|e| matches!(e.kind, Kind::Negative(k) if kinds.contains(&k)))
            .collect();
        // As many as each of the four kinds has in 2000, from the polygons' own stream.
        if kinds.contains(&NegativeKind::Polygon) {
            negatives.extend(training_polygons(DATA_SEED, 500));
        }
        negatives
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
                "\repoch {:>3}/{epochs} loss {:9.3}  mse {:9.3}  kl/N {:7.3}  neg {:6.3} (gap {:5.2} px)  child gap {:5.2} px  val_mse {:9.3}  ({:.1} s)",
                s.epoch,
                s.loss,
                s.mse,
                s.kl_term,
                s.negative_term,
                s.negative_gap,
                s.child_gap,
                s.val_mse,
                s.seconds
            );
            // A checkpoint after every epoch: a long run that is cut off keeps its progress.
            history.push(s.clone());
            if saved.is_ok() {
                let run = Run {
                    config: &config,
                    train_set: &train_set,
                    validation: &validation,
                    negative_kinds: &kinds,
                    revived: &revived,
                    history: &history,
                };
                saved = run.save(model, out, &history_path);
            }
        },
    );
    saved?;
    println!("wrote {out} and {history_path}");
    Ok(())
}

/// A training run so far: what its history file records.
struct Run<'a> {
    config: &'a TrainConfig,
    train_set: &'a [Example],
    validation: &'a [Example],
    negative_kinds: &'a [NegativeKind],
    revived: &'a [usize],
    history: &'a [EpochStats],
}

impl Run<'_> {
    /// Writes the weights and the run's history (`.json` next to them).
    fn save(&self, model: &BayesianCnn, out: &str, history_path: &str) -> Result<(), RulerError> {
        let config = self.config;
        save_weights(model.clone(), out)?;
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
            "negative_kinds": self.negative_kinds.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>(),
            "child_gap_weight": config.child_gap_weight,
            "child_gap_margin": config.child_gap_margin,
            "revived_channels": self.revived,
            // Drawn afresh (`--revive-idle`) or trained as they were (`--train-idle`).
            "idle_channels_redrawn": config.revive_idle,
            "output_scale": config.model.output_scale,
            "seed": config.seed,
            "data_seed": DATA_SEED,
            "train_examples": self.train_set.len(),
            "validation_examples": self.validation.len(),
            "history": self.history,
        });
        write(
            history_path,
            serde_json::to_string_pretty(&json)
                .unwrap_or_default()
                .as_bytes(),
        )
    }
}

#[derive(Debug, Args)]
pub struct CurvesArgs {
    /// A training history written by `train`.
    #[arg(long, default_value = "trained/training.json")]
    history: String,
    /// The plot (PNG).
    #[arg(long, default_value = "trained/training-curves.png")]
    out: String,
}

pub(super) fn curves(args: &CurvesArgs) -> Result<(), RulerError> {
    let (path, out) = (&args.history, &args.out);
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
