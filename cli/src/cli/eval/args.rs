//! `eval`'s arguments and the sets of images they make (a worker process rebuilds the same).

use burn::tensor::Device;
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::calibration::temper;
use crate::cli::pool::EVAL_SEED;
use crate::cli::{count, load_weights, passes, sampling_seed, weights_name};
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::model::BayesianCnn;
use bayes_ruler_silhouettes::Example;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{
    calibration_children, test_cats, test_children, test_spiders, train_validation,
    validation_negatives, validation_polygons, validation_spiders,
};

/// The size of the test set's children and spiders before 2026-11-27; the report keeps the
/// figures of those first images apart.
pub(super) const FIRST_TEST_SET: usize = 200;

/// The sets `eval` samples, in this order (a worker process rebuilds the same lists).
pub(in crate::cli) const HELD_OUT: usize = 0;
pub(super) const VALIDATION_SPIDERS: usize = 1;
pub(super) const TEST_CHILDREN: usize = 2;
pub(super) const TEST_SPIDERS: usize = 3;
pub(super) const TEST_CATS: usize = 4;
pub(super) const VALIDATION_NEGATIVES: usize = 5;
pub(super) const VALIDATION_POLYGONS: usize = 6;

/// What `eval` samples, and how the held-out children were put together.
pub(in crate::cli) struct EvalSets {
    pub(in crate::cli) sets: [Vec<Example>; 7],
    pub(super) n_validation: usize,
    pub(super) n_calibration: usize,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct EvalArgs {
    /// Passes per image (the page's 1000 by default: the threshold holds for what a visitor sees).
    #[arg(long, default_value = "1000", value_parser = passes)]
    pub(in crate::cli) passes: usize,
    /// Test children (the first 200 are also reported apart).
    #[arg(long, default_value = "1000", value_parser = count)]
    pub(in crate::cli) children: usize,
    /// Test spiders (the first 200 are also reported apart).
    #[arg(long, default_value = "1000", value_parser = count)]
    pub(in crate::cli) spiders: usize,
    /// Test cats.
    #[arg(long, default_value = "100", value_parser = count)]
    pub(in crate::cli) cats: usize,
    /// Calibration children (own stream, never trained on), with the validation split the
    /// held-out children.
    #[arg(long, default_value = "400", value_parser = count)]
    pub(in crate::cli) calibration_children: usize,
    /// Validation spiders: they choose the spread score.
    #[arg(long, default_value = "100", value_parser = count)]
    pub(in crate::cli) validation_spiders: usize,
    /// Generic negatives of their own stream (never a test category) in the held-out figures,
    /// to compare outlier-exposure runs.
    #[arg(long, default_value = "0", value_parser = count, requires = "held_out_only")]
    pub(in crate::cli) validation_negatives: usize,
    /// Polygon negatives of their own stream in the held-out figures, reported apart from the
    /// four kinds above (they came later; the earlier runs' figures are of the four).
    #[arg(long, default_value = "0", value_parser = count, requires = "held_out_only")]
    pub(in crate::cli) validation_polygons: usize,
    /// Weights to evaluate (default: the embedded ones).
    #[arg(long)]
    pub(in crate::cli) weights: Option<String>,
    /// Sample the weights tempered by β (see `calibrate`).
    #[arg(long, value_name = "β")]
    pub(in crate::cli) temper: Option<f64>,
    /// Folder of report.json, threshold.json and the two histograms.
    #[arg(long, default_value = "trained")]
    pub(in crate::cli) report_dir: String,
    /// Processes (default: one per core; the figures do not depend on it).
    #[arg(long, value_parser = count)]
    pub(in crate::cli) jobs: Option<usize>,
    /// Print the held-out figures only and write nothing (to compare weights without the test set).
    #[arg(long)]
    pub(in crate::cli) held_out_only: bool,
    /// With --held-out-only: write the threshold these weights would ship with (for
    /// `strangers --threshold`).
    #[arg(long, requires = "held_out_only")]
    pub(in crate::cli) threshold_out: Option<String>,
    /// Base of the images' seeds (another samples the same images independently).
    #[arg(long, default_value_t = EVAL_SEED, value_parser = sampling_seed)]
    pub(in crate::cli) sampling_seed: u64,
}

impl EvalArgs {
    /// What `calibrate` samples for each β: the held-out children only, at `passes`.
    pub(in crate::cli) fn held_out(
        weights: &str,
        passes: usize,
        calibration_children: usize,
    ) -> Self {
        EvalArgs {
            passes,
            children: 0,
            spiders: 0,
            cats: 0,
            calibration_children,
            validation_spiders: 0,
            validation_negatives: 0,
            validation_polygons: 0,
            weights: Some(weights.to_string()),
            temper: None,
            report_dir: "trained".into(),
            jobs: None,
            held_out_only: true,
            threshold_out: None,
            sampling_seed: EVAL_SEED,
        }
    }

    /// The weights of `--weights` (default: the embedded ones), tempered by `--temper β` when
    /// given (how `calibrate` tries a β in every worker, and how a β can be checked by hand).
    pub(in crate::cli) fn load_tempered(&self, device: &Device) -> Result<BayesianCnn, RulerError> {
        let model = load_weights(self.weights.as_deref(), device)?;
        match self.temper {
            Some(beta) => temper(model, beta),
            None => Ok(model),
        }
    }

    /// Which weights a report describes, with the tempering applied on top of them if any.
    pub(super) fn weights_label(&self) -> String {
        let weights = weights_name(self.weights.as_deref());
        match self.temper {
            Some(beta) => format!("{weights}, tempered by β = {beta}"),
            None => weights,
        }
    }

    pub(in crate::cli) fn sets(&self) -> Result<EvalSets, RulerError> {
        // The test set: 1000 children and 1000 spiders since 2026-11-27 (200 each before; the first
        // 200 of each are the same images, sampled from the same seeds). 200 × 200 resolves the
        // AUROC only to about ±0.005.
        let (n_children, n_spiders, n_cats) = (self.children, self.spiders, self.cats);
        let (n_validation_spiders, n_negatives) =
            (self.validation_spiders, self.validation_negatives);
        let n_calibration = self.calibration_children;
        // The verdict is calibrated on held-out children: the validation split plus a calibration
        // set of its own (a 2% false-alarm threshold on 83 children rests on two scores).
        let (_, mut held_out) = train_validation(DATA_SEED);
        let n_validation = held_out.len();
        held_out.extend(calibration_children(DATA_SEED, n_calibration));
        let validation_spiders = validation_spiders(DATA_SEED, n_validation_spiders);
        let tests = if self.held_out_only {
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
            sets: [
                held_out,
                validation_spiders,
                children,
                spiders,
                cats,
                validation_negatives(DATA_SEED, n_negatives),
                validation_polygons(DATA_SEED, self.validation_polygons),
            ],
            n_validation,
            n_calibration,
        })
    }
}
