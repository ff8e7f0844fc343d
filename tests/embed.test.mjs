// The <bayes-ruler> widget on the example docs page: two widgets share one model, both draw;
// and the backend choice: Chromium without WebGPU falls back to the CPU and says why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, barPixels, launchChromium, openPage, waitForRun, suite } from "./browser.mjs";

const shared = suite();

const widgetStates = (page) =>
  page.evaluate(() => [...document.querySelectorAll("bayes-ruler")].map((w) => w.dataset.state));

test("two widgets on one docs page share one model and both draw", { timeout: 240_000 }, async () => {
  const { page, errors, foreign, requests } = await openPage(shared.browser, `${shared.server.url}embed.html?n=1000`);
  await page.waitForFunction(
    () => [...document.querySelectorAll("bayes-ruler")].every((w) => ["done", "error"].includes(w.dataset.state)),
    null,
    { timeout: 200_000 },
  );
  assert.deepEqual(await widgetStates(page), ["done", "done"]);
  for (const id of ["#child", "#spider"]) {
    // The widget's plot is 56 px tall and bins are ~2 px wide: a tight child's few bars, partly
    // under the 2-px mean line, can be under 100 bar-coloured pixels.
    assert.ok((await barPixels(page, ".histogram", id)) > 20, `${id} drew no histogram`);
    const caption = await page.evaluate((id) => document.querySelector(id).shadowRoot.querySelector(".caption").textContent, id);
    // child.png spreads 0.9× a child's width, spider.png 2.3× (threshold 1.43×). At 400 passes
    // child.png's Monte-Carlo range still reached the threshold ("undecided") in 2 of 40 native
    // runs; at 1000 in none of 40 (`bayes-ruler predict --samples 1000`, 2026-12-02).
    const expected = id === "#child" ? /^about \d+ px, confident/ : /^uncertain: this does not look like a child/;
    assert.match(caption, expected, `${id}: ${caption}`);
    assert.equal(await page.evaluate((id) => document.querySelector(id).result.samples.length, id), 1000);
  }
  // One download for every widget and worker: the CPU-only build (relaxed SIMD: Chromium has
  // it). This Chromium's only WebGPU adapter is SwiftShader (software), so the full build is
  // never fetched.
  const wasm = requests.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname);
  assert.deepEqual(wasm, ["/pkg/bayes_ruler_cpu_relaxed_bg.wasm"], "the widgets and workers share one module");
  await page.screenshot({ path: new URL("embed.png", ARTIFACTS).pathname, fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);

  // A broken src is an error in the widget, not on the page; fixing it recovers.
  await page.evaluate(() => document.querySelector("#child").setAttribute("src", "examples/missing.png"));
  await page.waitForFunction(() => document.querySelector("#child").dataset.state === "error");
  const caption = await page.evaluate(() => document.querySelector("#child").shadowRoot.querySelector(".caption").textContent);
  assert.match(caption, /cannot load examples\/missing\.png: HTTP 404/);
  await page.evaluate(() => document.querySelector("#child").setAttribute("src", "examples/child.png"));
  await page.waitForFunction(() => document.querySelector("#child").dataset.state === "done", null, { timeout: 120_000 });
  await page.close();
});

