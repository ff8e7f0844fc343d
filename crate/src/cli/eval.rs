//! `bayes-ruler eval`: every figure of the report, recomputed from the weights and the generated
//! sets, with the images' sampling split over several processes.

use std::io::Read;
use std::process::{Child, Command, Stdio};

use burn::tensor::Device;

use super::{Options, load_weights, write};
use crate::calibration::temper;
use crate::constants::DATA_SEED;
use crate::data::dataset::{
    calibration_children, test_cats, test_children, test_spiders, train_validation,
    validation_spiders,
};
use crate::data::{Example, Kind};
use crate::error::RulerError;
use crate::evaluate::{
    Assessment, assess_one, auroc, auroc_standard_error, coverage90, image_seed, mean_error,
    mode_share, rate_above, rmse, threshold_at_false_alarm,
};
use crate::inference::{check_sample_count, sample_heights};
use crate::model::BayesianCnn;
use crate::verdict::{ChildWidth, SPREAD_SCORES, spread_score};

/// Base of every image's seed (`image_seed`); fixed, so that `eval` gives the same figures on
/// every run and with any number of jobs.
const EVAL_SEED: u64 = 7;

/// The size of the test set's children and spiders before 2026-11-27; the report keeps the
/// figures of those first images apart.
const FIRST_TEST_SET: usize = 200;

/// The sets `eval` samples, in this order (a worker process rebuilds the same lists).
pub(super) const HELD_OUT: usize = 0;
const VALIDATION_SPIDERS: usize = 1;
const TEST_CHILDREN: usize = 2;
const TEST_SPIDERS: usize = 3;
const TEST_CATS: usize = 4;

/// What `eval` samples, and how the held-out children were put together.
pub(super) struct EvalSets {
    pub(super) sets: [Vec<Example>; 5],
    n_validation: usize,
    n_calibration: usize,
}

pub(super) fn count(options: &Options, name: &str, default: f64) -> Result<usize, RulerError> {
    let n = options.number(name, default)?;
    if n.fract() != 0.0 || !(0.0..=100_000.0).contains(&n) {
        return Err(RulerError::InvalidInput(format!(
            "--{name} must be a whole number from 0 to 100000, got {n}"
        )));
    }
    Ok(n as usize)
}

/// The weights of `--weights` (default: the embedded ones), tempered by `--temper β` when given
/// (how `calibrate` tries a β in every worker, and how a β can be checked by hand).
fn load_tempered(options: &Options, device: &Device) -> Result<BayesianCnn, RulerError> {
    let model = load_weights(options, device)?;
    match options.get("temper") {
        Some(_) => temper(model, options.number("temper", 1.0)?),
        None => Ok(model),
    }
}

/// Which weights a report describes, with the tempering applied on top of them if any.
fn weights_label(options: &Options) -> String {
    let weights = options
        .get("weights")
        .unwrap_or("trained/model.bpk (embedded)");
    match options.get("temper") {
        Some(beta) => format!("{weights}, tempered by β = {beta}"),
        None => weights.to_string(),
    }
}

fn held_out_only(options: &Options) -> bool {
    options.get("held-out-only").is_some_and(|v| v != "false")
}

pub(super) fn eval_sets(options: &Options) -> Result<EvalSets, RulerError> {
    // The test set: 1000 children and 1000 spiders since 2026-11-27 (200 each before; the first
    // 200 of each are the same images, sampled from the same seeds). 200 × 200 resolves the
    // AUROC only to about ±0.005.
    let n_spiders = count(options, "spiders", 1000.0)?;
    let n_children = count(options, "children", 1000.0)?;
    // The spiders that choose the spread score, apart from the test set's size.
    let n_validation_spiders = count(options, "validation-spiders", 100.0)?;
    let n_cats = count(options, "cats", 100.0)?;
    let n_calibration = count(options, "calibration-children", 400.0)?;
    // The verdict is calibrated on held-out children: the validation split plus a calibration
    // set of its own (a 2% false-alarm threshold on 83 children rests on two scores).
    let (_, mut held_out) = train_validation(DATA_SEED);
    let n_validation = held_out.len();
    held_out.extend(calibration_children(DATA_SEED, n_calibration));
    let validation_spiders = validation_spiders(DATA_SEED, n_validation_spiders);
    let tests = if held_out_only(options) {
        [Vec::new(), Vec::new(), Vec::new()]
    } else {
        [
            test_children(DATA_SEED, n_children),
            test_spiders(DATA_SEED, n_spiders),
            test_cats(DATA_SEED, n_cats),
        ]
    };
    let [children, spiders, cats] = tests;
    Ok(EvalSets {
        sets: [held_out, validation_spiders, children, spiders, cats],
        n_validation,
        n_calibration,
    })
}

