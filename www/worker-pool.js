// The CPU backend on several cores: a pool of Web Workers, each with its own CPU estimator
// (sampler-worker.js), shares out the n passes of a prediction and merges their heights. The
// page's thread stays free for drawing while they run.
//
// Plain workers and message passing, no SharedArrayBuffer: it needs no cross-origin isolation
// (wasm threads would, and a standard library built with atomics). Every worker seeds its own
// device from crypto.getRandomValues, so the merged samples are independent weight draws, as
// those of one estimator are. The pool has the Estimator's interface (predictSilhouette,
// predictImage, backend, fallbackReason, busy) plus `workers`.
//
// Workers start from any origin (a widget loaded from a CDN): `new Worker` takes only URLs of
// the page's origin, so from elsewhere the worker is a blob: URL that imports the script from
// where it lives. A worker that dies (a trap, a crash) fails the request it was part of and is
// replaced.

const SCRIPT = new URL("./sampler-worker.js", import.meta.url);

/** The module's rejection of a cancelled prediction, with its words (`glue.abortMessage()`). */
function abortError(glue) {
  const error = new Error(glue.abortMessage());
  error.name = "AbortError";
  return error;
}

/** A module worker running sampler-worker.js, and a note on how it was started. */
function spawnWorker() {
  if (SCRIPT.origin === globalThis.location?.origin) {
    return { worker: new Worker(SCRIPT, { type: "module" }), revoke() {}, hint: "" };
  }
  const source = `import ${JSON.stringify(SCRIPT.href)};\n`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const hint =
    ` (this script comes from ${SCRIPT.origin}, so its workers start from a blob: URL;` +
    ` the page's Content-Security-Policy must allow it and the scripts it imports: worker-src blob: ${SCRIPT.origin})`;
  try {
    return { worker: new Worker(url, { type: "module" }), revoke: () => URL.revokeObjectURL(url), hint };
  } catch (e) {
    URL.revokeObjectURL(url);
    throw new Error(`a sampling worker cannot start: ${e.message}${hint}`);
  }
}

