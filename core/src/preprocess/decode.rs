//! Image file bytes to a `Picture`: format and size checks before any pixel is allocated, the
//! EXIF orientation honoured, and the decoded pixels reduced to the working resolution at once
//! so that a 48-megapixel photo costs its decoded buffer and nothing more.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::picture::Picture;
use crate::error::RulerError;

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 40 * 1024 * 1024;
/// Largest accepted decoded image, in pixels (a 48-megapixel phone photo fits).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Largest side of an accepted image.
pub const MAX_SIDE: u32 = 16_384;

const SUPPORTED: &str = "PNG, JPEG, GIF, WebP or BMP";

pub(super) fn invalid(msg: impl Into<String>) -> RulerError {
    RulerError::InvalidInput(msg.into())
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<svg") || (head.starts_with("<?xml") && head.contains("<svg"))
}

/// Refuses a file over `MAX_FILE_BYTES` (the page checks the file's size with this before
/// reading it).
pub fn check_file_size(len: usize) -> Result<(), RulerError> {
    if len > MAX_FILE_BYTES {
        return Err(invalid(format!(
            "the file is {:.1} MB; the limit is {} MB",
            len as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Refuses an image over the pixel limits (the page checks what the browser decoded with this).
pub fn check_dimensions(w: u32, h: u32) -> Result<(), RulerError> {
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(invalid(format!(
            "the image is {w}×{h} pixels; the limit is {} megapixels and {MAX_SIDE} pixels a side",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// The format's usual name ("TIFF", "AVIF"), for messages.
fn format_name(format: ImageFormat) -> String {
    format
        .extensions_str()
        .first()
        .map_or_else(|| format!("{format:?}"), |e| e.to_uppercase())
}

/// Decodes an image file with its size limits checked before the pixels are allocated; the
/// orientation is the file's EXIF tag (identity when it has none).
pub fn decode(bytes: &[u8]) -> Result<(DynamicImage, Orientation), RulerError> {
    if bytes.is_empty() {
        return Err(invalid("the file is empty"));
    }
    check_file_size(bytes.len())?;
    if looks_like_svg(bytes) {
        return Err(invalid(
            "SVG is a vector format and is not supported here: export the drawing as PNG",
        ));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| invalid(format!("cannot read the file: {e}")))?;
    let format = reader.format().ok_or_else(|| {
        invalid(format!(
            "this is not an image in a supported format ({SUPPORTED})"
        ))
    })?;
    let name = format_name(format);
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::Gif
            | ImageFormat::WebP
            | ImageFormat::Bmp
    ) {
        return Err(invalid(format!(
            "this is a {name} image, which cannot be read here; use {SUPPORTED}"
        )));
    }
    let damaged =
        |e: image::ImageError| invalid(format!("the {name} file is damaged or truncated: {e}"));
    let (w, h) = reader.into_dimensions().map_err(damaged)?;
    if w == 0 || h == 0 {
        return Err(invalid("the image has no pixels"));
    }
    check_dimensions(w, h)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    // A broken EXIF block is not worth refusing the picture for: it is shown as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    Ok((image, orientation))
}

/// What the first bytes of a file say, before a browser decodes it: an error for an empty file
/// or one over the size limits; `None` when this build does not know the format or the header
/// is not all there (the browser's decoder may still read it); else the format and size.
pub fn inspect(head: &[u8]) -> Result<Option<(String, u32, u32)>, RulerError> {
    if head.is_empty() {
        return Err(invalid("the file is empty"));
    }
    let Ok(reader) = ImageReader::new(Cursor::new(head)).with_guessed_format() else {
        return Ok(None);
    };
    let Some(format) = reader.format() else {
        return Ok(None);
    };
    let Ok((w, h)) = reader.into_dimensions() else {
        return Ok(None);
    };
    check_dimensions(w, h)?;
    Ok(Some((format_name(format), w, h)))
}

/// File bytes → the picture the figure rules read (working resolution, upright).
pub fn decode_picture(bytes: &[u8]) -> Result<Picture, RulerError> {
    let (image, orientation) = decode(bytes)?;
    Ok(Picture::from_image(&image, orientation))
}
