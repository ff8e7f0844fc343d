// Shared helpers of the page tests: the demo server on a free port, Debian's Chromium with
// software WebGPU (SwiftShader), and page utilities. Nothing is downloaded: playwright-core
// drives /usr/bin/chromium.
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("..", import.meta.url));
export const ARTIFACTS = new URL("./artifacts/", import.meta.url);

export const CHROMIUM_ARGS = [
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=swiftshader",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/** Starts scripts/serve.mjs on a free port; resolves to { url, close }. */
export function startServer(extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/serve.mjs", "0", ...extraArgs], { cwd: root });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) resolve({ url: match[1], close: () => child.kill() });
    });
    child.stderr.on("data", (chunk) => process.stderr.write(chunk));
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** Chromium with SwiftShader WebGPU; `{ webgpu: false }` launches it without any WebGPU. */
export function launchChromium({ webgpu = true } = {}) {
  const args = webgpu
    ? CHROMIUM_ARGS
    : [...CHROMIUM_ARGS.filter((a) => !a.includes("webgpu")), "--disable-features=WebGPU"];
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args });
}

/**
 * Opens `url` in a new page, recording requests that leave the server's origin, uncaught page
 * errors and console errors (a CSP violation is one). `beforeGoto(page)` runs first (e.g. routes).
 */
export async function openPage(browser, url, { beforeGoto = null } = {}) {
  const page = await browser.newPage();
  const origin = new URL(url).origin;
  const foreign = [];
  const errors = [];
  const requests = [];
  page.on("request", (req) => {
    requests.push(req.url());
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:")) foreign.push(u);
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  await beforeGoto?.(page);
  await page.goto(url);
  return { page, foreign, errors, requests };
}

/** Waits until the page has finished `runs` measurements (done, error or cancelled). */
export function waitForRun(page, runs, timeout = 200_000) {
  return page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) >= n, runs, { timeout });
}

/** Counts the histogram's bar-coloured (#3367d6) pixels on a canvas (in a shadow root if given). */
export function barPixels(page, selector, host = null) {
  return page.evaluate(([selector, host]) => {
    const scope = host ? document.querySelector(host).shadowRoot : document;
    const canvas = scope.querySelector(selector);
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === 0x33 && data[i + 1] === 0x67 && data[i + 2] === 0xd6) n++;
    }
    return n;
  }, [selector, host]);
}

/**
 * Registers the suite's before/after hooks: the server and a Chromium with WebGPU, shared by the
 * file's tests. Returns an object whose `server` and `browser` are set once `before` has run.
 */
export function suite() {
  const shared = { server: null, browser: null };
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    shared.server = await startServer();
    shared.browser = await launchChromium();
  });
  after(async () => {
    await shared.browser?.close();
    shared.server?.close();
  });
  return shared;
}

/** Two-sample Kolmogorov–Smirnov: does `a` differ from `b` at level 0.001? (c(α) = 1.949) */
export function ksRejects(a, b) {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const critical = 1.949 * Math.sqrt((x.length + y.length) / (x.length * y.length));
  return { d, critical, rejects: d > critical };
}
