// One benchmark case per call, same page, same image (the built-in toddler), same weights:
// bayes-ruler's batched exact sampling and 1-pass calls on each of its backends, and the same
// network with TensorFlow.js on each of its backends. bench/run.mjs calls window.bench.run.
import init, * as glue from "/pkg/bayes_ruler.js";
const { Estimator, demoSilhouette, modelParameters } = glue;
import { compileModule, cpuBuild, workerCount } from "/ruler.js";
import { WorkerPool } from "/worker-pool.js";
import { tfjsNetwork } from "./tfjs-net.js";
import { measurePeak } from "./peak.js";

const tf = globalThis.tf;
// Compiled once each, as the demo does: WebGPU on the full module; the CPU path (the page's
// thread and the workers) on the CPU-only build this browser gets (relaxed SIMD where it
// validates), and "cpu-simd128" on the CPU-only build without relaxed SIMD, for comparison.
const module = await compileModule();
const cpuKind = cpuBuild();
const wasmExports = { webgpu: await init({ module_or_path: module }) };
/** A fresh instance of the CPU-only glue (its own module record: the fragment) on build `kind`. */
async function cpuInstance(kind, name) {
  const instance = await import(`/pkg/bayes_ruler_cpu.js#bench-${name}`);
  wasmExports[name] = await instance.default({ module_or_path: await compileModule(kind) });
  return instance;
}
const cpuGlue = await cpuInstance(cpuKind, "cpu");
const simd128Glue = await cpuInstance("cpu", "cpu-simd128");
const pixels = demoSilhouette();
const params = await modelParameters();
const estimators = {};
let tfjsBackend = null;
let tfjsNet = null;

/** "cpu-workers": the demo's CPU path, its default number of workers sharing out the passes. */
async function create(backend) {
  if (backend === "cpu") return cpuGlue.Estimator.create({ backend: "cpu" });
  if (backend === "cpu-simd128") return simd128Glue.Estimator.create({ backend: "cpu" });
  if (backend === "cpu-workers") {
    const single = await cpuGlue.Estimator.create({ backend: "cpu" });
    return WorkerPool.create(await compileModule(cpuKind), workerCount("auto"), single, { glue: cpuGlue });
  }
  return Estimator.create({ backend });
}

async function ours(backend, mode, n, chunk) {
  estimators[backend] ??= await create(backend);
  const est = estimators[backend];
  if (est.backend !== (backend.startsWith("cpu") ? "cpu" : backend)) throw new Error(`asked for ${backend}, got ${est.backend}`);
  const start = performance.now();
  let samples;
  if (mode === "batched") {
    samples = (await est.predictSilhouette(pixels, n, { chunk })).samples;
  } else {
    samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = (await est.predictSilhouette(pixels, 1)).samples[0];
  }
  return { ms: performance.now() - start, samples };
}

async function tfjs(backend, mode, n, chunk) {
  if (tfjsBackend !== backend) {
    if (backend === "wasm") tf.wasm.setWasmPaths("/bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/");
    if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} is unavailable`);
    await tf.ready();
    tfjsNet = tfjsNetwork(tf, params);
    tfjsBackend = backend;
  }
  const x = tfjsNet.image(pixels);
  const start = performance.now();
  const samples = mode === "batched" ? await tfjsNet.batched(x, n, chunk) : await tfjsNet.sequential(x, n);
  const ms = performance.now() - start;
  x.dispose();
  return { ms, samples };
}

const moments = (s) => {
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, s.length - 1));
  return { mean, sd };
};

window.bench = {
  /** { impl: "ours" | "tfjs", backend, mode: "batched" | "sequential", n, chunk } */
  async run({ impl, backend, mode, n, chunk = 32 }) {
    const { ms, samples } = await (impl === "ours" ? ours : tfjs)(backend, mode, n, chunk);
    const distinct = new Set(samples).size;
    return {
      ms,
      msPerSample: ms / n,
      ...moments(samples),
      distinct,
      // Wasm linear memory never shrinks: its size after a run is the peak so far.
      wasmMemoryMB: (wasmExports[backend] ?? wasmExports.cpu).memory.buffer.byteLength / 2 ** 20,
      jsHeapMB: performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : null,
      tfjsBackend: impl === "tfjs" ? tf.getBackend() : null,
      fallbackReason: impl === "ours" ? estimators[backend]?.fallbackReason ?? null : null,
    };
  },
  /** This core's measured wasm SIMD peak, GFLOP/s: fused multiply-adds (null without relaxed SIMD) and multiply + add. */
  async peak() {
    return { fused: await measurePeak({ fused: true }), plain: await measurePeak({ fused: false }) };
  },
  /** The CPU path's build here and how its kernels multiply and add. */
  cpuBuild() {
    return { build: cpuKind, arithmetic: cpuGlue.cpuArithmetic(), simd128: simd128Glue.cpuArithmetic() };
  },
  async adapter() {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter ? { fallback: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter, vendor: adapter.info?.vendor, architecture: adapter.info?.architecture, description: adapter.info?.description } : null;
  },
};
document.body.dataset.ready = "yes";
