//! Any bytes through the browser's and the CLI's image path: decode with limits, threshold, find
//! the figure, letterbox. It must return a silhouette or an error, never panic or run away.
#![no_main]

#[path = "../../core/src/constants.rs"]
#[allow(dead_code)]
mod constants;
#[path = "../../core/src/error.rs"]
#[allow(dead_code)]
mod error;
#[path = "../../core/src/preprocess/mod.rs"]
#[allow(dead_code)]
mod preprocess;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(silhouette) = preprocess::silhouette_from_bytes(bytes) {
        assert_eq!(silhouette.pixels.len(), constants::IMAGE_PIXELS);
        assert!(silhouette.pixels.iter().all(|&p| p == 0.0 || p == 1.0));
    }
});
