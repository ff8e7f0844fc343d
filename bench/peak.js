// A measured single-core arithmetic peak for wasm SIMD in this browser: a loop of 12 independent
// f32x4 accumulators, each `acc = acc * x + y` per iteration, as relaxed SIMD's fused
// multiply-add or as SIMD128's multiply then add. No memory traffic: the ceiling any kernel of
// ours could reach on one core with that instruction mix. Hand-assembled (a few dozen bytes, no
// toolchain); bench/run.mjs reports our kernels' rate against it.

const ACCUMULATORS = 12; // ≥ latency × throughput of an FMA on current x86 (4 × 2)
const simd = (op) => (op < 128 ? [0xfd, op] : [0xfd, (op & 0x7f) | 0x80, op >> 7]);
const F32X4_SPLAT = simd(0x13);
const F32X4_EXTRACT_LANE0 = [...simd(0x1f), 0];
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const F32X4_RELAXED_MADD = simd(0x105);
const f32 = (v) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)];
const get = (i) => [0x20, i];
const set = (i) => [0x21, i];

/** The module's bytes: export `peak(iterations: i32) -> f32`. */
function peakModule(fused) {
  const x = ACCUMULATORS + 1;
  const y = ACCUMULATORS + 2;
  const body = [1, ACCUMULATORS + 2, 0x7b]; // one run of v128 locals: accumulators, x, y
  for (let i = 1; i <= ACCUMULATORS; i++) body.push(...f32(0.5 + i / 64), ...F32X4_SPLAT, ...set(i));
  body.push(...f32(0.999), ...F32X4_SPLAT, ...set(x), ...f32(0.001), ...F32X4_SPLAT, ...set(y));
  body.push(0x03, 0x40); // loop
  for (let i = 1; i <= ACCUMULATORS; i++) {
    if (fused) body.push(...get(i), ...get(x), ...get(y), ...F32X4_RELAXED_MADD, ...set(i));
    else body.push(...get(i), ...get(x), ...F32X4_MUL, ...get(y), ...F32X4_ADD, ...set(i));
  }
  body.push(...get(0), 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b); // n -= 1; br_if n; end
  body.push(...get(1), ...F32X4_EXTRACT_LANE0);
  for (let i = 2; i <= ACCUMULATORS; i++) body.push(...get(i), ...F32X4_EXTRACT_LANE0, 0x92);
  body.push(0x0b);
  const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
  const code = [1, ...leb(body.length), ...body];
  return new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, 4, ...new TextEncoder().encode("peak"), 0, 0]),
    ...section(10, code),
  ]);
}

function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/**
 * GFLOP/s of the loop (2 per lane per multiply-add), the best of `repeats` timed runs of
 * `iterations` each; `null` for the fused loop where relaxed SIMD does not validate.
 */
export async function measurePeak({ fused, iterations = 20_000_000, repeats = 5 }) {
  const bytes = peakModule(fused);
  if (!WebAssembly.validate(bytes)) return null;
  const { instance } = await WebAssembly.instantiate(bytes);
  instance.exports.peak(1000); // compiled by the optimising tier before timing
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const v = instance.exports.peak(iterations);
    best = Math.min(best, performance.now() - start);
    if (!Number.isFinite(v)) throw new Error(`the peak loop diverged: ${v}`);
  }
  return (iterations * ACCUMULATORS * 4 * 2) / (best * 1e6);
}
