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
    /// Histogram of the samples.
    pub histogram: Histogram,
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
            histogram,
        })
    }
}
