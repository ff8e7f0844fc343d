//! Writes the page suite's photo fixtures into a folder (default `tests/fixtures/photos`):
//! `orientation-1.jpg` … `orientation-8.jpg` (the demo child, 300×400 upright, stored as a camera
//! would for each EXIF orientation), `photo.jpg` (a photo-like scene) and `large.jpg` (the child
//! in an 8000×6000 JPEG, 48 megapixels). Deterministic: the same bytes every run.
//!
//! `cargo run --example photo-fixtures -- [FOLDER]` (scripts/test.sh runs it before the page
//! suite).

#[path = "../../core/tests/common/photos.rs"]
mod photos;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let folder = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "tests/fixtures/photos".into()),
    );
    std::fs::create_dir_all(&folder)?;
    let upright = photos::upright_child(300, 400, 2);
    for orientation in 1..=8 {
        let stored = photos::stored_as(&upright, orientation);
        std::fs::write(
            folder.join(format!("orientation-{orientation}.jpg")),
            photos::jpeg(&stored, 90, Some(orientation)),
        )?;
    }
    std::fs::write(
        folder.join("photo.jpg"),
        photos::jpeg(&photos::photo_like(1280, 960, 1), 85, None),
    )?;
    std::fs::write(
        folder.join("large.jpg"),
        photos::jpeg(&photos::upright_child(8000, 6000, 40), 80, None),
    )?;
    println!("wrote the photo fixtures to {}", folder.display());
    Ok(())
}
