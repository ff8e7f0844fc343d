// The CPU path on several Web Workers (www/worker-pool.js) in Debian's Chromium: the merged
// samples are exact independent draws (no repeated sequences; the distribution of one estimator's
// samples, by a two-sample Kolmogorov–Smirnov test; the workers' parts alike), progress (as
// increments) and cancellation work across workers, bad input is refused by a worker's Estimator
// with the messages of a separate Estimator's, a worker that traps fails its request with the
// panic's message and is replaced, and a trap of the page's own instance is recovered from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ksRejects, openPage, suite } from "./browser.mjs";

const shared = suite();

/** A page of the demo's origin with the page's estimator (`threads` workers) as window.est. */
async function poolPage(threads) {
  // A document of the demo's origin that starts no estimator of its own (and no icon request).
  const { page, errors } = await openPage(shared.browser, `${shared.server.url}style.css`, {
    beforeGoto: (page) => page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 })),
  });
  await page.evaluate(async (threads) => {
    const ruler = await import("/ruler.js");
    window.est = await ruler.loadEstimator("cpu", threads);
    window.wasm = ruler.wasm;
    window.split = (await import("/worker-pool.js")).splitPasses;
  }, threads);
  return { page, errors };
}

test("two workers give exact, independent draws distributed as one estimator's", { timeout: 300_000 }, async () => {
  const { page, errors } = await poolPage(2);
  const out = await page.evaluate(async () => {
    const pixels = wasm.demoSilhouette();
    const progress = [];
    const pooled = await est.predictSilhouette(pixels, 600, {
      onProgress: ({ done, total, added }) => progress.push([done, total, [...added]]),
    });
    const single = await wasm.Estimator.create({ backend: "cpu" });
    const alone = await single.predictSilhouette(pixels, 600);
    return {
      workers: est.workers,
      resultWorkers: pooled.workers,
      backend: pooled.backend,
      pooled: [...pooled.samples],
      alone: [...alone.samples],
      mean: pooled.mean,
      ci90: pooled.ci90,
      verdict: pooled.verdict,
      split: [split(600, 2, 32), split(1001, 4, 32), split(40, 4, 32), split(1, 4, 32)],
      progress,
      busy: est.busy,
    };
  });
  assert.equal(out.workers, 2);
  assert.equal(out.resultWorkers, 2);
  assert.equal(out.backend, "cpu");
  // Parts of about a chunk or more, never more parts than workers.
  assert.deepEqual(out.split, [[300, 300], [251, 250, 250, 250], [20, 20], [1]]);
  assert.equal(out.pooled.length, 600);
  // Heights are float32 values a few pixels wide: independent draws coincide by chance about
  // once per 10^5–10^6 pairs, so a few equal values are expected. Workers sharing a seed would
  // repeat each other's whole sequence (half the values).
  const distinct = (xs) => new Set(xs).size / xs.length;
  assert.ok(distinct(out.pooled) > 0.99, `only ${distinct(out.pooled)} of the samples are distinct`);
  assert.ok(out.pooled.every(Number.isFinite));
  const mean = out.pooled.reduce((a, b) => a + b, 0) / out.pooled.length;
  assert.ok(Math.abs(mean - out.mean) < 1e-3, "the summary is of the merged samples");
  assert.ok(["confident", "undecided", "uncertain"].includes(out.verdict));
  // Progress: one report per chunk of either worker, each with that chunk's heights; `done`
  // counts them, and the increments merged are the result's samples.
  assert.ok(out.progress.length >= 600 / 32, `only ${out.progress.length} progress reports`);
  let seen = 0;
  for (const [done, total, added] of out.progress) {
    assert.equal(total, 600);
    assert.ok(added.length >= 1 && added.length <= 32, `an increment of ${added.length}`);
    seen += added.length;
    assert.equal(done, seen);
  }
  assert.equal(seen, 600);
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  assert.deepEqual(sorted(out.progress.flatMap(([, , added]) => added)), sorted(out.pooled));
  // Distribution: pooled vs one estimator, and the first worker's part vs the second's.
  const whole = ksRejects(out.pooled, out.alone);
  assert.ok(!whole.rejects, `pooled vs single estimator: D = ${whole.d} > ${whole.critical}`);
  const parts = ksRejects(out.pooled.slice(0, 300), out.pooled.slice(300));
  assert.ok(!parts.rejects, `worker 1 vs worker 2: D = ${parts.d} > ${parts.critical}`);
  const both = distinct([...out.pooled, ...out.alone]);
  assert.ok(both > 0.99, `the workers repeat the page's draws: ${both} distinct`);
  assert.equal(out.busy, false);
  assert.deepEqual(errors, []);
});

