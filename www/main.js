// The demo page: pick an image (file, drop, paste or the gallery), see what the model sees, and
// watch the histogram of n exact weight draws grow. One estimator for the page (ruler.js).
import { backendLabel, describe, enqueue, loadEstimator, wasm } from "./ruler.js";
import { drawHistogram, drawSilhouette, growingHistogram } from "./histogram.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let side = 126;
let runs = 0;
let current = null; // the running measurement: { controller, done }
let input = null; // what the Measure button measures: { pixels, label }

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

/** Ends a run: `data-state` for styling and tests, `data-runs` counts finished runs. */
function finish(state) {
  document.body.dataset.state = state;
  document.body.dataset.runs = String(++runs);
}

function showOriginal({ file, pixels }) {
  const img = $("original");
  const canvas = $("original-canvas");
  if (img.src) URL.revokeObjectURL(img.src);
  if (file) {
    img.src = URL.createObjectURL(file);
    img.alt = `the chosen image, ${file.name}`;
    img.hidden = false;
    canvas.hidden = true;
  } else {
    img.removeAttribute("src");
    img.hidden = true;
    canvas.hidden = false;
    drawSilhouette(canvas, pixels, side);
  }
}

/** Samples `input.pixels` n times, drawing the histogram as the chunks arrive. */
async function measure() {
  if (!input) return;
  if (current) {
    current.controller.abort();
    await current.done;
  }
  const controller = new AbortController();
  let markDone;
  current = { controller, done: new Promise((resolve) => (markDone = resolve)) };
  const n = Number($("samples").value);
  const progress = $("progress");
  progress.max = Number.isFinite(n) && n > 0 ? n : 1;
  progress.value = 0;
  $("cancel").disabled = false;
  $("verdict").textContent = "";
  $("verdict").className = "verdict";
  document.body.dataset.state = "running";
  setStatus(`sampling ${n} weight draws for ${input.label}…`);

  const onProgress = growingHistogram($("histogram"), (heights) => wasm.summarize(heights), ({ done }) => {
    progress.value = done;
  });
  const { pixels, label } = input;
  try {
    const result = await enqueue((est) =>
      est.predictSilhouette(pixels, n, { onProgress, signal: controller.signal }),
    );
    onProgress.stop();
    progress.value = progress.max;
    drawHistogram($("histogram"), result);
    $("verdict").textContent = describe(result);
    $("verdict").classList.add(result.verdict);
    $("summary").textContent =
      `mean ${result.mean.toFixed(1)} px, std ${result.std.toFixed(2)} px, ` +
      `90% interval ${result.ci90[0].toFixed(1)}–${result.ci90[1].toFixed(1)} px, ` +
      `${(100 * result.modeShare).toFixed(0)}% within ±1 px of the mode ` +
      `(${result.samples.length} passes in ${result.elapsedMs.toFixed(0)} ms on ${result.backend}` +
      `${result.workers > 1 ? `, ${result.workers} workers` : ""})`;
    setStatus(`done: ${label}`);
    finish("done");
  } catch (e) {
    onProgress.stop();
    if (e.name === "AbortError") {
      setStatus("cancelled");
      finish("cancelled");
    } else {
      setStatus(e.message ?? String(e), true);
      finish("error");
    }
  } finally {
    if (current?.controller === controller) {
      current = null;
      $("cancel").disabled = true;
    }
    markDone();
  }
}

/** Chooses an input: draws it and what the model sees, then measures it. */
function choose(next, original) {
  input = next;
  showOriginal(original);
  drawSilhouette($("silhouette"), next.pixels, side);
  $("run").disabled = false;
  return measure();
}

/** A user's file: preprocessed in wasm (the same code as the native `predict`), then measured. */
async function chooseFile(file) {
  if (!file) return;
  let prepared;
  try {
    if (file.size > 40 * 1024 * 1024) throw new Error(`the file is ${(file.size / 1e6).toFixed(0)} MB; the limit is 40 MB`);
    prepared = wasm.imageSilhouette(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    setStatus(`${file.name}: ${e.message ?? e}`, true);
    $("verdict").textContent = "";
    finish("error");
    return;
  }
  await choose({ pixels: prepared.pixels, label: file.name }, { file });
}

function buildGallery() {
  const gallery = $("gallery");
  // Children, spiders and one of each of six other kinds it never learnt (a horse, a fish…).
  for (const item of wasm.gallery(6, 2, 6)) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `thumb ${item.kind}`;
    button.setAttribute("role", "listitem");
    const label = item.kind === "child" ? `child, true height ${item.height} px` : (item.category ?? item.kind);
    button.setAttribute("aria-label", `measure the example ${label}`);
    button.title = label;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = side;
    drawSilhouette(canvas, item.pixels, side);
    button.append(canvas);
    button.addEventListener("click", () => choose({ pixels: item.pixels, label }, item));
    gallery.append(button);
  }
}

function wireInputs() {
  $("file").addEventListener("change", (e) => chooseFile(e.target.files[0]));
  const drop = $("drop");
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  }
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    chooseFile(e.dataTransfer?.files[0]);
  });
  document.addEventListener("paste", (e) => {
    const item = [...(e.clipboardData?.items ?? [])].find((i) => i.type.startsWith("image/"));
    if (item) {
      e.preventDefault();
      chooseFile(item.getAsFile());
    }
  });
  $("controls").addEventListener("submit", (e) => {
    e.preventDefault();
    measure();
  });
  $("cancel").addEventListener("click", () => current?.controller.abort());
}

async function main() {
  if (params.has("n")) $("samples").value = params.get("n");
  setStatus("initialising the model…");
  const est = await loadEstimator(params.get("backend") ?? "auto", params.get("threads") ?? "auto");
  side = wasm.imageSide();
  $("samples").max = String(wasm.maxSamples());
  const badge = $("backend");
  badge.classList.add(est.backend);
  badge.textContent = `backend: ${backendLabel(est)}`;
  wireInputs();
  buildGallery();
  await choose({ pixels: wasm.demoSilhouette(), label: "the built-in toddler" }, { pixels: wasm.demoSilhouette() });
}

main().catch((e) => {
  setStatus(`cannot start: ${e.message ?? e}`, true);
  finish("error");
});
