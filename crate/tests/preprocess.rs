//! Image files to silhouettes: pass-through of 126×126 silhouettes, letterboxing, figure side,
//! and a clear error for every bad input.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler::data::demo_silhouette;
use bayes_ruler::preprocess::{silhouette_from_bytes, silhouette_png};
use image::{GrayImage, ImageFormat, Luma, RgbaImage};

fn encode(img: impl Into<image::DynamicImage>, format: ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.into().write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn message(bytes: &[u8]) -> String {
    silhouette_from_bytes(bytes).unwrap_err().to_string()
}

#[test]
fn a_126_silhouette_passes_through_unchanged() {
    let demo = demo_silhouette();
    let png = silhouette_png(demo.pixels(), 126).unwrap();
    assert_eq!(silhouette_from_bytes(&png).unwrap().pixels, demo.pixels());
    let bmp = encode(image::load_from_memory(&png).unwrap(), ImageFormat::Bmp);
    assert_eq!(silhouette_from_bytes(&bmp).unwrap().pixels, demo.pixels());
}

#[test]
fn larger_images_are_letterboxed_keeping_the_frame_scale() {
    // 252×504 white image with a black bar on rows 100..=299: the frame shrinks to 63×126
    // (scale ¼), the bar covers rows 25..=74, and the frame is centred horizontally.
    let mut img = GrayImage::from_pixel(252, 504, Luma([255]));
    for y in 100..300 {
        for x in 100..150 {
            img.put_pixel(x, y, Luma([0]));
        }
    }
    let s = silhouette_from_bytes(&encode(img, ImageFormat::Png)).unwrap();
    let rows: Vec<usize> = (0..126)
        .filter(|r| s.pixels[r * 126..(r + 1) * 126].iter().any(|&p| p > 0.5))
        .collect();
    assert_eq!((rows[0], *rows.last().unwrap()), (25, 74));
    let cols: Vec<usize> = (0..126)
        .filter(|c| (0..126).any(|r| s.pixels[r * 126 + c] > 0.5))
        .collect();
    assert_eq!((cols[0], *cols.last().unwrap()), (31 + 25, 31 + 37));
    assert_eq!(s.source_size, (252, 504));
}

#[test]
fn light_figures_on_dark_and_transparent_backgrounds_are_found() {
    let demo = demo_silhouette();
    let inverted = GrayImage::from_fn(126, 126, |x, y| {
        Luma([if demo.pixels()[(y * 126 + x) as usize] > 0.5 {
            255
        } else {
            0
        }])
    });
    assert_eq!(
        silhouette_from_bytes(&encode(inverted, ImageFormat::Png))
            .unwrap()
            .pixels,
        demo.pixels()
    );
    // Black figure on a transparent background whose hidden colour is black too.
    let rgba = RgbaImage::from_fn(126, 126, |x, y| {
        let fig = demo.pixels()[(y * 126 + x) as usize] > 0.5;
        image::Rgba([0, 0, 0, if fig { 255 } else { 0 }])
    });
    assert_eq!(
        silhouette_from_bytes(&encode(rgba, ImageFormat::Png))
            .unwrap()
            .pixels,
        demo.pixels()
    );
}

#[test]
fn bad_files_get_clear_errors() {
    assert!(message(b"").contains("empty"));
    assert!(message(b"hello, world").contains("not an image"));
    assert!(message(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>").contains("SVG"));
    let png = silhouette_png(demo_silhouette().pixels(), 126).unwrap();
    assert!(message(&png[..png.len() / 2]).contains("truncated"));
    let white = encode(GrayImage::from_pixel(50, 50, Luma([255])), ImageFormat::Png);
    assert!(message(&white).contains("no figure"));
    let black = encode(GrayImage::from_pixel(50, 50, Luma([0])), ImageFormat::Png);
    assert!(message(&black).contains("no figure"));
    // A 20000×20000 PNG header is refused before any pixel is allocated.
    let huge = encode(GrayImage::from_pixel(1, 1, Luma([0])), ImageFormat::Png);
    let mut huge = huge.clone();
    huge[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(message(&huge).contains("20000×20000"), "{}", message(&huge));
}

/// CRC-32 (PNG's chunk checksum), bitwise.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
