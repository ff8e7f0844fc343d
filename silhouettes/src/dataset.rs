//! The data sets: toddlers with known pixel heights (train / validation / test) and spiders (test
//! only), each deterministic from a seed and an index.
//!
//! A figure is drawn at an "original" height of 28–56 px, rescaled by a random factor of 0.5–2×
//! (as in the article) and placed at a random position where it fits the 126×126 frame. The
//! geometry is scaled before rasterising, so the rescale adds no resampling blur. The label is the
//! height of the final image's figure: rows from the top-most to the bottom-most figure pixel.

use super::Canvas;
use super::cat::cat;
use super::figure::Figure;
use super::negatives::{NegativeKind, negative};
use super::rng::Rng;
use super::spider::spider;
use super::strangers::Category;
use super::toddler::{Body, Pose, toddler};
use crate::constants::{IMAGE_SIDE, N_TRAIN};

/// What a picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A toddler in a pose (in distribution).
    Child(Pose),
    /// A spider (out of distribution).
    Spider,
    /// A cat (out of distribution, in the report only).
    Cat,
    /// One of the broad out-of-distribution test set's kinds (in the report only).
    Stranger(Category),
    /// A generic negative for outlier exposure (training and run comparisons only).
    Negative(NegativeKind),
}

/// One picture and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// 126×126 row-major pixels, figure = 1, background = 0.
    pub pixels: Vec<f32>,
    /// Height of the figure in pixels (rows, inclusive).
    pub height: f32,
    /// What it shows.
    pub kind: Kind,
}

// Independent random streams, so that adding examples to one set never changes another.
const STREAM_TRAIN: u64 = 1;
const STREAM_TEST_CHILDREN: u64 = 2;
const STREAM_SPIDERS: u64 = 3;
const STREAM_VALIDATION_SPIDERS: u64 = 4;
const STREAM_CALIBRATION_CHILDREN: u64 = 5;
const STREAM_CATS: u64 = 6;
const STREAM_TRAIN_NEGATIVES: u64 = 7;
const STREAM_VALIDATION_NEGATIVES: u64 = 8;
const STREAM_TRAIN_POLYGONS: u64 = 9;
const STREAM_VALIDATION_POLYGONS: u64 = 10;
/// Category `i` of the strangers draws from stream `STREAM_STRANGERS + i`.
const STREAM_STRANGERS: u64 = 100;

/// Free pixels kept between the figure and the frame.
const MARGIN: f32 = 1.0;

/// Scales `fig` by `scale`, optionally mirrors it, and places it at a random position inside the
/// frame. Returns `None` when it cannot fit.
fn place(fig: &Figure, scale: f32, mirror: bool, rng: &mut Rng) -> Option<Canvas> {
    let fig = if mirror { fig.mirrored() } else { fig.clone() };
    let fig = fig.scaled(scale);
    let [x0, y0, x1, y1] = fig.bbox();
    let free_x = IMAGE_SIDE as f32 - 2.0 * MARGIN - (x1 - x0);
    let free_y = IMAGE_SIDE as f32 - 2.0 * MARGIN - (y1 - y0);
    if free_x < 0.0 || free_y < 0.0 {
        return None;
    }
    let dx = MARGIN + rng.range(0.0, free_x) - x0;
    let dy = MARGIN + rng.range(0.0, free_y) - y0;
    let mut canvas = Canvas::default();
    fig.translated(dx, dy).paint(&mut canvas);
    Some(canvas)
}

/// Draws a figure whose `extent` (in its own units) is an original 28–56 px, rescales it by
/// 0.5–2×, and places it; a factor that does not fit the frame is drawn again (and, after eight
/// tries, the figure is shrunk until it fits).
fn render(fig: &Figure, extent: f32, rng: &mut Rng) -> Canvas {
    let mirror = rng.chance(0.5);
    let original = rng.range(28.0, 56.0) / extent;
    for _ in 0..8 {
        if let Some(c) = place(fig, original * rng.range(0.5, 2.0), mirror, rng) {
            return c;
        }
    }
    let mut scale = original * 2.0;
    loop {
        scale *= 0.9;
        if let Some(c) = place(fig, scale, mirror, rng) {
            return c;
        }
    }
}

fn example(canvas: Canvas, kind: Kind) -> Example {
    let height = canvas.figure_height() as f32;
    Example {
        pixels: canvas.into_pixels(),
        height,
        kind,
    }
}

/// Toddler number `index` of a stream.
fn child(seed: u64, stream: u64, index: usize) -> Example {
    let mut rng = Rng::for_item(seed, stream, index as u64);
    let pose = Pose::ALL[rng.below(Pose::ALL.len())];
    let body = Body::random(&mut rng);
    let fig = toddler(pose, body, &mut rng);
    let [_, y0, _, y1] = fig.bbox();
    example(render(&fig, y1 - y0, &mut rng), Kind::Child(pose))
}

