//! The 126×126 frame the model reads: a picture fitted in whole keeping its aspect (letterbox,
//! no cropping: heights are measured in the frame's pixels), and back from frame to picture.

use std::io::Cursor;

use image::ImageFormat;

use crate::constants::{IMAGE_PIXELS, IMAGE_SIDE};
use crate::error::RulerError;

/// Where a `w × h` picture lands in the frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    w: usize,
    h: usize,
    out_w: usize,
    out_h: usize,
    off_x: usize,
    off_y: usize,
}

impl Placement {
    pub fn of(w: u32, h: u32) -> Self {
        let scale = IMAGE_SIDE as f64 / f64::from(w.max(h));
        let fit = |v: u32| ((f64::from(v) * scale).round() as usize).clamp(1, IMAGE_SIDE);
        let (out_w, out_h) = (fit(w), fit(h));
        Self {
            w: w as usize,
            h: h as usize,
            out_w,
            out_h,
            off_x: (IMAGE_SIDE - out_w) / 2,
            off_y: (IMAGE_SIDE - out_h) / 2,
        }
    }

    /// Picture pixels per frame pixel, vertically.
    pub fn picture_per_frame(&self) -> f64 {
        self.h as f64 / self.out_h as f64
    }

    /// The picture point under a frame point.
    pub fn to_picture(&self, fx: f64, fy: f64) -> (f64, f64) {
        (
            (fx - self.off_x as f64) * self.w as f64 / self.out_w as f64,
            (fy - self.off_y as f64) * self.picture_per_frame(),
        )
    }

    /// The mask in the frame: each frame pixel is figure when the figure covers at least half
    /// of its area in the picture.
    pub fn fit(&self, mask: &[bool]) -> Vec<f32> {
        let (w, h) = (self.w, self.h);
        let (sx, sy) = (w as f64 / self.out_w as f64, h as f64 / self.out_h as f64);
        let mut out = vec![0.0f32; IMAGE_PIXELS];
        for oy in 0..self.out_h {
            let (y0, y1) = (oy as f64 * sy, (oy + 1) as f64 * sy);
            for ox in 0..self.out_w {
                let (x0, x1) = (ox as f64 * sx, (ox + 1) as f64 * sx);
                let mut covered = 0.0;
                for y in y0.floor() as usize..(y1.ceil() as usize).min(h) {
                    let wy = (y1.min(y as f64 + 1.0) - y0.max(y as f64)).max(0.0);
                    for x in x0.floor() as usize..(x1.ceil() as usize).min(w) {
                        if mask[y * w + x] {
                            covered += wy * (x1.min(x as f64 + 1.0) - x0.max(x as f64)).max(0.0);
                        }
                    }
                }
                if covered * 2.0 >= sx * sy {
                    out[(self.off_y + oy) * IMAGE_SIDE + self.off_x + ox] = 1.0;
                }
            }
        }
        out
    }
}

/// Encodes a silhouette (figure = 1) as an 8-bit grayscale PNG, dark figure on white.
pub fn silhouette_png(pixels: &[f32], side: usize) -> Result<Vec<u8>, RulerError> {
    let gray: Vec<u8> = pixels
        .iter()
        .map(|&p| if p > 0.5 { 0 } else { 255 })
        .collect();
    let img = image::GrayImage::from_raw(side as u32, side as u32, gray)
        .ok_or_else(|| RulerError::InvalidInput("pixel count does not match the side".into()))?;
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| RulerError::Device(format!("cannot encode PNG: {e}")))?;
    Ok(out.into_inner())
}
