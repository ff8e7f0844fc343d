//! The shipped .bpk decodes into the architecture; records round-trip; bad bytes are refused.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_core::BayesianCnnConfig;
use bayes_ruler_core::RulerError;
use bayes_ruler_core::inference::image_tensor;
use bayes_ruler_core::weights::{EMBEDDED_WEIGHTS, load_embedded, load_model};
use bayes_ruler_silhouettes::demo_silhouette;
use burn::module::Module;
use burn::tensor::Device;
use std::sync::{Mutex, MutexGuard};

/// burn-flex keeps one random generator for the whole process, so every test here that draws
/// (loading weights draws a fresh network first) takes its turn: otherwise their draws
/// interleave and a fixed slice's figures change from run to run.
fn seeded_flex(seed: u64) -> (MutexGuard<'static, ()>, Device) {
    static RNG: Mutex<()> = Mutex::new(());
    let turn = RNG.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let device = Device::flex();
    device.seed(seed);
    (turn, device)
}

#[test]
fn embedded_weights_fit_the_architecture() {
    // Loading draws a fresh network first: it takes its turn too.
    let (_turn, device) = seeded_flex(1);
    let model = load_embedded(&device).expect("trained/model.bpk must decode");
    // 2 × (400 + 12 800 + 2 048) kernel parameters (mu, rho) + 16 + 32 + 1 biases.
    assert_eq!(model.num_params(), 2 * (400 + 12_800 + 2_048) + 49);
    let kl = model.kl().into_data().try_into_vec::<f32>().unwrap()[0];
    assert!(kl.is_finite() && kl > 0.0, "KL {kl}");
}

#[test]
fn a_record_round_trips_through_bytes() {
    let (_turn, device) = seeded_flex(9);
    let model = BayesianCnnConfig::new().init(&device);
    let image = image_tensor(demo_silhouette().pixels(), &device).unwrap();
    let before = model
        .forward_mean(image.clone())
        .into_data()
        .try_into_vec::<f32>()
        .unwrap();
    let bytes = model.into_record().into_bytes().unwrap();
    let loaded = load_model(&bytes, &device).unwrap();
    let after = loaded
        .forward_mean(image)
        .into_data()
        .try_into_vec::<f32>()
        .unwrap();
    assert_eq!(before, after);
}

#[test]
fn corrupt_weights_are_an_error_not_a_panic() {
    let (_turn, device) = seeded_flex(2);
    let truncated = &EMBEDDED_WEIGHTS[..EMBEDDED_WEIGHTS.len() / 2];
    assert!(matches!(
        load_model(truncated, &device),
        Err(RulerError::Weights(_))
    ));
    assert!(matches!(
        load_model(b"not a burnpack", &device),
        Err(RulerError::Weights(_))
    ));
}

/// The committed weights against the committed report, on a small fixed slice of the test set
/// (32 children, 32 spiders, 60 passes each): a regression check with honest bounds for the
/// sampling noise of a slice. The quality targets themselves (RMSE ≤ 2 px, coverage 85–95%,
/// AUROC ≥ 0.99) are reported by `bayes-ruler eval` in trained/README.md, met or not.
#[test]
fn committed_weights_do_what_their_report_says() {
    use bayes_ruler_cli::evaluate::{assess, auroc, coverage90, rmse};
    use bayes_ruler_core::verdict::shipped_threshold;
    use bayes_ruler_silhouettes::constants::DATA_SEED;
    use bayes_ruler_silhouettes::dataset::{test_children, test_spiders};

    let report: serde_json::Value =
        serde_json::from_str(include_str!("../../trained/report.json")).unwrap();
    let test = &report["test"];
    let number = |key: &str| {
        test[key]
            .as_f64()
            .unwrap_or_else(|| panic!("report.test.{key}"))
    };
    let (_turn, device) = seeded_flex(17);
    let model = load_embedded(&device).unwrap();
    let children = assess(&model, &test_children(DATA_SEED, 32), 60, &device).unwrap();
    let spiders = assess(&model, &test_spiders(DATA_SEED, 32), 60, &device).unwrap();
    let threshold = shipped_threshold();
    let score = |set: &[bayes_ruler_cli::evaluate::Assessment]| -> Vec<f64> {
        set.iter()
            .map(|a| threshold.score_of(&a.spread()))
            .collect()
    };
    let (r, c, a) = (
        rmse(&children),
        coverage90(&children),
        auroc(&score(&spiders), &score(&children)),
    );
    eprintln!("slice: RMSE {r:.2} px, coverage {c:.2}, AUROC {a:.3}; report: {test}");
    assert!(r <= 1.5 * number("rmse_px") + 0.5, "RMSE {r:.2} px");
    assert!(c >= number("coverage90") - 0.2, "coverage {c:.2}");
    assert!(a >= number("auroc_child_vs_spider") - 0.15, "AUROC {a:.3}");
}

/// `reframe` carries an unframed network over exactly: the framed network's mean pass on the
/// image moved one pixel up and left sees what the old one saw (the frame stands in for the
/// old zero padding), and the new dense cells start at zero mean, so the heights agree.
#[test]
fn reframed_weights_measure_what_the_unframed_ones_did() {
    use bayes_ruler_core::weights::{load_model_as, reframe};
    let (_turn, device) = seeded_flex(31);
    let unframed = BayesianCnnConfig::new().with_frame(0);
    let old = unframed.init(&device);
    let pixels = demo_silhouette().into_pixels();
    assert!(pixels[..126].iter().all(|&p| p == 0.0) && (0..126).all(|r| pixels[r * 126] == 0.0));
    let mut moved = vec![0.0; 126 * 126];
    for r in 0..125 {
        for c in 0..125 {
            moved[r * 126 + c] = pixels[(r + 1) * 126 + c + 1];
        }
    }
    let height = |m: &bayes_ruler_core::BayesianCnn, p: &[f32]| {
        let x = image_tensor(p, &device).unwrap();
        m.forward_mean(x).into_data().try_into_vec::<f32>().unwrap()[0]
    };
    let before = height(&old, &pixels);
    // Through bytes, as the command does.
    let bytes = old.clone().into_record().into_bytes().unwrap();
    let old = load_model_as(&bytes, &unframed, &device).unwrap();
    let new = reframe(old, &device).unwrap();
    assert_eq!(new.frame, 1);
    let after = height(&new, &moved);
    assert!((before - after).abs() < 1e-3, "{before} vs {after}");
    // Framed weights are refused: there is nothing to carry over.
    assert!(reframe(new, &device).is_err());
}
