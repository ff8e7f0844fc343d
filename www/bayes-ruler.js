// <bayes-ruler>: the model as a custom element for documentation pages.
//
//   <script type="module" src="https://cdn.example/bayes-ruler/bayes-ruler.js"></script>
//   <bayes-ruler src="examples/child.png" samples="500"></bayes-ruler>
//
// Attributes: `src` (an image URL; without it and without `source`, the built-in toddler),
// `samples` (passes, default 500), `loading` ("lazy", the default: the model starts when the
// widget comes near the viewport; "eager": at once), `backend` and `threads` (read once per
// page: "auto" | "webgpu" | "cpu", and "auto" | the number of CPU workers, 1 for none).
// Property `source`: a File, Blob, ImageData or 126×126 Float32Array of pixels, instead of src.
// Method `drawMore(n = samples)`: adds n passes to the last measurement (independent draws, so
// one larger sample; what an "undecided" verdict asks for, and what the widget's own "draw more"
// button, shown only then, does); resolves with the merged prediction.
// Every widget on a page shares one wasm module, one device and one copy of the weights
// (ruler.js) and their requests run one after another. A change of src, samples or source
// aborts the run in progress; removing the widget stops its work.
// Events (bubbling, and crossing shadow roots): `result` (detail: the prediction) and `error`
// (detail: the Error). Styling: the `data-state` attribute (waiting, running, done, error) and
// the parts `silhouette`, `histogram`, `progress`, `caption` and `more` (::part()).
import { describe, enqueue, loadEstimator, merged, wasm } from "./ruler.js";
import { drawHistogram, drawSilhouette, growingHistogram } from "./histogram.js";
import { decodePicture, findFigure, imageDataPicture, pictureWarning } from "./picture.js";

const STYLE = `
  :host { display: inline-block; font: 14px/1.4 system-ui, sans-serif; color: #1d2430;
          border: 1px solid #ccd; border-radius: 8px; padding: 8px; background: #fff;
          width: 420px; max-width: 100%; box-sizing: border-box; vertical-align: top; }
  .row { display: flex; gap: 8px; align-items: stretch; }
  .silhouette { width: 96px; height: 96px; image-rendering: pixelated; border: 1px solid #dde;
                flex: none; }
  .histogram { flex: 1; min-width: 0; height: 96px; }
  progress { width: 100%; height: 4px; display: block; margin: 6px 0 2px; }
  p { margin: 4px 0 0; }
  .confident { color: #1b6e35; }
  .uncertain, .error { color: #a40000; }
  .undecided { color: #8a5a00; }
  button { margin-top: 4px; font: inherit; }
`;

/** How far outside the viewport a lazy widget starts its model. */
const LAZY_MARGIN = "300px";

let sheet = null;
function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}

function abortError() {
  const error = new Error("cancelled: the widget's input changed or it was removed");
  error.name = "AbortError";
  return error;
}

/**
 * The 126×126 pixels the model sees, from whatever the widget was given, by the automatic
 * figure rule (the browser decodes files, as on the page): `{ pixels, found }`, `found` being
 * what the rule found in a picture (null for pixels and the built-in toddler).
 */
async function silhouetteOf(source, src, signal) {
  const side = wasm.imageSide();
  if (source instanceof Float32Array) {
    if (source.length !== side * side) {
      throw new Error(`source must hold ${side}×${side} = ${side * side} pixels (figure = 1, background = 0), got ${source.length}`);
    }
    return { pixels: source, found: null };
  }
  let picture;
  if (typeof ImageData !== "undefined" && source instanceof ImageData) {
    picture = await imageDataPicture(source);
  } else if (source instanceof Blob) {
    picture = await decodePicture(source);
  } else if (source != null) {
    throw new Error("source must be a File, Blob, ImageData or Float32Array of 126×126 pixels");
  } else if (src) {
    const response = await fetch(src, { signal });
    if (!response.ok) throw new Error(`cannot load ${src}: HTTP ${response.status}`);
    picture = await decodePicture(await response.blob());
  } else {
    return { pixels: wasm.demoSilhouette(), found: null };
  }
  if (signal.aborted) throw abortError();
  const found = findFigure(picture);
  return { pixels: found.pixels, found };
}

class BayesRuler extends HTMLElement {
  static observedAttributes = ["src", "samples"];
  #parts = null;
  #source = null;
  #run = null; // the AbortController of the run in progress
  #scheduled = false;
  #visible = false;
  #observer = null;
  #last = null; // the last finished measurement: { pixels, found, samples, elapsedMs }

