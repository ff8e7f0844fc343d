// The two builds of the module in headless Chromium: size, and how long each takes to start —
// fetch + compile, instantiate (wasm-bindgen's init), a CPU Estimator with its weights, and
// the first 1000-pass prediction of the built-in toddler — cold (a fresh browser context: empty
// HTTP and code caches) and with the module cached (the same context, a second page).
// Then the demo page as a visitor meets it: from the navigation to the first histogram (the
// first chunk's heights drawn) and to the answer, 1000 passes, backend "auto" and "cpu", cold and
// cached.
// Usage (after scripts/build-web.sh): node bench/modules.mjs [--repeats=N]
// Prints markdown tables and writes bench/modules.json.
import { readFile, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { launchChromium, startServer } from "../tests/browser.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const repeatsArg = process.argv.find((a) => a.startsWith("--repeats="));
const REPEATS = repeatsArg ? Number(repeatsArg.slice("--repeats=".length)) : 5;
// Each build's glue and wasm file (the relaxed-SIMD twin shares the CPU-only build's glue).
const BUILDS = {
  full: { glue: "bayes_ruler", wasm: "bayes_ruler_bg" },
  cpu: { glue: "bayes_ruler_cpu", wasm: "bayes_ruler_cpu_bg" },
  "cpu-relaxed": { glue: "bayes_ruler_cpu", wasm: "bayes_ruler_cpu_relaxed_bg" },
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One start of build `build` on a page of the demo's origin; times in ms. */
async function start(page, url, build) {
  await page.goto(`${url}style.css`);
  return page.evaluate(async ({ glue: name, wasm }) => {
    const t0 = performance.now();
    const module = await WebAssembly.compileStreaming(fetch(`/pkg/${wasm}.wasm`));
    const t1 = performance.now();
    const glue = await import(`/pkg/${name}.js`);
    await glue.default({ module_or_path: module });
    const t2 = performance.now();
    const est = await glue.Estimator.create({ backend: "cpu" });
    const t3 = performance.now();
    const r = await est.predictSilhouette(glue.demoSilhouette(), 1000);
    const t4 = performance.now();
    return { compile: t1 - t0, instantiate: t2 - t1, estimator: t3 - t2, first1000: t4 - t3, total: t4 - t0, mean: r.mean };
  }, build);
}

/** The demo page at `url`: ms from the navigation to the first histogram and to the answer. */
async function visit(page, url) {
  await page.goto(url);
  const at = async (predicate, timeout) =>
    (await page.waitForFunction(predicate, null, { polling: "raf", timeout })).jsonValue();
  const firstHistogram = await at(() => document.querySelector("#progress")?.value > 0 && performance.now(), 120_000);
  const answer = await at(() => Number(document.body.dataset.runs ?? 0) >= 1 && performance.now(), 300_000);
  const backend = await page.textContent("#backend");
  return { firstHistogram, answer, backend };
}

const server = await startServer();
const browser = await launchChromium();
const version = browser.version();
const results = {};
try {
  for (const [kind, build] of Object.entries(BUILDS)) {
    const wasm = await readFile(`${root}pkg/${build.wasm}.wasm`);
    const cold = [];
    const cached = [];
    for (let r = 0; r < REPEATS; r++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 }));
      cold.push(await start(page, server.url, build));
      cached.push(await start(await context.newPage(), server.url, build));
      await context.close();
    }
    const med = (runs) => Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((x) => x[k]))]));
    results[kind] = { file: `pkg/${build.wasm}.wasm`, bytes: wasm.length, gzipped: gzipSync(wasm, { level: 9 }).length, cold: med(cold), cached: med(cached) };
  }
  for (const backend of ["auto", "cpu"]) {
    const cold = [];
    const cached = [];
    for (let r = 0; r < REPEATS; r++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const url = `${server.url}?n=1000&backend=${backend}`;
      cold.push(await visit(page, url));
      cached.push(await visit(await context.newPage(), url));
      await context.close();
    }
    const med = (runs) => ({
      firstHistogram: median(runs.map((x) => x.firstHistogram)),
      answer: median(runs.map((x) => x.answer)),
      backend: runs[0].backend,
    });
    results[`page-${backend}`] = { cold: med(cold), cached: med(cached) };
  }
} finally {
  await browser.close();
  server.close();
}

const ms = (v) => v.toFixed(0);
console.log(`Chromium ${version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, median of ${REPEATS}\n`);
console.log("| build | wasm | gzipped | | compile | instantiate | estimator | first 1000 passes | total |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const [kind, r] of Object.entries(results)) {
  if (kind.startsWith("page-")) continue;
  for (const when of ["cold", "cached"]) {
    const t = r[when];
    console.log(`| ${kind} | ${(r.bytes / 1e6).toFixed(2)} MB | ${(r.gzipped / 1e6).toFixed(2)} MB | ${when} | ${ms(t.compile)} ms | ${ms(t.instantiate)} ms | ${ms(t.estimator)} ms | ${ms(t.first1000)} ms | ${ms(t.total)} ms |`);
  }
}
console.log("\n| the demo page, 1000 passes | | first histogram | answer | backend |\n| --- | --- | --- | --- | --- |");
for (const backend of ["auto", "cpu"]) {
  for (const when of ["cold", "cached"]) {
    const t = results[`page-${backend}`][when];
    console.log(`| backend=${backend} | ${when} | ${ms(t.firstHistogram)} ms | ${ms(t.answer)} ms | ${t.backend} |`);
  }
}
await writeFile(new URL("./modules.json", import.meta.url), JSON.stringify({ date: new Date().toISOString(), repeats: REPEATS, results }, null, 2) + "\n");
