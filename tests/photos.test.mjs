// Photos as people have them, on the demo page in Chromium: every EXIF orientation measured
// upright, a 48-megapixel JPEG within its memory bounds (read from the browser's processes and
// the module), a photograph told apart from a silhouette, and the figure corrected by mouse and
// by keyboard. The JPEG fixtures are written by `cargo run --example photo-fixtures`
// (scripts/test.sh does it first); the two-piece PNG is built here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { ARTIFACTS, openPage, waitForRun, suite } from "./browser.mjs";
import { png } from "./png.mjs";

const shared = suite();
const FIXTURES = new URL("./fixtures/photos/", import.meta.url);

async function fixture(name) {
  try {
    return await readFile(new URL(name, FIXTURES));
  } catch {
    throw new Error(`missing tests/fixtures/photos/${name}: run \`cargo run --example photo-fixtures\` first`);
  }
}

async function upload(page, name, buffer, runs, mimeType = "image/jpeg") {
  await page.setInputFiles("#file", { name, mimeType, buffer });
  await waitForRun(page, runs);
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done", await page.textContent("#status"));
}

/** The preview's figure (black) and left-out pieces (light gray): bounding box and counts. */
function preview(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById("silhouette");
    const { data } = canvas.getContext("2d").getImageData(0, 0, 126, 126);
    let [x0, y0, x1, y1, black, gray] = [126, 126, -1, -1, 0, 0];
    for (let i = 0; i < 126 * 126; i++) {
      const v = data[i * 4];
      if (v === 200) gray++;
      if (v !== 0) continue;
      const [x, y] = [i % 126, Math.floor(i / 126)];
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      black++;
    }
    return { box: [x0, y0, x1, y1], black, gray };
  });
}

test("every EXIF orientation is measured upright", { timeout: 300_000 }, async () => {
  const { page, errors } = await openPage(shared.browser, `${shared.server.url}?n=20`);
  await waitForRun(page, 1);
  const boxes = [];
  for (let k = 1; k <= 8; k++) {
    await upload(page, `orientation-${k}.jpg`, await fixture(`orientation-${k}.jpg`), k + 1);
    boxes.push((await preview(page)).box);
    assert.match(await page.textContent("#summary"), /of your 300×400 image/, `orientation ${k}`);
  }
  const [x0, y0, x1, y1] = boxes[0];
  assert.ok(y1 - y0 > x1 - x0, `the child stands: ${boxes[0]}`);
  for (const [k, box] of boxes.entries()) {
    box.forEach((v, i) => assert.ok(Math.abs(v - boxes[0][i]) <= 1, `orientation ${k + 1}: ${box} vs ${boxes[0]}`));
  }
  assert.deepEqual(errors, []);
  await page.close();
});

/** Resident memory (kB) of every process this test started (Chromium's tree), now and peak. */
async function processMemory() {
  const parents = new Map();
  for (const pid of (await readdir("/proc")).filter((d) => /^\d+$/.test(d))) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
    if (stat) parents.set(pid, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  const ours = new Set([String(process.pid)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) if (ours.has(ppid) && !ours.has(pid)) ours.add(pid), (grew = true);
  }
  ours.delete(String(process.pid));
  let [rss, peak] = [0, 0];
  for (const pid of ours) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    rss += Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    peak += Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
  }
  return { pids: [...ours], rss, peak };
}