test("cancelling stops every worker, a second request is busy, and the pool stays usable", { timeout: 300_000 }, async () => {
  const { page, errors } = await poolPage(2);
  const out = await page.evaluate(async () => {
    const pixels = wasm.demoSilhouette();
    const controller = new AbortController();
    let reports = 0;
    const long = est.predictSilhouette(pixels, 20000, {
      signal: controller.signal,
      onProgress: () => {
        if (++reports === 2) controller.abort();
      },
    });
    const second = await est.predictSilhouette(pixels, 10).then(() => "resolved", (e) => e.message);
    const busyWhileRunning = est.busy;
    const cancelled = await long.then(() => null, (e) => ({ name: e.name, message: e.message }));
    const after = await est.predictSilhouette(pixels, 100);
    const preAborted = await est
      .predictSilhouette(pixels, 10, { signal: AbortSignal.abort() })
      .then(() => null, (e) => e.name);
    return { second, busyWhileRunning, cancelled, reports, afterLength: after.samples.length, busyAfter: est.busy, preAborted };
  });
  assert.match(out.second, /^busy: /);
  assert.equal(out.busyWhileRunning, true);
  assert.equal(out.cancelled?.name, "AbortError");
  assert.match(out.cancelled.message, /cancelled/);
  assert.ok(out.reports < 20000 / 32, "cancellation did not stop the sampling");
  assert.equal(out.afterLength, 100);
  assert.equal(out.busyAfter, false);
  assert.equal(out.preAborted, "AbortError");
  assert.deepEqual(errors, []);
});

test("bad input is refused with the same messages as one estimator's", { timeout: 300_000 }, async () => {
  const { page, errors } = await poolPage(2);
  const out = await page.evaluate(async () => {
    const single = await wasm.Estimator.create({ backend: "cpu" });
    const good = wasm.demoSilhouette();
    const withNaN = good.slice();
    withNaN[5] = NaN;
    const cases = [
      [new Float32Array(10), 100, undefined],
      [withNaN, 100, undefined],
      ["pixels", 100, undefined],
      [good, 0, undefined],
      [good, 1.5, undefined],
      [good, wasm.maxSamples() + 1, undefined],
      [good, 100, { chunk: 0 }],
      [good, 100, { onProgress: 3 }],
      [good, 100, { signal: {} }],
      [good, 100, "fast"],
    ];
    const message = (p) => p.then(() => "resolved", (e) => e.message);
    const rows = [];
    for (const [pixels, n, options] of cases) {
      rows.push([await message(est.predictSilhouette(pixels, n, options)), await message(single.predictSilhouette(pixels, n, options))]);
    }
    rows.push([await message(est.predictImage(new Uint8Array([1, 2, 3]), 10)), await message(single.predictImage(new Uint8Array([1, 2, 3]), 10))]);
    const image = await est.predictImage(await (await fetch("/examples/child.png")).arrayBuffer(), 64);
    return { rows, image: { n: image.samples.length, side: Math.sqrt(image.silhouette.length), w: image.sourceWidth, workers: image.workers }, busy: est.busy };
  });
  for (const [pooled, alone] of out.rows) {
    assert.notEqual(pooled, "resolved");
    assert.equal(pooled, alone);
  }
  assert.equal(out.image.n, 64);
  assert.equal(out.image.side, 126);
  assert.ok(out.image.w > 0);
  assert.equal(out.image.workers, 2);
  assert.equal(out.busy, false);
  assert.deepEqual(errors, []);
});

test("threads=1 samples on the page's thread; a bad threads value says what is wrong", { timeout: 300_000 }, async () => {
  const { page } = await poolPage(1);
  const out = await page.evaluate(async () => {
    const r = await est.predictSilhouette(wasm.demoSilhouette(), 20);
    return { workers: est.workers ?? null, resultWorkers: r.workers ?? null, n: r.samples.length };
  });
  assert.deepEqual(out, { workers: null, resultWorkers: null, n: 20 });
  const other = await openPage(shared.browser, `${shared.server.url}?threads=many`);
  await other.page.waitForFunction(() => document.body.dataset.state === "error", null, { timeout: 120_000 });
  assert.match(await other.page.textContent("#status"), /threads must be "auto" or an integer from 1 to 64, got many/);
});

