// A consumer of the npm package, type-checked against its declarations (package.test.mjs):
// every line is what a user would write; each @ts-expect-error must be an error.
import { describe, enqueue, loadEstimator, type Prediction, type Progress } from "bayes-ruler";
import type { BayesRulerElement } from "bayes-ruler/widget";
import "bayes-ruler/widget";

export async function measure(bytes: Uint8Array, signal: AbortSignal): Promise<string> {
  const est = await loadEstimator("auto", 2);
  const backend: "webgpu" | "cpu" = est.backend;
  const result: Prediction = await enqueue((e) =>
    e.predictImage(bytes, 1000, { signal, onProgress: ({ done, total, added }: Progress) => void [done, total, added.length] }),
  );
  const [lo, hi] = result.ci90;
  // @ts-expect-error: the backend is one of two names
  const wrong: "tpu" = est.backend;
  // @ts-expect-error: n is a number
  await est.predictSilhouette(new Float32Array(15876), "many");
  return `${describe(result)} ${lo}–${hi} ${backend} ${wrong}`;
}

export function embed(file: File): BayesRulerElement {
  const widget = document.createElement("bayes-ruler");
  widget.source = file;
  widget.source = new Float32Array(126 * 126);
  widget.setAttribute("loading", "eager");
  widget.addEventListener("result", (e) => void e.detail.verdict);
  // @ts-expect-error: a URL goes in the src attribute, not in source
  widget.source = "child.png";
  document.addEventListener("result", (e) => void e.detail.mean);
  return widget;
}

export async function correct(file: File): Promise<number> {
  const { decodePicture, findFigure, pictureWarning } = await import("bayes-ruler/picture");
  const picture = await decodePicture(file);
  const found = findFigure(picture, { threshold: 100, at: [63, 40] });
  // @ts-expect-error: a point is two numbers
  findFigure(picture, { at: 63 });
  return found.sourcePerFrame * found.pieces + pictureWarning(found, { editable: true }).length;
}
