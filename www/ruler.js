// One model per page: the wasm module, one Estimator (one device, one copy of the weights), and
// a queue, because an estimator runs one prediction at a time (it rejects a second with "busy").
// On the CPU backend the passes are shared out to a pool of Web Workers (worker-pool.js), one
// per core up to MAX_WORKERS. Used by the demo page and by every <bayes-ruler> widget on a page.
import init, * as wasm from "./pkg/bayes_ruler.js";
import { WorkerPool } from "./worker-pool.js";

/** More workers cost memory (a wasm instance each, ~25 MiB after 1000 passes) for little gain. */
export const MAX_WORKERS = 4;

let estimator = null;
let queue = Promise.resolve();

/** The module compiled once, to instantiate on the page and in every worker. */
export async function compileModule() {
  const url = new URL("./pkg/bayes_ruler_bg.wasm", import.meta.url);
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    // A server that does not send application/wasm.
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
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

async function start(backend, threads) {
  const count = workerCount(threads);
  const module = await compileModule();
  await init({ module_or_path: module });
  const single = await wasm.Estimator.create({ backend });
  if (single.backend !== "cpu" || count < 2 || typeof Worker === "undefined") return single;
  try {
    return await WorkerPool.create(module, count, single);
  } catch (e) {
    // E.g. a page that embeds the widget from another origin (workers must be same-origin).
    console.warn(`bayes-ruler: sampling on the page's thread, the workers did not start: ${e.message}`);
    return single;
  }
}

/**
 * The page's estimator, created on first use. `backend`: "auto" | "webgpu" | "cpu";
 * `threads`: "auto" | a number of CPU workers (1 samples on the page's thread).
 */
export function loadEstimator(backend = "auto", threads = "auto") {
  estimator ??= start(backend, threads);
  return estimator;
}

/** The wasm module's free functions (after `loadEstimator` or `init`). */
export { wasm };

/** Runs `task(estimator)` after every task queued before it, whether they failed or not. */
export function enqueue(task) {
  const run = queue.then(() => loadEstimator()).then(task);
  queue = run.catch(() => {});
  return run;
}

const px = (v) => `${v.toFixed(1)} px`;

let verdictRule = null; // the shipped rule, read from the module once

/** The shipped rule measures the spread against a child's of the same height. */
function againstChildren(result) {
  verdictRule ??= wasm.verdictRule();
  return verdictRule.score === "ci90_vs_children" && Number.isFinite(result.spread);
}

/** How much wider than a child's the answers spread, when the shipped rule measures that. */
function relativeSpread(result) {
  if (!againstChildren(result)) return "";
  return `, ${result.spread.toFixed(1)}× as wide as a child's of that height`;
}

/**
 * The verdict in words, e.g. "about 51 px, confident (…)". The spread is the signal: every pass
 * draws every weight anew, and the answers agree as closely as for the children the model
 * learnt from (confident), spread wider (uncertain: this is not what it learnt), or sit so
 * close to the limit that this many passes cannot tell (undecided).
 */
export function describe(result) {
  const [lo, hi] = result.ci90;
  const n = result.samples?.length;
  const passes = n ? `${n} passes` : "these passes";
  if (result.verdict === "confident") {
    return `about ${Math.round(result.mean)} px, confident (90% of the answers: ${px(lo)}–${px(hi)}, as tightly as for the children it learnt from)`;
  }
  if (result.verdictReason === "outside-frame") {
    return `uncertain: the answers (about ${Math.round(result.mean)} px) do not fit the 126-px frame, so this is not a silhouette the model knows (they spread over ${px(lo)}–${px(hi)})`;
  }
  if (result.verdict === "undecided") {
    verdictRule ??= wasm.verdictRule();
    const limit = againstChildren(result) ? ` (the limit is ${verdictRule.threshold.toFixed(2)}×)` : "";
    return `undecided: draw more passes (the answers spread over ${px(lo)}–${px(hi)}${relativeSpread(result)}, too close to the limit${limit} to tell at ${passes})`;
  }
  return `uncertain: this does not look like a child (the answers spread over ${px(lo)}–${px(hi)}${relativeSpread(result)}: the weights disagree, as they do for shapes the model never learnt)`;
}

/** "WebGPU" or "CPU (reason)", with the number of workers when there are several. */
export function backendLabel(est) {
  if (est.backend === "webgpu") return "WebGPU";
  const workers = est.workers > 1 ? ` on ${est.workers} workers` : "";
  return `CPU${workers} (${est.fallbackReason ?? "requested"})`;
}
