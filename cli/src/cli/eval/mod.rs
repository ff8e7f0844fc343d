//! `bayes-ruler eval`: every figure of the report, recomputed from the weights and the generated
//! sets, with the images' sampling split over several processes.

//! The arguments and the sets they make are in `args.rs`, the report's groupings in `figures.rs`.

mod args;
mod figures;

use burn::tensor::Device;

use super::pool::{EVAL_SEED, Job, Plan, assess_all};
use super::write;
use crate::evaluate::{
    Assessment, auroc, coverage90, image_seed, rate_above, rmse, threshold_at_false_alarm,
};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::sample_heights;
use bayes_ruler_core::verdict::{ChildWidth, SPREAD_SCORES, spread_score};
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::{Example, Kind, NegativeKind};
use figures::{by_height, by_pose, object, target_figures};

pub use args::EvalArgs;
pub(super) use args::HELD_OUT;
use args::{
    FIRST_TEST_SET, TEST_CATS, TEST_CHILDREN, TEST_SPIDERS, VALIDATION_NEGATIVES,
    VALIDATION_POLYGONS, VALIDATION_SPIDERS,
};

pub(super) fn eval(args: &EvalArgs) -> Result<(), RulerError> {
    // The page's default: the threshold and the figures hold for what a visitor sees (fewer
    // passes estimate each interval less precisely, so children's widths scatter more).
    let passes = args.passes;
    let dir = args.report_dir.as_str();
    let device = Device::flex();
    let model = args.load_tempered(&device)?;
    let data = args.sets()?;
    let plan = Plan::new(args.jobs, &data.sets, passes, args.sampling_seed);
    let results = assess_all(
        &model,
        &data.sets,
        &device,
        (&Job::Eval(args.clone()), plan),
    )?;
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
    // The verdict's threshold file: shipped by a full eval, written on request by a held-out one.
    let chosen = bayes_ruler_core::verdict::Threshold {
        score: score.into(),
        threshold,
        validation_false_alarm_rate: Some(rate_above(&val_scores, threshold)),
        child_width: child_width.filter(|_| score == "ci90_vs_children"),
    };
    if args.held_out_only {
        let negatives = &results[VALIDATION_NEGATIVES];
        let negative_scores = scores(negatives, score);
        let polygon_scores = scores(&results[VALIDATION_POLYGONS], score);
        // For comparing weights without looking at the test set: nothing is written.
        let summary = serde_json::json!({
            "weights": args.weights_label(),
            "passes_per_image": passes,
            "spread_score": score,
            "validation": validation,
            "held_out_children": {
                "rmse_px": rmse(val),
                "coverage90": coverage90(val),
                "validation_spider_detection_rate": rate_above(&scores(val_spiders, score), threshold),
                "validation_negatives": data.sets[VALIDATION_NEGATIVES].len(),
                // null, not 0, when no negatives were asked for (--validation-negatives 0).
                "validation_negative_detection_rate": (!negatives.is_empty()).then(|| rate_above(&negative_scores, threshold)),
                "auroc_child_vs_validation_negative": (!negatives.is_empty()).then(|| auroc(&negative_scores, &val_scores)),
                "validation_negatives_by_kind": negatives_by_kind(&data.sets[VALIDATION_NEGATIVES], &negative_scores, threshold),
                "validation_polygons": polygon_scores.len(),
                "validation_polygon_detection_rate": (!polygon_scores.is_empty()).then(|| rate_above(&polygon_scores, threshold)),
                "auroc_child_vs_validation_polygon": (!polygon_scores.is_empty()).then(|| auroc(&polygon_scores, &val_scores)),
                "by_pose": by_pose(&data.sets[HELD_OUT], val),
                "by_height": by_height(&data.sets[HELD_OUT], val),
            },
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        );
        // The threshold these weights would ship with, for `strangers --threshold`.
        if let Some(path) = &args.threshold_out {
            write(
                path,
                serde_json::to_string_pretty(&chosen)
                    .unwrap_or_default()
                    .as_bytes(),
            )?;
        }
        return Ok(());
    }
    let (children, spiders) = (&data.sets[TEST_CHILDREN], &data.sets[TEST_SPIDERS]);
    let kid_scores = scores(kids, score);
    let bug_scores = scores(bugs, score);
    let cat_scores = scores(cats, score);
    let median = |scores: &[f64]| {
        bayes_ruler_core::stats::Summary::of(&scores.iter().map(|&x| x as f32).collect::<Vec<_>>())
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
        let counts = bayes_ruler_core::stats::histogram(
            &s.iter().map(|&x| f64::from(x)).collect::<Vec<_>>(),
            40,
        )
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
            serde_json::json!({"true_height": e.height, "mode_share": bayes_ruler_core::stats::mode_share(&s), "min": lo, "max": hi}),
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
        "weights": args.weights_label(),
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
    write(
        &format!("{dir}/threshold.json"),
        serde_json::to_string_pretty(&chosen)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    println!("{text}");
    Ok(())
}

/// Of each kind of generic negative: how many, and the share above the threshold.
fn negatives_by_kind(
    examples: &[Example],
    scores: &[f64],
    threshold: f64,
) -> Vec<serde_json::Value> {
    NegativeKind::ALL
        .iter()
        .filter_map(|&kind| {
            let of_kind: Vec<f64> = examples
                .iter()
                .zip(scores)
                .filter(|(e, _)| e.kind == Kind::Negative(kind))
                .map(|(_, &s)| s)
                .collect();
            (!of_kind.is_empty()).then(|| {
                serde_json::json!({
                    "kind": format!("{kind:?}"),
                    "negatives": of_kind.len(),
                    "detection_rate": rate_above(&of_kind, threshold),
                })
            })
        })
        .collect()
}
