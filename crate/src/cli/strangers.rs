//! `bayes-ruler strangers`: how the shipped verdict treats the broad out-of-distribution test set
//! (seventeen categories besides spiders and cats, trained/README.md "The strangers,
//! pre-registered"), against test children, with the shipped threshold: nothing is chosen here.
//! Also how often a verdict changes with the number of passes (300, 1000, 3000).

use burn::tensor::Device;

use super::pool::{EVAL_SEED, assess_all, count, job_count, serve_share};
use super::{Options, load_weights, write};
use crate::constants::DATA_SEED;
use crate::data::Category;
use crate::data::dataset::{test_cats, test_children, test_spiders, test_strangers};
use crate::data::{Example, Kind};
use crate::error::RulerError;
use crate::evaluate::{Assessment, auroc, auroc_standard_error};
use crate::inference::check_sample_count;
use crate::verdict::{Reason, Threshold, decide};

/// `--consistency-passes A,B,…` (default 300,3000): the pass counts whose verdicts are compared
/// with the main run's.
fn other_passes(options: &Options) -> Result<Vec<usize>, RulerError> {
    let text = options.get("consistency-passes").unwrap_or("300,3000");
    text.split(',')
        .map(|v| {
            let n: f64 = v.trim().parse().map_err(|_| {
                RulerError::InvalidInput(format!(
                    "--consistency-passes must be pass counts separated by commas, got `{text}`"
                ))
            })?;
            check_sample_count(n)
        })
        .collect()
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
/// `--subset consistency`, only the first `--consistency K` of each out-of-distribution set
/// and the first 10·K children (the images whose verdicts are compared across passes).
fn stranger_sets(options: &Options) -> Result<Vec<Vec<Example>>, RulerError> {
    let consistency = options.get("subset") == Some("consistency");
    let k = count(options, "consistency", 5.0)?;
    let size = |name: &str, default: f64, subset: usize| -> Result<usize, RulerError> {
        let n = count(options, name, default)?;
        Ok(if consistency { n.min(subset) } else { n })
    };
    let mut sets = vec![
        test_children(DATA_SEED, size("children", 300.0, 10 * k)?),
        test_spiders(DATA_SEED, size("spiders", 100.0, k)?),
        test_cats(DATA_SEED, size("cats", 100.0, k)?),
    ];
    let per_category = size("per-category", 100.0, k)?;
    sets.extend(
        Category::ALL
            .iter()
            .map(|&c| test_strangers(DATA_SEED, c, per_category)),
    );
    Ok(sets)
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
    crate::stats::Summary::of(&finite).map(|s| s.median)
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

pub(super) fn strangers(options: &Options) -> Result<(), RulerError> {
    let device = Device::flex();
    let model = load_weights(options, &device)?;
    if let Some(spec) = options.get("worker") {
        return serve_share(&model, &stranger_sets(options)?, &device, options, spec);
    }
    let passes = check_sample_count(options.number("passes", 1000.0)?)?;
    // Every option is checked before the first image is sampled.
    let k = count(options, "consistency", 5.0)?;
    let others = other_passes(options)?;
    let threshold = super::threshold_option(options)?;
    let sets = stranger_sets(options)?;
    let total: usize = sets.iter().map(Vec::len).sum();
    let jobs = job_count(options, total)?;
    eprintln!("sampling {total} images × {passes} passes on {jobs} process(es)…");
    let results = assess_all(&model, &sets, passes, &device, (options, jobs, "strangers"))?;
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
        for &other in &others {
            let mut pairs = options.0.clone();
            pairs.extend([
                ("subset".into(), "consistency".into()),
                ("passes".into(), other.to_string()),
                (
                    "sampling-seed".into(),
                    (EVAL_SEED + other as u64).to_string(),
                ),
            ]);
            let subset_options = Options(pairs);
            let subset = stranger_sets(&subset_options)?;
            let n: usize = subset.iter().map(Vec::len).sum();
            eprintln!("consistency: {n} images × {other} passes…");
            let jobs = job_count(&subset_options, n)?;
            runs.push((
                other,
                assess_all(
                    &model,
                    &subset,
                    other,
                    &device,
                    (&subset_options, jobs, "strangers"),
                )?,
            ));
        }
    }
    let categories: Vec<&serde_json::Value> = table.iter().skip(3).collect();
    let rate = |row: &serde_json::Value| row["verdicts"]["uncertain"].as_f64().unwrap_or(0.0);
    let mean_detection =
        categories.iter().map(|r| rate(r)).sum::<f64>() / categories.len().max(1) as f64;
    let weakest = categories
        .iter()
        .min_by(|a, b| rate(a).total_cmp(&rate(b)))
        .map(|r| serde_json::json!({"set": r["set"], "detection": rate(r)}));
    let report = serde_json::json!({
        "weights": options.get("weights").unwrap_or("trained/model.bpk (embedded)"),
        "data_seed": DATA_SEED,
        "passes_per_image": passes,
        "threshold": threshold,
        "rule": "confident: the spread score and all of its Monte-Carlo range (the 5%, 50% and 95% quantiles' ~95% order-statistic ranges) at most the threshold; uncertain: all of it above, or a mean outside 1–126 px; undecided: the range straddles the threshold. Detection = share uncertain.",
        "categories_mean_detection": mean_detection,
        "weakest_category": weakest,
        "sets": table,
        "consistency": if runs.is_empty() { serde_json::Value::Null } else { consistency(&runs, &threshold) },
    });
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    let dir = options.get("report-dir").unwrap_or("trained");
    write(&format!("{dir}/strangers.json"), text.as_bytes())?;
    println!("{text}");
    Ok(())
}
