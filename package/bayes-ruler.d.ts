// <bayes-ruler>: importing the module defines the element.
import type { Prediction } from "./ruler.js";

/** The input instead of `src`: an image file, decoded pixels, or the model's own 126×126 input. */
export type BayesRulerSource = File | Blob | ImageData | Float32Array;

/** The widget's own events: they bubble and cross shadow roots. */
export interface BayesRulerEventMap {
  result: CustomEvent<Prediction>;
  error: CustomEvent<Error>;
}

type Options = boolean | AddEventListenerOptions;

export interface BayesRulerElement extends HTMLElement {
  /** A File, Blob, ImageData or 126×126 Float32Array; setting it aborts the run in progress. */
  source: BayesRulerSource | null;
  /** The `samples` attribute as a number (NaN when it is not a positive integer). */
  readonly samples: number;
  /** The last prediction, once `data-state` is "done". */
  result?: Prediction;
  /**
   * Adds `n` passes (default: `samples`) to the last measurement and resolves with the merged
   * prediction; rejects before a first measurement, past the module's limit, or when aborted.
   */
  drawMore(n?: number): Promise<Prediction>;
  addEventListener<K extends keyof BayesRulerEventMap>(type: K, listener: (this: BayesRulerElement, ev: BayesRulerEventMap[K]) => unknown, options?: Options): void;
  addEventListener<K extends keyof HTMLElementEventMap>(type: K, listener: (this: BayesRulerElement, ev: HTMLElementEventMap[K]) => unknown, options?: Options): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: Options): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "bayes-ruler": BayesRulerElement;
  }
  interface DocumentEventMap {
    /** From any <bayes-ruler> (the events bubble and cross shadow roots). */
    result: CustomEvent<Prediction>;
  }
}

export {};
