//! The verdict a user reaches by pressing "Draw more" until it is decided: start at N passes
//! and, while the verdict is "undecided", add as many passes again (doubling, up to a cap),
//! every pass its own draw of every weight. On the strangers' consistency subset (the first 50
//! test children and the first 5 of each of the 19 out-of-distribution sets), from N = 300, 1000
//! and 3000 with independent draws for each start: how often the final verdicts agree, how often
//! one is confident and another uncertain, how many stay undecided at the cap, and the passes
//! spent. The shipped weights, threshold and rule; nothing is chosen from these images.
//!
//! `cargo run --example until-decided -- [CAP]` (default 10 000). Registered in trained/README.md.

use bayes_ruler_cli::evaluate::image_seed;
use bayes_ruler_core::inference::sample_heights;
use bayes_ruler_core::stats::Summary;
use bayes_ruler_core::verdict::{Spread, decide, shipped_threshold};
use bayes_ruler_core::weights::load_embedded;
use bayes_ruler_silhouettes::Category;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{test_cats, test_children, test_spiders, test_strangers};
use burn::tensor::Device;

const STARTS: [usize; 3] = [300, 1000, 3000];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cap: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let device = Device::flex();
    let model = load_embedded(&device)?;
    let threshold = shipped_threshold();
    let mut sets = vec![
        test_children(DATA_SEED, 50),
        test_spiders(DATA_SEED, 5),
        test_cats(DATA_SEED, 5),
    ];
    sets.extend(
        Category::ALL
            .iter()
            .map(|&c| test_strangers(DATA_SEED, c, 5)),
    );
    let images: Vec<(usize, usize, &[f32])> = sets
        .iter()
        .enumerate()
        .flat_map(|(s, set)| {
            set.iter()
                .enumerate()
                .map(move |(i, e)| (s, i, &e.pixels[..]))
        })
        .collect();
    // verdicts[start][image], passes[start][image]
    let mut verdicts = vec![Vec::new(); STARTS.len()];
    let mut passes = vec![Vec::new(); STARTS.len()];
    for (k, &start) in STARTS.iter().enumerate() {
        for &(set, index, pixels) in &images {
            device.seed(image_seed(13 + start as u64, set, index));
            let mut heights = sample_heights(&model, pixels, start, &device)?;
            let verdict = loop {
                let summary = Summary::of(&heights).ok_or("non-finite heights")?;
                let verdict = decide(&Spread::of(&summary), &threshold).verdict;
                if verdict != "undecided" || heights.len() >= cap {
                    break verdict;
                }
                let more = heights.len().min(cap - heights.len());
                heights.extend(sample_heights(&model, pixels, more, &device)?);
            };
            verdicts[k].push(verdict);
            passes[k].push(heights.len());
        }
        eprintln!("start {start}: done");
    }
    let n = images.len() as f64;
    let same = (0..images.len())
        .filter(|&i| verdicts.iter().all(|v| v[i] == verdicts[0][i]))
        .count();
    let contradict = (0..images.len())
        .filter(|&i| {
            let at: Vec<&str> = verdicts.iter().map(|v| v[i]).collect();
            at.contains(&"confident") && at.contains(&"uncertain")
        })
        .count();
    println!("{} images, cap {cap} passes\n", images.len());
    println!(
        "| start | confident | undecided at the cap | uncertain | mean passes | most passes |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (k, &start) in STARTS.iter().enumerate() {
        let share = |v: &str| verdicts[k].iter().filter(|&&x| x == v).count() as f64 / n;
        println!(
            "| {start} | {:.1}% | {:.1}% | {:.1}% | {:.0} | {} |",
            100.0 * share("confident"),
            100.0 * share("undecided"),
            100.0 * share("uncertain"),
            passes[k].iter().sum::<usize>() as f64 / n,
            passes[k].iter().max().unwrap_or(&0)
        );
    }
    println!(
        "\nsame final verdict from all three starts: {:.1}%; confident from one start and uncertain from another: {:.1}%",
        100.0 * same as f64 / n,
        100.0 * contradict as f64 / n
    );
    Ok(())
}
