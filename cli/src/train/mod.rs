//! Native training with burn's autodiff: Adam on loss = MSE + KL / N_train, batch size 5 (the
//! article's choice: small batches train much better here).

use std::time::Instant;

use burn::config::Config;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};

use bayes_ruler_core::constants::IMAGE_SIDE;
use bayes_ruler_core::model::{BayesianCnn, BayesianCnnConfig};
use bayes_ruler_silhouettes::constants::N_TRAIN;
use bayes_ruler_silhouettes::{Example, Rng};

pub use augment::augment;
use spread_terms::{child_gap_term, negative_term};

mod augment;
pub mod idle;
mod spread_terms;

/// Which gradient estimator the Bayesian layers use while training.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Estimator {
    /// Per-example sign flips (the article's layers).
    Flipout,
    /// One weight draw per batch.
    Reparameterization,
}

/// Hyperparameters of a training run.
#[derive(Config, Debug)]
pub struct TrainConfig {
    /// Passes over the training set.
    #[config(default = 60)]
    pub epochs: usize,
    /// Examples per step.
    #[config(default = 5)]
    pub batch_size: usize,
    /// Adam's learning rate.
    #[config(default = 1e-3)]
    pub learning_rate: f64,
    /// Seed of the weights' initialisation, the noise and the shuffling.
    #[config(default = 1)]
    pub seed: u64,
    /// Gradient estimator.
    #[config(default = "Estimator::Flipout")]
    pub estimator: Estimator,
    /// Mirror and move each training example at random every time it is used (the height,
    /// the label, does not change): the same 753 figures, seen in more places.
    #[config(default = false)]
    pub augment: bool,
    /// With `augment`, also rescale each example by a random factor in
    /// `[1/augment_scale, augment_scale]`, capped at what fits the frame (the height is measured
    /// again): tall children are rare
    /// in the generated set, since a large rescale often does not fit the frame. 1 = off.
    #[config(default = 1.0)]
    pub augment_scale: f64,
    /// Multiplies the KL term (1 = the article's loss, MSE + KL/N_train). Above 1 it widens the
    /// posterior: an experiment for calibration, not the shipped training.
    #[config(default = 1.0)]
    pub kl_weight: f64,
    /// Outlier exposure: generic negatives (never a test category) drawn into every step. 0 =
    /// the article's training. Each is passed through the network twice, with independent
    /// weight draws, and `negative_weight · max(0, negative_margin − |y₁ − y₂|)` is added to
    /// the loss: the two answers must disagree by at least the margin, i.e. the spread off the
    /// children is made wide. Children's steps are unchanged.
    #[config(default = 0)]
    pub negatives_per_step: usize,
    /// Weight of the outlier-exposure term.
    #[config(default = 0.1)]
    pub negative_weight: f64,
    /// Disagreement (px) asked of two passes on a negative; E|y₁ − y₂| = 2σ/√π for Gaussian
    /// answers, so 8 px asks for a standard deviation of about 7 px (a child's is 1–3 px).
    #[config(default = 8.0)]
    pub negative_margin: f64,
    /// Holds the children's spread while outlier exposure widens the negatives': each step's
    /// children pass twice more with independent weight draws, and `child_gap_weight ·
    /// max(0, |y₁ − y₂| − child_gap_margin)` is added to the loss. 0 = off.
    #[config(default = 0.0)]
    pub child_gap_weight: f64,
    /// Disagreement (px) of two passes on a child that costs nothing.
    #[config(default = 0.0)]
    pub child_gap_margin: f64,
    /// Train only the second layer's idle filters, drawn afresh, and the dense weights they
    /// feed; every other weight stays as `start` has it ([`idle`]). Needs a trained start.
    #[config(default = false)]
    pub revive_idle: bool,
    /// Train only the idle filters and their dense weights as `start` has them (no fresh draw:
    /// to go on from a `revive_idle` run); every other weight frozen.
    #[config(default = false)]
    pub train_idle: bool,
    /// The network.
    #[config(default = "BayesianCnnConfig::new()")]
    pub model: BayesianCnnConfig,
}

