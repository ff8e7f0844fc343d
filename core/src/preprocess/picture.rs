//! A decoded image reduced to what the figure rules need: gray levels (transparency composited
//! onto white) at a working resolution of at most `WORKING_SIDE` pixels a side, upright. The
//! browser fills one from its own decoder (a canvas's RGBA, already oriented and resized), the
//! native command from the `image` crate: the rules after this point are the same code.

use image::metadata::Orientation;
use image::{DynamicImage, GenericImageView, ImageBuffer, Luma, imageops};

use super::decode::invalid;
use crate::error::RulerError;

/// Longest side the figure rules work at: far more than the 126-px frame needs, small enough that
/// re-thresholding on every move of a slider stays quick (4 MB of RGBA).
pub const WORKING_SIDE: u32 = 1024;

/// Gray levels in [0, 255], row-major, and the size of the image they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub luma: Vec<f32>,
    /// Width and height of the original image, upright (the EXIF orientation applied).
    pub source_size: (u32, u32),
}

/// Luma of straight-alpha RGBA in [0, 1], composited onto white: a transparent background is
/// background, whatever colour its invisible pixels hold.
fn luma_on_white([r, g, b, a]: [f32; 4]) -> f32 {
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    255.0 * (y * a + (1.0 - a))
}

/// The size `(w, h)` fits in at the working resolution, keeping its aspect.
pub fn working_size(w: u32, h: u32) -> (u32, u32) {
    let longest = w.max(h);
    if longest <= WORKING_SIDE {
        return (w, h);
    }
    let scale = f64::from(WORKING_SIDE) / f64::from(longest);
    let fit = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, WORKING_SIDE);
    (fit(w), fit(h))
}

/// Averages gray levels produced pixel by pixel into the working resolution: each source pixel
/// adds to the output pixel it falls in, so no full-size gray copy is ever made.
struct Reducer {
    w: u32,
    h: u32,
    out: (u32, u32),
    sum: Vec<f32>,
    count: Vec<u32>,
}

impl Reducer {
    fn new(w: u32, h: u32) -> Self {
        let out = working_size(w, h);
        let n = (out.0 * out.1) as usize;
        Self {
            w,
            h,
            out,
            sum: vec![0.0; n],
            count: vec![0; n],
        }
    }

    fn add(&mut self, x: u32, y: u32, value: f32) {
        let ox = (u64::from(x) * u64::from(self.out.0) / u64::from(self.w)) as usize;
        let oy = (u64::from(y) * u64::from(self.out.1) / u64::from(self.h)) as usize;
        let i = oy * self.out.0 as usize + ox;
        self.sum[i] += value;
        self.count[i] += 1;
    }

    fn finish(self) -> (u32, u32, Vec<f32>) {
        let luma = self
            .sum
            .iter()
            .zip(&self.count)
            .map(|(s, &c)| s / c.max(1) as f32)
            .collect();
        (self.out.0, self.out.1, luma)
    }
}

fn unit(v: u8) -> f32 {
    f32::from(v) / 255.0
}

impl Picture {
    /// From a canvas's RGBA bytes (straight alpha), already upright and at most `WORKING_SIDE`
    /// a side; `source_size` is the original image's size, for the units.
    pub fn from_rgba(
        width: u32,
        height: u32,
        rgba: &[u8],
        source_size: (u32, u32),
    ) -> Result<Self, RulerError> {
        if width == 0 || height == 0 {
            return Err(invalid("the image has no pixels"));
        }
        if width.max(height) > WORKING_SIDE {
            return Err(invalid(format!(
                "the pixels are {width}×{height}; resize them to at most {WORKING_SIDE} a side first"
            )));
        }
        if rgba.len() != (width * height * 4) as usize {
            return Err(invalid(format!(
                "{width}×{height} RGBA pixels take {} bytes, got {}",
                width * height * 4,
                rgba.len()
            )));
        }
        if source_size.0 == 0 || source_size.1 == 0 {
            return Err(invalid("the original image's size must be positive"));
        }
        let luma = rgba
            .chunks_exact(4)
            .map(|p| luma_on_white([unit(p[0]), unit(p[1]), unit(p[2]), unit(p[3])]))
            .collect();
        Ok(Self {
            width,
            height,
            luma,
            source_size,
        })
    }

    /// From a decoded image: gray levels reduced to the working resolution in one pass over the
    /// decoded buffer, then turned upright by `orientation`.
    pub fn from_image(image: &DynamicImage, orientation: Orientation) -> Self {
        let (w, h) = image.dimensions();
        let mut reducer = Reducer::new(w, h);
        // The common 8-bit layouts are read in place; the rest pixel by pixel through `image`.
        match image {
            DynamicImage::ImageLuma8(buf) => {
                for (x, y, p) in buf.enumerate_pixels() {
                    reducer.add(x, y, f32::from(p.0[0]));
                }
            }
            DynamicImage::ImageRgb8(buf) => {
                for (x, y, p) in buf.enumerate_pixels() {
                    let [r, g, b] = p.0.map(unit);
                    reducer.add(x, y, luma_on_white([r, g, b, 1.0]));
                }
            }
            DynamicImage::ImageRgba8(buf) => {
                for (x, y, p) in buf.enumerate_pixels() {
                    reducer.add(x, y, luma_on_white(p.0.map(unit)));
                }
            }
            other => {
                for (x, y, p) in other.pixels() {
                    reducer.add(x, y, luma_on_white(p.0.map(unit)));
                }
            }
        }
        let (width, height, luma) = reducer.finish();
        let plane = ImageBuffer::<Luma<f32>, Vec<f32>>::from_raw(width, height, luma)
            .expect("the reducer's output matches its size");
        let upright = match orientation {
            Orientation::NoTransforms => plane,
            Orientation::Rotate90 => imageops::rotate90(&plane),
            Orientation::Rotate180 => imageops::rotate180(&plane),
            Orientation::Rotate270 => imageops::rotate270(&plane),
            Orientation::FlipHorizontal => imageops::flip_horizontal(&plane),
            Orientation::FlipVertical => imageops::flip_vertical(&plane),
            Orientation::Rotate90FlipH => imageops::flip_horizontal(&imageops::rotate90(&plane)),
            Orientation::Rotate270FlipH => imageops::flip_horizontal(&imageops::rotate270(&plane)),
        };
        let turned = matches!(
            orientation,
            Orientation::Rotate90
                | Orientation::Rotate270
                | Orientation::Rotate90FlipH
                | Orientation::Rotate270FlipH
        );
        let (width, height) = upright.dimensions();
        Self {
            width,
            height,
            luma: upright.into_raw(),
            source_size: if turned { (h, w) } else { (w, h) },
        }
    }
}
