//! Test pictures for the photo path: the demo child drawn large, stored as a phone stores a
//! portrait (pixels turned, an EXIF orientation tag saying how to show them), and photo-like
//! scenes with many mid-tones. Shared by `preprocess.rs` and the page suite's fixture writer
//! (`examples/photo-fixtures.rs`).
#![allow(dead_code)] // each user takes some of them

use bayes_ruler_silhouettes::demo_silhouette;
use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage, imageops};

/// The demo child (126×126, figure = 1) scaled by `scale` with nearest neighbour, black on
/// white, centred in a `w × h` picture.
pub fn upright_child(w: u32, h: u32, scale: u32) -> RgbImage {
    let demo = demo_silhouette();
    let side = 126 * scale;
    let (ox, oy) = ((w - side) / 2, (h - side) / 2);
    RgbImage::from_fn(w, h, |x, y| {
        let inside = x >= ox && y >= oy && x < ox + side && y < oy + side;
        let fig =
            inside && demo.pixels()[(((y - oy) / scale) * 126 + (x - ox) / scale) as usize] > 0.5;
        if fig {
            Rgb([0, 0, 0])
        } else {
            Rgb([255, 255, 255])
        }
    })
}

/// The pixels a camera stores so that showing them with EXIF `orientation` (1–8) gives `upright`.
pub fn stored_as(upright: &RgbImage, orientation: u8) -> RgbImage {
    match orientation {
        1 => upright.clone(),
        2 => imageops::flip_horizontal(upright),
        3 => imageops::rotate180(upright),
        4 => imageops::flip_vertical(upright),
        5 => imageops::rotate270(&imageops::flip_horizontal(upright)),
        6 => imageops::rotate270(upright),
        7 => imageops::rotate90(&imageops::flip_horizontal(upright)),
        8 => imageops::rotate90(upright),
        _ => panic!("EXIF orientations are 1–8"),
    }
}

/// A minimal big-endian TIFF block with one entry, Orientation (tag 0x0112, SHORT).
pub fn exif_orientation(orientation: u8) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&1u16.to_be_bytes());
    t.extend_from_slice(&0x0112u16.to_be_bytes());
    t.extend_from_slice(&3u16.to_be_bytes());
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&u16::from(orientation).to_be_bytes());
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&0u32.to_be_bytes());
    t
}

/// A baseline JPEG, with an EXIF orientation tag when asked.
pub fn jpeg(img: &RgbImage, quality: u8, orientation: Option<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(o) = orientation {
        encoder.set_exif_metadata(exif_orientation(o)).unwrap();
    }
    encoder
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// A deterministic photo-like scene: a graded sky, a textured ground, a dark-coated figure
/// with a lighter face, all with sensor-like noise: most pixels are neither dark nor light.
pub fn photo_like(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut noise = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % 41) as i32 - 20
    };
    let (cx, fw) = (w as f32 * 0.5, w as f32 * 0.12);
    RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32 / h as f32);
        let base = if (xf - cx).abs() < fw && yf > 0.35 && yf < 0.9 {
            70.0 // coat
        } else if (xf - cx).hypot((yf - 0.28) * h as f32) < fw * 0.7 {
            185.0 // face
        } else if yf > 0.7 {
            110.0 + 30.0 * ((xf * 0.05).sin()) // ground
        } else {
            210.0 - 90.0 * yf // sky
        };
        let v = (base as i32 + noise()).clamp(0, 255) as u8;
        Rgb([v, v.saturating_sub(10), v.saturating_add(5)])
    })
}