/// Figures of one epoch.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EpochStats {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss (MSE + KL/N).
    pub loss: f64,
    /// Mean training MSE (px²).
    pub mse: f64,
    /// Mean KL term (kl_weight · KL / N_train).
    pub kl_term: f64,
    /// Mean outlier-exposure term (0 without negatives).
    #[serde(default)]
    pub negative_term: f64,
    /// Mean |y₁ − y₂| of the two passes on the negatives of the epoch (px; 0 without).
    #[serde(default)]
    pub negative_gap: f64,
    /// Mean |y₁ − y₂| of two passes on the training children (px; 0 without a child-gap term).
    #[serde(default)]
    pub child_gap: f64,
    /// Validation MSE of the predictive mean over a few passes (px²).
    pub val_mse: f64,
    /// Wall time of the epoch's training steps.
    pub seconds: f64,
}

/// `[b, 1, 126, 126]` images and `[b, 1]` heights of some examples.
pub fn batch(examples: &[&Example], device: &Device) -> (Tensor<4>, Tensor<2>) {
    let b = examples.len();
    let pixels: Vec<f32> = examples
        .iter()
        .flat_map(|e| e.pixels.iter().copied())
        .collect();
    let heights: Vec<f32> = examples.iter().map(|e| e.height).collect();
    (
        Tensor::from_data(
            TensorData::new(pixels, [b, 1, IMAGE_SIDE, IMAGE_SIDE]),
            device,
        ),
        Tensor::from_data(TensorData::new(heights, [b, 1]), device),
    )
}

fn scalar(t: Tensor<1>) -> f64 {
    t.into_data().iter::<f32>().next().unwrap_or(f32::NAN) as f64
}

/// One stochastic forward pass with the chosen estimator.
fn forward(model: &BayesianCnn, x: Tensor<4>, estimator: Estimator) -> Tensor<2> {
    match estimator {
        Estimator::Flipout => model.forward(x),
        Estimator::Reparameterization => model.forward_reparameterized(x),
    }
}

/// MSE of the predictive mean (over `passes` stochastic passes) on a data set, in px².
pub fn predictive_mse(
    model: &BayesianCnn,
    data: &[Example],
    passes: usize,
    device: &Device,
) -> f64 {
    let mut total = 0.0;
    for chunk in data.chunks(16) {
        let refs: Vec<&Example> = chunk.iter().collect();
        let (x, y) = batch(&refs, device);
        let mut mean = model.forward(x.clone());
        for _ in 1..passes {
            mean = mean + model.forward(x.clone());
        }
        let err = mean.div_scalar(passes as f64) - y;
        total += scalar(err.square().sum());
    }
    total / data.len() as f64
}

/// Trains a fresh network; `progress(epoch, step, steps, running_loss)` is called after every
/// step and `on_epoch(stats, model)` after every epoch (e.g. to write a checkpoint).
pub fn train(
    config: &TrainConfig,
    train_set: &[Example],
    validation: &[Example],
    progress: impl FnMut(usize, usize, usize, f64),
    on_epoch: impl FnMut(&EpochStats, &BayesianCnn),
) -> (BayesianCnn, Vec<EpochStats>) {
    train_on(
        &Device::flex(),
        None,
        config,
        (train_set, validation, &[]),
        progress,
        on_epoch,
    )
}

