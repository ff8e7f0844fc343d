//! Contact sheets: many silhouettes tiled into one PNG, to look at a data set at a glance.

use bayes_ruler_core::constants::IMAGE_SIDE;
use bayes_ruler_core::error::RulerError;

/// Tiles silhouettes (figure = 1) into a `columns`-wide grid, dark figures on white, separated by
/// gray gutters; returns the PNG bytes.
pub fn contact_sheet(images: &[&[f32]], columns: usize) -> Result<Vec<u8>, RulerError> {
    let columns = columns.max(1);
    let rows = images.len().div_ceil(columns).max(1);
    let gutter = 4;
    let cell = IMAGE_SIDE + gutter;
    let (w, h) = (columns * cell + gutter, rows * cell + gutter);
    let mut sheet = image::GrayImage::from_pixel(w as u32, h as u32, image::Luma([160]));
    for (i, pixels) in images.iter().enumerate() {
        let (x0, y0) = (gutter + (i % columns) * cell, gutter + (i / columns) * cell);
        for (j, &p) in pixels.iter().enumerate() {
            let v = if p > 0.5 { 0 } else { 255 };
            sheet.put_pixel(
                (x0 + j % IMAGE_SIDE) as u32,
                (y0 + j / IMAGE_SIDE) as u32,
                image::Luma([v]),
            );
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    sheet
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| RulerError::Device(format!("cannot encode the contact sheet: {e}")))?;
    Ok(out.into_inner())
}
