//! Minimal raster plots for the training report (no fonts: axes, grid and coloured series; the
//! report's text says what each colour is).

use image::{Rgb, RgbImage};

use bayes_ruler_core::error::RulerError;

const W: u32 = 640;
const H: u32 = 360;
const PAD: u32 = 30;

fn canvas() -> RgbImage {
    let mut img = RgbImage::from_pixel(W, H, Rgb([255, 255, 255]));
    for i in 0..=4 {
        let y = PAD + i * (H - 2 * PAD) / 4;
        for x in PAD..W - PAD {
            img.put_pixel(x, y, Rgb([225, 225, 225]));
        }
    }
    for x in PAD..W - PAD {
        img.put_pixel(x, H - PAD, Rgb([60, 60, 60]));
    }
    for y in PAD..=H - PAD {
        img.put_pixel(PAD, y, Rgb([60, 60, 60]));
    }
    img
}

fn encode(img: RgbImage) -> Result<Vec<u8>, RulerError> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| RulerError::Device(format!("cannot encode a plot: {e}")))?;
    Ok(out.into_inner())
}

fn line(img: &mut RgbImage, a: (f64, f64), b: (f64, f64), color: Rgb<u8>) {
    let steps = ((b.0 - a.0).abs().max((b.1 - a.1).abs()) as usize).max(1);
    for s in 0..=steps {
        let t = s as f64 / steps as f64;
        let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        for (dx, dy) in [(0, 0), (1, 0), (0, 1)] {
            let (px, py) = (x as i64 + dx, y as i64 + dy);
            if (0..W as i64).contains(&px) && (0..H as i64).contains(&py) {
                img.put_pixel(px as u32, py as u32, color);
            }
        }
    }
}

/// Series on a log₁₀ y axis against their index (e.g. MSE per epoch); one colour each:
/// blue, orange, green, red.
pub fn log_curves(series: &[&[f64]]) -> Result<Vec<u8>, RulerError> {
    let colors = [
        Rgb([51, 103, 214]),
        Rgb([230, 120, 20]),
        Rgb([40, 160, 70]),
        Rgb([200, 40, 40]),
    ];
    let values = series.iter().flat_map(|s| s.iter()).filter(|v| **v > 0.0);
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(l, h), &v| {
        (l.min(v.log10()), h.max(v.log10()))
    });
    let (lo, hi) = (lo.floor(), hi.ceil().max(lo.floor() + 1.0));
    let n = series.iter().map(|s| s.len()).max().unwrap_or(1).max(2);
    let x = |i: usize| PAD as f64 + i as f64 * f64::from(W - 2 * PAD) / (n - 1) as f64;
    let y = |v: f64| {
        f64::from(H - PAD) - (v.max(1e-12).log10() - lo) / (hi - lo) * f64::from(H - 2 * PAD)
    };
    let mut img = canvas();
    for (k, s) in series.iter().enumerate() {
        for i in 1..s.len() {
            line(
                &mut img,
                (x(i - 1), y(s[i - 1])),
                (x(i), y(s[i])),
                colors[k % colors.len()],
            );
        }
    }
    encode(img)
}

/// A histogram's bars (counts) in one colour.
pub fn bars(counts: &[u32], color: [u8; 3]) -> Result<Vec<u8>, RulerError> {
    let mut img = canvas();
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let n = counts.len().max(1) as u32;
    let bw = (W - 2 * PAD) / n;
    for (i, &c) in counts.iter().enumerate() {
        let h = (u64::from(c) * u64::from(H - 2 * PAD) / u64::from(max)) as u32;
        for x in PAD + 1 + i as u32 * bw..PAD + (i as u32 + 1) * bw {
            for y in H - PAD - h..H - PAD {
                img.put_pixel(x, y, Rgb(color));
            }
        }
    }
    encode(img)
}
