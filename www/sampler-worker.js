// One CPU estimator in a Web Worker (see worker-pool.js): it instantiates the module the page
// compiled, samples the share of passes it is given and posts the heights back chunk by chunk.
// Its device is seeded from crypto.getRandomValues like the page's, so every worker draws its
// own independent weights.
import init, { Estimator } from "./pkg/bayes_ruler.js";

let estimator = null;
const running = new Map(); // request id → AbortController

async function start(module) {
  await init({ module_or_path: module });
  estimator = await Estimator.create({ backend: "cpu" });
}

async function run({ id, pixels, n, chunk }) {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const onProgress = ({ samples }) => postMessage({ type: "progress", id, samples });
    const result = await estimator.predictSilhouette(pixels, n, { chunk, signal: controller.signal, onProgress });
    postMessage({ type: "done", id, samples: result.samples });
  } catch (e) {
    postMessage({ type: "error", id, name: e?.name ?? "Error", message: e?.message ?? String(e) });
  } finally {
    running.delete(id);
  }
}

self.onmessage = ({ data }) => {
  switch (data.type) {
    case "start":
      start(data.module).then(
        () => postMessage({ type: "ready" }),
        (e) => postMessage({ type: "error", name: e?.name ?? "Error", message: e?.message ?? String(e) }),
      );
      break;
    case "run":
      run(data);
      break;
    case "cancel":
      running.get(data.id)?.abort();
      break;
  }
};
