//! From an image to the 126×126 silhouette the model reads, the same rules in the browser and in
//! the native command: decode (the browser's own decoder on the page; PNG, JPEG, GIF's first
//! frame, WebP and BMP natively, EXIF orientation honoured), reduce to gray levels at a working
//! resolution, threshold, take one connected piece of the figure's shade, and fit the whole
//! picture into the frame. A 126×126 black-on-white silhouette passes through unchanged.

mod decode;
mod figure;
mod frame;
mod picture;

pub use decode::{
    MAX_FILE_BYTES, MAX_PIXELS, MAX_SIDE, check_dimensions, check_file_size, decode,
    decode_picture, inspect,
};
pub use figure::{
    Figure, FigureOptions, PHOTO_MID_TONE_SHARE, Pick, Piece, find_figure, otsu_threshold,
};
pub use frame::{Placement, silhouette_png};
pub use picture::{Picture, WORKING_SIDE, working_size};

use crate::constants::IMAGE_SIDE;
use crate::error::RulerError;

/// A preprocessed image: what the model sees, and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Silhouette {
    /// 126×126 row-major, figure = 1, background = 0.
    pub pixels: Vec<f32>,
    /// Every pixel of the figure's shade in the frame (the figure and the pieces left out).
    pub shade: Vec<f32>,
    /// Width and height of the original image, upright.
    pub source_size: (u32, u32),
    /// The original image's pixels per frame pixel: a height in the frame times this is a height
    /// in the original.
    pub source_per_frame: f64,
    pub figure: Figure,
}

impl Picture {
    /// The figure by the automatic rule, or as corrected by `options`. A `Pick::At` point is in
    /// frame coordinates (0–126) with a radius in frame pixels.
    pub fn silhouette(&self, options: &FigureOptions) -> Result<Silhouette, RulerError> {
        let place = Placement::of(self.width, self.height);
        let mut options = options.clone();
        if let Some(Pick::At { x, y, radius }) = options.pick {
            let (px, py) = place.to_picture(x, y);
            options.pick = Some(Pick::At {
                x: px,
                y: py,
                radius: radius * place.picture_per_frame(),
            });
        }
        let figure = find_figure(
            self.width as usize,
            self.height as usize,
            &self.luma,
            &options,
        )?;
        let pixels = place.fit(&figure.mask);
        if !pixels.iter().any(|&p| p > 0.5) {
            return Err(decode::invalid(
                "the figure vanished when the image was fitted to 126×126: it is too thin",
            ));
        }
        let longest = f64::from(self.source_size.0.max(self.source_size.1));
        Ok(Silhouette {
            pixels,
            shade: place.fit(&figure.class),
            source_size: self.source_size,
            source_per_frame: longest / IMAGE_SIDE as f64,
            figure,
        })
    }
}

/// The whole automatic pipeline: file bytes → the model's 126×126 silhouette.
pub fn silhouette_from_bytes(bytes: &[u8]) -> Result<Silhouette, RulerError> {
    decode_picture(bytes)?.silhouette(&FigureOptions::default())
}
