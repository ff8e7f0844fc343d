//! `bayes-ruler strangers`: how the shipped verdict treats the broad out-of-distribution test set
//! (seventeen categories besides spiders and cats, trained/README.md "The strangers,
//! pre-registered"), against test children, with the shipped threshold: nothing is chosen here.
//! Also how often a verdict changes with the number of passes (300, 1000, 3000).

use burn::tensor::Device;
use clap::Args;
use serde::{Deserialize, Serialize};

use super::pool::{EVAL_SEED, Job, Plan, assess_all};
use super::{count, load_weights, passes, sampling_seed, weights_name, write};
use crate::evaluate::{Assessment, auroc, auroc_standard_error};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::verdict::{Reason, Threshold, decide};
use bayes_ruler_silhouettes::Category;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{test_cats, test_children, test_spiders, test_strangers};
use bayes_ruler_silhouettes::{Example, Kind};

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct StrangersArgs {
    /// Passes per image.
    #[arg(long, default_value = "1000", value_parser = passes)]
    passes: usize,
    /// Test children, the reference.
    #[arg(long, default_value = "300", value_parser = count)]
    children: usize,
    /// Test spiders.
    #[arg(long, default_value = "100", value_parser = count)]
    spiders: usize,
    /// Test cats.
    #[arg(long, default_value = "100", value_parser = count)]
    cats: usize,
    /// Images of each of the 17 categories.
    #[arg(long, default_value = "100", value_parser = count)]
    per_category: usize,
    /// The first K images of each out-of-distribution set (and 10·K children) are sampled again
    /// at each --consistency-passes count, to see how often their verdict changes (0: not).
    #[arg(long, default_value = "5", value_parser = count)]
    consistency: usize,
    /// Pass counts whose verdicts are compared with the main run's, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "300,3000", value_parser = passes)]
    consistency_passes: Vec<usize>,
    /// Weights to judge (default: the embedded ones).
    #[arg(long)]
    pub(super) weights: Option<String>,
    /// A threshold file written by `eval` for other weights (default: the shipped one).
    #[arg(long)]
    threshold: Option<String>,
    /// Folder of strangers.json.
    #[arg(long, default_value = "trained")]
    report_dir: String,
    /// Processes (default: one per core; the figures do not depend on it).
    #[arg(long, value_parser = count)]
    jobs: Option<usize>,
    /// Base of the images' seeds.
    #[arg(long, default_value_t = EVAL_SEED, value_parser = sampling_seed)]
    sampling_seed: u64,
    /// Only the consistency subset (set by this command for its re-runs).
    #[arg(skip)]
    #[serde(default)]
    consistency_subset: bool,
}

/// `--threshold PATH`: a threshold file written by `eval` (`threshold.json`, or
/// `--threshold-out` of a held-out-only run) for other weights; the shipped one without it.
fn read_threshold(path: Option<&str>) -> Result<Threshold, RulerError> {
    let Some(path) = path else {
        return Ok(bayes_ruler_core::verdict::shipped_threshold());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| RulerError::InvalidInput(format!("cannot read {path}: {e}")))?;
    serde_json::from_str(&text)
        .map_err(|e| RulerError::InvalidInput(format!("{path} is not a threshold file: {e}")))
}

/// What a row of the report names: test children, spiders, cats, then the categories.
fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Child(_) => "children",
        Kind::Spider => "spider",
        Kind::Cat => "cat",
        Kind::Stranger(c) => c.name(),
        Kind::Negative(_) => "generic negative",
    }
}

/// The sets, in order: test children, test spiders, test cats, then every category; with
/// the consistency subset, only the first `--consistency K` of each out-of-distribution set
/// and the first 10·K children (the images whose verdicts are compared across passes).
impl StrangersArgs {
    pub(super) fn sets(&self) -> Result<Vec<Vec<Example>>, RulerError> {
        let k = self.consistency;
        let size = |n: usize, subset: usize| {
            if self.consistency_subset {
                n.min(subset)
            } else {
                n
            }
        };
        let mut sets = vec![
            test_children(DATA_SEED, size(self.children, 10 * k)),
            test_spiders(DATA_SEED, size(self.spiders, k)),
            test_cats(DATA_SEED, size(self.cats, k)),
        ];
        let per_category = size(self.per_category, k);
        sets.extend(
            Category::ALL
                .iter()
                .map(|&c| test_strangers(DATA_SEED, c, per_category)),
        );
        Ok(sets)
    }
}

fn verdict_counts(results: &[Assessment], threshold: &Threshold) -> serde_json::Value {
    let (mut confident, mut undecided, mut uncertain, mut outside) = (0, 0, 0, 0);
    for a in results {
        let d = decide(&a.spread(), threshold);
        match d.verdict {
            "confident" => confident += 1,
            "undecided" => undecided += 1,
            _ => uncertain += 1,
        }
        outside += usize::from(d.reason == Reason::OutsideFrame);
    }
    let n = results.len().max(1) as f64;
    serde_json::json!({
        "images": results.len(),
        "confident": confident as f64 / n,
        "undecided": undecided as f64 / n,
        "uncertain": uncertain as f64 / n,
        "uncertain_because_outside_frame": outside as f64 / n,
    })
}

fn median(values: &[f64]) -> Option<f64> {
    let finite: Vec<f32> = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| v as f32)
        .collect();
    bayes_ruler_core::stats::Summary::of(&finite).map(|s| s.median)
}

