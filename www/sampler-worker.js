// One CPU estimator in a Web Worker (see worker-pool.js): it instantiates the CPU-only module
// (bayes_ruler_cpu.js, no WebGPU backend) that the page compiled, samples the share of passes it
// is given and posts the heights back chunk by chunk.
// Its device is seeded from crypto.getRandomValues like the page's, so every worker draws its
// own independent weights. A panic is posted as { type: "panic" } before the instance traps;
// the pool then replaces this worker.
import init, { Estimator, onPanic, panicForTests } from "./pkg/bayes_ruler_cpu.js";

let estimator = null;
const running = new Map(); // request id → AbortController

const errorMessage = (e) => ({ name: e?.name ?? "Error", message: e?.message ?? String(e) });

async function start(module) {
  await init({ module_or_path: module });
  onPanic((message) => postMessage({ type: "panic", message }));
  estimator = await Estimator.create({ backend: "cpu" });
}

/**
 * `options` as the page forwarded them: `{ chunk }` for a split request, or a malformed
 * request's own options, which the Estimator then rejects with its message.
 */
async function run({ id, pixels, n, options }) {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const onProgress = ({ added }) => postMessage({ type: "progress", id, added }, [added.buffer]);
    const own = { signal: controller.signal, onProgress };
    const merged =
      options == null ? own : typeof options === "object" && !Array.isArray(options) ? { ...own, ...options } : options;
    await estimator.predictSilhouette(pixels, n, merged);
    postMessage({ type: "done", id });
  } catch (e) {
    postMessage({ type: "error", id, ...errorMessage(e) });
  } finally {
    running.delete(id);
  }
}

self.onmessage = ({ data }) => {
  switch (data.type) {
    case "start":
      start(data.module).then(
        () => postMessage({ type: "ready" }),
        (e) => postMessage({ type: "error", ...errorMessage(e) }),
      );
      break;
    case "run":
      run(data);
      break;
    case "cancel":
      running.get(data.id)?.abort();
      break;
    case "panic-for-tests":
      panicForTests(data.message); // traps this worker's instance: its `error` event follows
      break;
  }
};
