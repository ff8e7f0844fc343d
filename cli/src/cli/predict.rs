//! `bayes-ruler predict`: measure image files with the shipped model, as the page does.

use burn::tensor::Device;
use clap::Args;

use super::passes;
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::inference::sample_heights;
use bayes_ruler_core::preprocess::silhouette_from_bytes;
use bayes_ruler_core::stats::{Summary, mode_share};
use bayes_ruler_core::verdict::{Spread, shipped_threshold, verdict};
use bayes_ruler_core::weights::load_embedded;

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Passes per image (independent weight draws).
    #[arg(long, default_value = "1000", value_parser = passes)]
    samples: usize,
    /// One JSON object per image (with every sample) instead of a line of text.
    #[arg(long)]
    json: bool,
    /// PNG, JPEG, GIF, WebP or BMP files.
    #[arg(required = true, value_name = "IMAGE")]
    files: Vec<String>,
}

pub(super) fn predict(args: &PredictArgs) -> Result<(), RulerError> {
    let (n, files) = (args.samples, &args.files);
    let device = Device::flex();
    let model = load_embedded(&device)?;
    let threshold = shipped_threshold();
    let mut failed = 0;
    for file in files {
        let result = std::fs::read(file)
            .map_err(|e| RulerError::InvalidInput(format!("cannot read {file}: {e}")))
            .and_then(|bytes| silhouette_from_bytes(&bytes))
            .and_then(|s| Ok((sample_heights(&model, &s.pixels, n, &device)?, s)));
        let (heights, silhouette) = match result {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{file}: {e}");
                failed += 1;
                continue;
            }
        };
        let s =
            Summary::of(&heights).ok_or_else(|| RulerError::Device("non-finite heights".into()))?;
        let verdict = verdict(&Spread::of(&s), &threshold);
        let share = mode_share(&heights);
        let figure = &silhouette.figure;
        if figure.photo_like() {
            eprintln!(
                "{file}: this looks like a photograph, not a two-tone silhouette ({:.0}% of its \
                 pixels are mid-tones): the figure measured is the largest piece darker than \
                 gray level {:.0}, which may not be the child",
                100.0 * figure.mid_tone_share,
                figure.threshold
            );
        }
        let in_source = s.mean * silhouette.source_per_frame;
        if args.json {
            let line = serde_json::json!({
                "file": file, "mean": s.mean, "std": s.std, "median": s.median, "ci90": s.ci90,
                "mode_share": share, "verdict": verdict,
                "source_size": silhouette.source_size, "source_per_frame": silhouette.source_per_frame,
                "mean_in_source": in_source, "photo_like": figure.photo_like(),
                "samples": heights,
            });
            println!("{line}");
        } else {
            println!(
                "{file}: {:.1} px of the 126-px frame, about {in_source:.0} px of the {}×{} image \
                 (std {:.2}, 90% {:.1}–{:.1}, {:.0}% at the mode): {verdict}",
                s.mean,
                silhouette.source_size.0,
                silhouette.source_size.1,
                s.std,
                s.ci90[0],
                s.ci90[1],
                share * 100.0
            );
        }
    }
    if failed > 0 {
        return Err(RulerError::InvalidInput(format!(
            "{failed} of {} files could not be measured",
            files.len()
        )));
    }
    Ok(())
}