  connectedCallback() {
    if (!this.#parts) this.#render();
    if (this.#visible || this.getAttribute("loading") === "eager" || typeof IntersectionObserver === "undefined") {
      this.#visible = true;
      this.#schedule();
      return;
    }
    this.dataset.state ??= "waiting";
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.#unobserve();
        this.#visible = true;
        this.#schedule();
      },
      { rootMargin: LAZY_MARGIN },
    );
    this.#observer.observe(this);
  }

  disconnectedCallback() {
    this.#unobserve();
    this.#run?.abort(abortError());
    this.#run = null;
  }

  attributeChangedCallback() {
    if (this.#parts && this.#visible) this.#schedule();
  }

  /** The input instead of `src`: a File, Blob, ImageData or 126×126 Float32Array of pixels. */
  get source() {
    return this.#source;
  }

  set source(value) {
    this.#source = value ?? null;
    if (this.#parts && this.#visible) this.#schedule();
  }

  /**
   * Adds `n` passes (default: the `samples` attribute) to the last measurement and resolves with
   * the merged prediction (also the `result` event); rejects when nothing was measured yet, the
   * total would pass the module's limit, or a newer input aborts it.
   */
  drawMore(n = this.samples) {
    if (!this.#last) return Promise.reject(new Error("drawMore: nothing has been measured yet"));
    if (!Number.isInteger(n) || n < 1) return Promise.reject(new Error(`drawMore: n must be a positive integer, got ${n}`));
    const total = this.#last.samples.length + n;
    if (total > wasm.maxSamples()) {
      return Promise.reject(new Error(`drawMore: ${total} passes in all would pass the limit of ${wasm.maxSamples()}`));
    }
    this.#run?.abort(abortError());
    this.#run = new AbortController();
    return this.#measure(this.#run.signal, { more: n });
  }

  get samples() {
    const n = Number(this.getAttribute("samples") ?? 500);
    return Number.isInteger(n) && n > 0 ? n : NaN;
  }

  #unobserve() {
    this.#observer?.disconnect();
    this.#observer = null;
  }

  #render() {
    const root = this.attachShadow({ mode: "open" });
    // A constructed stylesheet: pages with a strict CSP (no 'unsafe-inline') refuse <style>.
    root.adoptedStyleSheets = [styleSheet()];
    root.innerHTML = `
      <div class="row">
        <canvas class="silhouette" part="silhouette" width="126" height="126" role="img"
                aria-label="the silhouette the model sees"></canvas>
        <canvas class="histogram" part="histogram" role="img"
                aria-label="histogram of the sampled heights"></canvas>
      </div>
      <progress part="progress" max="1" value="0" aria-label="sampling progress"></progress>
      <p class="caption" part="caption" role="status" aria-live="polite">loading the model…</p>
      <button type="button" part="more" hidden></button>`;
    this.#parts = {
      silhouette: root.querySelector(".silhouette"),
      histogram: root.querySelector(".histogram"),
      progress: root.querySelector("progress"),
      caption: root.querySelector(".caption"),
      more: root.querySelector("button"),
    };
    this.#parts.more.addEventListener("click", () => this.drawMore().catch(() => {}));
  }

  /** Runs once per burst of changes, aborting the run before it. */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (!this.isConnected) return;
      this.#run?.abort(abortError());
      this.#run = new AbortController();
      this.#measure(this.#run.signal);
    });
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** One run; with `more`, that many passes added to the last measurement. Resolves with the
   * prediction (undefined when aborted), and rejects only a drawMore() that failed. */
  async #measure(signal, { more = 0 } = {}) {
    const { silhouette, histogram, progress, caption } = this.#parts;
    const src = this.getAttribute("src");
    const source = this.#source;
    const earlier = more ? this.#last : null;
    const n = more || this.samples;
    let { pixels, found } = earlier ?? {};
    if (!earlier) this.#last = null;
    this.#parts.more.hidden = true;
    this.dataset.state = "running";
    caption.className = "caption";
    caption.textContent = "measuring…";
    progress.max = n || 1;
    progress.value = 0;
    const onProgress = growingHistogram(histogram, (heights) => wasm.summarize(heights), ({ done }) => {
      progress.value = done;
    }, earlier?.samples);
    // A stale run (aborted by a newer one) must not draw over the newer one's histogram.
    signal.addEventListener("abort", () => onProgress.stop(), { once: true });
    try {
      await loadEstimator(this.getAttribute("backend") ?? "auto", this.getAttribute("threads") ?? "auto");
      if (!Number.isInteger(n)) throw new Error(`samples="${this.getAttribute("samples")}" is not a positive integer`);
      const result = await enqueue(async (est) => {
        if (signal.aborted) throw abortError();
        if (!earlier) {
          ({ pixels, found } = await silhouetteOf(source, src, signal));
          drawSilhouette(silhouette, pixels, wasm.imageSide(), found?.shade);
        }
        return est.predictSilhouette(pixels, n, { onProgress, signal });
      });
      onProgress.stop();
      if (signal.aborted) return undefined;
      if (earlier) merged(earlier, result);
      this.#last = { pixels, found, samples: result.samples, elapsedMs: result.elapsedMs };
      drawHistogram(histogram, result);
      // The figure's words ride on the result: what a host page reads is what the caption says.
      if (found) result.picture = found;
      const warning = found ? pictureWarning(found) : "";
      caption.textContent = warning ? `${describe(result)} ${warning}` : describe(result);
      caption.classList.add(result.verdict);
      this.result = result;
      this.#offerMore(result);
      this.dataset.state = "done";
      this.#emit("result", result);
      return result;
    } catch (e) {
      onProgress.stop();
      if (signal.aborted) {
        if (more) throw e.name === "AbortError" ? e : abortError();
        return undefined; // a newer run, or none: the widget was removed
      }
      caption.textContent = e.message ?? String(e);
      caption.classList.add("error");
      this.dataset.state = "error";
      this.#emit("error", e);
      if (more) throw e;
      return undefined;
    }
  }

  /** The "draw more" button: only for an undecided verdict, while the total stays in the limit. */
  #offerMore(result) {
    const n = this.samples;
    const total = result.samples.length + n;
    const offer = result.verdict === "undecided" && Number.isInteger(n) && total <= wasm.maxSamples();
    this.#parts.more.hidden = !offer;
    this.#parts.more.textContent = offer ? `draw ${n} more passes (${total} in all)` : "";
  }
}

if (!customElements.get("bayes-ruler")) customElements.define("bayes-ruler", BayesRuler);
