//! Which pixels of a picture are the figure: the pixels on one side of a gray threshold (Otsu's
//! unless the user moves it), the side that does not touch the border (unless the user inverts
//! it), and of those one connected piece: by rule the largest that stands free of the border,
//! or the one the user points at. Also how two-toned the picture is: a photograph is not a
//! silhouette, and the page says so.

use super::decode::invalid;
use crate::error::RulerError;

/// A photograph has many pixels between its two gray classes; a silhouette (even a JPEG'd or
/// antialiased one) has few outside its edges. Above this share, the picture is "photo-like".
pub const PHOTO_MID_TONE_SHARE: f32 = 0.12;

/// The user's corrections; `None` everywhere is the automatic rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FigureOptions {
    /// Gray level in [0, 255]: pixels darker than it are the dark class.
    pub threshold: Option<f32>,
    /// Whether the figure is the light class (the rule: the class that does not touch the border).
    pub light_figure: Option<bool>,
    pub pick: Option<Pick>,
}

/// Which connected piece is the figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// The k-th largest of the pieces that count (see `Figure::pieces`), 0 = the largest.
    Rank(usize),
    /// The piece nearest to this point of the picture, within `radius` pixels.
    At { x: f64, y: f64, radius: f64 },
}

/// One connected piece of the figure's class.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub area: usize,
    pub touches_border: bool,
}

/// The figure and what was decided on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The chosen piece, `width × height`.
    pub mask: Vec<bool>,
    /// Every pixel of the figure's class (the chosen piece and the others).
    pub class: Vec<bool>,
    pub threshold: f32,
    pub auto_threshold: f32,
    pub light_figure: bool,
    /// The pieces that count (at least 1% of the largest's area and 4 pixels), largest first.
    pub pieces: Vec<Piece>,
    /// The chosen piece's place in `pieces`; `None` when a smaller speck was picked by pointing.
    pub chosen: Option<usize>,
    /// Share of pixels between the two classes' mean gray levels (the middle half of the way).
    pub mid_tone_share: f32,
}

impl Figure {
    pub fn photo_like(&self) -> bool {
        self.mid_tone_share > PHOTO_MID_TONE_SHARE
    }
}

/// Otsu's threshold: the gray level that best separates the two classes of a 256-bin histogram.
pub fn otsu_threshold(luma: &[f32]) -> f32 {
    let mut hist = [0u64; 256];
    for &v in luma {
        hist[v.clamp(0.0, 255.0) as usize] += 1;
    }
    let total = luma.len() as f64;
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0.0, 0.0, -1.0, 127.0);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += t as f64 * c as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let between = w0 * w1 * (sum0 / w0 - (sum_all - sum0) / w1).powi(2);
        if between > best {
            best = between;
            best_t = t as f32;
        }
    }
    best_t + 0.5
}

fn mid_tone_share(luma: &[f32], threshold: f32) -> f32 {
    let mean = |keep: &dyn Fn(f32) -> bool| {
        let (s, n) = luma
            .iter()
            .filter(|&&v| keep(v))
            .fold((0.0f64, 0usize), |(s, n), &v| (s + f64::from(v), n + 1));
        (n > 0).then(|| (s / n as f64) as f32)
    };
    let (Some(dark), Some(light)) = (mean(&|v| v < threshold), mean(&|v| v >= threshold)) else {
        return 0.0;
    };
    let (lo, hi) = (dark + 0.25 * (light - dark), dark + 0.75 * (light - dark));
    luma.iter().filter(|&&v| v > lo && v < hi).count() as f32 / luma.len() as f32
}

/// Labels the 8-connected pieces of `class`; returns each pixel's label (u32::MAX = not in the
/// class) and each label's piece.
fn label_pieces(w: usize, h: usize, class: &[bool]) -> (Vec<u32>, Vec<Piece>) {
    let mut labels = vec![u32::MAX; class.len()];
    let mut pieces = Vec::new();
    let mut stack = Vec::new();
    for start in 0..class.len() {
        if !class[start] || labels[start] != u32::MAX {
            continue;
        }
        let label = pieces.len() as u32;
        let mut piece = Piece {
            area: 0,
            touches_border: false,
        };
        labels[start] = label;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            piece.area += 1;
            piece.touches_border |= x == 0 || y == 0 || x + 1 == w || y + 1 == h;
            for ny in y.saturating_sub(1)..(y + 2).min(h) {
                for nx in x.saturating_sub(1)..(x + 2).min(w) {
                    let j = ny * w + nx;
                    if class[j] && labels[j] == u32::MAX {
                        labels[j] = label;
                        stack.push(j);
                    }
                }
            }
        }
        pieces.push(piece);
    }
    (labels, pieces)
}

