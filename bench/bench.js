// One benchmark case per call, same page, same image (the built-in toddler), same weights:
// bayes-ruler's batched exact sampling and 1-pass calls on each of its backends, and the same
// network with TensorFlow.js on each of its backends. bench/run.mjs calls window.bench.run.
import init, * as glue from "/pkg/bayes_ruler.js";
const { Estimator, demoSilhouette, modelParameters } = glue;
import { compileModule, workerCount } from "/ruler.js";
import { WorkerPool } from "/worker-pool.js";
import { tfjsNetwork } from "./tfjs-net.js";

const tf = globalThis.tf;
// Compiled once each, as the demo does: the page runs the full module, the CPU workers the
// CPU-only one.
const module = await compileModule();
const cpuModule = await compileModule("cpu");
const wasmExports = await init({ module_or_path: module });
const pixels = demoSilhouette();
const params = await modelParameters();
const estimators = {};
let tfjsBackend = null;
let tfjsNet = null;

/** "cpu-workers": the demo's CPU path, its default number of workers sharing out the passes. */
async function create(backend) {
  if (backend !== "cpu-workers") return Estimator.create({ backend });
  return WorkerPool.create(cpuModule, workerCount("auto"), await Estimator.create({ backend: "cpu" }), { glue });
}

async function ours(backend, mode, n, chunk) {
  estimators[backend] ??= await create(backend);
  const est = estimators[backend];
  if (est.backend !== backend.replace("-workers", "")) throw new Error(`asked for ${backend}, got ${est.backend}`);
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
      wasmMemoryMB: wasmExports.memory.buffer.byteLength / 2 ** 20,
      jsHeapMB: performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : null,
      tfjsBackend: impl === "tfjs" ? tf.getBackend() : null,
      fallbackReason: impl === "ours" ? estimators[backend]?.fallbackReason ?? null : null,
    };
  },
  async adapter() {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter ? { fallback: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter, vendor: adapter.info?.vendor, architecture: adapter.info?.architecture, description: adapter.info?.description } : null;
  },
};
document.body.dataset.ready = "yes";
