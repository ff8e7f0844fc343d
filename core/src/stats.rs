//! Summaries of a set of sampled heights: moments, quantiles, the 90% interval, a histogram.

use serde::Serialize;

use crate::constants::HISTOGRAM_BINS;

/// Equal-width histogram: `counts[i]` samples fall in `[edges[i], edges[i + 1])` (the last bin
/// also holds its right edge).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// `bins + 1` increasing bin edges.
    pub edges: Vec<f64>,
    /// Samples per bin.
    pub counts: Vec<u32>,
}

/// What a prediction reports about its samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Mean of the samples.
    pub mean: f64,
    /// Standard deviation (n − 1 denominator; 0 for a single sample).
    pub std: f64,
    /// Median.
    pub median: f64,
    /// Central 90% interval: the 5% and 95% quantiles.
    pub ci90: [f64; 2],
    /// How far the Monte-Carlo noise of these samples leaves the 5%, 50% and 95% quantiles
    /// ([`QuantileRanges`]).
    pub ranges: QuantileRanges,
    /// Histogram of the samples.
    pub histogram: Histogram,
}

/// Distribution-free confidence ranges of the quantiles the verdict reads, from the order
/// statistics: the true q-quantile of the distribution the samples come from lies between the
/// sorted samples of ranks n·q ∓ z·√(n·q·(1 − q)) (the normal approximation to the binomial
/// count of samples below it) at z = [`RANGE_Z`] = 1.96/√2: ~83% for each quantile, so that
/// a width read from two ends' opposite corners holds the true width ~95% of the time (1.96 per
/// quantile made it ~99.8% and left half the 300-pass verdicts undecided; the switch was
/// registered and measured first, trained/README.md). More passes, narrower ranges.
///
/// With few samples a tail quantile's outer rank falls outside the sample (below 37 passes for
/// the 5% quantile, below 71 for the 95%): the true quantile may then lie anywhere beyond the
/// extreme sample, so the range is open on that side (`closed` is false) and the extreme sample
/// it holds there is no bound.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct QuantileRanges {
    /// Range of the 5% quantile (the interval's lower end).
    pub low: [f64; 2],
    /// Range of the median.
    pub median: [f64; 2],
    /// Range of the 95% quantile (the interval's upper end).
    pub high: [f64; 2],
    /// Whether every range's ends are ranks inside the sample (records made before
    /// 2026-12-03 read as closed: they come from 300 passes or more).
    #[serde(default = "closed")]
    pub closed: bool,
}

fn closed() -> bool {
    true
}

/// z of each quantile's range: the two-sided 95% normal z over √2, as the width combines two
/// ends' errors.
pub const RANGE_Z: f64 = 1.96 / std::f64::consts::SQRT_2;

/// The range of quantile `q` of sorted samples the verdict reads (see [`QuantileRanges`]), and
/// whether both of its ranks lie inside the sample (else the ends are clamped to it).
pub fn quantile_range_sorted(sorted: &[f64], q: f64) -> ([f64; 2], bool) {
    debug_assert!(!sorted.is_empty());
    let n = sorted.len() as f64;
    let half = RANGE_Z * (n * q * (1.0 - q)).sqrt();
    let last = sorted.len() - 1;
    let (lo, hi) = ((n * q - half).floor(), (n * q + half).ceil());
    let inside = lo >= 0.0 && hi <= last as f64;
    let lo = (lo.max(0.0) as usize).min(last);
    let hi = (hi.max(0.0) as usize).min(last);
    ([sorted[lo], sorted[hi]], inside)
}

impl QuantileRanges {
    /// The ranges of sorted samples.
    pub fn of_sorted(sorted: &[f64]) -> Self {
        let (low, low_inside) = quantile_range_sorted(sorted, 0.05);
        let (median, median_inside) = quantile_range_sorted(sorted, 0.5);
        let (high, high_inside) = quantile_range_sorted(sorted, 0.95);
        QuantileRanges {
            low,
            median,
            high,
            closed: low_inside && median_inside && high_inside,
        }
    }
}

/// Quantile `q` ∈ [0, 1] of sorted data, linear between order statistics (numpy's default).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// An equal-width histogram over the data's range with `bins` bins (a degenerate range is
/// widened by ±0.5 so that a single value still gets a visible bin).
pub fn histogram(samples: &[f64], bins: usize) -> Histogram {
    let bins = bins.max(1);
    let (mut lo, mut hi) = samples
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    if samples.is_empty() {
        (lo, hi) = (0.0, 1.0);
    } else if hi <= lo {
        (lo, hi) = (lo - 0.5, hi + 0.5);
    }
    let width = (hi - lo) / bins as f64;
    let edges = (0..=bins).map(|i| lo + width * i as f64).collect();
    let mut counts = vec![0u32; bins];
    for &x in samples {
        let i = (((x - lo) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    Histogram { edges, counts }
}

impl Summary {
    /// Summarises samples; `None` when there are none or any is not finite.
    pub fn of(samples: &[f32]) -> Option<Summary> {
        if samples.is_empty() || samples.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut sorted: Vec<f64> = samples.iter().map(|&x| x as f64).collect();
        let n = sorted.len() as f64;
        let mean = sorted.iter().sum::<f64>() / n;
        let var = if sorted.len() > 1 {
            sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let histogram = histogram(&sorted, HISTOGRAM_BINS);
        sorted.sort_by(f64::total_cmp);
        Some(Summary {
            mean,
            std: var.sqrt(),
            median: quantile_sorted(&sorted, 0.5),
            ci90: [
                quantile_sorted(&sorted, 0.05),
                quantile_sorted(&sorted, 0.95),
            ],
            ranges: QuantileRanges::of_sorted(&sorted),
            histogram,
        })
    }
}

/// Two-sample Kolmogorov–Smirnov test: the largest gap `d` between the two empirical CDFs and
/// its asymptotic p-value (Kolmogorov's distribution with Stephens' small-sample correction).
/// Used to check that batched samples have the distribution of sequential ones.
pub fn ks_two_sample(a: &[f32], b: &[f32]) -> (f64, f64) {
    let sorted = |x: &[f32]| {
        let mut v: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (a, b) = (sorted(a), sorted(b));
    if a.is_empty() || b.is_empty() {
        return (1.0, 0.0);
    }
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        // Step past every copy of the smaller value in both samples (ties move together).
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    let en = (n * m / (n + m)).sqrt();
    let lambda = (en + 0.12 + 0.11 / en) * d;
    (d, kolmogorov_survival(lambda))
}

/// P(K > λ) for Kolmogorov's distribution: 2 Σ (−1)^(k−1) exp(−2k²λ²).
fn kolmogorov_survival(lambda: f64) -> f64 {
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=100 {
        let k = k as f64;
        let term = (-2.0 * k * k * lambda * lambda).exp();
        sum += if k as u32 % 2 == 1 { term } else { -term };
        if term < 1e-12 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// Fraction of samples within ±1 px of the mode of their 1-px histogram.
pub fn mode_share(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::<i64, usize>::new();
    for &s in samples {
        *counts.entry(s.round() as i64).or_default() += 1;
    }
    let mode = counts
        .iter()
        .max_by_key(|&(k, c)| (*c, -k))
        .map_or(0, |(k, _)| *k) as f32;
    samples.iter().filter(|&&s| (s - mode).abs() <= 1.0).count() as f64 / samples.len() as f64
}