/// Per set: verdict shares, median score and (out-of-distribution sets) the AUROC against the
/// children's scores with its standard error.
fn rows(
    sets: &[Vec<Example>],
    results: &[Vec<Assessment>],
    threshold: &Threshold,
) -> Vec<serde_json::Value> {
    let scores = |set: &[Assessment]| -> Vec<f64> {
        set.iter()
            .map(|a| {
                let s = threshold.score_of(&a.spread());
                if s.is_nan() { f64::INFINITY } else { s }
            })
            .collect()
    };
    let kid_scores = scores(&results[0]);
    sets.iter()
        .zip(results)
        .enumerate()
        .filter(|(_, (set, _))| !set.is_empty())
        .map(|(i, (set, res))| {
            let set_scores = scores(res);
            let mut row = serde_json::json!({
                "set": kind_name(set[0].kind),
                "median_score": median(&set_scores),
                "verdicts": verdict_counts(res, threshold),
            });
            if i > 0 && !kid_scores.is_empty() {
                let a = auroc(&set_scores, &kid_scores);
                row["auroc_vs_children"] = a.into();
                row["auroc_standard_error"] =
                    auroc_standard_error(a, res.len(), kid_scores.len()).into();
            }
            row
        })
        .collect()
}

/// The verdicts of the same images at several pass counts: the share that agree exactly, and
/// the share that contradict (confident at one count, uncertain at another).
fn consistency(runs: &[(usize, Vec<Vec<Assessment>>)], threshold: &Threshold) -> serde_json::Value {
    let verdicts: Vec<Vec<&str>> = runs
        .iter()
        .map(|(_, sets)| {
            sets.iter()
                .flatten()
                .map(|a| decide(&a.spread(), threshold).verdict)
                .collect()
        })
        .collect();
    let images = verdicts.first().map_or(0, Vec::len);
    let (mut same, mut contradict) = (0, 0);
    for i in 0..images {
        let at: Vec<&str> = verdicts.iter().map(|v| v[i]).collect();
        same += usize::from(at.iter().all(|&v| v == at[0]));
        contradict += usize::from(at.contains(&"confident") && at.contains(&"uncertain"));
    }
    let n = images.max(1) as f64;
    serde_json::json!({
        "images": images,
        "passes": runs.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "same_verdict_at_every_count": same as f64 / n,
        "confident_at_one_count_and_uncertain_at_another": contradict as f64 / n,
        "verdicts_by_count": runs.iter().map(|(p, sets)| serde_json::json!({
            "passes": p,
            "all": verdict_counts(&sets.iter().flatten().cloned().collect::<Vec<_>>(), threshold),
        })).collect::<Vec<_>>(),
    })
}

/// The mean detection ("uncertain") over the categories (the rows after children, spiders and
/// cats) and the weakest category.
fn detection(table: &[serde_json::Value]) -> (f64, Option<serde_json::Value>) {
    let categories: Vec<&serde_json::Value> = table.iter().skip(3).collect();
    let rate = |row: &serde_json::Value| row["verdicts"]["uncertain"].as_f64().unwrap_or(0.0);
    let mean = categories.iter().map(|r| rate(r)).sum::<f64>() / categories.len().max(1) as f64;
    let weakest = categories
        .iter()
        .min_by(|a, b| rate(a).total_cmp(&rate(b)))
        .map(|r| serde_json::json!({"set": r["set"], "detection": rate(r)}));
    (mean, weakest)
}

pub(super) fn strangers(args: &StrangersArgs) -> Result<(), RulerError> {
    let device = Device::flex();
    let model = load_weights(args.weights.as_deref(), &device)?;
    let (passes, k) = (args.passes, args.consistency);
    // The threshold file is read before the first image is sampled.
    let threshold = read_threshold(args.threshold.as_deref())?;
    let sets = args.sets()?;
    let plan = Plan::new(args.jobs, &sets, passes, args.sampling_seed);
    let results = assess_all(
        &model,
        &sets,
        &device,
        (&Job::Strangers(args.clone()), plan),
    )?;
    let table = rows(&sets, &results, &threshold);
    // The consistency subset: the same first images, at the other pass counts with seeds of
    // their own, and at `passes` from the main run.
    let mut runs = Vec::new();
    if k > 0 {
        let take = |i: usize, set: &Vec<Assessment>| {
            set[..set.len().min(if i == 0 { 10 * k } else { k })].to_vec()
        };
        runs.push((
            passes,
            results
                .iter()
                .enumerate()
                .map(|(i, s)| take(i, s))
                .collect(),
        ));
        for &other in &args.consistency_passes {
            let subset_args = StrangersArgs {
                consistency_subset: true,
                passes: other,
                sampling_seed: EVAL_SEED + other as u64,
                ..args.clone()
            };
            let subset = subset_args.sets()?;
            eprintln!("consistency, at {other} passes:");
            let plan = Plan::new(args.jobs, &subset, other, subset_args.sampling_seed);
            let job = Job::Strangers(subset_args);
            runs.push((other, assess_all(&model, &subset, &device, (&job, plan))?));
        }
    }
    let (mean_detection, weakest) = detection(&table);
    let consistency = if runs.is_empty() {
        serde_json::Value::Null
    } else {
        consistency(&runs, &threshold)
    };
    let report = serde_json::json!({
        "weights": weights_name(args.weights.as_deref()),
        "data_seed": DATA_SEED,
        "passes_per_image": passes,
        "threshold": threshold,
        "rule": "confident: the spread score and all of its Monte-Carlo range (the 5%, 50% and 95% quantiles' order-statistic ranges at z = 1.96/√2, ~95% for the width) at most the threshold; uncertain: all of it above, or a mean outside 1–126 px; undecided: the range straddles the threshold. Detection = share uncertain.",
        "categories_mean_detection": mean_detection,
        "weakest_category": weakest,
        "sets": table,
        "consistency": consistency,
    });
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    let dir = &args.report_dir;
    write(&format!("{dir}/strangers.json"), text.as_bytes())?;
    println!("{text}");
    Ok(())
}
