// Draws a prediction's histogram on a canvas: a pure function of (canvas, result), where result
// has `samples`, `mean` and `ci90` (a prediction, or a partial summary with its samples).
// Crisp at any devicePixelRatio; the 90% interval as a band, the mean as a line.

export function drawHistogram(canvas, result, { color = "#3367d6", frame = 126 } = {}) {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 600;
  const cssHeight = canvas.clientHeight || 300;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);

  // A fixed axis, the frame's 0–126 px (widened if samples fall outside), in 1-px bins: a tight
  // histogram looks tight and a wide one wide. Auto-scaling to the data would make every
  // histogram look equally spread, hiding the very doubt the model expresses.
  const { edges, counts } = binned(result, frame);
  const pad = { left: 40, right: 12, top: 12, bottom: 28 };
  const w = cssWidth - pad.left - pad.right;
  const h = cssHeight - pad.top - pad.bottom;
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  const x = (v) => pad.left + ((v - lo) / (hi - lo)) * w;
  const maxCount = Math.max(1, ...counts);
  const y = (c) => pad.top + h - (c / maxCount) * h;

  // 90% interval band.
  ctx.fillStyle = "rgba(51, 103, 214, 0.12)";
  ctx.fillRect(x(result.ci90[0]), pad.top, Math.max(1, x(result.ci90[1]) - x(result.ci90[0])), h);

  ctx.fillStyle = color;
  counts.forEach((c, i) => {
    if (c === 0) return;
    const x0 = x(edges[i]);
    const x1 = x(edges[i + 1]);
    ctx.fillRect(x0, y(c), Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0)), pad.top + h - y(c));
  });

  // Mean line.
  ctx.strokeStyle = "#c62828";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x(result.mean), pad.top);
  ctx.lineTo(x(result.mean), pad.top + h);
  ctx.stroke();

  // Axes and labels.
  ctx.strokeStyle = "#555";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(pad.left, pad.top + h + 0.5);
  ctx.lineTo(pad.left + w, pad.top + h + 0.5);
  ctx.stroke();
  ctx.fillStyle = "#333";
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "center";
  const step = hi - lo > 200 ? 50 : 25;
  const last = Math.floor(hi / step) * step;
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    ctx.textAlign = v === last ? "right" : "center";
    ctx.fillText(v === last ? `${v} px` : `${v}`, v === last ? Math.min(x(v) + 12, pad.left + w) : x(v), pad.top + h + 16);
  }
  ctx.textAlign = "right";
  ctx.fillText(String(maxCount), pad.left - 6, pad.top + 10);
  ctx.fillText("0", pad.left - 6, pad.top + h);
}

/** 1-px bins over [0, frame] (widened to whole pixels around any outliers). */
function binned(result, frame) {
  const samples = result.samples;
  if (!samples || samples.length === 0) return result.histogram;
  let lo = 0;
  let hi = frame;
  for (const s of samples) {
    if (s < lo) lo = Math.floor(s);
    if (s >= hi) hi = Math.floor(s) + 1;
  }
  const counts = new Array(hi - lo).fill(0);
  for (const s of samples) counts[Math.min(counts.length - 1, Math.floor(s) - lo)]++;
  const edges = Array.from({ length: counts.length + 1 }, (_, i) => lo + i);
  return { edges, counts };
}

// Paints a 126×126 silhouette (figure = 1) as dark on white; with `shade` (every pixel of the
// figure's shade), the pieces left out in light gray.
export function drawSilhouette(canvas, pixels, side, shade = null) {
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = pixels[i] > 0.5 ? 0 : shade?.[i] > 0.5 ? 200 : 255 - Math.round(pixels[i] * 255);
    image.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

/**
 * A progress listener for `predictSilhouette`: it appends each report's `added` heights and
 * redraws the histogram of all so far, once per animation frame however many chunks arrive.
 * `summarize` is the module's (the partial summary); `onReport(report)` runs on every report.
 * `listener.stop()` drops a pending redraw and any later one: call it when the run ends.
 */
export function growingHistogram(canvas, summarize, onReport = () => {}, earlier = []) {
  const heights = [...earlier];
  let frame = 0;
  let stopped = false;
  const listener = (report) => {
    heights.push(...report.added);
    onReport(report);
    if (stopped) return;
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      const soFar = Float32Array.from(heights);
      drawHistogram(canvas, { ...summarize(soFar), samples: soFar });
    });
  };
  listener.stop = () => {
    stopped = true;
    cancelAnimationFrame(frame);
    frame = 0;
  };
  return listener;
}