test("the page runs on WebGPU when asked (SwiftShader here), with the full module only", { timeout: 240_000 }, async () => {
  const { page, errors, requests } = await openPage(shared.browser, `${shared.server.url}?n=8&backend=webgpu`);
  await waitForRun(page, 1);
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done", await page.textContent("#status"));
  assert.match(await page.textContent("#backend"), /backend: WebGPU/);
  assert.match(await page.textContent("#summary"), /8 passes in \d+ ms on webgpu/);
  const wasm = requests.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname);
  assert.deepEqual(wasm, ["/pkg/bayes_ruler_bg.wasm"]);
  assert.equal(await page.evaluate(async () => (await import("/ruler.js")).wasm.hasWebgpu()), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test("asked for the CPU, the page loads only the CPU-only module, on the page and in the workers", { timeout: 240_000 }, async () => {
  const { page, errors, requests } = await openPage(shared.browser, `${shared.server.url}?n=200&backend=cpu`);
  await waitForRun(page, 1);
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done", await page.textContent("#status"));
  assert.match(await page.textContent("#backend"), /backend: CPU( on \d+ workers)?, relaxed SIMD \(requested\)/);
  const wasm = requests.filter((u) => u.endsWith(".wasm"));
  assert.deepEqual(wasm.map((u) => new URL(u).pathname), ["/pkg/bayes_ruler_cpu_relaxed_bg.wasm"], "one download, the CPU-only build");
  const module = await page.evaluate(async () => {
    const ruler = await import("/ruler.js");
    const refused = await ruler.wasm.Estimator.create({ backend: "webgpu" }).then(() => null, (e) => e.message);
    const auto = await ruler.wasm.Estimator.create();
    return { hasWebgpu: ruler.wasm.hasWebgpu(), refused, auto: [auto.backend, auto.fallbackReason], usable: await ruler.wasm.webgpuUsable() };
  });
  assert.equal(module.hasWebgpu, false);
  assert.equal(module.usable, false, "SwiftShader is no hardware adapter");
  assert.match(module.refused, /CPU-only module/);
  // The CPU-only module probes the adapter as the full one does: here it is software.
  assert.equal(module.auto[0], "cpu");
  assert.match(module.auto[1], /only a software WebGPU adapter/);
  assert.match(await page.textContent("#summary"), /200 passes in \d+ ms on cpu/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("without WebGPU the page falls back to the CPU and says why", { timeout: 240_000 }, async () => {
  const plain = await launchChromium({ webgpu: false });
  try {
    const { page, errors, requests } = await openPage(plain, `${shared.server.url}?n=50`);
    await waitForRun(page, 1);
    assert.equal(await page.evaluate(() => document.body.dataset.state), "done", await page.textContent("#status"));
    const wasm = requests.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname);
    assert.deepEqual(wasm, ["/pkg/bayes_ruler_cpu_relaxed_bg.wasm"], "without WebGPU only the CPU-only build is fetched");
    const badge = await page.textContent("#backend");
    assert.match(badge, /backend: CPU( on \d+ workers)?, relaxed SIMD \((this browser has no WebGPU|WebGPU found no adapter|.*WebGPU.*)\)/);
    await page.screenshot({ path: new URL("cpu-fallback.png", ARTIFACTS).pathname, fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await plain.close();
  }
});

test("a WebGPU device lost mid-prediction hands the rest of the passes to the CPU and says so", { timeout: 240_000 }, async () => {
  const { page } = await openPage(shared.browser, `${shared.server.url}style.css`, {
    beforeGoto: async (page) => {
      await page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 }));
      // Keep the devices the module asks for, to lose them on purpose (GPUDevice.destroy()).
      await page.addInitScript(() => {
        window.gpuDevices = [];
        const requestDevice = GPUAdapter.prototype.requestDevice;
        GPUAdapter.prototype.requestDevice = async function (...args) {
          const device = await requestDevice.apply(this, args);
          gpuDevices.push(device);
          return device;
        };
      });
    },
  });
  const out = await page.evaluate(async () => {
    const ruler = await import("/ruler.js");
    const est = await ruler.loadEstimator("webgpu", 1);
    const before = est.backend;
    const pixels = ruler.wasm.demoSilhouette();
    let reports = 0;
    const r = await ruler.enqueue((e) =>
      e.predictSilhouette(pixels, 12, {
        chunk: 4,
        onProgress: () => {
          if (++reports === 1) for (const d of gpuDevices) d.destroy();
        },
      }),
    );
    const later = await ruler.enqueue((e) => e.predictSilhouette(pixels, 8));
    const fresh = await ruler.wasm.Estimator.create({ backend: "auto" });
    const refused = await ruler.wasm.Estimator.create({ backend: "webgpu" }).then(() => null, (e) => e.message);
    return {
      devices: gpuDevices.length,
      before,
      n: r.samples.length,
      finite: [...r.samples].every(Number.isFinite),
      backend: r.backend,
      after: est.backend,
      reason: est.fallbackReason,
      later: later.backend,
      fresh: [fresh.backend, fresh.fallbackReason],
      refused,
    };
  });
  assert.equal(out.devices, 1, "one WebGPU device for the page");
  assert.equal(out.before, "webgpu");
  assert.equal(out.n, 12, "every pass was sampled, the rest on the CPU");
  assert.ok(out.finite);
  assert.equal(out.backend, "cpu");
  assert.equal(out.after, "cpu");
  assert.match(out.reason, /^the WebGPU device was lost \(.+\); sampling on the CPU$/);
  assert.equal(out.later, "cpu");
  assert.equal(out.fresh[0], "cpu");
  assert.match(out.fresh[1], /WebGPU device was lost/);
  assert.match(out.refused, /WebGPU device was lost.*reload the page/);
  await page.close();
});
