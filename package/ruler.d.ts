// The page's model (ruler.js): one wasm module, one estimator, a queue.

/** Where the passes run. */
export type Backend = "webgpu" | "cpu";

/** What `loadEstimator` may be asked for. */
export type BackendRequest = "auto" | Backend;

/** "confident": the answers agree as for children; "uncertain": they spread wider (not a
 * child); "undecided": too close to the limit to tell at this many passes. */
export type Verdict = "confident" | "undecided" | "uncertain";

export interface Histogram {
  edges: number[];
  counts: number[];
}

/** A prediction: the n sampled heights (pixels of the 126-px frame) and their summary. */
export interface Prediction {
  samples: Float32Array;
  histogram: Histogram;
  mean: number;
  std: number;
  median: number;
  ci90: [number, number];
  modeShare: number;
  /** The verdict's score: the spread relative to a child's of that height. */
  spread: number;
  spreadRange?: [number, number] | null;
  verdict: Verdict;
  verdictReason: string;
  /** The backend the prediction ended on (the CPU after a lost WebGPU device). */
  backend: Backend;
  elapsedMs: number;
  /** How many workers shared the passes (the CPU worker pool only). */
  workers?: number;
  /** predictImage only: the 126×126 silhouette the model saw, and the file's size. */
  silhouette?: Float32Array;
  sourceWidth?: number;
  sourceHeight?: number;
  /** predictImage, and the widget for images: how the figure was found. */
  picture?: FoundFigure;
}

/** What the figure rules found in a picture (`silhouetteFromRgba`, `imageSilhouette`). */
export interface FoundFigure {
  /** 126×126, figure = 1: what the model reads. */
  pixels: Float32Array;
  /** Every pixel of the figure's shade in the frame, the pieces left out included. */
  shade: Float32Array;
  /** The original image's size, upright. */
  sourceWidth: number;
  sourceHeight: number;
  /** Original pixels per frame pixel: a height of h px in the frame is h · sourcePerFrame there. */
  sourcePerFrame: number;
  /** The gray level used, and the one the rule (Otsu's) would use. */
  threshold: number;
  autoThreshold: number;
  /** Whether the figure is the light shade. */
  lightFigure: boolean;
  /** How many pieces count (1% of the largest's area and more), and the chosen one's rank. */
  pieces: number;
  piece: number | null;
  /** A photograph rather than a two-tone silhouette: over 12% of the pixels are mid-tones. */
  photoLike: boolean;
  midToneShare: number;
}

/** The user's corrections of the figure; every field optional. */
export interface FigureCorrections {
  /** Gray level 0–256: darker pixels are the dark shade. */
  threshold?: number;
  lightFigure?: boolean;
  /** The k-th largest piece (0 = the largest)… */
  piece?: number;
  /** …or the piece nearest to this frame point (0–126), within `radius` frame pixels (4). */
  at?: [number, number];
  radius?: number;
}

/** One chunk's heights: `added`, with `done` of `total` passes sampled so far. */
export interface Progress {
  done: number;
  total: number;
  added: Float32Array;
}

export interface PredictOptions {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  /** Passes per device call, 1 to 1024 (default 32). */
  chunk?: number;
}

/** The page's estimator: the wasm Estimator, or the pool of CPU workers with its interface. */
export interface RulerEstimator {
  readonly backend: Backend;
  /** Why the CPU is used where WebGPU is not (undefined otherwise). */
  readonly fallbackReason: string | undefined;
  readonly busy: boolean;
  /** The worker pool only: live workers. */
  readonly workers?: number;
  /** 126×126 pixels, row-major, figure = 1, background = 0; n from 1 to 100000. */
  predictSilhouette(pixels: Float32Array | number[], n: number, options?: PredictOptions): Promise<Prediction>;
  /** An image file's bytes (PNG, JPEG, GIF, WebP, BMP). */
  predictImage(bytes: Uint8Array | ArrayBuffer, n: number, options?: PredictOptions): Promise<Prediction>;
}

/** More workers than this cost memory for little gain. */
export const MAX_WORKERS: number;

/** The live wasm instance's functions (wasm-bindgen's glue); replaced after a trap. */
export let wasm: typeof import("./pkg/bayes_ruler.js") | null;

/** The page's estimator, created on first use; the first call's choice holds for the page. */
export function loadEstimator(backend?: BackendRequest, threads?: "auto" | number): Promise<RulerEstimator>;

/** Runs `task` after every task queued before it; rejects with the panic's message on a trap. */
export function enqueue<T>(task: (estimator: RulerEstimator) => T | Promise<T>): Promise<T>;

/** The verdict in words, e.g. "about 51 px, confident (…)". */
export function describe(result: Prediction): string;

/** `result` with an earlier measurement's heights of the same image put before its own: the
 * samples, summary, verdict and time of them all (returns `result`, updated). */
export function merged(earlier: { samples: Float32Array; elapsedMs: number }, result: Prediction): Prediction;

/** "WebGPU" or "CPU (reason)", with the number of workers and ", relaxed SIMD" when it fuses. */
export function backendLabel(estimator: RulerEstimator): string;

/** A build of the module: "full" (WebGPU + CPU), "cpu" (CPU only, SIMD128) or "cpu-relaxed"
 * (CPU only, with relaxed SIMD's fused multiply-adds; the same glue as "cpu"). */
export type ModuleKind = "full" | "cpu" | "cpu-relaxed";

/** Where each build of the module lives. */
export const MODULES: Record<ModuleKind, { glue: URL; wasm: URL }>;

/** The CPU path's build in this browser: "cpu-relaxed" where relaxed SIMD validates, else "cpu". */
export function cpuBuild(): "cpu" | "cpu-relaxed";

/** A build of the wasm module ("full" by default), compiled once per page. */
export function compileModule(kind?: ModuleKind): Promise<WebAssembly.Module>;

/** Workers for the CPU path: "auto" is one per core up to MAX_WORKERS. */
export function workerCount(threads?: "auto" | number | string): number;
