//! The broad out-of-distribution test set: seventeen kinds of silhouette that are not children
//! (besides spiders and cats), every one drawn by this project from filled primitives. Never
//! used for training or to choose anything (trained/README.md, "The strangers, pre-registered").

mod animals;
mod objects;
mod shapes;

use super::figure::Figure;
use super::rng::Rng;

pub use shapes::GLYPHS;

/// A kind of silhouette that is not a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Horse,
    Dog,
    HeavyBeast,
    Giraffe,
    Bird,
    Fish,
    Snake,
    Vehicle,
    Bicycle,
    Chair,
    Table,
    Tool,
    Vessel,
    Tree,
    House,
    Glyph,
    Blob,
}

impl Category {
    /// Every category, in the order of the report.
    pub const ALL: [Category; 17] = [
        Category::Horse,
        Category::Dog,
        Category::HeavyBeast,
        Category::Giraffe,
        Category::Bird,
        Category::Fish,
        Category::Snake,
        Category::Vehicle,
        Category::Bicycle,
        Category::Chair,
        Category::Table,
        Category::Tool,
        Category::Vessel,
        Category::Tree,
        Category::House,
        Category::Glyph,
        Category::Blob,
    ];

    /// Lower-case name, as in the report.
    pub fn name(self) -> &'static str {
        match self {
            Category::Horse => "horse",
            Category::Dog => "dog",
            Category::HeavyBeast => "elephant-or-cow",
            Category::Giraffe => "giraffe",
            Category::Bird => "bird",
            Category::Fish => "fish",
            Category::Snake => "snake",
            Category::Vehicle => "car-van-truck",
            Category::Bicycle => "bicycle",
            Category::Chair => "chair",
            Category::Table => "table",
            Category::Tool => "tool",
            Category::Vessel => "cup-or-bottle",
            Category::Tree => "tree",
            Category::House => "house",
            Category::Glyph => "letter-or-digit",
            Category::Blob => "blob",
        }
    }

    /// Its position in [`Category::ALL`].
    pub fn index(self) -> usize {
        Category::ALL.iter().position(|&c| c == self).unwrap_or(0)
    }

    /// One random figure of this category, upright as such things are seen (tools, fish,
    /// snakes and blobs at any angle or tilt), not yet placed or scaled.
    pub fn draw(self, rng: &mut Rng) -> Figure {
        let tilt = |fig: Figure, rng: &mut Rng, max: f32| fig.rotated(rng.range(-max, max));
        match self {
            Category::Horse => animals::horse(rng),
            Category::Dog => animals::dog(rng),
            Category::HeavyBeast => animals::heavy_beast(rng),
            Category::Giraffe => animals::giraffe(rng),
            Category::Bird => animals::bird(rng),
            Category::Fish => {
                let fig = animals::fish(rng);
                tilt(fig, rng, 0.5)
            }
            Category::Snake => {
                let fig = animals::snake(rng);
                tilt(fig, rng, 0.6)
            }
            Category::Vehicle => objects::vehicle(rng),
            Category::Bicycle => objects::bicycle(rng),
            Category::Chair => objects::chair(rng),
            Category::Table => objects::table(rng),
            Category::Tool => {
                let fig = objects::tool(rng);
                tilt(fig, rng, std::f32::consts::PI)
            }
            Category::Vessel => objects::vessel(rng),
            Category::Tree => objects::tree(rng),
            Category::House => objects::house(rng),
            Category::Glyph => shapes::glyph(rng),
            Category::Blob => {
                let fig = shapes::blob(rng);
                tilt(fig, rng, std::f32::consts::PI)
            }
        }
    }
}
