//! The drawings and the model agree on the frame: the silhouettes crate draws in a frame of its
//! own constant (it depends on nothing), which must be the model's input side.

use bayes_ruler_core::constants::{IMAGE_PIXELS, IMAGE_SIDE};

#[test]
fn the_drawings_fill_the_models_input() {
    assert_eq!(bayes_ruler_silhouettes::constants::IMAGE_SIDE, IMAGE_SIDE);
    assert_eq!(
        bayes_ruler_silhouettes::demo_silhouette().pixels().len(),
        IMAGE_PIXELS
    );
}
