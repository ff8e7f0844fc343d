//! Image files to silhouettes: pass-through of 126×126 silhouettes, letterboxing, figure side,
//! EXIF orientation, the figure as one connected piece (chosen by rule or by the user), photos
//! told from silhouettes, bounded work for large photos, and a clear error for every bad input.
#![cfg(not(target_family = "wasm"))]

#[path = "common/photos.rs"]
mod photos;

use bayes_ruler_core::preprocess::{
    FigureOptions, Pick, Picture, WORKING_SIDE, decode_picture, inspect, silhouette_from_bytes,
    silhouette_png,
};
use bayes_ruler_silhouettes::demo_silhouette;
use image::{GrayImage, ImageFormat, Luma, RgbaImage};
use photos::{jpeg, photo_like, stored_as, upright_child};

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
    assert_eq!(s.source_per_frame, 4.0);
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
    // The header check the page runs before the browser decodes: the same refusals, and no
    // opinion on what it does not know (the browser may read it).
    assert!(
        inspect(&huge)
            .unwrap_err()
            .to_string()
            .contains("20000×20000")
    );
    assert!(inspect(b"").unwrap_err().to_string().contains("empty"));
    assert_eq!(inspect(b"hello, world").unwrap(), None);
    assert_eq!(inspect(&png[..64]).unwrap(), Some(("PNG".into(), 126, 126)));
    // A format this build cannot decode is named (a little-endian TIFF header).
    let tiff = message(b"II*\0\x08\0\0\0\0\0\0\0\0\0\0\0");
    assert!(tiff.contains("TIFF image"), "{tiff}");
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

fn differing(a: &[f32], b: &[f32]) -> usize {
    a.iter()
        .zip(b)
        .filter(|(x, y)| (**x > 0.5) != (**y > 0.5))
        .count()
}

#[test]
fn every_exif_orientation_is_shown_upright() {
    let upright = upright_child(300, 400, 2);
    let reference = silhouette_from_bytes(&encode(upright.clone(), ImageFormat::Png)).unwrap();
    let figure_pixels = reference.pixels.iter().filter(|&&p| p > 0.5).count();
    for orientation in 1..=8 {
        let stored = stored_as(&upright, orientation);
        let s = silhouette_from_bytes(&jpeg(&stored, 90, Some(orientation))).unwrap();
        assert_eq!(s.source_size, (300, 400), "orientation {orientation}");
        let off = differing(&s.pixels, &reference.pixels);
        assert!(
            off * 100 <= figure_pixels,
            "orientation {orientation}: {off} of {figure_pixels} pixels differ"
        );
        if orientation != 1 && orientation != 2 {
            // Without the tag the same pixels are another picture: the check can fail.
            let untagged = silhouette_from_bytes(&jpeg(&stored, 90, None)).unwrap();
            assert!(
                differing(&untagged.pixels, &reference.pixels) * 10 > figure_pixels,
                "orientation {orientation}"
            );
        }
    }
}

/// A white picture with dark rectangles `(x0, y0, x1, y1)`.
fn rectangles(w: u32, h: u32, rects: &[(u32, u32, u32, u32)]) -> Picture {
    let luma = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            let inside = rects
                .iter()
                .any(|&(x0, y0, x1, y1)| x >= x0 && x < x1 && y >= y0 && y < y1);
            if inside { 0.0 } else { 255.0 }
        })
        .collect();
    Picture {
        width: w,
        height: h,
        luma,
        source_size: (w, h),
    }
}

fn rows(pixels: &[f32]) -> (usize, usize) {
    let rows: Vec<usize> = (0..126)
        .filter(|r| pixels[r * 126..(r + 1) * 126].iter().any(|&p| p > 0.5))
        .collect();
    (rows[0], *rows.last().unwrap())
}

