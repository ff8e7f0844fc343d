//! The loss terms on the spread of two passes: outlier exposure widens it on generic negatives,
//! the child-gap term holds it on the children.

use burn::tensor::{Device, Tensor};

use super::{Estimator, TrainConfig, batch, forward, scalar};
use bayes_ruler_core::model::BayesianCnn;
use bayes_ruler_silhouettes::Example;

/// The outlier-exposure term of one step and the mean disagreement: two passes of the
/// negatives with independent weight draws must differ by at least the margin.
pub(super) fn negative_term(
    model: &BayesianCnn,
    negatives: &[&Example],
    config: &TrainConfig,
    device: &Device,
) -> (Tensor<1>, f64) {
    let (x, _) = batch(negatives, device);
    let gap = disagreement(model, x, config.estimator);
    let mean_gap = scalar(gap.clone().detach().mean());
    let hinge = gap
        .neg()
        .add_scalar(config.negative_margin)
        .clamp_min(0.0)
        .mean()
        .mul_scalar(config.negative_weight);
    (hinge, mean_gap)
}

/// |y₁ − y₂| per example of two passes with independent weight draws.
fn disagreement(model: &BayesianCnn, x: Tensor<4>, estimator: Estimator) -> Tensor<2> {
    let a = forward(model, x.clone(), estimator);
    let b = forward(model, x, estimator);
    (a - b).abs()
}

/// The child-gap term of one step and the children's mean disagreement.
pub(super) fn child_gap_term(
    model: &BayesianCnn,
    x: Tensor<4>,
    config: &TrainConfig,
) -> (Tensor<1>, f64) {
    let gap = disagreement(model, x, config.estimator);
    let mean_gap = scalar(gap.clone().detach().mean());
    let hinge = gap
        .sub_scalar(config.child_gap_margin)
        .clamp_min(0.0)
        .mean()
        .mul_scalar(config.child_gap_weight);
    (hinge, mean_gap)
}
