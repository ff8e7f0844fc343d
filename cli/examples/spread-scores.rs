//! Which statistic of the N heights best tells held-out children from generic negatives: the
//! shipped score (the 90% interval's width against children's at that height) beside other
//! widths, tail shapes and moments, each by its AUROC on images no choice has used before.
//! Nothing here reads an image of a test category (no stranger, spider or cat): the negatives
//! are `validation_negatives` (generic shapes of their own stream), the children the
//! calibration split. The children's width-vs-height fits come from the first half of the
//! children; the AUROCs from the second half against every negative.
//!
//! `cargo run --release --example spread-scores -- [CHILDREN] [NEGATIVES] [PASSES]`
//! (defaults 200, 300, 1000). Prints a markdown table; a registered use of it is in
//! trained/README.md.

use bayes_ruler_cli::evaluate::{auroc, image_seed};
use bayes_ruler_core::inference::sample_heights;
use bayes_ruler_core::stats::quantile_sorted;
use bayes_ruler_core::verdict::{ChildWidth, Spread, shipped_threshold};
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{calibration_children, validation_negatives};
use bayes_ruler_silhouettes::{Example, Kind};
use burn::tensor::Device;

/// Central interval coverages whose widths are compared.
const COVERAGES: [f64; 5] = [0.5, 0.8, 0.9, 0.95, 0.98];

/// A candidate score of one image's heights.
type Score<'a> = Box<dyn Fn(&Stats) -> f64 + 'a>;

/// What one image's heights give.
struct Stats {
    kind: String,
    median: f64,
    widths: [f64; 5],
    std: f64,
    kurtosis: f64,
    mode_share: f64,
    spread: Spread,
}

fn stats(example: &Example, heights: &[f32]) -> Stats {
    let mut sorted: Vec<f64> = heights.iter().map(|&h| h as f64).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / n;
    let m2 = sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let m4 = sorted.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    let q = |p: f64| quantile_sorted(&sorted, p);
    let median = q(0.5);
    let summary = bayes_ruler_core::stats::Summary::of(heights).expect("finite heights");
    Stats {
        kind: match example.kind {
            Kind::Negative(k) => format!("{k:?}"),
            _ => "child".into(),
        },
        median,
        widths: COVERAGES.map(|c| q(0.5 + c / 2.0) - q(0.5 - c / 2.0)),
        std: m2.sqrt(),
        kurtosis: m4 / (m2 * m2) - 3.0,
        mode_share: bayes_ruler_core::stats::mode_share(heights),
        spread: Spread::of(&summary),
    }
}

/// `value / expected(median)` with `expected` a power law fitted on children's (median, value).
fn against_children(fit: &[&Stats], value: impl Fn(&Stats) -> f64) -> impl Fn(&Stats) -> f64 {
    let as_spread = |s: &Stats| Spread {
        ci90: [0.0, value(s)],
        median: s.median,
        ..s.spread
    };
    let law = ChildWidth::fit(&fit.iter().map(|s| as_spread(s)).collect::<Vec<_>>())
        .expect("children of several heights");
    move |s: &Stats| value(s) / law.expected(s.median)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = |i: usize, default: usize| -> usize {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (n_children, n_negatives, passes) = (arg(1, 200), arg(2, 300), arg(3, 1000));
    let device = Device::flex();
    let model = load_embedded(&device)?;
    let sample =
        |set: usize, examples: Vec<Example>| -> Result<Vec<Stats>, Box<dyn std::error::Error>> {
            examples
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    device.seed(image_seed(11, set, i));
                    Ok(stats(
                        e,
                        &sample_heights(&model, &e.pixels, passes, &device)?,
                    ))
                })
                .collect()
        };
    let children = sample(0, calibration_children(DATA_SEED, n_children))?;
    let negatives = sample(1, validation_negatives(DATA_SEED, n_negatives))?;
    let (fit, held): (Vec<&Stats>, Vec<&Stats>) = {
        let (a, b) = children.split_at(children.len() / 2);
        (a.iter().collect(), b.iter().collect())
    };
    let threshold = shipped_threshold();
    let mut scores: Vec<(String, Score<'_>)> = vec![(
        "shipped: ci90_vs_children (threshold.json's fit)".into(),
        Box::new(move |s: &Stats| threshold.score_of(&s.spread)),
    )];
    for (k, c) in COVERAGES.iter().enumerate() {
        scores.push((
            format!("{:.0}% interval width vs children's (refitted)", c * 100.0),
            Box::new(against_children(&fit, move |s: &Stats| s.widths[k])),
        ));
    }
    scores.push((
        "std vs children's".into(),
        Box::new(against_children(&fit, |s: &Stats| s.std)),
    ));
    scores.push((
        "tail shape: 98% width / 50% width".into(),
        Box::new(|s: &Stats| s.widths[4] / s.widths[0].max(1e-9)),
    ));
    scores.push((
        "tail shape: 98% width / 90% width".into(),
        Box::new(|s: &Stats| s.widths[4] / s.widths[2].max(1e-9)),
    ));
    scores.push(("excess kurtosis".into(), Box::new(|s: &Stats| s.kurtosis)));
    scores.push((
        "1 − share within ±1 px of the mode".into(),
        Box::new(|s: &Stats| 1.0 - s.mode_share),
    ));
    let kinds: Vec<String> = {
        let mut k: Vec<String> = negatives.iter().map(|s| s.kind.clone()).collect();
        k.sort();
        k.dedup();
        k
    };
    println!(
        "{} held-out children (of {}; the rest fit the width laws), {} validation negatives, {passes} passes each\n",
        held.len(),
        children.len(),
        negatives.len()
    );
    println!(
        "| score | AUROC, negatives vs children | {} |",
        kinds.join(" | ")
    );
    println!("| --- | --- |{}", " --- |".repeat(kinds.len()));
    for (name, score) in &scores {
        let kids: Vec<f64> = held.iter().map(|s| score(s)).collect();
        let all: Vec<f64> = negatives.iter().map(score).collect();
        let per_kind: Vec<String> = kinds
            .iter()
            .map(|k| {
                let of: Vec<f64> = negatives
                    .iter()
                    .filter(|s| &s.kind == k)
                    .map(score)
                    .collect();
                format!("{:.3} ({})", auroc(&of, &kids), of.len())
            })
            .collect();
        println!(
            "| {name} | {:.3} | {} |",
            auroc(&all, &kids),
            per_kind.join(" | ")
        );
    }
    Ok(())
}
