// The served demo page draws a non-empty histogram of the built-in silhouette's predictions.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { launchChromium, startServer } from "./browser.mjs";

const ARTIFACTS = new URL("./artifacts/", import.meta.url);
let server;
let browser;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test("the page samples the demo silhouette and draws the histogram", { timeout: 240_000 }, async () => {
  const page = await browser.newPage();
  const foreign = [];
  page.on("request", (req) => {
    if (!req.url().startsWith(server.url) && !req.url().startsWith("data:")) foreign.push(req.url());
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));

  await page.goto(`${server.url}?n=200`);
  await page.waitForFunction(() => document.body.dataset.state, null, { timeout: 200_000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  const status = await page.textContent("#status");
  assert.equal(state, "done", `page ended in ${state}: ${status}`);

  // Count the bar-coloured pixels the histogram drew.
  const bars = await page.evaluate(() => {
    const canvas = document.getElementById("histogram");
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === 0x33 && data[i + 1] === 0x67 && data[i + 2] === 0xd6) n++;
    }
    return n;
  });
  assert.ok(bars > 500, `only ${bars} histogram pixels drawn`);

  const summary = await page.textContent("#summary");
  assert.match(summary, /mean \d+\.\d px, std \d+\.\d+ px/);
  assert.match(summary, /200 passes/);
  const badge = await page.textContent("#backend");
  assert.match(badge, /backend: (WebGPU|CPU)/);
  await page.screenshot({ path: new URL("page.png", ARTIFACTS).pathname, fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, [], "requests left the page's origin");
});
