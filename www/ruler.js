// One model per page: the wasm module, one Estimator (one device, one copy of the weights), and
// a queue, because an estimator runs one prediction at a time (it rejects a second with "busy").
// On the CPU backend the passes are shared out to a pool of Web Workers (worker-pool.js), one
// per core up to MAX_WORKERS. Used by the demo page and by every <bayes-ruler> widget on a page.
//
// Two builds of the same crate, with the same embedded weights and the same API: the full module
// (WebGPU + CPU, 2.8 MB gzipped) and a CPU-only one without burn's WebGPU backend (0.84 MB,
// quicker to compile). The page starts the CPU-only one and, for backend "auto", asks it
// whether this browser has a hardware WebGPU adapter (`webgpuUsable()`, the rule
// Estimator.create applies); only then, or for backend "webgpu", does it load the full one. The
// workers always run the CPU-only one. That one comes twice, with the same glue: with relaxed
// SIMD (fused multiply-adds in the CPU kernels) where the browser validates it, else with SIMD128
// alone (`cpuBuild()`).
//
// Recovery: a panic in the module traps its instance, which must not be used again. The panic
// hook (onPanic) rejects whatever was in flight with the panic's message, and the next call
// starts a fresh instance of the same compiled module. A start that fails (a network error, say)
// is not kept either: the next call tries again.
import { WorkerPool } from "./worker-pool.js";
import { describeVerdict } from "./verdict-words.js";

/** More workers cost memory (a wasm instance each, ~25 MiB after 1000 passes) for little gain. */
export const MAX_WORKERS = 4;

const CPU_GLUE = new URL("./pkg/bayes_ruler_cpu.js", import.meta.url);

/** The builds: wasm-bindgen's glue and the wasm file of each. */
export const MODULES = {
  full: { glue: new URL("./pkg/bayes_ruler.js", import.meta.url), wasm: new URL("./pkg/bayes_ruler_bg.wasm", import.meta.url) },
  cpu: { glue: CPU_GLUE, wasm: new URL("./pkg/bayes_ruler_cpu_bg.wasm", import.meta.url) },
  "cpu-relaxed": { glue: CPU_GLUE, wasm: new URL("./pkg/bayes_ruler_cpu_relaxed_bg.wasm", import.meta.url) },
};

/** A module of one function, three splats and an f32x4.relaxed_madd: valid where relaxed SIMD is. */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0,
  65, 1, 253, 15, 65, 2, 253, 15, 65, 3, 253, 15, 253, 133, 2, 11,
]);

/** The CPU path's build for this browser: "cpu-relaxed" where relaxed SIMD validates, else "cpu". */
export function cpuBuild() {
  return WebAssembly.validate(RELAXED_SIMD_PROBE) ? "cpu-relaxed" : "cpu";
}

/**
 * The live instance's functions (wasm-bindgen's glue), set once `loadEstimator` has started
 * one and replaced after a trap: read `wasm.summarize(...)` etc. at the time of the call.
 */
export let wasm = null;

const compiled = {}; // kind → Promise<WebAssembly.Module>, one compilation per page
let runtime = null; // Promise<Runtime> of the live instance
let instances = 0;
let settings = null; // the first call's backend and threads
let queue = Promise.resolve();

async function compile(url) {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A server that does not send application/wasm (or a failed fetch: this one says which).
    const response = await fetch(url).catch((e) => {
      throw new Error(`cannot load ${url}: ${e.message}`);
    });
    if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

/** Build `kind` (a key of MODULES) compiled once, to instantiate on the page and in workers. */
export function compileModule(kind = "full") {
  if (!compiled[kind]) {
    const attempt = compile(MODULES[kind].wasm);
    compiled[kind] = attempt;
    attempt.catch(() => {
      if (compiled[kind] === attempt) delete compiled[kind]; // retried by the next call
    });
  }
  return compiled[kind];
}

/** Workers for the CPU path: "auto" = one per core up to MAX_WORKERS; 1 = the page's thread. */
export function workerCount(threads) {
  if (threads === "auto" || threads == null) {
    return Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1);
  }
  const n = Number(threads);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`threads must be "auto" or an integer from 1 to 64, got ${threads}`);
  return n;
}

/**
 * A fresh instance of the glue: each import of a new URL is a new module record with its own
 * wasm instance. The fragment keeps it one file for the HTTP cache and any CDN.
 */
async function freshGlue(kind) {
  const k = instances++;
  const glue = MODULES[kind].glue.href;
  return import(k === 0 ? glue : `${glue}#instance-${k}`);
}

