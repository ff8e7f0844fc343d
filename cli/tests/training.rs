//! A fast smoke run of training, and the evaluation figures on known inputs.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_cli::evaluate::{auroc, auroc_standard_error, threshold_at_false_alarm};
use bayes_ruler_cli::train::{TrainConfig, train};
use bayes_ruler_core::stats::mode_share;
use bayes_ruler_silhouettes::dataset::{
    calibration_children, test_cats, test_children, test_spiders, train_validation,
};

#[test]
fn one_epoch_on_a_small_subset_trains_and_reports_its_loss_terms() {
    let (train_set, validation) = train_validation(2026);
    let config = TrainConfig::new().with_epochs(1).with_seed(3);
    let mut steps = 0;
    let (_model, history) = train(
        &config,
        &train_set[..20],
        &validation[..5],
        |_, _, _, _| steps += 1,
        |_, _| {},
    );
    assert_eq!(steps, 4, "20 examples in batches of 5");
    let e = &history[0];
    assert!(e.loss.is_finite() && e.val_mse.is_finite());
    // loss − MSE is exactly the KL term (the article's 12.59 = 5.15 + 7.43).
    assert!(
        (e.loss - e.mse - e.kl_term).abs() < 1e-3 * e.loss.abs(),
        "{e:?}"
    );
    // KL/N of TFP's initial posterior: 14 768 weights × (½(mu² + σ² − 1) − ln σ) / 836 ≈ 44.
    assert!((40.0..50.0).contains(&e.kl_term), "{e:?}");

    // The calibration experiment's knob: the same run with the KL term weighted twice.
    let (_, doubled) = train(
        &config.with_kl_weight(2.0),
        &train_set[..20],
        &validation[..5],
        |_, _, _, _| {},
        |_, _| {},
    );
    let d = &doubled[0];
    assert!(
        (d.loss - d.mse - d.kl_term).abs() < 1e-3 * d.loss.abs(),
        "{d:?}"
    );
    assert!((80.0..100.0).contains(&d.kl_term), "{d:?}");
}

#[test]
fn outlier_exposure_adds_its_hinge_on_the_negatives_passes_to_the_loss() {
    use bayes_ruler_cli::train::train_on;
    use bayes_ruler_silhouettes::dataset::training_negatives;
    use burn::tensor::Device;
    let (train_set, validation) = train_validation(2026);
    let negatives = training_negatives(2026, 20);
    let run = |config: &TrainConfig| {
        let data = (&train_set[..20], &validation[..5], &negatives[..]);
        train_on(
            &Device::flex(),
            None,
            config,
            data,
            |_, _, _, _| {},
            |_, _| {},
        )
        .1
    };
    let config = TrainConfig::new()
        .with_epochs(1)
        .with_seed(3)
        .with_negatives_per_step(2);
    let e = &run(&config)[0];
    // Two passes with independent weight draws disagree, but at the initial posterior
    // (sigma ≈ 0.05) by far less than the 8-px margin: the hinge is nearly weight × margin.
    assert!(e.negative_gap > 0.0 && e.negative_gap < 8.0, "{e:?}");
    assert!(
        e.negative_term > 0.5 * 0.1 * 8.0 && e.negative_term <= 0.1 * 8.0,
        "{e:?}"
    );
    assert!(
        (e.loss - e.mse - e.kl_term - e.negative_term).abs() < 1e-3 * e.loss.abs(),
        "{e:?}"
    );
    // A zero margin asks nothing: the term vanishes (the passes still run).
    let zero = &run(&config.clone().with_negative_margin(0.0))[0];
    assert_eq!(zero.negative_term, 0.0);
    assert!(zero.negative_gap > 0.0);
    // Without negatives per step, nothing is added.
    let plain = &run(&TrainConfig::new().with_epochs(1).with_seed(3))[0];
    assert_eq!((plain.negative_term, plain.negative_gap), (0.0, 0.0));
    assert_eq!(plain.child_gap, 0.0, "no child-gap term unless asked");
    // The child-gap term with no margin is its weight times the children's mean disagreement,
    // and it is all the loss holds beyond MSE, KL and the negatives' term.
    let pinned = &run(&config.clone().with_child_gap_weight(2.0))[0];
    assert!(pinned.child_gap > 0.0, "{pinned:?}");
    let beyond = pinned.loss - pinned.mse - pinned.kl_term - pinned.negative_term;
    assert!(
        (beyond - 2.0 * pinned.child_gap).abs() < 1e-3 * pinned.loss.abs(),
        "{pinned:?}"
    );
}