/// Like [`train`], on `device` (the CPU, or a GPU in a build with the `gpu` feature), continuing
/// from the weights of `start` when given (a .bpk's bytes), with the training children, the
/// validation children and the generic negatives for outlier exposure (used only when
/// `config.negatives_per_step` > 0).
///
/// # Panics
/// With `start` weights that do not load, with `revive_idle` and `train_idle` both set, or with
/// either without `start` (the command line refuses all three before it gets here).
pub fn train_on(
    device: &Device,
    start: Option<&[u8]>,
    config: &TrainConfig,
    (train_set, validation, negatives): (&[Example], &[Example], &[Example]),
    mut progress: impl FnMut(usize, usize, usize, f64),
    mut on_epoch: impl FnMut(&EpochStats, &BayesianCnn),
) -> (BayesianCnn, Vec<EpochStats>) {
    let device = device.clone().autodiff();
    device.seed(config.seed);
    assert!(
        !(config.revive_idle && config.train_idle),
        "revive_idle redraws the idle filters, train_idle keeps them: choose one"
    );
    let idle_training = config.revive_idle || config.train_idle;
    let mut model = match start {
        // Resuming from weights that do not load must not quietly train a fresh network.
        Some(bytes) => bayes_ruler_core::weights::load_model(bytes, &device)
            .unwrap_or_else(|e| panic!("the start weights do not load: {e}")),
        // A fresh network has nothing idle: every gradient would be masked, nothing would train.
        None if idle_training => panic!("revive_idle and train_idle need trained start weights"),
        None => config.model.init(&device),
    };
    let revived = idle_training.then(|| idle::idle_channels(&model));
    if let Some(channels) = &revived {
        if config.revive_idle {
            model = idle::revive(model, channels);
        }
        // Frozen and first: no gradient flows into the first layer at all, which also saves
        // its backward pass.
        model.conv1 = model.conv1.no_grad();
    }
    let mut optim = AdamConfig::new().init();
    let mut rng = Rng::new(config.seed ^ 0x5EED);
    let mut order: Vec<usize> = (0..train_set.len()).collect();
    let steps = train_set.len().div_ceil(config.batch_size);
    let mut history = Vec::new();
    let eval_device = device.clone().without_autodiff();
    for epoch in 1..=config.epochs {
        // Fisher–Yates shuffle, deterministic from the seed.
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let start = Instant::now();
        let (mut loss_sum, mut mse_sum, mut kl_sum) = (0.0, 0.0, 0.0);
        let (mut neg_sum, mut gap_sum, mut child_gap_sum) = (0.0, 0.0, 0.0);
        for (step, idx) in order.chunks(config.batch_size).enumerate() {
            let augmented: Vec<Example> = if config.augment {
                idx.iter()
                    .map(|&i| augment(&train_set[i], config.augment_scale as f32, &mut rng))
                    .collect()
            } else {
                Vec::new()
            };
            let refs: Vec<&Example> = if config.augment {
                augmented.iter().collect()
            } else {
                idx.iter().map(|&i| &train_set[i]).collect()
            };
            let (x, y) = batch(&refs, &device);
            let mse = (forward(&model, x.clone(), config.estimator) - y)
                .square()
                .mean();
            let kl = model
                .kl()
                .mul_scalar(config.kl_weight)
                .div_scalar(N_TRAIN as f64);
            let mut loss = mse.clone() + kl.clone();
            if config.child_gap_weight > 0.0 {
                let (term, gap) = child_gap_term(&model, x, config);
                child_gap_sum += gap;
                loss = loss + term;
            }
            if config.negatives_per_step > 0 && !negatives.is_empty() {
                let picked: Vec<Example> = (0..config.negatives_per_step)
                    .map(|_| {
                        let n = &negatives[rng.below(negatives.len())];
                        augment(n, 1.0, &mut rng)
                    })
                    .collect();
                let refs: Vec<&Example> = picked.iter().collect();
                let (term, gap) = negative_term(&model, &refs, config, &device);
                neg_sum += scalar(term.clone().detach());
                gap_sum += gap;
                loss = loss + term;
            }
            let grads = match &revived {
                Some(channels) => idle::revived_gradients(loss.backward(), &model, channels),
                None => GradientsParams::from_grads(loss.backward(), &model),
            };
            model = optim.step(config.learning_rate, model, grads);
            loss_sum += scalar(loss.detach());
            mse_sum += scalar(mse.detach());
            kl_sum += scalar(kl.detach());
            progress(epoch, step + 1, steps, loss_sum / (step + 1) as f64);
        }
        let seconds = start.elapsed().as_secs_f64();
        let valid = model.valid();
        let stats = EpochStats {
            epoch,
            loss: loss_sum / steps as f64,
            mse: mse_sum / steps as f64,
            kl_term: kl_sum / steps as f64,
            negative_term: neg_sum / steps as f64,
            negative_gap: gap_sum / steps as f64,
            child_gap: child_gap_sum / steps as f64,
            val_mse: predictive_mse(&valid, validation, 4, &eval_device),
            seconds,
        };
        on_epoch(&stats, &valid);
        history.push(stats);
    }
    (model.valid(), history)
}
