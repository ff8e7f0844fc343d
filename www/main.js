// Wires the page: one estimator, the built-in silhouette, the histogram.
import init, { Estimator, demoSilhouette, imageSide, maxSamples } from "./pkg/bayes_ruler.js";
import { drawHistogram, drawSilhouette } from "./histogram.js";

const $ = (id) => document.getElementById(id);

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

async function main() {
  await init();
  const params = new URLSearchParams(location.search);
  const pixels = demoSilhouette();
  drawSilhouette($("silhouette"), pixels, imageSide());
  $("samples").max = String(maxSamples());
  if (params.has("n")) $("samples").value = params.get("n");

  setStatus("initialising the model…");
  const estimator = await Estimator.create({ backend: params.get("backend") ?? "auto" });
  const badge = $("backend");
  badge.classList.add(estimator.backend);
  badge.textContent = estimator.backend === "webgpu"
    ? "backend: WebGPU"
    : `backend: CPU (${estimator.fallbackReason ?? "requested"})`;

  async function measure() {
    const n = Number($("samples").value);
    $("run").disabled = true;
    setStatus(`sampling ${n} weight draws…`);
    try {
      const result = await estimator.predictSilhouette(pixels, n);
      drawHistogram($("histogram"), result);
      $("summary").textContent =
        `mean ${result.mean.toFixed(1)} px, std ${result.std.toFixed(2)} px, ` +
        `90% interval ${result.ci90[0].toFixed(1)}–${result.ci90[1].toFixed(1)} px ` +
        `(${result.samples.length} passes in ${result.elapsedMs.toFixed(0)} ms on ${result.backend})`;
      setStatus("done");
      document.body.dataset.state = "done";
    } catch (e) {
      setStatus(e.message ?? String(e), true);
      document.body.dataset.state = "error";
    } finally {
      $("run").disabled = false;
    }
  }

  $("controls").addEventListener("submit", (event) => {
    event.preventDefault();
    measure();
  });
  $("run").disabled = false;
  await measure();
}

main().catch((e) => {
  setStatus(`cannot start: ${e.message ?? e}`, true);
  document.body.dataset.state = "error";
});