/// The automatic figure side: light when the light class alone touches none of the border.
fn light_class_is_figure(w: usize, h: usize, dark: &[bool]) -> bool {
    let border = (0..w)
        .flat_map(|x| [x, (h - 1) * w + x])
        .chain((0..h).flat_map(|y| [y * w, y * w + w - 1]));
    let (mut dark_border, mut light_border) = (0usize, 0usize);
    for i in border {
        if dark[i] {
            dark_border += 1
        } else {
            light_border += 1
        }
    }
    light_border == 0 && dark_border > 0
}

/// Finds the figure of a `w × h` gray picture.
pub fn find_figure(
    w: usize,
    h: usize,
    luma: &[f32],
    options: &FigureOptions,
) -> Result<Figure, RulerError> {
    let auto_threshold = otsu_threshold(luma);
    let threshold = match options.threshold {
        Some(t) if !(0.0..=256.0).contains(&t) => {
            return Err(invalid(format!(
                "the threshold must be a gray level from 0 to 256, got {t}"
            )));
        }
        Some(t) => t,
        None => auto_threshold,
    };
    let dark: Vec<bool> = luma.iter().map(|&v| v < threshold).collect();
    let dark_count = dark.iter().filter(|&&d| d).count();
    if dark_count == 0 || dark_count == dark.len() {
        return Err(invalid(if options.threshold.is_some() {
            "no figure at this threshold: every pixel falls on one side of it".to_string()
        } else {
            "no figure found: the image is a single shade (all white or all black)".to_string()
        }));
    }
    let light_figure = options
        .light_figure
        .unwrap_or_else(|| light_class_is_figure(w, h, &dark));
    let class: Vec<bool> = dark.iter().map(|&d| d != light_figure).collect();
    let (labels, all_pieces) = label_pieces(w, h, &class);
    let largest = all_pieces.iter().map(|p| p.area).max().unwrap_or(0);
    let counts = |p: &Piece| p.area >= 4 && p.area * 100 >= largest;
    let mut order: Vec<usize> = (0..all_pieces.len())
        .filter(|&i| counts(&all_pieces[i]))
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(all_pieces[i].area));
    let label = match &options.pick {
        None => {
            // The largest piece free of the border, unless it is much smaller than the largest
            // (a figure cut off by the photo's edge is still the figure).
            let free = order.iter().copied().find(|&i| !all_pieces[i].touches_border);
            match free {
                Some(i) if all_pieces[i].area * 4 >= largest => i,
                _ => order[0],
            }
        }
        Some(Pick::Rank(k)) => *order.get(*k).ok_or_else(|| {
            invalid(format!("there are {} pieces to choose from; piece {k} does not exist", order.len()))
        })?,
        Some(Pick::At { x, y, radius }) => nearest_label(w, h, &labels, *x, *y, *radius).ok_or_else(|| {
            invalid("no part of the figure's shade there: point at the figure (or invert the shades)")
        })? as usize,
    };
    let mask = labels.iter().map(|&l| l == label as u32).collect();
    Ok(Figure {
        mask,
        class,
        threshold,
        auto_threshold,
        light_figure,
        chosen: order.iter().position(|&i| i == label),
        pieces: order.iter().map(|&i| all_pieces[i].clone()).collect(),
        mid_tone_share: mid_tone_share(luma, threshold),
    })
}

/// The label of the labelled pixel nearest to (x, y) within `radius`, if any.
fn nearest_label(w: usize, h: usize, labels: &[u32], x: f64, y: f64, radius: f64) -> Option<u32> {
    if !(x.is_finite() && y.is_finite() && radius.is_finite()) {
        return None;
    }
    let r = radius.max(0.5);
    let span = |c: f64, n: usize| {
        (
            (c - r).floor().max(0.0) as usize,
            ((c + r).ceil().max(0.0) as usize).min(n),
        )
    };
    let ((x0, x1), (y0, y1)) = (span(x, w), span(y, h));
    let mut best: Option<(f64, u32)> = None;
    for py in y0..y1 {
        for px in x0..x1 {
            let l = labels[py * w + px];
            let d = (px as f64 + 0.5 - x).hypot(py as f64 + 0.5 - y);
            if l != u32::MAX && d <= r && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, l));
            }
        }
    }
    best.map(|(_, l)| l)
}
