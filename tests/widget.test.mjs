// The <bayes-ruler> widget as a docs site uses it: loaded from another origin (a CDN, CORS on)
// with its workers, or on the page's thread with a clear reason where the page's CSP forbids
// them; lazy start; events that bubble out of shadow roots; a change of input aborting the stale
// run; removal stopping the work; ::part styling; the `source` property.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { openPage, startServer, suite } from "./browser.mjs";

const shared = suite();
let cdn = null;
before(async () => {
  cdn = await startServer(["--cdn"]);
});
after(() => cdn?.close());

/** A document of the demo's origin that starts nothing itself, with the widget imported. */
async function widgetPage() {
  const opened = await openPage(shared.browser, `${shared.server.url}style.css`, {
    beforeGoto: (page) => page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 })),
  });
  await opened.page.evaluate(async () => {
    window.ruler = await import("/ruler.js");
    await import("/bayes-ruler.js");
    window.events = [];
    for (const type of ["result", "error"]) {
      document.addEventListener(type, (e) => events.push({ type, id: e.target.id, message: e.detail?.message ?? null }));
    }
    window.settled = (id) =>
      new Promise((resolve) => {
        const check = () => {
          const hit = events.find((e) => e.id === id);
          if (hit) resolve(hit);
          else setTimeout(check, 50);
        };
        check();
      });
    window.widget = (id, attributes = {}, parent = document.body) => {
      const w = document.createElement("bayes-ruler");
      w.id = id;
      for (const [k, v] of Object.entries(attributes)) w.setAttribute(k, v);
      parent.append(w);
      return w;
    };
  });
  return opened;
}

/**
 * A docs site of its own (another origin than the CDN's: another port) whose one page loads the
 * widget from the CDN, under the Content-Security-Policy `csp(cdnOrigin)`. A real server, not
 * an intercepted request: Chromium treats those as public and blocks their loopback requests.
 */
