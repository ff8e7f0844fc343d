// Benchmarks in headless Chromium (same page, same image, same weights), printed as a table with
// the ratios the README quotes, and written to bench/results.json. Usage (after a build of pkg/):
//   node bench/run.mjs [--quick] [--only=ours|tfjs] [--backend=NAME] [--repeats=N]
// (--only and --backend skip the other implementation / backends and the scaling runs, and do
// not write results.json)
// Cases whose per-sample cost is high on this machine's software adapters run fewer samples; the
// table gives n for every row and compares per-sample times.
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { launchChromium, startServer } from "../tests/browser.mjs";

const quick = process.argv.includes("--quick");
const repeatsArg = process.argv.find((a) => a.startsWith("--repeats="));
const REPEATS = repeatsArg ? Number(repeatsArg.slice("--repeats=".length)) : quick ? 1 : 3;
const N = quick ? 200 : 1000;
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const onlyBackend = process.argv.find((a) => a.startsWith("--backend="))?.slice("--backend=".length);

const cases = [
  { impl: "ours", backend: "cpu", mode: "batched", n: N },
  { impl: "ours", backend: "cpu", mode: "sequential", n: N },
  { impl: "ours", backend: "cpu-simd128", mode: "batched", n: N },
  { impl: "ours", backend: "cpu-workers", mode: "batched", n: N },
  { impl: "ours", backend: "cpu-workers", mode: "sequential", n: quick ? 50 : 200 },
  { impl: "ours", backend: "webgpu", mode: "batched", n: 64 },
  { impl: "ours", backend: "webgpu", mode: "sequential", n: 32 },
  { impl: "tfjs", backend: "wasm", mode: "sequential", n: N },
  { impl: "tfjs", backend: "wasm", mode: "batched", n: N },
  { impl: "tfjs", backend: "webgl", mode: "sequential", n: quick ? 20 : 100 },
  { impl: "tfjs", backend: "webgl", mode: "batched", n: quick ? 32 : 100 },
  { impl: "tfjs", backend: "webgpu", mode: "sequential", n: quick ? 4 : 10 },
  { impl: "tfjs", backend: "webgpu", mode: "batched", n: quick ? 8 : 32 },
];
const scaling = ["cpu", "cpu-workers"].flatMap((backend) =>
  (quick ? [10, 100, 1000] : [10, 100, 1000, 10000]).map((n) => ({ impl: "ours", backend, mode: "batched", n })),
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer(["--bench"]);
const browser = await launchChromium();
const page = await browser.newPage();
page.on("pageerror", (e) => console.error("page error:", e.message));
await page.goto(`${server.url}bench/`);
await page.waitForFunction(() => document.body.dataset.ready === "yes", null, { timeout: 120_000 });
const adapter = await page.evaluate(() => window.bench.adapter());
const cpuBuild = await page.evaluate(() => window.bench.cpuBuild());
// The demo toddler's multiply-adds per pass that the CPU kernels compute (both convolutions
// over the figure's cells, background skipped: `HostNetwork::multiply_adds`, printed by
// `bayes-ruler bench`, tested in core/tests/host.rs), for the achieved rate.
const KERNEL_MACS_PER_PASS = 6_747_648;
const browserVersion = browser.version();

async function measure(c, repeats) {
  const runs = [];
  for (let r = 0; r < repeats; r++) {
    try {
      runs.push(await page.evaluate((c) => window.bench.run(c), c));
    } catch (e) {
      return { ...c, error: e.message.split("\n")[0] };
    }
  }
  const best = runs[runs.length - 1];
  return { ...c, repeats, msPerSample: median(runs.map((r) => r.msPerSample)), ms: median(runs.map((r) => r.ms)), mean: best.mean, sd: best.sd, distinct: best.distinct, wasmMemoryMB: best.wasmMemoryMB, jsHeapMB: best.jsHeapMB, fallbackReason: best.fallbackReason };
}

const results = [];
for (const c of cases.filter((c) => (!only || c.impl === only) && (!onlyBackend || c.backend === onlyBackend))) {
  const r = await measure(c, REPEATS);
  results.push(r);
  console.error(r.error ? `${c.impl} ${c.backend} ${c.mode}: ${r.error}` : `${c.impl} ${c.backend} ${c.mode} n=${c.n}: ${r.msPerSample.toFixed(2)} ms/sample`);
}
// The peak loop on an idle page, after every case (the cases' workers have stopped by then).
const peak = only === "tfjs" ? null : await page.evaluate(() => window.bench.peak());
const scaled = [];
if (!only && !onlyBackend) for (const c of scaling) scaled.push(await measure(c, 1));
await browser.close();
server.close();

const row = (r) => r.error
  ? `| ${r.impl} | ${r.backend} | ${r.mode} | ${r.n} | — | — | ${r.error} |`
  : `| ${r.impl} | ${r.backend} | ${r.mode} | ${r.n} | ${r.msPerSample.toFixed(2)} | ${r.msPerSample.toFixed(2)} s | mean ${r.mean.toFixed(1)}, sd ${r.sd.toFixed(2)}, ${r.distinct} distinct |`;
console.log(`\nHeadless Chromium ${browserVersion}, ${os.cpus().length} × ${os.cpus()[0].model}; WebGPU adapter: ${JSON.stringify(adapter)}; CPU path: ${JSON.stringify(cpuBuild)} ("cpu-simd128": the CPU-only build without relaxed SIMD); median of ${REPEATS}.`);
console.log("\n| impl | backend | mode | n | ms / sample | time for 1000 | samples |\n| --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) console.log(row(r));

const find = (impl, backend, mode) => results.find((r) => r.impl === impl && r.backend === backend && r.mode === mode && !r.error);
const ratios = [];
for (const backend of ["cpu", "cpu-workers", "webgpu"]) {
  const b = find("ours", backend, "batched");
  const s = find("ours", backend, "sequential");
  if (b && s) ratios.push([`ours ${backend}: batched vs 1-pass calls`, s.msPerSample / b.msPerSample]);
}
for (const backend of ["wasm", "webgl", "webgpu"]) {
  const b = find("tfjs", backend, "batched");
  const s = find("tfjs", backend, "sequential");
  if (b && s) ratios.push([`tfjs ${backend}: batched vs 1-pass calls`, s.msPerSample / b.msPerSample]);
}
const fused = find("ours", "cpu", "batched");
const plain = find("ours", "cpu-simd128", "batched");
const tfjsWasm = [find("tfjs", "wasm", "batched"), find("tfjs", "wasm", "sequential")].filter(Boolean).sort((a, b) => a.msPerSample - b.msPerSample)[0];
if (fused && tfjsWasm) ratios.push([`ours cpu (one thread, batched) vs TF.js wasm (${tfjsWasm.mode})`, tfjsWasm.msPerSample / fused.msPerSample]);
if (fused && plain) ratios.push([`ours cpu: ${cpuBuild.arithmetic} vs simd128 build, one thread`, plain.msPerSample / fused.msPerSample]);
const ok = results.filter((r) => !r.error);
const bestOurs = ok.filter((r) => r.impl === "ours").sort((a, b) => a.msPerSample - b.msPerSample)[0];
const bestTfjs = ok.filter((r) => r.impl === "tfjs").sort((a, b) => a.msPerSample - b.msPerSample)[0];
if (bestOurs && bestTfjs) {
  ratios.push([`best ours (${bestOurs.backend} ${bestOurs.mode}) vs best TF.js (${bestTfjs.backend} ${bestTfjs.mode})`, bestTfjs.msPerSample / bestOurs.msPerSample]);
}
console.log("\n| ratio (speed-up) | × |\n| --- | --- |");
for (const [name, x] of ratios) console.log(`| ${name} | ${x.toFixed(2)} |`);
const rates = [];
if (peak) {
  const rate = (r) => (2 * KERNEL_MACS_PER_PASS) / (r.msPerSample * 1e6);
  const line = (r, against, name) => r && against && rates.push({ case: `${r.backend} (${name})`, gflops: rate(r), peak: against, share: rate(r) / against });
  line(fused, cpuBuild.arithmetic === "relaxed-simd" ? peak.fused : peak.plain, `${cpuBuild.arithmetic}, one thread`);
  line(plain, peak.plain, "simd128, one thread");
  console.log(`\nMeasured single-core wasm SIMD peak (bench/peak.js, 12 independent f32x4 chains): fused multiply-add ${peak.fused?.toFixed(1) ?? "— (no relaxed SIMD)"} GFLOP/s, multiply + add ${peak.plain.toFixed(1)} GFLOP/s.`);
  console.log("\n| our kernels | GFLOP/s (2 × 6.75 M multiply-adds per pass) | peak of that instruction mix | share |\n| --- | --- | --- | --- |");
  for (const r of rates) console.log(`| ${r.case} | ${r.gflops.toFixed(1)} | ${r.peak.toFixed(1)} | ${(100 * r.share).toFixed(0)}% |`);
}
console.log("\nScaling (ours, batched, one run each; memory: the page's wasm instance, whose memory never shrinks, and its JS heap; a worker's own instance is not visible from the page):\n\n| backend | n | time | ms / sample | page wasm memory (peak so far) | JS heap |\n| --- | --- | --- | --- | --- | --- |");
for (const r of scaled) {
  console.log(r.error ? `| ${r.backend} | ${r.n} | ${r.error} |` : `| ${r.backend} | ${r.n} | ${(r.ms / 1000).toFixed(2)} s | ${r.msPerSample.toFixed(2)} | ${r.wasmMemoryMB.toFixed(0)} MiB | ${r.jsHeapMB?.toFixed(0) ?? "—"} MiB |`);
}
if (!only && !onlyBackend) await writeFile(new URL("./results.json", import.meta.url), JSON.stringify({ browser: browserVersion, cpus: os.cpus().length, cpu: os.cpus()[0].model, adapter, cpuBuild, peak, rates, repeats: REPEATS, results, ratios, scaling: scaled }, null, 2));
