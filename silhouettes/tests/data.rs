//! Drawing primitives and the demo silhouette.
#![cfg(not(target_family = "wasm"))]

use bayes_ruler_silhouettes::{Canvas, demo_silhouette, standing_toddler};

#[test]
fn figure_height_counts_rows_inclusive() {
    let mut c = Canvas::new(20);
    assert_eq!(c.figure_height(), 0);
    c.capsule((10.0, 5.5), (10.0, 12.5), 0.6);
    // Pixel centres 5.5 … 12.5 are within 0.6 of the segment: rows 5..=12.
    assert_eq!(c.figure_height(), 8);
}

#[test]
fn toddler_height_follows_the_requested_height() {
    for h in [40.0f32, 80.0, 110.0] {
        let mut c = Canvas::default();
        standing_toddler(&mut c, 63.0, 8.0, h);
        let measured = c.figure_height() as f32;
        assert!((measured - h).abs() <= 2.0, "asked {h}, drew {measured}");
    }
    let demo = demo_silhouette();
    assert!(demo.pixels().iter().all(|&p| p == 0.0 || p == 1.0));
    assert!((78..=82).contains(&demo.figure_height()));
}