/// Samples this process's share of the images: image `p` of the sets laid end to end belongs to
/// process `p mod jobs`. Each image is sampled from its own seed.
fn assess_share(
    model: &BayesianCnn,
    sets: &[Vec<Example>],
    passes: usize,
    device: &Device,
    (share, jobs): (usize, usize),
    mut each: impl FnMut(usize, usize, Assessment) -> Result<(), RulerError>,
) -> Result<(), RulerError> {
    let total: usize = sets.iter().map(Vec::len).sum();
    let images = sets
        .iter()
        .enumerate()
        .flat_map(|(set, examples)| examples.iter().enumerate().map(move |(i, e)| (set, i, e)));
    for (p, (set, index, example)) in images.enumerate().filter(|(p, _)| p % jobs == share) {
        device.seed(image_seed(EVAL_SEED, set, index));
        each(set, index, assess_one(model, example, passes, device)?)?;
        if share == 0 && (p / jobs) % 50 == 49 {
            eprintln!("  sampled {} of {total} images", p + 1);
        }
    }
    Ok(())
}

/// `eval --worker k/J`: samples share k and prints one JSON line `[set, index, assessment]` per
/// image for the process that started it.
fn worker(options: &Options, spec: &str) -> Result<(), RulerError> {
    let bad = || RulerError::InvalidInput(format!("--worker must be k/J with k < J, got `{spec}`"));
    let (k, j) = spec.split_once('/').ok_or_else(bad)?;
    let (share, jobs): (usize, usize) =
        (k.parse().map_err(|_| bad())?, j.parse().map_err(|_| bad())?);
    if share >= jobs {
        return Err(bad());
    }
    let passes = check_sample_count(options.number("passes", 1000.0)?)?;
    let device = Device::flex();
    let model = load_tempered(options, &device)?;
    let data = eval_sets(options)?;
    assess_share(
        &model,
        &data.sets,
        passes,
        &device,
        (share, jobs),
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

fn spawn_workers(options: &Options, jobs: usize) -> Result<Vec<Worker>, RulerError> {
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
                .arg("eval")
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
/// same program with `--worker k/J`). Per-image seeds make the result independent of `jobs`.
pub(super) fn assess_all(
    model: &BayesianCnn,
    sets: &[Vec<Example>],
    passes: usize,
    device: &Device,
    options: &Options,
    jobs: usize,
) -> Result<Vec<Vec<Assessment>>, RulerError> {
    let workers = spawn_workers(options, jobs)?;
    let mut slots: Vec<Vec<Option<Assessment>>> =
        sets.iter().map(|s| vec![None; s.len()]).collect();
    // On an error the remaining workers are dropped, which stops them.
    assess_share(model, sets, passes, device, (0, jobs), |set, i, a| {
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

/// RMSE, coverage and mean error of groups of test children (by pose, by height band): where
/// the model misses, not only how much.
fn breakdown<K: Ord>(
    children: &[Example],
    kids: &[Assessment],
    key: impl Fn(&Example) -> K,
    label: impl Fn(&K) -> String,
) -> Vec<serde_json::Value> {
    let mut groups = std::collections::BTreeMap::<K, Vec<Assessment>>::new();
    for (e, a) in children.iter().zip(kids) {
        groups.entry(key(e)).or_default().push(a.clone());
    }
    groups
        .into_iter()
        .map(|(k, g)| {
            serde_json::json!({
                "group": label(&k),
                "children": g.len(),
                "rmse_px": rmse(&g),
                "mean_error_px": mean_error(&g),
                "coverage90": coverage90(&g),
            })
        })
        .collect()
}

fn by_pose(children: &[Example], kids: &[Assessment]) -> Vec<serde_json::Value> {
    let pose = |e: &Example| match e.kind {
        Kind::Child(pose) => pose.name().to_string(),
        _ => "not a child".into(),
    };
    breakdown(children, kids, pose, String::clone)
}

/// Bands of 20 px of true height.
fn by_height(children: &[Example], kids: &[Assessment]) -> Vec<serde_json::Value> {
    let band = |e: &Example| 20 * (e.height as u32 / 20);
    breakdown(children, kids, band, |b| format!("{b}–{} px", b + 19))
}

/// The figures of the quality targets on a set of test children and spiders (scored by the
/// shipped rule, `threshold` on their spread scores).
fn target_figures(
    kids: &[Assessment],
    kid_scores: &[f64],
    bug_scores: &[f64],
    threshold: f64,
) -> serde_json::Map<String, serde_json::Value> {
    let auroc_spiders = auroc(bug_scores, kid_scores);
    object(serde_json::json!({
        "children": kids.len(),
        "spiders": bug_scores.len(),
        "rmse_px": rmse(kids),
        "coverage90": coverage90(kids),
        "auroc_child_vs_spider": auroc_spiders,
        "auroc_child_vs_spider_standard_error": auroc_standard_error(auroc_spiders, bug_scores.len(), kids.len()),
        "false_alarm_rate": rate_above(kid_scores, threshold),
        "spider_detection_rate": rate_above(bug_scores, threshold),
    }))
}

/// The fields of a `json!({..})` object.
fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// `--jobs J` (default: one per core), never more than there are images (more processes would
/// only start idle workers).
pub(super) fn job_count(options: &Options, images: usize) -> Result<usize, RulerError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(count(options, "jobs", cores as f64)?
        .max(1)
        .min(images.max(1)))
}

pub(super) fn eval(options: &Options) -> Result<(), RulerError> {
    if let Some(spec) = options.get("worker") {
        return worker(options, spec);
    }
    // The page's default: the threshold and the figures hold for what a visitor sees (fewer
    // passes estimate each interval less precisely, so children's widths scatter more).
    let passes = check_sample_count(options.number("passes", 1000.0)?)?;
    let dir = options.get("report-dir").unwrap_or("trained");
    let device = Device::flex();
    let model = load_tempered(options, &device)?;
    let data = eval_sets(options)?;
    let total: usize = data.sets.iter().map(Vec::len).sum();
    let jobs = job_count(options, total)?;
    eprintln!("sampling {total} images × {passes} passes on {jobs} process(es)…");
    let results = assess_all(&model, &data.sets, passes, &device, options, jobs)?;
    let (val, val_spiders) = (&results[HELD_OUT], &results[VALIDATION_SPIDERS]);
    let (kids, bugs, cats) = (
        &results[TEST_CHILDREN],
        &results[TEST_SPIDERS],
        &results[TEST_CATS],
    );
    // The spread score is chosen on validation data only: children vs validation spiders. The
    // children's interval widths by measured height come from the same held-out children.
    let child_width = ChildWidth::fit(&val.iter().map(Assessment::spread).collect::<Vec<_>>());
    let scores = |set: &[Assessment], name: &str| -> Vec<f64> {
        set.iter()
            .map(|a| spread_score(name, &a.spread(), child_width.as_ref()))
            .collect()
    };
    let candidates: Vec<(&str, f64)> = SPREAD_SCORES
        .into_iter()
        .map(|name| (name, auroc(&scores(val_spiders, name), &scores(val, name))))
        .collect();
    let (score, _) =
        candidates.iter().copied().fold(
            ("std", f64::MIN),
            |best, c| {
                if c.1 > best.1 { c } else { best }
            },
        );
    let false_alarm = 0.02;
    let val_scores = scores(val, score);
    let threshold = threshold_at_false_alarm(&val_scores, false_alarm);
    let validation = serde_json::json!({
        "children": val.len(),
        "children_from": format!("{} validation children of the 90/10 split + {} calibration children (own stream, never trained on)", data.n_validation, data.n_calibration),
        "spiders": val_spiders.len(),
        "auroc_by_score": candidates.iter().map(|(n, a)| serde_json::json!({"score": n, "auroc": a})).collect::<Vec<_>>(),
        "children_rmse_px": rmse(val),
        "children_coverage90": coverage90(val),
        "threshold_false_alarm_rate": false_alarm,
        "threshold": threshold,
        "child_width": child_width,
    });
    if held_out_only(options) {
        // For comparing weights without looking at the test set: nothing is written.
        let summary = serde_json::json!({
            "weights": weights_label(options),
            "passes_per_image": passes,
            "spread_score": score,
            "validation": validation,
            "held_out_children": {
                "rmse_px": rmse(val),
                "coverage90": coverage90(val),
                "validation_spider_detection_rate": rate_above(&scores(val_spiders, score), threshold),
                "by_pose": by_pose(&data.sets[HELD_OUT], val),
                "by_height": by_height(&data.sets[HELD_OUT], val),
            },
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        );
        return Ok(());
    }
    let (children, spiders) = (&data.sets[TEST_CHILDREN], &data.sets[TEST_SPIDERS]);
    let kid_scores = scores(kids, score);
    let bug_scores = scores(bugs, score);
    let cat_scores = scores(cats, score);
    let median = |scores: &[f64]| {
        crate::stats::Summary::of(&scores.iter().map(|&x| x as f32).collect::<Vec<_>>())
            .map(|s| s.median)
    };
    // One child and one spider over 1000 samples, as in the article.
    let one = |e: Option<&Example>, set: usize| -> Result<serde_json::Value, RulerError> {
        let Some(e) = e else {
            return Ok(serde_json::Value::Null);
        };
        device.seed(image_seed(EVAL_SEED ^ 1, set, 0));
        let s = sample_heights(&model, &e.pixels, 1000, &device)?;
        let (name, color) = if set == TEST_SPIDERS {
            ("spider", [200, 40, 40])
        } else {
            ("child", [51, 103, 214])
        };
        let counts =
            crate::stats::histogram(&s.iter().map(|&x| f64::from(x)).collect::<Vec<_>>(), 40)
                .counts;
        write(
            &format!("{dir}/histogram-{name}.png"),
            &crate::plot::bars(&counts, color)?,
        )?;
        let (lo, hi) = s
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        Ok(
            serde_json::json!({"true_height": e.height, "mode_share": mode_share(&s), "min": lo, "max": hi}),
        )
    };
    let mut test = target_figures(kids, &kid_scores, &bug_scores, threshold);
    test.extend(object(serde_json::json!({
        "median_score_children": median(&kid_scores),
        "median_score_spiders": median(&bug_scores),
        "cats": cats.len(),
        "auroc_child_vs_cat": auroc(&cat_scores, &kid_scores),
        "cat_detection_rate": rate_above(&cat_scores, threshold),
        "median_score_cats": median(&cat_scores),
        "children_by_pose": by_pose(children, kids),
        "children_by_height": by_height(children, kids),
    })));
    // The test set as it was before 2026-11-27 (its first 200 children and spiders, the same
    // images from the same seeds), so that the two measurements can be told apart.
    let first = |n: usize| n.min(FIRST_TEST_SET);
    let test_first_200 = target_figures(
        &kids[..first(kids.len())],
        &kid_scores[..first(kids.len())],
        &bug_scores[..first(bugs.len())],
        threshold,
    );
    let report = serde_json::json!({
        "weights": weights_label(options),
        "data_seed": DATA_SEED,
        "passes_per_image": passes,
        "spread_score": score,
        "spread_score_choice": "the candidate (std in px; cv = std / mean; ci90_rel = width of the central 90% interval / median; ci90_vs_children = that width / the width held-out children measured at the same median show, child_width.scale · median^child_width.exponent, fitted on the held-out children) with the highest AUROC of held-out children (validation + calibration) vs validation spiders; the test set is not used",
        "validation": validation,
        "test": test,
        "test_first_200": test_first_200,
        "one_child_1000_samples": one(children.first(), TEST_CHILDREN)?,
        "one_spider_1000_samples": one(spiders.first(), TEST_SPIDERS)?,
    });
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    write(&format!("{dir}/report.json"), text.as_bytes())?;
    let shipped = crate::verdict::Threshold {
        score: score.into(),
        threshold,
        validation_false_alarm_rate: Some(rate_above(&val_scores, threshold)),
        child_width: child_width.filter(|_| score == "ci90_vs_children"),
    };
    write(
        &format!("{dir}/threshold.json"),
        serde_json::to_string_pretty(&shipped)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    println!("{text}");
    Ok(())
}
