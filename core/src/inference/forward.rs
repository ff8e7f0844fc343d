//! The batched pass: every draw of a chunk through the network at once, the background skipped.

use burn::tensor::Tensor;
use burn::tensor::activation::relu;
use burn::tensor::module::conv2d;

use super::input::FigureCrop;
use super::{ModelInput, WeightDraws};
use crate::model::BayesianCnn;

/// Repeats a per-channel bias once per draw: `[c]` → `[n·c]`, matching stacked kernels.
fn tile_bias(bias: Tensor<1>, n: usize) -> Tensor<1> {
    let [c] = bias.dims();
    bias.unsqueeze_dim::<2>(0).repeat_dim(0, n).reshape([n * c])
}

/// A `[c]` vector as a `[1, c, h, w]` map, constant over space.
fn constant_map(values: Tensor<1>, h: usize, w: usize) -> Tensor<4> {
    let [c] = values.dims();
    values
        .reshape([1, c, 1, 1])
        .repeat_dim(2, h)
        .repeat_dim(3, w)
}

/// How a chunk's convolutions are computed. The results are the same up to rounding; the speed
/// is not, and which is faster depends on the device and the chunk size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PassKernels {
    /// Layer 1 as one convolution of the image with the n·c1 stacked kernels, layer 2 as one
    /// grouped convolution (a group per draw). The default: the CPU and the browser use it
    /// (in wasm the matrix-product form was not faster), and its intermediates stay within
    /// WebGPU's 128 MiB binding limit at [`WEBGPU_MAX_CHUNK`] draws per call.
    #[default]
    Convolutions,
    /// Both layers as matrix products over im2col columns: layer 1 as the stacked kernels times
    /// the image's columns, layer 2 as a batched product per draw. A GPU's best with hundreds
    /// of draws per call (2.3× on an H100 at 1000: burn's GPU backend has only a direct kernel
    /// for grouped convolutions, and a slow one for a single input channel), at the cost of
    /// k² copies of layer 2's input.
    MatrixProducts,
}

/// Valid (unpadded, stride 1, square kernel) convolution of each draw's `c1` channels of `x`
/// `[1, n·c1, h, w]` with that draw's kernel `w` `[n, c2, c1, k, k]`, as im2col + a batched
/// matrix product: `[1, n·c2, h − k + 1, w − k + 1]`, the same as a grouped `conv2d` with `n`
/// groups (with n = 1, an ordinary convolution of one image).
pub fn per_draw_conv_unfolded(x: Tensor<4>, w: Tensor<5>) -> Tensor<4> {
    let [n, c2, c1, k, _] = w.dims();
    let [_, channels, h, width] = x.dims();
    assert_eq!(
        channels,
        n * c1,
        "per_draw_conv_unfolded: input channels ≠ draws × c1"
    );
    let (ho, wo) = (h + 1 - k, width + 1 - k);
    let x = x.reshape([n, c1, h, width]);
    // Column index c·k² + dy·k + dx matches the kernel's [c1, k, k] layout; conv2d is a
    // cross-correlation, so tap (dy, dx) reads the input shifted by (dy, dx).
    // The k² shifted views are stacked as they are, so each is copied once, into the columns.
    let taps = (0..k * k)
        .map(|t| x.clone().narrow(2, t / k, ho).narrow(3, t % k, wo))
        .collect();
    let columns = Tensor::stack::<5>(taps, 2).reshape([n, c1 * k * k, ho * wo]);
    w.reshape([n, c2, c1 * k * k])
        .matmul(columns)
        .reshape([1, n * c2, ho, wo])
}

/// Heights `[n]` of one image under each of the `n` weight draws, exactly as `n` separate
/// passes would compute them, with the work of the empty background skipped.
///
/// Layer 1: every draw sees the same image, so the n·c1 sampled kernels form one convolution
/// (or one matrix product with the image's im2col columns, see [`PassKernels`]), computed only
/// over the pool cells whose windows touch the figure (elsewhere the output is relu(bias), the
/// same for every draw). Layer 2 is linear in its input: with C the constant map of relu(bias)
/// and D = layer-1 output − C (zero outside the figure's cells), conv(D + C) = conv(D) +
/// conv(C). conv(D) is computed per draw (a grouped convolution, or im2col + a batched matrix
/// product) over the figure's cells only; conv(C) takes one of 5 × 5 values per draw (interior,
/// or a position one or two cells from a zero-padded border), read from a 5 × 5 map. The dense layer is a batched
/// matrix product.
pub fn forward_draws(model: &BayesianCnn, input: &ModelInput, draws: &WeightDraws) -> Tensor<1> {
    forward_draws_with(model, input, draws, PassKernels::default())
}

