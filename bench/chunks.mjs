// Passes per device call on the CPU path in headless Chromium: the built-in toddler, 1000 exact
// passes, chunks of 4 to 128, on the page's thread and on the workers; interleaved rounds, the
// median of each. Usage (after scripts/build-web.sh and `npm ci` in bench/):
//   node bench/chunks.mjs [--rounds=N]
import os from "node:os";
import { launchChromium, startServer } from "../tests/browser.mjs";

const roundsArg = process.argv.find((a) => a.startsWith("--rounds="));
const ROUNDS = roundsArg ? Number(roundsArg.slice("--rounds=".length)) : 5;
const CHUNKS = [4, 8, 16, 32, 64, 128];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer(["--bench"]);
const browser = await launchChromium();
const version = browser.version();
const page = await browser.newPage();
page.on("pageerror", (e) => console.error("page error:", e.message));
await page.goto(`${server.url}bench/`);
await page.waitForFunction(() => document.body.dataset.ready === "yes", null, { timeout: 120_000 });
const times = {};
try {
  for (const backend of ["cpu", "cpu-workers"]) {
    // One warm-up run per backend: the first calls of a fresh instance tier its code up.
    await page.evaluate((backend) => window.bench.run({ impl: "ours", backend, mode: "batched", n: 1000 }), backend);
    for (let r = 0; r < ROUNDS; r++) {
      for (const chunk of CHUNKS) {
        const c = { impl: "ours", backend, mode: "batched", n: 1000, chunk };
        const { msPerSample } = await page.evaluate((c) => window.bench.run(c), c);
        (times[`${backend} ${chunk}`] ??= []).push(msPerSample);
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`Chromium ${version}, ${os.cpus().length} × ${os.cpus()[0]?.model}, 1000 passes, median of ${ROUNDS}\n`);
console.log(`| backend | ${CHUNKS.map((c) => `chunk ${c}`).join(" | ")} |`);
console.log(`| --- | ${CHUNKS.map(() => "---").join(" | ")} |`);
for (const backend of ["cpu", "cpu-workers"]) {
  console.log(`| ${backend} | ${CHUNKS.map((c) => `${median(times[`${backend} ${c}`]).toFixed(2)} ms`).join(" | ")} |`);
}
