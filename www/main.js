// The demo page: pick an image (file, drop, paste or the gallery), see what the model sees, and
// watch the histogram of n exact weight draws grow. One estimator for the page (ruler.js).
import { backendLabel, describe, enqueue, loadEstimator, merged, wasm } from "./ruler.js";
import { drawHistogram, drawSilhouette, growingHistogram } from "./histogram.js";
import { decodePicture, findFigure, pictureWarning } from "./picture.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let side = 126;
let runs = 0;
let current = null; // the running measurement: { controller, done }
let input = null; // what the Measure button measures: { pixels, label, found? }
let last = null; // the last finished measurement of `input`: { input, samples, elapsedMs }, for "Draw more"
let picture = null; // the user's decoded picture and corrections: { decoded, corrections, label }
let remeasure = 0; // the timer of a measurement after an edit

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

/** Ends a run: `data-state` for styling and tests, `data-runs` counts finished runs. */
function finish(state) {
  document.body.dataset.state = state;
  document.body.dataset.runs = String(++runs);
}

/** "your image": the decoded picture (at the working size), or a gallery item's pixels. */
function showOriginal({ decoded, pixels }) {
  const canvas = $("original-canvas");
  if (decoded) {
    canvas.width = decoded.pixels.width;
    canvas.height = decoded.pixels.height;
    canvas.getContext("2d").putImageData(decoded.pixels, 0, 0);
    canvas.setAttribute("aria-label", `the chosen image, ${picture.label}`);
  } else {
    canvas.width = canvas.height = side;
    drawSilhouette(canvas, pixels, side);
    canvas.setAttribute("aria-label", "the chosen example");
  }
}

/** The "Draw more" button: for the input just measured, while the total stays within the limit. */
function updateMore() {
  const n = Number($("samples").value);
  const total = (last?.samples.length ?? 0) + n;
  const usable = last?.input === input && Number.isInteger(n) && n > 0 && total <= wasm.maxSamples();
  $("more").disabled = !usable || current !== null;
  $("more").textContent = usable ? `Draw ${n} more (${total} in all)` : "Draw more";
}

/**
 * Samples `input.pixels` n times, drawing the histogram as the chunks arrive; with `more`, adds
 * the n passes to the last measurement of the same input (independent draws: one larger sample).
 */
async function measure({ more = false } = {}) {
  if (!input) return;
  const earlier = more && last?.input === input ? last : null;
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
  $("more").disabled = true;
  $("verdict").textContent = "";
  $("verdict").className = "verdict";
  document.body.dataset.state = "running";
  setStatus(`sampling ${n} ${earlier ? "more " : ""}weight draws for ${input.label}…`);

  const onProgress = growingHistogram($("histogram"), (heights) => wasm.summarize(heights), ({ done }) => {
    progress.value = done;
  }, earlier?.samples);
  const measured = input;
  const { pixels, label } = input;
  if (!earlier) last = null;
  try {
    const run = await enqueue((est) =>
      est.predictSilhouette(pixels, n, { onProgress, signal: controller.signal }),
    );
    onProgress.stop();
    const result = earlier ? merged(earlier, run) : run;
    last = { input: measured, samples: result.samples, elapsedMs: result.elapsedMs };
    progress.value = progress.max;
    drawHistogram($("histogram"), result);
    $("verdict").textContent = describe(result);
    $("verdict").classList.add(result.verdict);
    const found = input.found;
    const inImage = found
      ? ` (about ${(result.mean * found.sourcePerFrame).toFixed(0)} px of your ${found.sourceWidth}×${found.sourceHeight} image)`
      : "";
    $("summary").textContent =
      `mean ${result.mean.toFixed(1)} px of the 126-px frame${inImage}, std ${result.std.toFixed(2)} px, ` +
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
      updateMore();
    }
    markDone();
  }
}