/// Spider number `index` of a stream: randomly rotated, as large as a child.
fn spider_example(seed: u64, stream: u64, index: usize) -> Example {
    let mut rng = Rng::for_item(seed, stream, index as u64);
    let fig = spider(&mut rng).rotated(rng.range(0.0, std::f32::consts::TAU));
    by_longest_side(&fig, Kind::Spider, &mut rng)
}

/// An out-of-distribution figure rendered with its longest side as long as a child's height.
fn by_longest_side(fig: &Figure, kind: Kind, rng: &mut Rng) -> Example {
    let [x0, y0, x1, y1] = fig.bbox();
    example(render(fig, (x1 - x0).max(y1 - y0), rng), kind)
}

/// Cat number `index` of a stream: upright (cats stand on the ground), as large as a spider.
fn cat_example(seed: u64, stream: u64, index: usize) -> Example {
    let mut rng = Rng::for_item(seed, stream, index as u64);
    let fig = cat(&mut rng);
    by_longest_side(&fig, Kind::Cat, &mut rng)
}

/// The article's 836 labelled children, split 90/10 into training and validation sets.
pub fn train_validation(seed: u64) -> (Vec<Example>, Vec<Example>) {
    let all: Vec<Example> = (0..N_TRAIN).map(|i| child(seed, STREAM_TRAIN, i)).collect();
    let n_val = N_TRAIN / 10;
    let mut all = all;
    let validation = all.split_off(N_TRAIN - n_val);
    (all, validation)
}

/// Held-out test children.
pub fn test_children(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| child(seed, STREAM_TEST_CHILDREN, i))
        .collect()
}

/// Held-out spiders (out of distribution).
pub fn test_spiders(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| spider_example(seed, STREAM_SPIDERS, i))
        .collect()
}

/// Held-out children for calibrating the verdict (choosing the spread score and its threshold),
/// never trained on and disjoint from the validation and test children: the 83 validation
/// children alone put a 2% false-alarm threshold on their two highest scores.
pub fn calibration_children(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| child(seed, STREAM_CALIBRATION_CHILDREN, i))
        .collect()
}

/// Spiders for choosing the spread score, disjoint from the test spiders.
pub fn validation_spiders(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| spider_example(seed, STREAM_VALIDATION_SPIDERS, i))
        .collect()
}

/// Held-out cats (a second out-of-distribution shape, for the report; never used to choose the
/// verdict).
pub fn test_cats(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| cat_example(seed, STREAM_CATS, i))
        .collect()
}

/// Stranger number `index` of `category`'s stream: upright or tilted as the category says, its
/// longest side as long as a child's height (the 0.5–2× rescale), at a random position.
fn stranger_example(seed: u64, category: Category, index: usize) -> Example {
    let stream = STREAM_STRANGERS + category.index() as u64;
    let mut rng = Rng::for_item(seed, stream, index as u64);
    let fig = category.draw(&mut rng);
    by_longest_side(&fig, Kind::Stranger(category), &mut rng)
}

/// The broad out-of-distribution test set's images of one category (pre-registered; never
/// trained on or used to choose anything).
pub fn test_strangers(seed: u64, category: Category, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| stranger_example(seed, category, i))
        .collect()
}

fn negative_example(seed: u64, stream: u64, index: usize) -> Example {
    let mut rng = Rng::for_item(seed, stream, index as u64);
    let kind = NegativeKind::ALL[rng.below(NegativeKind::ALL.len())];
    let fig = negative(kind, &mut rng);
    by_longest_side(&fig, Kind::Negative(kind), &mut rng)
}

/// Generic negatives for outlier exposure in training (the four kinds in turn at random).
pub fn training_negatives(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| negative_example(seed, STREAM_TRAIN_NEGATIVES, i))
        .collect()
}

/// Generic negatives of their own stream, for comparing training runs (never trained on).
pub fn validation_negatives(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| negative_example(seed, STREAM_VALIDATION_NEGATIVES, i))
        .collect()
}

fn polygon_example(seed: u64, stream: u64, index: usize) -> Example {
    let mut rng = Rng::for_item(seed, stream, index as u64);
    let fig = negative(NegativeKind::Polygon, &mut rng);
    by_longest_side(&fig, Kind::Negative(NegativeKind::Polygon), &mut rng)
}

/// Polygon negatives for outlier exposure in training (their own stream: adding them leaves the
/// four kinds' images as they were).
pub fn training_polygons(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| polygon_example(seed, STREAM_TRAIN_POLYGONS, i))
        .collect()
}

/// Polygon negatives of their own stream, for comparing training runs (never trained on).
pub fn validation_polygons(seed: u64, count: usize) -> Vec<Example> {
    (0..count)
        .map(|i| polygon_example(seed, STREAM_VALIDATION_POLYGONS, i))
        .collect()
}