function docsSite(csp) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      if (!req.url.startsWith("/docs.html")) return res.writeHead(404).end();
      const from = cdn.url;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": csp(new URL(from).origin) });
      res.end(`<!doctype html><meta charset="utf-8"><title>docs</title><link rel="icon" href="data:,">
        <script type="module" src="${from}bayes-ruler.js"></script>
        <bayes-ruler id="child" src="${from}examples/child.png" samples="1000"></bayes-ruler>`);
    });
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}/docs.html`, close: () => server.close() }));
  });
}

test("from another origin the widget samples on workers started from a blob: URL", { timeout: 300_000 }, async () => {
  const from = new URL(cdn.url).origin;
  const site = await docsSite((cdn) => `default-src 'self'; script-src 'self' ${cdn} 'wasm-unsafe-eval'; connect-src ${cdn}; img-src 'self' blob: data:; worker-src blob: ${cdn}`);
  const warnings = [];
  const { page, errors } = await openPage(shared.browser, site.url, {
    beforeGoto: (page) => page.on("console", (m) => m.type() === "warning" && warnings.push(m.text())),
  });
  await page.waitForFunction(() => ["done", "error"].includes(document.querySelector("#child")?.dataset.state), null, { timeout: 240_000 });
  const out = await page.evaluate(async (from) => {
    const ruler = await import(`${from}/ruler.js`); // the widget's own instance of ruler.js
    const est = await ruler.loadEstimator();
    const w = document.querySelector("#child");
    return { state: w.dataset.state, caption: w.shadowRoot.querySelector(".caption").textContent, workers: est.workers ?? 1, resultWorkers: w.result?.workers ?? 1, n: w.result?.samples.length };
  }, from);
  assert.equal(out.state, "done", out.caption);
  assert.match(out.caption, /^about \d+ px, confident/);
  assert.equal(out.workers, 2, "both cores' workers started");
  assert.equal(out.resultWorkers, 2, "the prediction was shared by the workers");
  assert.equal(out.n, 1000);
  assert.deepEqual(warnings.filter((w) => w.includes("bayes-ruler")), []);
  assert.deepEqual(errors, []);
  await page.close();
  site.close();
});

test("where the docs page's CSP forbids blob: workers, the widget says why and samples on the page's thread", { timeout: 300_000 }, async () => {
  const site = await docsSite((cdn) => `default-src 'self'; script-src 'self' ${cdn} 'wasm-unsafe-eval'; connect-src ${cdn}; img-src 'self' blob: data:; worker-src 'self'`);
  const warnings = [];
  const { page } = await openPage(shared.browser, site.url, {
    beforeGoto: (page) => page.on("console", (m) => m.type() === "warning" && warnings.push(m.text())),
  });
  await page.waitForFunction(() => ["done", "error"].includes(document.querySelector("#child")?.dataset.state), null, { timeout: 240_000 });
  const state = await page.evaluate(() => document.querySelector("#child").dataset.state);
  assert.equal(state, "done");
  const ours = warnings.filter((w) => w.startsWith("bayes-ruler:"));
  assert.equal(ours.length, 1, warnings.join("\n"));
  assert.match(ours[0], /sampling on the page's thread, the workers did not start: .*worker-src blob: http:\/\/127\.0\.0\.1:\d+/);
  await page.close();
  site.close();
});

test("a lazy widget starts the module only near the viewport; many widgets share one module", { timeout: 300_000 }, async () => {
  const { page, requests, errors } = await widgetPage();
  await page.evaluate(() => {
    // Ten widgets a screen and more apart, all below the first screen.
    for (let i = 0; i < 10; i++) {
      const spacer = document.createElement("div");
      spacer.style.height = "2000px";
      document.body.append(spacer);
      widget(`w${i}`, { samples: "20" });
    }
  });
  await page.waitForTimeout(1500);
  const wasmBefore = requests.filter((u) => u.endsWith(".wasm")).length;
  const states = await page.evaluate(() => [...document.querySelectorAll("bayes-ruler")].map((w) => w.dataset.state));
  assert.equal(wasmBefore, 0, "nothing is downloaded for widgets out of sight");
  assert.deepEqual(states, Array(10).fill("waiting"));
  await page.evaluate(() => document.querySelector("#w9").scrollIntoView());
  await page.evaluate(() => settled("w9"));
  const out = await page.evaluate(() => ({
    states: [...document.querySelectorAll("bayes-ruler")].map((w) => w.dataset.state),
    events: events.map((e) => `${e.type}:${e.id}`).sort(),
  }));
  assert.deepEqual(out.states, [...Array(9).fill("waiting"), "done"], "only the widget in sight ran");
  assert.ok(out.events.includes("result:w9"));
  // One download for every widget and its workers: the CPU-only build, in its relaxed-SIMD form
  // (Chromium validates relaxed SIMD; this one has only a software WebGPU adapter, so the full
  // build is not fetched).
  const wasm = requests.filter((u) => u.endsWith(".wasm")).map((u) => new URL(u).pathname.split("/").pop());
  assert.deepEqual(wasm, ["bayes_ruler_cpu_relaxed_bg.wasm"], "one module for every widget");
  // loading="eager" starts at once, even out of sight.
  await page.evaluate(() => document.querySelector("#w0").scrollIntoView());
  await page.evaluate(() => widget("eager", { samples: "20", loading: "eager" }));
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.equal((await page.evaluate(() => settled("eager"))).type, "result");
  assert.deepEqual(errors, []);
  await page.close();
});

test("events bubble out of shadow roots; a new input aborts the stale run; removal stops the work", { timeout: 300_000 }, async () => {
  const { page, errors } = await widgetPage();
  const out = await page.evaluate(async () => {
    // Inside another component's shadow root: the events still reach the document.
    const host = document.createElement("div");
    host.id = "host";
    document.body.append(host);
    const inner = host.attachShadow({ mode: "open" });
    const w = widget("inner", { loading: "eager", samples: "20000", src: "/examples/spider.png" }, inner);
    const waitFor = async (test) => {
      while (!test()) await new Promise((r) => setTimeout(r, 20));
    };
    const progress = () => w.shadowRoot.querySelector("progress").value;
    await waitFor(() => progress() > 0);
    const start = performance.now();
    w.setAttribute("samples", "1000");
    w.setAttribute("src", "/examples/child.png");
    const first = await settled("host");
    const ms = performance.now() - start;
    const caption = w.shadowRoot.querySelector(".caption").textContent;
    const est = await ruler.loadEstimator();
    // Removal mid-run: the estimator is free again soon, no event follows.
    const gone = widget("gone", { loading: "eager", samples: "20000" });
    await waitFor(() => gone.shadowRoot.querySelector("progress").value > 0);
    gone.remove();
    await waitFor(() => !est.busy);
    await new Promise((r) => setTimeout(r, 300));
    return {
      first,
      n: w.result.samples.length,
      ms,
      caption,
      eventsForHost: events.filter((e) => e.id === "host").length,
      eventsForGone: events.filter((e) => e.id === "gone").length,
      goneState: gone.dataset.state,
    };
  });
  // Retargeted to the shadow host at the document; only the second run reported.
  assert.equal(out.first.type, "result");
  assert.equal(out.eventsForHost, 1, "the aborted run sent nothing");
  assert.equal(out.n, 1000, "the result is the new input's");
  assert.ok(out.ms < 60_000, `the stale 20000-pass run was not aborted (${out.ms} ms)`);
  assert.match(out.caption, /^about \d+ px, confident/);
  assert.equal(out.eventsForGone, 0);
  assert.equal(out.goneState, "running", "a removed widget is left as it was");
  assert.deepEqual(errors, []);
  await page.close();
});

test("::part styles the widget; `source` takes a File, ImageData or pixels", { timeout: 300_000 }, async () => {
  const { page, errors } = await widgetPage();
  const out = await page.evaluate(async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync("bayes-ruler::part(caption) { color: rgb(1, 2, 3); } bayes-ruler::part(histogram) { height: 40px; }");
    document.adoptedStyleSheets = [sheet];
    const bytes = await (await fetch("/examples/child.png")).blob();
    const file = new File([bytes], "child.png", { type: "image/png" });
    const bitmap = await createImageBitmap(bytes);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    const image = canvas.getContext("2d").getImageData(0, 0, bitmap.width, bitmap.height);
    await ruler.loadEstimator();
    const pixels = ruler.wasm.demoSilhouette();
    const verdicts = {};
    for (const [id, source] of [["file", file], ["image", image], ["pixels", pixels], ["bad", 42], ["short", new Float32Array(7)]]) {
      const w = widget(id, { loading: "eager", samples: "1000" }); // fewer passes can leave a child "undecided"
      w.source = source;
      const e = await settled(id);
      verdicts[id] = e.type === "result" ? w.result.verdict : e.message;
    }
    const w = document.querySelector("#file");
    const caption = w.shadowRoot.querySelector(".caption");
    return {
      verdicts,
      color: getComputedStyle(caption).color,
      histogramHeight: w.shadowRoot.querySelector(".histogram").getBoundingClientRect().height,
    };
  });
  assert.deepEqual(out.verdicts, {
    file: "confident",
    image: "confident",
    pixels: "confident",
    bad: "source must be a File, Blob, ImageData or Float32Array of 126×126 pixels",
    short: "source must hold 126×126 = 15876 pixels (figure = 1, background = 0), got 7",
  });
  assert.equal(out.color, "rgb(1, 2, 3)");
  assert.equal(out.histogramHeight, 40);
  assert.deepEqual(errors, []);
  await page.close();
});

test("drawMore adds passes to the widget's last measurement; its button shows only when undecided", { timeout: 300_000 }, async () => {
  const { page, errors } = await widgetPage();
  const out = await page.evaluate(async () => {
    const results = (id) => events.filter((e) => e.id === id && e.type === "result").length;
    const until = (id, count) => new Promise((resolve) => {
      const check = () => (results(id) >= count ? resolve() : setTimeout(check, 50));
      check();
    });
    const w = widget("more", { loading: "eager", samples: "40" });
    const early = await w.drawMore().then(() => "resolved", (e) => e.message);
    await until("more", 1);
    const button = w.shadowRoot.querySelector("button");
    const first = { verdict: w.result.verdict, hidden: button.hidden, text: button.textContent, samples: [...w.result.samples] };
    const merged = await w.drawMore(60);
    const second = { n: merged.samples.length, prefix: [...merged.samples.slice(0, 40)], same: merged === w.result, hidden: button.hidden, verdict: merged.verdict };
    const refused = [await w.drawMore(0).then(() => null, (e) => e.message), await w.drawMore(99_901).then(() => null, (e) => e.message)];
    // The button (shown or not) does what drawMore() does.
    button.hidden = false;
    button.click();
    await until("more", 3);
    const clicked = w.result.samples.length;
    // A new input starts afresh.
    w.setAttribute("samples", "30");
    await until("more", 4);
    return { early, first, second, refused, clicked, fresh: w.result.samples.length, results: results("more") };
  });
  assert.equal(out.early, "drawMore: nothing has been measured yet");
  // 40 passes leave the 95% quantile's range open: never confident; its button then says so.
  assert.notEqual(out.first.verdict, "confident");
  assert.equal(out.first.hidden, out.first.verdict !== "undecided");
  if (out.first.verdict === "undecided") assert.equal(out.first.text, "draw 40 more passes (80 in all)");
  assert.equal(out.second.n, 100);
  assert.deepEqual(out.second.prefix, out.first.samples, "the earlier passes are kept, in order");
  assert.equal(out.second.same, true);
  assert.equal(out.second.hidden, out.second.verdict !== "undecided");
  assert.deepEqual(out.refused, ["drawMore: n must be a positive integer, got 0", "drawMore: 100001 passes in all would pass the limit of 100000"]);
  assert.equal(out.clicked, 140, "the button adds `samples` passes");
  assert.equal(out.fresh, 30);
  assert.equal(out.results, 4);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a photograph given to the widget is measured by the automatic rule and said to be one", { timeout: 300_000 }, async () => {
  const { page, errors } = await widgetPage();
  // Written by `cargo run --example photo-fixtures` (scripts/test.sh), like the photo suite's.
  const photo = (await readFile(new URL("./fixtures/photos/photo.jpg", import.meta.url))).toString("base64");
  const out = await page.evaluate(async (photo) => {
    const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
    const w = widget("photo", { loading: "eager", samples: "30" });
    w.source = new File([bytes], "photo.jpg", { type: "image/jpeg" });
    const e = await settled("photo");
    return { type: e.type, caption: w.shadowRoot.querySelector(".caption").textContent, photoLike: w.result?.picture?.photoLike, width: w.result?.picture?.sourceWidth };
  }, photo);
  assert.equal(out.type, "result", out.caption);
  assert.match(out.caption, / This looks like a photograph, not a two-tone silhouette \(\d+% of its pixels are mid-tones\)/);
  assert.doesNotMatch(out.caption, /Move the threshold/, "the widget has no controls to offer");
  assert.deepEqual([out.photoLike, out.width], [true, 1280]);
  assert.deepEqual(errors, []);
  await page.close();
});
