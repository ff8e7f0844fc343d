// The CPU path's two builds in Debian's Chromium: where relaxed SIMD validates (Chromium has it)
// the page runs the CPU-only module's relaxed-SIMD twin, whose kernels fuse their multiply-adds,
// and its heights are distributed as the SIMD128 build's; where it does not validate the page
// loads the SIMD128 build alone (simulated here: Chromium 156 and Firefox ESR 153 both validate
// it; firefox.test.mjs checks that Firefox's page follows its own answer).
// That the fused kernels give burn's heights draw for draw is crate/tests/relaxed.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ksRejects, openPage, suite, waitForRun } from "./browser.mjs";

const shared = suite();

test("Chromium runs the relaxed-SIMD build, and its heights are the SIMD128 build's in distribution", { timeout: 300_000 }, async () => {
  const { page, errors } = await openPage(shared.browser, `${shared.server.url}style.css`, {
    beforeGoto: (page) => page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 })),
  });
  const out = await page.evaluate(async () => {
    const ruler = await import("/ruler.js");
    const instance = async (kind) => {
      const glue = await import(`/pkg/bayes_ruler_cpu.js#simd-test-${kind}`);
      await glue.default({ module_or_path: await ruler.compileModule(kind) });
      const est = await glue.Estimator.create({ backend: "cpu" });
      const r = await est.predictSilhouette(glue.demoSilhouette(), 1500);
      return { arithmetic: glue.cpuArithmetic(), samples: [...r.samples], verdict: r.verdict };
    };
    return { build: ruler.cpuBuild(), fused: await instance("cpu-relaxed"), plain: await instance("cpu") };
  });
  assert.equal(out.build, "cpu-relaxed", "Chromium validates relaxed SIMD");
  assert.equal(out.fused.arithmetic, "relaxed-simd");
  assert.equal(out.plain.arithmetic, "simd128");
  for (const { samples } of [out.fused, out.plain]) {
    assert.equal(samples.length, 1500);
    assert.ok(new Set(samples).size > 0.99 * samples.length, "independent draws");
  }
  const ks = ksRejects(out.fused.samples, out.plain.samples);
  assert.ok(!ks.rejects, `relaxed vs SIMD128 build: D = ${ks.d} > ${ks.critical}`);
  assert.equal(out.fused.verdict, "confident");
  assert.equal(out.plain.verdict, "confident");
  assert.deepEqual(errors, []);
  await page.close();
});

test("where relaxed SIMD does not validate, the page loads only the SIMD128 build and works", { timeout: 240_000 }, async () => {
  const { page, errors, requests } = await openPage(shared.browser, `${shared.server.url}?n=50&backend=cpu`, {
    // An engine without relaxed SIMD: no module holding f32x4.relaxed_madd (0xfd 0x85 0x02)
    // validates. The page chooses the build, for its own thread and for its workers.
    beforeGoto: (page) =>
      page.addInitScript(() => {
        const validate = WebAssembly.validate;
        WebAssembly.validate = (bytes) => {
          const b = new Uint8Array(bytes.buffer ?? bytes);
          for (let i = 0; i + 2 < b.length; i++) if (b[i] === 0xfd && b[i + 1] === 0x85 && b[i + 2] === 0x02) return false;
          return validate(bytes);
        };
      }),
  });
  await waitForRun(page, 1);
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done", await page.textContent("#status"));
  const wasm = requests.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname);
  assert.deepEqual(wasm, ["/pkg/bayes_ruler_cpu_bg.wasm"], "the SIMD128 build alone, on the page and in the workers");
  const badge = await page.textContent("#backend");
  assert.match(badge, /backend: CPU( on \d+ workers)? \(requested\)/);
  assert.doesNotMatch(badge, /relaxed/);
  assert.equal(await page.evaluate(async () => (await import("/ruler.js")).wasm.cpuArithmetic()), "simd128");
  assert.deepEqual(errors, []);
  await page.close();
});