/** A worker that has instantiated `module` and loaded the weights. */
function startWorker(module, timeoutMs) {
  return new Promise((resolve, reject) => {
    const { worker, revoke, hint } = spawnWorker();
    const fail = (message) => {
      clearTimeout(timer);
      revoke();
      worker.terminate();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`a sampling worker did not start within ${timeoutMs / 1000} s`), timeoutMs);
    worker.onmessage = ({ data }) => {
      if (data.type !== "ready") return fail(data.message);
      clearTimeout(timer);
      revoke();
      worker.onmessage = worker.onerror = null;
      resolve(worker);
    };
    worker.onerror = (e) => fail(`a sampling worker failed to start: ${e.message || "no message"}${hint}`);
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

/** The caller's options without what cannot cross to a worker (handled on the page instead). */
function forwardable(options) {
  if (options === null || typeof options !== "object" || Array.isArray(options)) return options;
  const o = { ...options };
  if (typeof o.onProgress === "function") delete o.onProgress;
  if (typeof AbortSignal !== "undefined" && o.signal instanceof AbortSignal) delete o.signal;
  return o;
}

export class WorkerPool {
  #module;
  #glue; // the page's instance: preprocessing, summaries, limits
  #page; // the page's own CPU estimator: it answers when no worker is left
  #timeoutMs;
  #workers = [];
  #deaths = new Map(); // worker → listeners that hear of its death
  #replacing = 0;
  #busy = false;
  #terminated = false;
  #nextId = 0;

  constructor(module, glue, pageEstimator, timeoutMs) {
    this.#module = module;
    this.#glue = glue;
    this.#page = pageEstimator;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Starts `count` workers on the compiled `module` (the CPU-only one, bayes_ruler_cpu_bg.wasm);
   * rejects (and stops them) if one fails.
   * `glue`: the page's instance of the module (wasm-bindgen's glue namespace).
   */
  static async create(module, count, pageEstimator, { glue, timeoutMs = 120_000 } = {}) {
    if (!glue) throw new Error("WorkerPool.create needs { glue }: the page's instance of the module");
    const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(module, timeoutMs)));
    const workers = started.filter((s) => s.status === "fulfilled").map((s) => s.value);
    const failure = started.find((s) => s.status === "rejected");
    if (failure) {
      for (const w of workers) w.terminate();
      throw failure.reason;
    }
    const pool = new WorkerPool(module, glue, pageEstimator, timeoutMs);
    for (const w of workers) pool.#adopt(w);
    return pool;
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

  /** How many workers are alive and share a prediction (0 once the pool is terminated). */
  get workers() {
    return this.#workers.length;
  }

  /** How many dead workers are being replaced right now. */
  get replacing() {
    return this.#replacing;
  }

  /** As Estimator.predictSilhouette; the result also says `workers`. */
  predictSilhouette(pixels, n, options) {
    if (this.#workers.length === 0) return this.#page.predictSilhouette(pixels, n, options);
    if (this.busy) return Promise.reject(new Error(this.#glue.busyMessage()));
    this.#busy = true;
    return this.#sample(pixels, n, options).finally(() => {
      this.#busy = false;
    });
  }

  /** As Estimator.predictImage: preprocessed here (the same wasm code), sampled by the workers. */
  async predictImage(bytes, n, options) {
    const prepared = this.#glue.imageSilhouette(bytes);
    const result = await this.predictSilhouette(prepared.pixels, n, options);
    return Object.assign(result, {
      silhouette: prepared.pixels,
      sourceWidth: prepared.sourceWidth,
      sourceHeight: prepared.sourceHeight,
    });
  }

  /** Stops the workers; the pool then samples on the page's estimator. */
  terminate() {
    this.#terminated = true;
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
  }

  /** For tests of the recovery only: makes worker `index` trap (a real panic inside it). */
  trapWorkerForTests(index, message = "a trap for tests") {
    this.#workers[index].postMessage({ type: "panic-for-tests", message });
  }

  /** Watches `worker` for the rest of its life: when it dies it is dropped and replaced. */
  #adopt(worker) {
    this.#workers.push(worker);
    const listeners = new Set();
    this.#deaths.set(worker, listeners);
    let dead = false;
    const die = (reason) => {
      if (dead) return;
      dead = true;
      worker.terminate();
      this.#workers = this.#workers.filter((w) => w !== worker);
      this.#deaths.delete(worker);
      for (const listener of listeners) listener(reason);
      if (!this.#terminated) this.#replace();
    };
    worker.addEventListener("error", (e) => die(e.message || "no message"));
    worker.addEventListener("message", ({ data }) => {
      if (data.type === "panic") die(data.message);
    });
  }

  #replace() {
    this.#replacing++;
    startWorker(this.#module, this.#timeoutMs)
      .then(
        (worker) => (this.#terminated ? worker.terminate() : this.#adopt(worker)),
        (e) => console.warn(`bayes-ruler: a sampling worker could not be replaced: ${e.message}`),
      )
      .finally(() => this.#replacing--);
  }

  #splittable(pixels, n, options) {
    const o = options ?? {};
    return (
      (pixels instanceof Float32Array || Array.isArray(pixels)) &&
      Number.isInteger(n) && n >= 1 && n <= this.#glue.maxSamples() &&
      typeof o === "object" && !Array.isArray(o) &&
      (o.onProgress === undefined || typeof o.onProgress === "function") &&
      (o.signal === undefined || typeof o.signal?.aborted === "boolean") &&
      (o.chunk === undefined || (Number.isInteger(o.chunk) && o.chunk >= 1 && o.chunk <= this.#glue.maxChunk()))
    );
  }

  /**
   * Runs the parts, reports progress as increments, and settles once every worker has stopped.
   * A request the pool cannot split (anything malformed) goes whole to one worker, whose
   * Estimator answers it with its own message.
   */
  #sample(pixels, n, options) {
    const start = performance.now();
    const split = this.#splittable(pixels, n, options);
    const { onProgress, signal } = split ? options ?? {} : {};
    if (signal?.aborted) return Promise.reject(abortError(this.#glue));
    const chunk = split ? options?.chunk ?? this.#glue.defaultChunk() : undefined;
    const parts = split ? splitPasses(n, this.#workers.length, chunk) : [n];
    const workers = this.#workers.slice(0, parts.length);
    const request = split
      ? (i) => ({ pixels: Float32Array.from(pixels), n: parts[i], options: { chunk } })
      : () => ({ pixels, n, options: forwardable(options) });
    const id = ++this.#nextId;
    const got = parts.map(() => []);
    let done = 0;
    return new Promise((resolve, reject) => {
      let failure = null;
      const fail = (error) => {
        if (failure) return;
        failure = error;
        for (const w of workers) w.postMessage({ type: "cancel", id });
      };
      const onAbort = () => fail(abortError(this.#glue));
      signal?.addEventListener("abort", onAbort);
      const settled = parts.map(() => false);
      const cleanups = [];
      const settle = (i) => {
        if (settled[i]) return;
        settled[i] = true;
        if (!settled.every(Boolean)) return;
        signal?.removeEventListener("abort", onAbort);
        for (const cleanup of cleanups) cleanup();
        if (failure) return reject(failure);
        try {
          // The same heights as the increments, grouped by worker.
          const samples = concat(got.flat());
          const result = this.#glue.summarize(samples);
          resolve(Object.assign(result, { samples, backend: "cpu", workers: parts.length, elapsedMs: performance.now() - start }));
        } catch (e) {
          reject(e); // in a message listener, a throw would leave the request pending forever
        }
      };
      workers.forEach((worker, i) => {
        const listener = ({ data }) => {
          if (data.id !== id) return;
          if (data.type === "progress") {
            got[i].push(data.added);
            done += data.added.length;
            if (failure || !onProgress) return;
            try {
              onProgress({ done, total: n, added: data.added });
            } catch (e) {
              fail(e);
            }
          } else if (data.type === "done") {
            settle(i);
          } else if (data.type === "error") {
            const error = new Error(data.message);
            error.name = data.name;
            fail(error);
            settle(i);
          }
        };
        const onDeath = (reason) => {
          fail(new Error(`a sampling worker stopped: ${reason}`));
          settle(i);
        };
        this.#deaths.get(worker)?.add(onDeath);
        worker.addEventListener("message", listener);
        cleanups.push(() => {
          worker.removeEventListener("message", listener);
          this.#deaths.get(worker)?.delete(onDeath);
        });
        try {
          worker.postMessage({ type: "run", id, ...request(i) });
        } catch (e) {
          // Something that cannot be copied to a worker: the page's estimator says what.
          fail(e);
          settle(i);
        }
      });
    }).catch((e) => {
      if (e?.name === "DataCloneError") return this.#page.predictSilhouette(pixels, n, options);
      throw e;
    });
  }
}