/// [`forward_draws`] with a choice of how the convolutions are computed.
pub fn forward_draws_with(
    model: &BayesianCnn,
    input: &ModelInput,
    draws: &WeightDraws,
    kernels: PassKernels,
) -> Tensor<1> {
    let n = draws.len();
    let [_, c1, c_in, k, _] = draws.conv1.dims();
    let [_, c2, _, _, _] = draws.conv2.dims();
    let [_, features, units] = draws.dense.dims();
    let pool = model.pool;
    let reach = k / 2;
    let cells = model.input_side() / pool; // 32 cells after the first pool
    let used = (cells / pool) * pool; // rows of layer 2 that feed the second pool (all 32)

    let b1 = tile_bias(model.conv1.kernel.bias.val(), n);
    let floor1 = relu(b1.clone()); // layer-1 output of a cell that cannot see the figure
    let w2 = draws.conv2.clone().reshape([n * c2, c1, k, k]);
    let b2 = tile_bias(model.conv2.kernel.bias.val(), n);

    // conv(C) + bias: a 5 × 5 constant map gives every distinct border/interior value.
    let side = 2 * reach + 1;
    let constant = conv2d(
        constant_map(floor1.clone(), side, side),
        w2.clone(),
        Some(b2),
        model.conv2.kernel.options(n),
    );
    // The 5 × 5 map's rows: `reach` top-border rows, the interior, `reach` bottom-border rows;
    // layer 2's `cells` rows are the same, with the interior repeated (and only the first
    // `used` of them feed the second pool).
    let expand = |t: Tensor<4>, dim: usize| {
        let top = t.clone().narrow(dim, 0, reach);
        let inner = t
            .clone()
            .narrow(dim, reach, 1)
            .repeat_dim(dim, cells - 2 * reach);
        let bottom = t.narrow(dim, reach + 1, reach);
        Tensor::cat(vec![top, inner, bottom], dim).narrow(dim, 0, used)
    };
    let mut layer2 = expand(expand(constant, 2), 3); // [1, n·c2, used, used]

    if let Some(FigureCrop { cells, pixels, .. }) = &input.figure {
        let [a0, a1, b0, b1c] = *cells;
        let (na, nb) = (a1 - a0 + 1, b1c - b0 + 1);
        let w1 = draws.conv1.clone().reshape([n * c1, c_in, k, k]);
        let x = match kernels {
            PassKernels::Convolutions => conv2d(
                pixels.clone(),
                w1,
                Some(b1),
                model.conv1.kernel.options_valid(1),
            ),
            // The image as the single "draw" of [`per_draw_conv_unfolded`], the n·c1 kernels
            // as its output channels: [n·c1, c_in·k²] × [c_in·k², positions].
            PassKernels::MatrixProducts => {
                per_draw_conv_unfolded(pixels.clone(), w1.unsqueeze_dim::<5>(0))
                    + b1.reshape([1, n * c1, 1, 1])
            }
        }; // [1, n·c1, pool·na, pool·nb]
        let x = model.max_pool(relu(x)); // [1, n·c1, na, nb]
        let delta = x - constant_map(floor1, na, nb);
        // conv(D): D is zero outside the crop, so its outputs are zero outside rows
        // a0 − r .. a1 + r; pad by 2r and convolve "valid" to get exactly those, then keep the
        // ones inside 0 .. used.
        let delta = delta.pad([(2 * reach, 2 * reach), (2 * reach, 2 * reach)], 0.0);
        let d = match kernels {
            PassKernels::Convolutions => {
                conv2d(delta, w2, None, model.conv2.kernel.options_valid(n))
            }
            PassKernels::MatrixProducts => per_draw_conv_unfolded(delta, draws.conv2.clone()),
        }; // [1, n·c2, na + 2r, nb + 2r]
        let clip = |lo: usize, count: usize| {
            let first = lo as isize - reach as isize;
            let start = (-first).max(0) as usize;
            let end = ((first + count as isize).min(used as isize) - first).max(start as isize);
            (start, end as usize - start, first.max(0) as usize)
        };
        let (r_start, r_len, r_at) = clip(a0, na + 2 * reach);
        let (c_start, c_len, c_at) = clip(b0, nb + 2 * reach);
        if r_len > 0 && c_len > 0 {
            let d = d.narrow(2, r_start, r_len).narrow(3, c_start, c_len);
            let d = d.pad(
                [(r_at, used - r_at - r_len), (c_at, used - c_at - c_len)],
                0.0,
            );
            layer2 = layer2 + d;
        }
    }
    let x = model.max_pool(relu(layer2)); // [1, n·c2, 8, 8]

    // Dense: [n, 1, features] × [n, features, units], one matrix per draw.
    let x = x.reshape([n, 1, features]);
    let out = x.matmul(draws.dense.clone()).reshape([n, units]);
    let out = out + model.dense.kernel.bias.val().unsqueeze_dim::<2>(0);
    model.to_pixels(out.reshape([n * units]))
}

/// [`forward_draws`] without skipping the background: every position of both convolutions is
/// computed (the reference the benchmark compares with; same results up to rounding).
pub fn forward_draws_dense(
    model: &BayesianCnn,
    image: Tensor<4>,
    draws: &WeightDraws,
) -> Tensor<1> {
    let n = draws.len();
    let [_, c1, c_in, k, _] = draws.conv1.dims();
    let [_, c2, _, _, _] = draws.conv2.dims();
    let [_, features, units] = draws.dense.dims();
    let w1 = draws.conv1.clone().reshape([n * c1, c_in, k, k]);
    let b1 = tile_bias(model.conv1.kernel.bias.val(), n);
    let x = model.max_pool(relu(conv2d(
        model.framed(image),
        w1,
        Some(b1),
        model.conv1.kernel.options(1),
    )));
    let w2 = draws.conv2.clone().reshape([n * c2, c1, k, k]);
    let b2 = tile_bias(model.conv2.kernel.bias.val(), n);
    let x = model.max_pool(relu(conv2d(x, w2, Some(b2), model.conv2.kernel.options(n))));
    let out = x
        .reshape([n, 1, features])
        .matmul(draws.dense.clone())
        .reshape([n, units]);
    let out = out + model.dense.kernel.bias.val().unsqueeze_dim::<2>(0);
    model.to_pixels(out.reshape([n * units]))
}
