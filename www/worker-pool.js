// The CPU backend on several cores: a pool of Web Workers, each with its own CPU estimator
// (sampler-worker.js), shares out the n passes of a prediction and merges their heights. The
// page's thread stays free for drawing while they run.
//
// Plain workers and message passing, no SharedArrayBuffer: it needs no cross-origin isolation
// (wasm threads would, and a standard library built with atomics). Every worker seeds its own
// device from crypto.getRandomValues, so the merged samples are independent weight draws, as
// those of one estimator are. The pool has the Estimator's interface (predictSilhouette,
// predictImage, backend, fallbackReason, busy) plus `workers`.
import { imageSilhouette, maxSamples, summarize } from "./pkg/bayes_ruler.js";

const DEFAULT_CHUNK = 32;
const MAX_CHUNK = 1024;
// The Estimator's own message for a second request while one runs (RulerError::Busy).
const BUSY = "busy: another prediction is still running on this estimator; await it before starting the next one";

function abortError() {
  const error = new Error("cancelled: the prediction was aborted through its signal");
  error.name = "AbortError";
  return error;
}

/** A worker that has instantiated `module` and loaded the weights. */
function startWorker(module, timeoutMs) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./sampler-worker.js", import.meta.url), { type: "module" });
    const fail = (message) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`a sampling worker did not start within ${timeoutMs / 1000} s`), timeoutMs);
    worker.onmessage = ({ data }) => {
      if (data.type !== "ready") return fail(data.message);
      clearTimeout(timer);
      worker.onmessage = worker.onerror = null;
      resolve(worker);
    };
    worker.onerror = (e) => fail(`a sampling worker failed to start: ${e.message || "no message"}`);
    worker.postMessage({ type: "start", module });
  });
}

/** `n` passes in at most `workers` parts of at least about one chunk each. */
export function splitPasses(n, workers, chunk) {
  const parts = Math.max(1, Math.min(workers, Math.ceil(n / chunk)));
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

const concat = (arrays) => {
  const out = new Float32Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};

export class WorkerPool {
  #workers;
  #page; // the page's own CPU estimator: it answers requests the pool does not split
  #busy = false;
  #broken = false;
  #nextId = 0;

  constructor(workers, pageEstimator) {
    this.#workers = workers;
    this.#page = pageEstimator;
  }

  /** Starts `count` workers on the compiled `module`; rejects (and stops them) if one fails. */
  static async create(module, count, pageEstimator, { timeoutMs = 120_000 } = {}) {
    const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(module, timeoutMs)));
    const workers = started.filter((s) => s.status === "fulfilled").map((s) => s.value);
    const failure = started.find((s) => s.status === "rejected");
    if (failure) {
      for (const w of workers) w.terminate();
      throw failure.reason;
    }
    return new WorkerPool(workers, pageEstimator);
  }

  get backend() {
    return "cpu";
  }

  get fallbackReason() {
    return this.#page.fallbackReason;
  }

  get busy() {
    return this.#busy || this.#page.busy;
  }

  /** How many workers share a prediction (0 once one has died or the pool was terminated). */
  get workers() {
    return this.#broken ? 0 : this.#workers.length;
  }

  /** As Estimator.predictSilhouette; the result also says `workers`. */
  predictSilhouette(pixels, n, options) {
    // Anything malformed goes to the page's estimator, whose rejection says what is wrong.
    if (!this.#splittable(pixels, n, options)) return this.#page.predictSilhouette(pixels, n, options);
    if (this.busy) return Promise.reject(new Error(BUSY));
    this.#busy = true;
    return this.#sample(Float32Array.from(pixels), n, options ?? {}).finally(() => {
      this.#busy = false;
    });
  }

  /** As Estimator.predictImage: preprocessed here (the same wasm code), sampled by the workers. */
  async predictImage(bytes, n, options) {
    const prepared = imageSilhouette(bytes);
    const result = await this.predictSilhouette(prepared.pixels, n, options);
    return Object.assign(result, {
      silhouette: prepared.pixels,
      sourceWidth: prepared.sourceWidth,
      sourceHeight: prepared.sourceHeight,
    });
  }

  /** Stops the workers; the pool cannot be used afterwards. */
  terminate() {
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
  }

  #splittable(pixels, n, options) {
    const o = options ?? {};
    return (
      this.workers > 0 &&
      (pixels instanceof Float32Array || Array.isArray(pixels)) &&
      Number.isInteger(n) && n >= 1 && n <= maxSamples() &&
      typeof o === "object" &&
      (o.onProgress === undefined || typeof o.onProgress === "function") &&
      (o.signal === undefined || typeof o.signal?.aborted === "boolean") &&
      (o.chunk === undefined || (Number.isInteger(o.chunk) && o.chunk >= 1 && o.chunk <= MAX_CHUNK))
    );
  }

  /** Runs the parts, reports merged progress, and settles once every worker has stopped. */
  #sample(pixels, n, { onProgress, signal, chunk = DEFAULT_CHUNK }) {
    const start = performance.now();
    if (signal?.aborted) return Promise.reject(abortError());
    const id = ++this.#nextId;
    const parts = splitPasses(n, this.#workers.length, chunk);
    const workers = this.#workers.slice(0, parts.length);
    const got = parts.map(() => new Float32Array(0));
    return new Promise((resolve, reject) => {
      let failure = null;
      const cancelAll = () => workers.forEach((w) => w.postMessage({ type: "cancel", id }));
      const fail = (error) => {
        if (failure) return;
        failure = error;
        cancelAll();
      };
      const onAbort = () => fail(abortError());
      signal?.addEventListener("abort", onAbort);
      const settled = parts.map(() => false);
      const settle = (i) => {
        if (settled[i]) return;
        settled[i] = true;
        if (!settled.every(Boolean)) return;
        signal?.removeEventListener("abort", onAbort);
        for (const [w, { listener, onCrash }] of listeners) {
          w.removeEventListener("message", listener);
          w.removeEventListener("error", onCrash);
        }
        if (failure) return reject(failure);
        try {
          const samples = concat(got);
          const result = summarize(samples);
          resolve(Object.assign(result, { samples, backend: "cpu", workers: parts.length, elapsedMs: performance.now() - start }));
        } catch (e) {
          reject(e); // in a message listener, a throw would leave the request pending forever
        }
      };
      const listeners = new Map();
      workers.forEach((worker, i) => {
        const listener = ({ data }) => {
          if (data.id !== id) return;
          if (data.type === "progress") {
            got[i] = data.samples;
            if (failure || !onProgress) return;
            const samples = concat(got);
            try {
              onProgress({ done: samples.length, total: n, samples });
            } catch (e) {
              fail(e);
            }
          } else if (data.type === "done") {
            got[i] = data.samples;
            settle(i);
          } else if (data.type === "error") {
            const error = new Error(data.message);
            error.name = data.name;
            fail(error);
            settle(i);
          }
        };
        // A worker that dies (out of memory, say) sends nothing more: its part ends here, and
        // later requests go to the page's estimator rather than wait on a dead worker.
        const onCrash = (e) => {
          fail(new Error(`a sampling worker stopped: ${e.message || "no message"}`));
          this.#broken = true;
          settle(i);
        };
        listeners.set(worker, { listener, onCrash });
        worker.addEventListener("message", listener);
        worker.addEventListener("error", onCrash);
        worker.postMessage({ type: "run", id, pixels, n: parts[i], chunk });
      });
    });
  }
}
