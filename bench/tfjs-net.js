// The same Bayesian CNN written with TensorFlow.js, on bayes-ruler's weights (modelParameters()):
// a `frame` of background pixels around the image → conv 5×5 same (16) → ReLU → max-pool 4 → conv 5×5 same (32) → ReLU → max-pool 4 → dense(1),
// height = outputOffset + outputScale · y. Every pass draws every weight: W = mu + softplus(rho)·ε.
// `tf` is the global of tf.min.js (classic scripts: the backends attach to it).

/** Builds both samplers: one pass per call (the article's method) and batched exact draws. */
export function tfjsNetwork(tf, params) {
  const side = 126;
  // burn's conv kernels are [out, in, k, k]; TF.js wants [k, k, in, out].
  const conv = ({ mu, rho, bias, shape: [o, i, k] }) => {
    const hwio = (a) => tf.tensor4d(a, [o, i, k, k]).transpose([2, 3, 1, 0]);
    return { mu: hwio(mu), sigma: tf.softplus(hwio(rho)), bias: tf.tensor1d(bias), k, i, o };
  };
  const c1 = conv(params.conv1);
  const c2 = conv(params.conv2);
  const [features, units] = params.dense.shape;
  const dense = {
    mu: tf.tensor2d(params.dense.mu, [features, units]),
    sigma: tf.softplus(tf.tensor2d(params.dense.rho, [features, units])),
    bias: tf.tensor1d(params.dense.bias),
  };
  const pool = params.pool;
  const toPixels = (y) => y.mul(params.outputScale).add(params.outputOffset);
  // n draws of a posterior, stacked on a new first axis.
  const draw = (p, n) => {
    const shape = [n, ...p.mu.shape];
    return p.mu.expandDims(0).add(p.sigma.expandDims(0).mul(tf.randomNormal(shape)));
  };

  /** One pass with one fresh draw of every weight: `x` is [1, 128, 128, 1] (framed). */
  function onePass(x) {
    return tf.tidy(() => {
      const w1 = draw(c1, 1).squeeze([0]);
      let h = tf.maxPool(tf.relu(tf.conv2d(x, w1, 1, "same").add(c1.bias)), pool, pool, "valid");
      const w2 = draw(c2, 1).squeeze([0]);
      h = tf.maxPool(tf.relu(tf.conv2d(h, w2, 1, "same").add(c2.bias)), pool, pool, "valid");
      // burn flattens channels first (NCHW); TF.js tensors are NHWC.
      h = h.transpose([0, 3, 1, 2]).reshape([1, features]);
      const wd = draw(dense, 1).squeeze([0]);
      return toPixels(h.matMul(wd).add(dense.bias)).reshape([1]);
    });
  }

  /**
   * n passes with n independent draws in one graph: layer 1 as one convolution with n·16
   * stacked kernels; layer 2 per draw as patches × kernels (TF.js has no grouped convolution);
   * the dense layer as a batched matrix product.
   */
  function batchedPasses(x, n) {
    return tf.tidy(() => {
      const { k } = c1;
      const w1 = draw(c1, n).transpose([1, 2, 3, 0, 4]).reshape([k, k, 1, n * c1.o]);
      let h = tf.conv2d(x, w1, 1, "same").add(tf.tile(c1.bias, [n]));
      h = tf.maxPool(tf.relu(h), pool, pool, "valid"); // [1, s, s, n·c1]
      const s = h.shape[1];
      h = h.reshape([s, s, n, c1.o]).transpose([2, 0, 1, 3]); // [n, s, s, c1]
      const r = (k - 1) / 2;
      const padded = tf.pad(h, [[0, 0], [r, r], [r, r], [0, 0]]);
      const shifts = [];
      for (let dy = 0; dy < k; dy++) {
        for (let dx = 0; dx < k; dx++) shifts.push(padded.slice([0, dy, dx, 0], [n, s, s, c1.o]));
      }
      const patches = tf.concat(shifts, 3).reshape([n, s * s, k * k * c1.o]);
      const w2 = draw(c2, n).reshape([n, k * k * c1.o, c2.o]);
      h = tf.relu(tf.matMul(patches, w2).add(c2.bias)).reshape([n, s, s, c2.o]);
      h = tf.maxPool(h, pool, pool, "valid");
      h = h.transpose([0, 3, 1, 2]).reshape([n, 1, features]);
      const wd = draw(dense, n); // [n, features, units]
      return toPixels(tf.matMul(h, wd).reshape([n, units]).add(dense.bias)).reshape([n]);
    });
  }

  return {
    // The background frame that lets the pools tile the image (126 + 2 = 128), as bayes-ruler.
    image: (pixels) => {
      const f = params.frame ?? 0;
      return tf.pad(tf.tensor4d(pixels, [1, side, side, 1]), [[0, 0], [f, f], [f, f], [0, 0]]);
    },
    async sequential(x, n) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const y = onePass(x);
        out[i] = (await y.data())[0];
        y.dispose();
      }
      return out;
    },
    async batched(x, n, chunk = 32) {
      const out = new Float32Array(n);
      for (let done = 0; done < n; done += chunk) {
        const y = batchedPasses(x, Math.min(chunk, n - done));
        out.set(await y.data(), done);
        y.dispose();
      }
      return out;
    },
  };
}