/** A fresh instance of build `kind`, started. */
async function instantiate(kind) {
  const module = await compileModule(kind);
  const glue = await freshGlue(kind);
  await glue.default({ module_or_path: module });
  return glue;
}

/**
 * The page's instance for `backend`: the CPU-only build unless WebGPU will be used. For "auto"
 * the CPU-only build probes the adapter first, so a browser without hardware WebGPU never
 * downloads the full one.
 */
async function pageInstance(backend) {
  if (backend === "webgpu") return instantiate("full");
  const cpu = await instantiate(cpuBuild());
  if (backend === "cpu" || !(await cpu.webgpuUsable())) return cpu;
  return instantiate("full");
}

/**
 * Starts an instance and its estimator. The Runtime: `{ glue, estimator, dead }`, where `dead`
 * rejects with the panic's message when the instance traps.
 */
async function startRuntime({ backend, threads }) {
  const count = workerCount(threads);
  const glue = await pageInstance(backend);
  const self = { glue, estimator: null, dead: null, alive: true };
  self.dead = new Promise((_, reject) => {
    glue.onPanic((message) => {
      // Called inside the panicking instance, just before it traps: touch nothing of it.
      self.alive = false;
      reject(new Error(message));
      queueMicrotask(() => retire(self));
    });
  });
  self.dead.catch(() => {});
  const created = (async () => {
    const single = await glue.Estimator.create({ backend });
    if (single.backend !== "cpu" || count < 2 || typeof Worker === "undefined") return single;
    try {
      return await WorkerPool.create(await compileModule(cpuBuild()), count, single, { glue });
    } catch (e) {
      console.warn(`bayes-ruler: sampling on the page's thread, the workers did not start: ${e.message}`);
      return single;
    }
  })();
  self.estimator = await Promise.race([created, self.dead]);
  if (self.alive) wasm = glue;
  return self;
}

/** Stops a dead instance's workers; `loadRuntime` starts a fresh instance on the next call. */
function retire(dead) {
  dead.estimator?.terminate?.();
}

/** The live instance, started (or restarted after a trap or a failed start) when needed. */
async function loadRuntime() {
  for (;;) {
    if (!runtime) {
      const attempt = startRuntime(settings);
      runtime = attempt;
      attempt.catch(() => {
        if (runtime === attempt) runtime = null; // retried by the next call
      });
    }
    const attempt = runtime;
    const live = await attempt;
    if (live.alive) return live;
    if (runtime === attempt) runtime = null; // it trapped: a fresh one
  }
}

/**
 * The page's estimator, created on first use. `backend`: "auto" | "webgpu" | "cpu";
 * `threads`: "auto" | a number of CPU workers (1 samples on the page's thread). The first call's
 * choice holds for the page; later calls share its estimator.
 */
export async function loadEstimator(backend = "auto", threads = "auto") {
  settings ??= { backend, threads };
  return (await loadRuntime()).estimator;
}

/**
 * Runs `task(estimator)` after every task queued before it, whether they failed or not. If the
 * instance traps meanwhile, the task rejects with the panic's message.
 */
export function enqueue(task) {
  const run = queue.then(async () => {
    settings ??= { backend: "auto", threads: "auto" };
    const live = await loadRuntime();
    return Promise.race([Promise.resolve().then(() => task(live.estimator)), live.dead]);
  });
  queue = run.catch(() => {});
  return run;
}

/**
 * `result` with the heights of an `earlier` measurement of the same image put before its own:
 * the samples, summary, verdict and time of them all (every pass is its own draw of every weight,
 * so together they are one larger exact sample). `earlier`: `{ samples, elapsedMs }`.
 */
export function merged(earlier, result) {
  const samples = new Float32Array(earlier.samples.length + result.samples.length);
  samples.set(earlier.samples);
  samples.set(result.samples, earlier.samples.length);
  return Object.assign(result, wasm.summarize(samples), { samples, elapsedMs: earlier.elapsedMs + result.elapsedMs });
}

/** The verdict in words, e.g. "about 51 px, confident (…)": see verdict-words.js. */
export function describe(result) {
  return describeVerdict(result, wasm.verdictRule());
}

/**
 * "WebGPU" or "CPU (reason)", with the number of workers when there are several and ", relaxed
 * SIMD" when the CPU kernels fuse their multiply-adds.
 */
export function backendLabel(est) {
  if (est.backend === "webgpu") return "WebGPU";
  const workers = est.workers > 1 ? ` on ${est.workers} workers` : "";
  const fused = wasm?.cpuArithmetic?.() === "relaxed-simd" ? ", relaxed SIMD" : "";
  return `CPU${workers}${fused} (${est.fallbackReason ?? "requested"})`;
}
