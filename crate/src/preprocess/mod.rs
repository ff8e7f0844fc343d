//! From an image file to the 126×126 silhouette the model reads, the same in the browser and in
//! the native command: decode (PNG, JPEG, GIF's first frame, WebP, BMP), flatten transparency onto
//! white, grayscale, Otsu threshold, pick the figure as the side that does not touch the border,
//! and fit the whole frame into 126×126 keeping its aspect (letterbox, no cropping: heights are
//! measured in the frame's pixels). A 126×126 black-on-white silhouette passes through unchanged.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader};

use crate::constants::{IMAGE_PIXELS, IMAGE_SIDE};
use crate::error::RulerError;

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 40 * 1024 * 1024;
/// Largest accepted decoded image, in pixels (a 48-megapixel phone photo fits).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Largest side of an accepted image.
pub const MAX_SIDE: u32 = 16_384;

/// A preprocessed image: what the model sees, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Silhouette {
    /// 126×126 row-major, figure = 1, background = 0.
    pub pixels: Vec<f32>,
    /// Width and height of the decoded image.
    pub source_size: (u32, u32),
}

fn invalid(msg: impl Into<String>) -> RulerError {
    RulerError::InvalidInput(msg.into())
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg"))
}

/// Decodes an image file with size limits checked before the pixels are allocated.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, RulerError> {
    if bytes.is_empty() {
        return Err(invalid("the file is empty"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(invalid(format!(
            "the file is {} MB; the limit is {} MB",
            bytes.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    if looks_like_svg(bytes) {
        return Err(invalid(
            "SVG is a vector format and is not supported: export the drawing as PNG",
        ));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| invalid(format!("cannot read the file: {e}")))?;
    let format = reader.format().ok_or_else(|| {
        invalid("this is not an image in a supported format (PNG, JPEG, GIF, WebP or BMP)")
    })?;
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::Gif
            | ImageFormat::WebP
            | ImageFormat::Bmp
    ) {
        return Err(invalid(format!(
            "{format:?} images are not supported; use PNG, JPEG, GIF, WebP or BMP"
        )));
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| invalid(format!("the {format:?} file is damaged or truncated: {e}")))?;
    if w == 0 || h == 0 {
        return Err(invalid("the image has no pixels"));
    }
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(invalid(format!(
            "the image is {w}×{h} pixels; the limit is {} megapixels and {MAX_SIDE} pixels a side",
            MAX_PIXELS / 1_000_000
        )));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| invalid(format!("the {format:?} file is damaged or truncated: {e}")))
}

/// Luma in [0, 255] with transparency composited onto white (a transparent background is
/// background, whatever colour its invisible pixels hold).
fn luma_on_white(image: &DynamicImage) -> (u32, u32, Vec<f32>) {
    let rgba = image.to_rgba32f();
    let (w, h) = rgba.dimensions();
    let luma = rgba
        .pixels()
        .map(|p| {
            let [r, g, b, a] = p.0;
            let y = 0.299 * r + 0.587 * g + 0.114 * b;
            255.0 * (y * a + (1.0 - a))
        })
        .collect();
    (w, h, luma)
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

/// The figure mask: dark or light, whichever class does not touch the image border (the
/// background surrounds the figure); dark when both or neither do.
fn figure_mask(w: u32, h: u32, luma: &[f32]) -> Result<Vec<bool>, RulerError> {
    let t = otsu_threshold(luma);
    let dark: Vec<bool> = luma.iter().map(|&v| v < t).collect();
    let dark_count = dark.iter().filter(|&&d| d).count();
    if dark_count == 0 || dark_count == dark.len() {
        return Err(invalid(
            "no figure found: the image is a single shade (all white or all black)",
        ));
    }
    let (w, h) = (w as usize, h as usize);
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
    let figure_is_light = light_border == 0 && dark_border > 0;
    Ok(if figure_is_light {
        dark.iter().map(|d| !d).collect()
    } else {
        dark
    })
}

/// Fits a `w×h` mask into the 126×126 frame keeping its aspect: each output pixel is figure when
/// the figure covers at least half of its source area.
fn letterbox(w: u32, h: u32, mask: &[bool]) -> Vec<f32> {
    let side = IMAGE_SIDE as f64;
    let scale = side / f64::from(w.max(h));
    let (out_w, out_h) = (
        ((f64::from(w) * scale).round() as usize).clamp(1, IMAGE_SIDE),
        ((f64::from(h) * scale).round() as usize).clamp(1, IMAGE_SIDE),
    );
    let (off_x, off_y) = ((IMAGE_SIDE - out_w) / 2, (IMAGE_SIDE - out_h) / 2);
    let (w, h) = (w as usize, h as usize);
    let (sx, sy) = (w as f64 / out_w as f64, h as f64 / out_h as f64);
    let mut out = vec![0.0f32; IMAGE_PIXELS];
    for oy in 0..out_h {
        let (y0, y1) = (oy as f64 * sy, (oy + 1) as f64 * sy);
        for ox in 0..out_w {
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
                out[(off_y + oy) * IMAGE_SIDE + off_x + ox] = 1.0;
            }
        }
    }
    out
}

/// The whole pipeline: file bytes → the model's 126×126 silhouette.
pub fn silhouette_from_bytes(bytes: &[u8]) -> Result<Silhouette, RulerError> {
    let image = decode(bytes)?;
    let (w, h, luma) = luma_on_white(&image);
    let mask = figure_mask(w, h, &luma)?;
    let pixels = letterbox(w, h, &mask);
    if !pixels.iter().any(|&p| p > 0.5) {
        return Err(invalid(
            "the figure vanished when the image was fitted to 126×126: it is too thin",
        ));
    }
    Ok(Silhouette {
        pixels,
        source_size: (w, h),
    })
}

/// Encodes a silhouette (figure = 1) as an 8-bit grayscale PNG, dark figure on white.
pub fn silhouette_png(pixels: &[f32], side: usize) -> Result<Vec<u8>, RulerError> {
    let gray: Vec<u8> = pixels
        .iter()
        .map(|&p| if p > 0.5 { 0 } else { 255 })
        .collect();
    let img = image::GrayImage::from_raw(side as u32, side as u32, gray)
        .ok_or_else(|| invalid("pixel count does not match the side"))?;
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|e| RulerError::Device(format!("cannot encode PNG: {e}")))?;
    Ok(out.into_inner())
}