#[test]
fn the_figure_is_one_piece_chosen_by_rule_or_by_the_user() {
    // 252×252 (frame scale ½): a tall piece, a short piece, a 1-pixel speck.
    let picture = rectangles(
        252,
        252,
        &[(40, 20, 100, 220), (150, 160, 200, 200), (230, 10, 231, 11)],
    );
    let auto = picture.silhouette(&FigureOptions::default()).unwrap();
    assert_eq!(auto.figure.pieces.len(), 2, "the speck does not count");
    assert_eq!(
        (auto.figure.chosen, rows(&auto.pixels)),
        (Some(0), (10, 109))
    );
    assert!(
        auto.shade.iter().filter(|&&p| p > 0.5).count()
            > auto.pixels.iter().filter(|&&p| p > 0.5).count()
    );
    let second = picture
        .silhouette(&FigureOptions {
            pick: Some(Pick::Rank(1)),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (second.figure.chosen, rows(&second.pixels)),
        (Some(1), (80, 99))
    );
    // Pointing in frame coordinates: at the short piece, and just beside it (within the radius).
    for (x, y) in [(87.0, 90.0), (101.5, 90.0)] {
        let at = Pick::At { x, y, radius: 2.0 };
        let s = picture
            .silhouette(&FigureOptions {
                pick: Some(at),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rows(&s.pixels), (80, 99), "at {x}, {y}");
    }
    let nowhere = Pick::At {
        x: 60.0,
        y: 120.0,
        radius: 2.0,
    };
    let err = picture
        .silhouette(&FigureOptions {
            pick: Some(nowhere),
            ..Default::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("point at the figure"), "{err}");
    let err = picture
        .silhouette(&FigureOptions {
            pick: Some(Pick::Rank(2)),
            ..Default::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("2 pieces"), "{err}");
}

#[test]
fn a_figure_standing_free_is_preferred_to_a_larger_piece_on_the_border() {
    // A dark floor along the bottom edge (larger) and a child-sized piece standing free above it.
    let picture = rectangles(200, 200, &[(0, 170, 200, 200), (80, 40, 120, 160)]);
    let s = picture.silhouette(&FigureOptions::default()).unwrap();
    assert_eq!(
        s.figure.chosen,
        Some(1),
        "the free piece is the smaller one"
    );
    let (top, bottom) = rows(&s.pixels);
    assert!(top >= 24 && bottom <= 101, "{top}–{bottom}");
}

#[test]
fn threshold_and_shades_can_be_corrected() {
    // A mid-gray body (120) with a dark head (30) on white: Otsu takes both; threshold 80 only
    // the head; the light class is then the white around it, which touches the border.
    let (w, h) = (126u32, 126u32);
    let luma = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            match (x, y) {
                (50..=75, 20..=39) => 30.0,
                (50..=75, 40..=110) => 120.0,
                _ => 255.0,
            }
        })
        .collect();
    let picture = Picture {
        width: w,
        height: h,
        luma,
        source_size: (w, h),
    };
    let auto = picture.silhouette(&FigureOptions::default()).unwrap();
    assert_eq!(rows(&auto.pixels), (20, 110));
    let head = picture
        .silhouette(&FigureOptions {
            threshold: Some(80.0),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (rows(&head.pixels), head.figure.threshold),
        ((20, 39), 80.0)
    );
    assert!(head.figure.auto_threshold > 120.0 && head.figure.auto_threshold < 255.0);
    let light = picture
        .silhouette(&FigureOptions {
            light_figure: Some(true),
            ..Default::default()
        })
        .unwrap();
    assert!(
        light.figure.light_figure && light.pixels[0] > 0.5,
        "the white surround is the figure now"
    );
    let err = picture
        .silhouette(&FigureOptions {
            threshold: Some(10.0),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("no figure at this threshold"),
        "{err}"
    );
}

#[test]
fn photographs_are_told_from_silhouettes() {
    let photo = silhouette_from_bytes(&jpeg(&photo_like(640, 480, 1), 85, None)).unwrap();
    assert!(
        photo.figure.photo_like(),
        "mid-tones {}",
        photo.figure.mid_tone_share
    );
    // Silhouettes, also as a JPEG and shrunk from a larger drawing (gray edges), are not.
    let demo =
        silhouette_from_bytes(&silhouette_png(demo_silhouette().pixels(), 126).unwrap()).unwrap();
    let jpeg_child = silhouette_from_bytes(&jpeg(&upright_child(300, 400, 2), 60, None)).unwrap();
    let shrunk =
        silhouette_from_bytes(&encode(upright_child(2600, 2600, 20), ImageFormat::Png)).unwrap();
    for (name, s) in [("png", &demo), ("jpeg", &jpeg_child), ("shrunk", &shrunk)] {
        assert!(
            !s.figure.photo_like(),
            "{name}: mid-tones {}",
            s.figure.mid_tone_share
        );
    }
}

#[test]
fn a_48_megapixel_photo_is_reduced_while_decoding() {
    let big = upright_child(8000, 6000, 40);
    let bytes = jpeg(&big, 80, Some(6));
    drop(big);
    let picture = decode_picture(&bytes).unwrap();
    // Orientation 6 turns the stored 8000×6000 into an upright 6000×8000.
    assert_eq!(
        (picture.width, picture.height, picture.source_size),
        (768, WORKING_SIDE, (6000, 8000))
    );
    let s = picture.silhouette(&FigureOptions::default()).unwrap();
    assert!((s.source_per_frame - 8000.0 / 126.0).abs() < 1e-9);
}
