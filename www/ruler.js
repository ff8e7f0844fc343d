// One model per page: the wasm module, one Estimator (one device, one copy of the weights), and
// a queue, because an estimator runs one prediction at a time (it rejects a second with "busy").
// Used by the demo page and by every <bayes-ruler> widget on a page.
import init, * as wasm from "./pkg/bayes_ruler.js";

let estimator = null;
let queue = Promise.resolve();

/** The page's estimator, created on first use. `backend`: "auto" | "webgpu" | "cpu". */
export function loadEstimator(backend = "auto") {
  estimator ??= init().then(() => wasm.Estimator.create({ backend }));
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

/** The verdict in words, e.g. "about 51 px, confident". */
export function describe(result) {
  const [lo, hi] = result.ci90;
  if (result.verdict === "confident") {
    return `about ${Math.round(result.mean)} px, confident (90% of the answers: ${px(lo)}–${px(hi)})`;
  }
  return `uncertain: this does not look like a child (the answers spread over ${px(lo)}–${px(hi)})`;
}

/** "WebGPU" or "CPU (reason)". */
export function backendLabel(est) {
  if (est.backend === "webgpu") return "WebGPU";
  return est.fallbackReason ? `CPU (${est.fallbackReason})` : "CPU (requested)";
}
