//! Summaries of sampled heights.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_core::stats::{Summary, histogram, ks_two_sample, quantile_sorted};

#[test]
fn quantiles_interpolate_between_order_statistics() {
    let sorted: Vec<f64> = (1..=11).map(f64::from).collect();
    assert_eq!(quantile_sorted(&sorted, 0.5), 6.0);
    assert_eq!(quantile_sorted(&sorted, 0.05), 1.5);
    assert_eq!(quantile_sorted(&sorted, 0.95), 10.5);
    assert_eq!(quantile_sorted(&sorted, 0.0), 1.0);
}

#[test]
fn histogram_counts_every_sample_once() {
    let samples: Vec<f64> = (0..1000).map(|i| (i % 97) as f64 * 0.37).collect();
    let h = histogram(&samples, 40);
    assert_eq!(h.edges.len(), 41);
    assert_eq!(h.counts.iter().sum::<u32>(), 1000);
    assert_eq!(h.edges[0], 0.0);
    assert!((h.edges[40] - 96.0 * 0.37).abs() < 1e-9);
    // Exactly one sample at each value: the bin of 0.0 holds the multiples that round into it.
    let expected_first = samples.iter().filter(|&&x| x < h.edges[1]).count() as u32;
    assert_eq!(h.counts[0], expected_first);
    let constant = histogram(&[5.0, 5.0, 5.0], 10);
    assert_eq!(constant.edges[0], 4.5);
    assert_eq!(constant.counts.iter().sum::<u32>(), 3);
}

#[test]
fn summary_reports_moments_and_interval() {
    let samples: Vec<f32> = (0..=100).map(|i| i as f32).collect();
    let s = Summary::of(&samples).unwrap();
    assert_eq!(s.mean, 50.0);
    assert_eq!(s.median, 50.0);
    assert_eq!(s.ci90, [5.0, 95.0]);
    let expected_std = ((0..=100).map(|i| (i as f64 - 50.0).powi(2)).sum::<f64>() / 100.0).sqrt();
    assert!((s.std - expected_std).abs() < 1e-9);
    assert!(Summary::of(&[]).is_none());
    assert!(Summary::of(&[1.0, f32::NAN]).is_none());
    assert_eq!(Summary::of(&[3.0]).unwrap().std, 0.0);
}

#[test]
fn kolmogorov_smirnov_measures_the_cdf_gap_and_its_significance() {
    let a: Vec<f32> = (0..100).map(|i| i as f32).collect();
    let shifted: Vec<f32> = a.iter().map(|x| x + 20.0).collect();
    let (d, p) = ks_two_sample(&a, &shifted);
    assert!((d - 0.2).abs() < 1e-9, "D = {d}");
    // Asymptotic p for D = 0.2, n = m = 100: 2 Σ (−1)^(k−1) e^(−2k²λ²), λ = (√50 + 0.12 + 0.11/√50)·0.2.
    assert!((0.025..0.04).contains(&p), "p = {p}");
    let (d, p) = ks_two_sample(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0, 7.0]);
    assert_eq!(d, 1.0);
    assert!(p < 0.1);
    // Interleaved samples of one distribution: tiny gap, large p; ties move together.
    let evens: Vec<f32> = (0..200).map(|i| (2 * i) as f32).collect();
    let odds: Vec<f32> = (0..200).map(|i| (2 * i + 1) as f32).collect();
    let (d, p) = ks_two_sample(&evens, &odds);
    assert!(d <= 0.01 && p > 0.99, "D = {d}, p = {p}");
    assert_eq!(ks_two_sample(&evens, &evens).0, 0.0);
}
