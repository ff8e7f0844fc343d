//! `bayes-ruler generate`: the generated data as PNG files, and the contact sheets in trained/.

use clap::{Args, ValueEnum};

use super::{count, write};
use bayes_ruler_core::constants::IMAGE_SIDE;
use bayes_ruler_core::error::RulerError;
use bayes_ruler_core::preprocess::silhouette_png;
use bayes_ruler_silhouettes::Category;
use bayes_ruler_silhouettes::constants::DATA_SEED;
use bayes_ruler_silhouettes::dataset::{
    test_cats, test_children, test_spiders, test_strangers, train_validation, training_negatives,
    training_polygons,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Set {
    /// The training children (and the contact sheets).
    Train,
    /// The test children.
    Test,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Seed of the data sets.
    #[arg(long, default_value_t = DATA_SEED)]
    seed: u64,
    /// Folder of the PNG files.
    #[arg(long, default_value = "data")]
    out: String,
    /// How many children, spiders and cats.
    #[arg(long, default_value = "24", value_parser = count)]
    count: usize,
    /// Which children.
    #[arg(long, value_enum, default_value_t = Set::Train)]
    set: Set,
}

pub(super) fn generate(args: &GenerateArgs) -> Result<(), RulerError> {
    let (seed, out, count) = (args.seed, &args.out, args.count);
    let children = match args.set {
        Set::Train => train_validation(seed).0,
        Set::Test => test_children(seed, count.max(32)),
    };
    let spiders = test_spiders(seed, count);
    let cats = test_cats(seed, count);
    for (i, e) in children.iter().take(count).enumerate() {
        let png = silhouette_png(&e.pixels, IMAGE_SIDE)?;
        write(&format!("{out}/child-{i:03}-{}px.png", e.height), &png)?;
    }
    for (name, set) in [("spider", &spiders), ("cat", &cats)] {
        for (i, e) in set.iter().enumerate() {
            write(
                &format!("{out}/{name}-{i:03}.png"),
                &silhouette_png(&e.pixels, IMAGE_SIDE)?,
            )?;
        }
    }
    // The contact sheet shows the training data.
    if args.set == Set::Train {
        let mut tiles: Vec<&[f32]> = children
            .iter()
            .take(32)
            .map(|e| e.pixels.as_slice())
            .collect();
        tiles.extend(spiders.iter().take(8).map(|e| e.pixels.as_slice()));
        tiles.extend(cats.iter().take(8).map(|e| e.pixels.as_slice()));
        write(
            "trained/contact-sheet.png",
            &crate::sheet::contact_sheet(&tiles, 8)?,
        )?;
        write_stranger_sheets(seed)?;
    }
    println!("wrote {count} children, {count} spiders and {count} cats to {out}/");
    Ok(())
}

/// `trained/strangers-sheet.png` (the first 8 images of every category of the broad
/// out-of-distribution test set, a row each, in the report's order) and
/// `trained/negatives-sheet.png` (the first 32 generic training negatives of the four kinds, then
/// a row of 8 polygon negatives).
fn write_stranger_sheets(seed: u64) -> Result<(), RulerError> {
    let strangers: Vec<_> = Category::ALL
        .iter()
        .flat_map(|&c| test_strangers(seed, c, 8))
        .collect();
    let tiles: Vec<&[f32]> = strangers.iter().map(|e| e.pixels.as_slice()).collect();
    write(
        "trained/strangers-sheet.png",
        &crate::sheet::contact_sheet(&tiles, 8)?,
    )?;
    let mut negatives = training_negatives(seed, 32);
    negatives.extend(training_polygons(seed, 8));
    let tiles: Vec<&[f32]> = negatives.iter().map(|e| e.pixels.as_slice()).collect();
    write(
        "trained/negatives-sheet.png",
        &crate::sheet::contact_sheet(&tiles, 8)?,
    )
}
