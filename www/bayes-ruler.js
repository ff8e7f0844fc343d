// <bayes-ruler>: the model as a custom element for documentation pages.
//
//   <script type="module" src="/bayes-ruler.js"></script>
//   <bayes-ruler src="examples/child.png" samples="500"></bayes-ruler>
//
// Attributes: `src` (an image URL on the page's origin; without it, the built-in toddler),
// `samples` (passes, default 500), `backend` and `threads` (read once per page: "auto" |
// "webgpu" | "cpu", and "auto" | the number of CPU workers, 1 for none).
// Every widget on a page shares one wasm module, one device and one copy of the weights
// (ruler.js) and their requests run one after another. Events: `result` (detail: the
// prediction) and `error` (detail: the Error). State for styling: the `data-state` attribute.
import { describe, enqueue, loadEstimator, wasm } from "./ruler.js";
import { drawHistogram, drawSilhouette } from "./histogram.js";

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
`;

let sheet = null;
function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}

class BayesRuler extends HTMLElement {
  static observedAttributes = ["src", "samples"];
  #parts = null;
  #generation = 0;
  #scheduled = false;

  connectedCallback() {
    if (!this.#parts) this.#render();
    this.#schedule();
  }

  attributeChangedCallback() {
    if (this.#parts) this.#schedule();
  }

  #render() {
    const root = this.attachShadow({ mode: "open" });
    // A constructed stylesheet: pages with a strict CSP (no 'unsafe-inline') refuse <style>.
    root.adoptedStyleSheets = [styleSheet()];
    root.innerHTML = `
      <div class="row">
        <canvas class="silhouette" width="126" height="126" role="img"
                aria-label="the silhouette the model sees"></canvas>
        <canvas class="histogram" role="img" aria-label="histogram of the sampled heights"></canvas>
      </div>
      <progress max="1" value="0" aria-label="sampling progress"></progress>
      <p class="caption" role="status" aria-live="polite">loading the model…</p>`;
    this.#parts = {
      silhouette: root.querySelector(".silhouette"),
      histogram: root.querySelector(".histogram"),
      progress: root.querySelector("progress"),
      caption: root.querySelector(".caption"),
    };
  }

  /** Runs once per burst of attribute changes. */
  #schedule() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#run();
    });
  }

  get samples() {
    const n = Number(this.getAttribute("samples") ?? 500);
    return Number.isInteger(n) && n > 0 ? n : NaN;
  }

  async #run() {
    const generation = ++this.#generation;
    const { silhouette, histogram, progress, caption } = this.#parts;
    const src = this.getAttribute("src");
    const n = this.samples;
    const stale = () => generation !== this.#generation;
    this.dataset.state = "running";
    caption.className = "caption";
    caption.textContent = "measuring…";
    progress.max = n || 1;
    progress.value = 0;
    try {
      await loadEstimator(this.getAttribute("backend") ?? "auto", this.getAttribute("threads") ?? "auto");
      if (!Number.isInteger(n)) throw new Error(`samples="${this.getAttribute("samples")}" is not a positive integer`);
      const onProgress = ({ done, samples }) => {
        if (stale()) return;
        progress.value = done;
        drawHistogram(histogram, { ...wasm.summarize(samples), samples });
      };
      const result = await enqueue(async (est) => {
        if (stale()) return null;
        if (!src) {
          const pixels = wasm.demoSilhouette();
          drawSilhouette(silhouette, pixels, wasm.imageSide());
          return est.predictSilhouette(pixels, n, { onProgress });
        }
        const response = await fetch(src);
        if (!response.ok) throw new Error(`cannot load ${src}: HTTP ${response.status}`);
        const prepared = wasm.imageSilhouette(new Uint8Array(await response.arrayBuffer()));
        drawSilhouette(silhouette, prepared.pixels, wasm.imageSide());
        return est.predictSilhouette(prepared.pixels, n, { onProgress });
      });
      if (stale() || !result) return;
      drawHistogram(histogram, result);
      caption.textContent = describe(result);
      caption.classList.add(result.verdict);
      this.result = result;
      this.dataset.state = "done";
      this.dispatchEvent(new CustomEvent("result", { detail: result }));
    } catch (e) {
      if (stale()) return;
      caption.textContent = e.message ?? String(e);
      caption.classList.add("error");
      this.dataset.state = "error";
      this.dispatchEvent(new CustomEvent("error", { detail: e }));
    }
  }
}

if (!customElements.get("bayes-ruler")) customElements.define("bayes-ruler", BayesRuler);