test("a worker that traps fails its request with the panic's message and is replaced", { timeout: 300_000 }, async () => {
  const { page, errors } = await poolPage(2);
  const out = await page.evaluate(async () => {
    const pixels = wasm.demoSilhouette();
    const before = est.workers;
    let trapped = false;
    const failed = await est
      .predictSilhouette(pixels, 20000, {
        onProgress: () => {
          if (trapped) return;
          trapped = true;
          est.trapWorkerForTests(0, "killed for the test"); // a real panic in a real worker
        },
      })
      .then(() => null, (e) => e.message);
    const busyAfterFailure = est.busy;
    // The replacement starts a new instance in a new worker.
    const deadline = performance.now() + 120_000;
    while ((est.workers < 2 || est.replacing > 0) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await est.predictSilhouette(pixels, 200);
    return {
      before,
      failed,
      busyAfterFailure,
      workers: est.workers,
      resultWorkers: after.workers,
      n: after.samples.length,
      distinct: new Set(after.samples).size,
    };
  });
  assert.equal(out.before, 2);
  assert.match(out.failed, /^a sampling worker stopped: bayes-ruler panicked: .*killed for the test/);
  assert.equal(out.busyAfterFailure, false);
  assert.equal(out.workers, 2, "the dead worker was replaced");
  assert.equal(out.resultWorkers, 2, "the next request is shared by both workers again");
  assert.equal(out.n, 200);
  assert.ok(out.distinct > 198, `${out.distinct} distinct heights of 200`);
  // Nothing else went wrong (the worker's own console may report its panic and trap).
  assert.deepEqual(errors.filter((e) => !/bayes-ruler panicked|unreachable|RuntimeError/.test(e)), []);
});

test("a trap of the page's instance rejects what was in flight, and the next call works", { timeout: 300_000 }, async () => {
  const { page, errors } = await poolPage(1);
  const out = await page.evaluate(async () => {
    const ruler = await import("/ruler.js");
    const first = ruler.wasm;
    const pixels = first.demoSilhouette();
    // A trap in the middle of a prediction (from its progress callback, inside the module).
    let calls = 0;
    const midRun = await ruler
      .enqueue((e) =>
        e.predictSilhouette(pixels, 5000, {
          onProgress: () => {
            if (++calls === 1) ruler.wasm.panicForTests("trap mid-run");
          },
        }),
      )
      .then(() => null, (e) => e.message);
    const next = await ruler.enqueue((e) => e.predictSilhouette(ruler.wasm.demoSilhouette(), 40));
    const second = ruler.wasm;
    // A trap between predictions, from a direct call of the dead instance's function.
    let direct = null;
    try {
      second.panicForTests("trap between calls");
    } catch (e) {
      direct = e.constructor.name;
    }
    const after = await ruler.enqueue((e) => e.predictSilhouette(ruler.wasm.demoSilhouette(), 40));
    return {
      midRun,
      nextN: next.samples.length,
      nextVerdict: next.verdict,
      fresh: second !== first,
      direct,
      freshAgain: ruler.wasm !== second && ruler.wasm !== first,
      afterN: after.samples.length,
      busy: (await ruler.loadEstimator()).busy,
    };
  });
  assert.match(out.midRun, /^bayes-ruler panicked: .*trap mid-run/);
  assert.equal(out.nextN, 40);
  assert.equal(out.fresh, true, "a fresh instance answered");
  assert.equal(out.direct, "RuntimeError");
  assert.equal(out.freshAgain, true);
  assert.equal(out.afterN, 40);
  assert.equal(out.busy, false);
  // The hook says why in the console, once per trap.
  assert.equal(errors.length, 2, errors.join("\n"));
  assert.match(errors[0], /bayes-ruler panicked: .*trap mid-run/);
  assert.match(errors[1], /bayes-ruler panicked: .*trap between calls/);
});

test("a failed start is not kept: the next call starts the module", { timeout: 300_000 }, async () => {
  let failing = true;
  const { page } = await openPage(shared.browser, `${shared.server.url}style.css`, {
    beforeGoto: async (page) => {
      await page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 }));
      await page.route("**/bayes_ruler_cpu_relaxed_bg.wasm", (route) => (failing ? route.fulfill({ status: 503, body: "down" }) : route.continue()));
    },
  });
  const first = await page.evaluate(async () => {
    window.ruler = await import("/ruler.js");
    return ruler.loadEstimator("cpu", 1).then(() => "started", (e) => e.message);
  });
  assert.match(first, /cannot load .*bayes_ruler_cpu_relaxed_bg\.wasm: HTTP 503/);
  failing = false;
  const second = await page.evaluate(async () => {
    const est = await ruler.loadEstimator();
    const r = await ruler.enqueue((e) => e.predictSilhouette(ruler.wasm.demoSilhouette(), 20));
    return { backend: est.backend, n: r.samples.length };
  });
  assert.deepEqual(second, { backend: "cpu", n: 20 });
});