test("a 48-megapixel JPEG costs at most 400 MB at its peak and 150 MB after the answer", { timeout: 300_000 }, async () => {
  const { page, errors } = await openPage(shared.browser, `${shared.server.url}?n=20&backend=cpu&threads=1`);
  await waitForRun(page, 1);
  const big = await fixture("large.jpg");
  const moduleBytes = () => page.evaluate(async () => (await import("./ruler.js")).wasm.memoryBytes());
  const moduleBefore = await moduleBytes();
  const before = await processMemory();
  // Peaks count from here: "5" resets each process's VmHWM to its current resident size.
  for (const pid of before.pids) await writeFile(`/proc/${pid}/clear_refs`, "5").catch(() => {});
  const reset = await processMemory();
  await upload(page, "large.jpg", big, 2);
  // What stays: the page's garbage collected first (Chromium frees decoded pictures lazily, and
  // without a collection the figure wandered by ±25 MB between runs), then a second to settle.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  await page.evaluate(() => new Promise((r) => setTimeout(r, 1000)));
  const after = await processMemory();
  const mb = (kb) => kb / 1024;
  const figures = {
    peakMB: mb(after.peak - reset.rss),
    afterMB: mb(after.rss - before.rss),
    moduleGrowthMB: (await moduleBytes() - moduleBefore) / 2 ** 20,
  };
  console.log(`48 MP JPEG (${(big.length / 2 ** 20).toFixed(1)} MB file), Chromium processes: ${JSON.stringify(figures)}`);
  assert.match(await page.textContent("#summary"), /of your 8000×6000 image/);
  assert.ok(figures.peakMB <= 400, `peak ${figures.peakMB.toFixed(0)} MB`);
  assert.ok(figures.afterMB <= 150, `after ${figures.afterMB.toFixed(0)} MB`);
  assert.ok(figures.moduleGrowthMB <= 16, `the module grew ${figures.moduleGrowthMB} MB`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a photograph is said to be one; a silhouette is not", { timeout: 300_000 }, async () => {
  const { page, errors } = await openPage(shared.browser, `${shared.server.url}?n=20`);
  await waitForRun(page, 1);
  await upload(page, "photo.jpg", await fixture("photo.jpg"), 2);
  assert.match(await page.textContent("#picture-note"), /^This looks like a photograph, not a two-tone silhouette \(\d+% of its pixels are mid-tones\)/);
  await upload(page, "orientation-1.jpg", await fixture("orientation-1.jpg"), 3);
  assert.equal(await page.textContent("#picture-note"), "");
  assert.deepEqual(errors, []);
  await page.close();
});

/** 200×200 gray PNG: a tall dark piece (gray 40) at x 30–79, y 20–179 and a short mid-gray one (100) at x 120–169, y 100–149. */
function twoPieces() {
  const rows = [];
  for (let y = 0; y < 200; y++) {
    const row = [0];
    for (let x = 0; x < 200; x++) {
      row.push(x >= 30 && x < 80 && y >= 20 && y < 180 ? 40 : x >= 120 && x < 170 && y >= 100 && y < 150 ? 100 : 255);
    }
    rows.push(Buffer.from(row));
  }
  return png(200, 200, { rows: Buffer.concat(rows) });
}

/** Waits for the measurement after an edit: a finished run newer than `runs`, state done. */
async function measuredAfter(page, runs) {
  await page.waitForFunction(
    (n) => Number(document.body.dataset.runs) > n && document.body.dataset.state === "done",
    runs,
    { timeout: 200_000 },
  );
  return page.evaluate(() => Number(document.body.dataset.runs));
}

test("the figure can be re-chosen by mouse and by keyboard, the preview following", { timeout: 300_000 }, async () => {
  const { page, errors } = await openPage(shared.browser, `${shared.server.url}?n=20`);
  await waitForRun(page, 1);
  let runs = 1;
  await upload(page, "two-pieces.png", twoPieces(), ++runs, "image/png");
  // Frame scale 126/200: the tall piece spans rows 13–112, the short one rows 63–93.
  const tall = await preview(page);
  assert.equal(await page.textContent("#piece-info"), "piece 1 of 2");
  assert.ok(tall.gray > 0, "the piece left out is drawn light gray");
  assert.ok(Math.abs(tall.box[1] - 13) <= 1 && Math.abs(tall.box[3] - 112) <= 1, `${tall.box}`);

  // Mouse: click the short piece in the preview.
  const box = await page.locator("#silhouette").boundingBox();
  await page.mouse.click(box.x + (91 / 126) * box.width, box.y + (78 / 126) * box.height);
  runs = await measuredAfter(page, runs);
  const short = await preview(page);
  assert.equal(await page.textContent("#piece-info"), "piece 2 of 2");
  assert.ok(Math.abs(short.box[1] - 63) <= 1 && Math.abs(short.box[3] - 93) <= 1, `${short.box}`);
  await page.screenshot({ path: new URL("figure-editing.png", ARTIFACTS).pathname, fullPage: true });

  // Keyboard: the arrow keys on the focused preview go back to the tall piece.
  await page.focus("#silhouette");
  await page.keyboard.press("ArrowRight");
  runs = await measuredAfter(page, runs);
  assert.equal(await page.textContent("#piece-info"), "piece 1 of 2");

  // Keyboard: the threshold slider from 0 up to 70 leaves only the darker, tall piece.
  await page.focus("#threshold");
  await page.keyboard.press("Home");
  for (let i = 0; i < 70; i++) await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.getElementById("piece-info").textContent === "piece 1 of 1");
  assert.equal(await page.inputValue("#threshold"), "70");
  assert.equal(await page.isDisabled("#next-piece"), true);
  runs = await measuredAfter(page, runs);
  assert.equal(await page.evaluate(() => document.body.dataset.state), "done");

  // Keyboard: Space on "light figure on a dark ground" makes the white ground the figure.
  await page.focus("#invert");
  await page.keyboard.press("Space");
  runs = await measuredAfter(page, runs);
  assert.equal(await page.isChecked("#invert"), true);
  assert.ok((await preview(page)).black > 126 * 126 * 0.6, "the ground is the figure now");
  // And "auto" gives the threshold back to the rule.
  await page.click("#auto-threshold");
  runs = await measuredAfter(page, runs);
  // Otsu splits between the mid-gray piece (100) and the white: both pieces are dark again.
  assert.ok(Number(await page.inputValue("#threshold")) >= 100, await page.inputValue("#threshold"));
  assert.deepEqual(errors, []);
  await page.close();
});