/** Chooses an input: draws it and what the model sees, then measures it. */
function choose(next, original) {
  input = next;
  showOriginal(original);
  drawSilhouette($("silhouette"), next.pixels, side, next.found?.shade);
  $("run").disabled = false;
  return measure();
}

/** A user's file: decoded by the browser (orientation, any format it reads), then the figure. */
async function chooseFile(file) {
  if (!file) return;
  let decoded, found;
  try {
    decoded = await decodePicture(file);
    found = findFigure(decoded);
  } catch (e) {
    setStatus(`${file.name}: ${e.message ?? e}`, true);
    $("verdict").textContent = "";
    finish("error");
    return;
  }
  picture = { decoded, corrections: {}, label: file.name };
  showFigureControls(found);
  await choose({ pixels: found.pixels, label: file.name, found }, { decoded });
}

/** The figure controls and the note about the picture, from what the rules found. */
function showFigureControls(found) {
  $("figure").disabled = false;
  // The slider's value v means "gray levels up to v are the dark shade" (threshold v + 0.5).
  $("threshold").value = String(Math.floor(found.threshold));
  $("threshold-value").textContent = $("threshold").value;
  $("invert").checked = found.lightFigure;
  $("next-piece").disabled = found.pieces < 2;
  $("piece-info").textContent = found.piece == null
    ? `a small piece (of ${found.pieces} that count)`
    : `piece ${found.piece + 1} of ${found.pieces}`;
  $("picture-note").textContent = pictureWarning(found, { editable: true });
}

/** Re-finds the figure with the user's corrections: the preview at once, the measurement soon. */
function edit(change) {
  if (!picture) return;
  const corrections = { ...picture.corrections, ...change };
  let found;
  try {
    found = findFigure(picture.decoded, corrections);
  } catch (e) {
    setStatus(e.message ?? String(e), true);
    return;
  }
  picture.corrections = corrections;
  input = { pixels: found.pixels, label: picture.label, found };
  showFigureControls(found);
  drawSilhouette($("silhouette"), found.pixels, side, found.shade);
  setStatus(`figure changed: measuring again…`);
  document.body.dataset.state = "editing"; // until the measurement after the edit starts
  clearTimeout(remeasure);
  remeasure = setTimeout(measure, 250);
}

function wireFigureControls() {
  $("threshold").addEventListener("input", (e) => edit({ threshold: Number(e.target.value) + 0.5 }));
  $("auto-threshold").addEventListener("click", () => edit({ threshold: undefined }));
  $("invert").addEventListener("change", (e) => edit({ lightFigure: e.target.checked, piece: undefined, at: undefined }));
  const step = (by) => {
    const found = input?.found;
    if (!found || found.pieces < 1) return;
    const k = ((found.piece ?? -1) + by + found.pieces) % found.pieces;
    edit({ piece: k, at: undefined });
  };
  $("next-piece").addEventListener("click", () => step(1));
  const preview = $("silhouette");
  preview.addEventListener("click", (e) => {
    if (!picture) return;
    const box = preview.getBoundingClientRect();
    const at = [((e.clientX - box.left) / box.width) * side, ((e.clientY - box.top) / box.height) * side];
    edit({ at, piece: undefined });
  });
  preview.addEventListener("keydown", (e) => {
    if (!picture) return;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") step(1);
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") step(-1);
    else return;
    e.preventDefault();
  });
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
    button.addEventListener("click", () => {
      picture = null;
      $("figure").disabled = true;
      $("picture-note").textContent = "";
      choose({ pixels: item.pixels, label }, item);
    });
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
  $("more").addEventListener("click", () => measure({ more: true }));
  $("samples").addEventListener("input", updateMore);
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
  wireFigureControls();
  buildGallery();
  await choose({ pixels: wasm.demoSilhouette(), label: "the built-in toddler" }, { pixels: wasm.demoSilhouette() });
}

main().catch((e) => {
  setStatus(`cannot start: ${e.message ?? e}`, true);
  finish("error");
});