#[test]
fn data_sets_are_deterministic_and_labelled_by_measurement() {
    let (a, va) = train_validation(5);
    let (b, _) = train_validation(5);
    assert_eq!(a.len(), 753, "90% of the article's 836");
    assert_eq!(va.len(), 83);
    assert_eq!(a[17], b[17]);
    assert_ne!(a[17].pixels, train_validation(6).0[17].pixels);
    let cats = test_cats(5, 10);
    assert_eq!(cats, test_cats(5, 10));
    assert!(
        cats.iter()
            .all(|c| c.kind == bayes_ruler_silhouettes::Kind::Cat)
    );
    for e in a.iter().take(50).chain(&test_spiders(5, 10)).chain(&cats) {
        let rows: Vec<usize> = (0..126)
            .filter(|r| e.pixels[r * 126..(r + 1) * 126].iter().any(|&p| p > 0.5))
            .collect();
        assert_eq!(e.height as usize, rows.last().unwrap() - rows[0] + 1);
        // Placed inside the frame with a margin: the figure never touches the border.
        assert!(rows[0] >= 1 && *rows.last().unwrap() <= 124);
    }
    // The calibration children are their own set: deterministic, labelled children, none of
    // them a training, validation or test child.
    let calibration = calibration_children(5, 20);
    assert_eq!(calibration, calibration_children(5, 20));
    let test = test_children(5, 200);
    let others: Vec<_> = a.iter().chain(&va).chain(&test).collect();
    for e in &calibration {
        assert!(matches!(e.kind, bayes_ruler_silhouettes::Kind::Child(_)));
        assert!(others.iter().all(|o| o.pixels != e.pixels));
    }
    let heights: Vec<f32> = a.iter().map(|e| e.height).collect();
    let (lo, hi) = heights
        .iter()
        .fold((f32::MAX, f32::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    assert!(lo < 25.0 && hi > 90.0, "heights span {lo}–{hi}");
}

#[test]
fn evaluation_figures_on_known_inputs() {
    assert_eq!(auroc(&[3.0, 4.0], &[1.0, 2.0]), 1.0);
    assert_eq!(auroc(&[1.0], &[1.0]), 0.5);
    assert_eq!(auroc(&[1.0, 3.0], &[2.0]), 0.5);
    // 1-px bins 10 and 11 tie; the smaller wins; 10.0, 10.2, 10.9 lie within ±1 px of it.
    assert_eq!(mode_share(&[10.0, 10.2, 10.9, 11.4, 30.0]), 0.6);
    assert_eq!(mode_share(&[5.0, 5.0, 5.0, 9.0]), 0.75);
    let negatives: Vec<f64> = (1..=100).map(f64::from).collect();
    let t = threshold_at_false_alarm(&negatives, 0.02);
    assert_eq!(t, 98.0, "2 of 100 above");
}

#[test]
fn auroc_standard_error_follows_hanley_mcneil() {
    // At AUROC ½ it is the exact spread of the Mann–Whitney statistic under the null:
    // (n₁ + n₂ + 1) / (12 n₁ n₂).
    let null = auroc_standard_error(0.5, 100, 60);
    assert!(
        (null * null - 161.0 / (12.0 * 6000.0)).abs() < 1e-12,
        "{null}"
    );
    // The project's first test set (200 + 200) resolves an AUROC near 0.99 to about ±0.005;
    // five times as many images of each kind shrink that by about √5.
    let small = auroc_standard_error(0.989, 200, 200);
    let large = auroc_standard_error(0.989, 1000, 1000);
    assert!((0.004..0.006).contains(&small), "{small}");
    assert!(
        (small / large - 5f64.sqrt()).abs() < 0.05,
        "{small} / {large}"
    );
    assert_eq!(auroc_standard_error(1.0, 10, 10), 0.0);
    assert!(auroc_standard_error(0.9, 0, 10).is_nan());
}

#[test]
fn the_shipped_threshold_parses_and_decides() {
    use bayes_ruler_core::verdict::{SPREAD_SCORES, Spread, THRESHOLD_JSON, Threshold, verdict};
    let t: Threshold = serde_json::from_str(THRESHOLD_JSON).expect("trained/threshold.json");
    assert!(t.threshold.is_finite() && t.threshold > 0.0);
    assert!(
        SPREAD_SCORES.contains(&t.score.as_str()),
        "score {}",
        t.score
    );
    assert_eq!(
        t.child_width.is_some(),
        t.score == "ci90_vs_children",
        "the children's widths ship with the score that reads them"
    );
    // A rule written before `child_width` existed still reads.
    let old: Threshold = serde_json::from_str(
        r#"{"score":"ci90_rel","threshold":0.18,"validation_false_alarm_rate":0.02}"#,
    )
    .unwrap();
    assert_eq!(old.child_width, None);
    let spread = |std: f64, half_width: f64| Spread {
        mean: 60.0,
        std,
        median: 60.0,
        ci90: [60.0 - half_width, 60.0 + half_width],
        ranges: None,
    };
    assert_eq!(verdict(&spread(0.0, 0.0), &t), "confident");
    assert_eq!(verdict(&spread(f64::NAN, f64::NAN), &t), "uncertain");
    assert_eq!(verdict(&spread(1e6, 1e6), &t), "uncertain");
}

#[test]
fn spread_scores_read_what_they_say_and_the_interval_score_ignores_rare_outliers() {
    use bayes_ruler_core::stats::Summary;
    use bayes_ruler_core::verdict::{ChildWidth, Spread, spread_score};
    let s = Spread {
        mean: 50.0,
        std: 2.0,
        median: 40.0,
        ci90: [38.0, 46.0],
        ranges: None,
    };
    assert_eq!(spread_score("std", &s, None), 2.0);
    assert_eq!(spread_score("cv", &s, None), 0.04);
    assert_eq!(spread_score("ci90_rel", &s, None), 0.2);
    // Children measured at 40 px spread 0.5 · √40 ≈ 3.16 px; this one spreads 8.
    let children = ChildWidth {
        scale: 0.5,
        exponent: 0.5,
    };
    let v = spread_score("ci90_vs_children", &s, Some(&children));
    assert!((v - 8.0 / (0.5 * 40f64.sqrt())).abs() < 1e-12, "{v}");
    assert!(spread_score("ci90_vs_children", &s, None).is_nan());
    // 1000 samples spread evenly over 59–61 px, then the same with 4 far-out samples: the std
    // more than triples, the interval score hardly moves.
    let tight: Vec<f32> = (0..1000).map(|i| 59.0 + 2.0 * i as f32 / 999.0).collect();
    let mut tailed = tight.clone();
    tailed[..4].copy_from_slice(&[100.0, 110.0, 120.0, 10.0]);
    let score =
        |name: &str, x: &[f32]| spread_score(name, &Spread::of(&Summary::of(x).unwrap()), None);
    assert!(score("std", &tailed) > 3.0 * score("std", &tight));
    let (a, b) = (score("ci90_rel", &tight), score("ci90_rel", &tailed));
    assert!((b - a).abs() < 0.01 * a, "ci90_rel {a} vs {b}");
}

#[test]
fn augmentation_moves_and_mirrors_but_keeps_the_label() {
    use bayes_ruler_cli::train::augment;
    use bayes_ruler_silhouettes::Rng;
    let (train_set, _) = train_validation(2026);
    let mut rng = Rng::new(4);
    let count = |p: &[f32]| p.iter().filter(|&&v| v > 0.5).count();
    let height = |p: &[f32]| {
        let rows: Vec<usize> = (0..126)
            .filter(|&r| (0..126).any(|c| p[r * 126 + c] > 0.5))
            .collect();
        (rows[rows.len() - 1] - rows[0] + 1) as f32
    };
    let mut moved = 0;
    for e in train_set.iter().take(40) {
        let a = augment(e, 1.0, &mut rng);
        assert_eq!(a.height, e.height);
        assert_eq!(
            height(&a.pixels),
            e.height,
            "the label is the measured height"
        );
        assert_eq!(count(&a.pixels), count(&e.pixels), "no figure pixel lost");
        moved += usize::from(a.pixels != e.pixels);
    }
    assert!(moved > 30, "only {moved} of 40 examples changed");
    let again = augment(&train_set[0], 1.0, &mut Rng::new(9));
    assert_eq!(
        again,
        augment(&train_set[0], 1.0, &mut Rng::new(9)),
        "deterministic by seed"
    );
}

#[test]
fn scale_augmentation_relabels_with_the_measured_height() {
    use bayes_ruler_cli::train::augment;
    use bayes_ruler_silhouettes::Rng;
    let (train_set, _) = train_validation(2026);
    let mut rng = Rng::new(5);
    let rows = |p: &[f32]| -> Vec<usize> {
        (0..126)
            .filter(|&r| (0..126).any(|c| p[r * 126 + c] > 0.5))
            .collect()
    };
    let cols = |p: &[f32]| -> Vec<usize> {
        (0..126)
            .filter(|&c| (0..126).any(|r| p[r * 126 + c] > 0.5))
            .collect()
    };
    let (mut taller, mut shorter) = (0, 0);
    for e in train_set.iter().take(60) {
        let a = augment(e, 1.5, &mut rng);
        let r = rows(&a.pixels);
        assert_eq!(
            a.height,
            (r[r.len() - 1] - r[0] + 1) as f32,
            "label = measured rows"
        );
        let ratio = a.height / e.height;
        // Rounding of the crop and nearest-neighbour sampling move it by a pixel or two.
        assert!(
            ratio >= 1.0 / 1.5 - 2.0 / e.height && ratio <= 1.5 + 2.0 / e.height,
            "height {} → {}",
            e.height,
            a.height
        );
        // The width scales with the height (no row wraps into the next), and the figure is no
        // larger than the generated data allow (the frame less a 1-px margin on each side).
        let (w0, w1) = (cols(&e.pixels).len() as f32, cols(&a.pixels).len() as f32);
        assert!(
            (w1 - w0 * ratio).abs() <= 2.0 + 2.0 * w0 / e.height,
            "width {w0} → {w1} at height ratio {ratio}"
        );
        assert!(a.height <= 124.0 && w1 <= 124.0);
        taller += usize::from(a.height > e.height + 1.0);
        shorter += usize::from(a.height < e.height - 1.0);
    }
    assert!(
        taller > 10 && shorter > 10,
        "{taller} taller, {shorter} shorter of 60"
    );
}

#[test]
fn child_width_fit_recovers_a_power_law_and_refuses_a_single_height() {
    use bayes_ruler_core::verdict::{ChildWidth, Spread};
    // Widths exactly 0.4 · m^0.6 at 20 … 100 px.
    let children: Vec<Spread> = (1..=5)
        .map(|i| {
            let m = 20.0 * f64::from(i);
            let w = 0.4 * m.powf(0.6);
            Spread {
                mean: m,
                std: w / 3.3,
                median: m,
                ci90: [m - w / 2.0, m + w / 2.0],
                ranges: None,
            }
        })
        .collect();
    let fit = ChildWidth::fit(&children).unwrap();
    assert!(
        (fit.scale - 0.4).abs() < 1e-9 && (fit.exponent - 0.6).abs() < 1e-9,
        "{fit:?}"
    );
    assert!((fit.expected(50.0) - 0.4 * 50f64.powf(0.6)).abs() < 1e-9);
    assert_eq!(ChildWidth::fit(&children[..1]), None);
    assert_eq!(ChildWidth::fit(&[children[0]; 2]), None);
    // Many equal medians leave a rounding residue in the variance, not a second height.
    assert_eq!(ChildWidth::fit(&[children[3]; 7]), None);
    // A zero width (all samples equal) or a NaN is left out rather than fitted.
    let mut odd = children.clone();
    odd[0].ci90 = [20.0, 20.0];
    odd[1].median = f64::NAN;
    let fit = ChildWidth::fit(&odd).unwrap();
    assert!((fit.exponent - 0.6).abs() < 1e-9, "{fit:?}");
}

/// `eval` seeds every image on its own, so splitting the images over worker processes changes
/// nothing in its figures; bad options fail with a message, not a panic.
#[test]
fn eval_gives_the_same_figures_on_one_or_several_processes() {
    use std::process::Command;
    let eval = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_bayes-ruler"))
            .args(["eval", "--held-out-only"])
            .args(["--calibration-children", "6", "--validation-spiders", "4"])
            .args(extra)
            .output()
            .expect("run bayes-ruler");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, one, err) = eval(&["--jobs", "1", "--passes", "8"]);
    assert!(ok, "{err}");
    let (ok, two, err) = eval(&["--jobs", "2", "--passes", "8"]);
    assert!(ok, "{err}");
    assert_eq!(one, two, "one process vs two");
    let figures: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(figures["validation"]["children"], 83 + 6);
    assert_eq!(figures["validation"]["spiders"], 4);
    let rmse = figures["held_out_children"]["rmse_px"].as_f64().unwrap();
    assert!(rmse > 0.0 && rmse < 10.0, "held-out RMSE {rmse}");
    // The figures follow the samples: the equality above does not compare two constants.
    let (ok, fewer, _) = eval(&["--jobs", "2", "--passes", "9"]);
    assert!(ok);
    assert_ne!(one, fewer, "9 passes sample differently from 8");

    for (bad, says) in [
        (
            &["--jobs", "1.5"][..],
            "'--jobs <JOBS>': must be a whole number",
        ),
        // The workers' protocol is a command of its own, not an option.
        (&["--worker", "2/2"][..], "unexpected argument '--worker'"),
        (
            &["--children", "x"][..],
            "'--children <CHILDREN>': must be a whole number",
        ),
        (&["--temper", "0"][..], "β must be a number from 0.001"),
    ] {
        let (ok, _, err) = eval(bad);
        assert!(!ok && err.contains(says), "{bad:?}: {err}");
        assert!(!err.contains("panicked"), "{bad:?}: {err}");
    }
}

/// `calibrate` samples held-out children only, bisects the tempering factor β towards the
/// target coverage, and writes the input weights tempered by the β it reports and recentred by
/// the offset it reports.
#[test]
fn calibrate_writes_the_weights_tempered_by_the_factor_it_fitted() {
    use bayes_ruler_cli::calibration::temper;
    use bayes_ruler_core::weights::load_model;
    use burn::tensor::{Device, Tensor};
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("bayes-ruler-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../trained/posterior-as-trained.bpk"
    );
    let out = dir.join("model.bpk");
    let calibrate = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bayes-ruler"))
            .args([
                "calibrate",
                "--weights",
                input,
                "--out",
                out.to_str().unwrap(),
            ])
            .args(["--passes", "8", "--calibration-children", "6"])
            .args(extra)
            .output()
            .expect("run bayes-ruler")
    };
    let run = calibrate(&["--jobs", "2", "--steps", "3"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("calibration.json")).unwrap()).unwrap();
    let beta = record["beta"].as_f64().unwrap();
    let offset = record["offset_px"].as_f64().unwrap();
    let trials = record["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 3);
    // Bisection over log₂ β ∈ [−1, 3]: the first trial is β = 2, the next halves the bracket.
    assert_eq!(trials[0]["beta"].as_f64(), Some(2.0));
    let first_covers = trials[0]["coverage90"].as_f64().unwrap() >= 0.9;
    let second = trials[1]["beta"].as_f64().unwrap();
    assert_eq!(second, if first_covers { 1.0 } else { 4.0 });
    assert!((0.5..=8.0).contains(&beta), "β = {beta}");

    let device = Device::flex();
    let trained = load_model(&std::fs::read(input).unwrap(), &device).unwrap();
    let written = load_model(&std::fs::read(&out).unwrap(), &device).unwrap();
    let expected = temper(trained.clone(), beta).unwrap();
    let values = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
    let (w, e) = (
        values(written.dense.kernel.sigma()),
        values(expected.dense.kernel.sigma()),
    );
    assert!(
        w.iter()
            .zip(&e)
            .all(|(a, b)| (a - b).abs() <= 1e-6 * b.max(1.0))
    );
    assert_eq!(
        values(written.dense.kernel.mu.val()),
        values(trained.dense.kernel.mu.val())
    );
    // The heights are recentred by the recorded offset, through the dense layer's bias.
    let bias =
        |m: &bayes_ruler_core::BayesianCnn| m.dense.kernel.bias.val().into_scalar::<f32>() as f64;
    assert!(offset.is_finite() && offset.abs() < 50.0, "offset {offset}");
    assert!((bias(&trained) - offset - bias(&written)).abs() < 1e-4);
    if beta > 1.0 {
        assert!(w.iter().sum::<f32>() > values(trained.dense.kernel.sigma()).iter().sum::<f32>());
    }

    for (bad, says) in [
        (
            &["--target", "1"][..],
            "must be a coverage from 0.5 to below 1",
        ),
        (&["--steps", "x"][..], "'--steps <STEPS>'"),
        (&["--steps", "0"][..], "0 is not in 1..=20"),
    ] {
        let run = calibrate(bad);
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(
            !run.status.success() && err.contains(says),
            "{bad:?}: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
