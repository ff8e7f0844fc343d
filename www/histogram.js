// Draws a prediction's histogram on a canvas: a pure function of (canvas, result).
// Crisp at any devicePixelRatio; the 90% interval as a band, the mean as a line.

export function drawHistogram(canvas, result, { color = "#3367d6" } = {}) {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 600;
  const cssHeight = canvas.clientHeight || 300;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(cssHeight * dpr);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);

  const { edges, counts } = result.histogram;
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
  ctx.fillRect(x(result.ci90[0]), pad.top, x(result.ci90[1]) - x(result.ci90[0]), h);

  ctx.fillStyle = color;
  counts.forEach((c, i) => {
    if (c === 0) return;
    const x0 = x(edges[i]);
    const x1 = x(edges[i + 1]);
    ctx.fillRect(x0 + 0.5, y(c), Math.max(1, x1 - x0 - 1), pad.top + h - y(c));
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
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    ctx.fillText(v.toFixed(1), x(v), pad.top + h + 16);
  }
  ctx.textAlign = "right";
  ctx.fillText(String(maxCount), pad.left - 6, pad.top + 10);
  ctx.fillText("0", pad.left - 6, pad.top + h);
}

// Paints a 126×126 silhouette (figure = 1) as dark on white.
export function drawSilhouette(canvas, pixels, side) {
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = 255 - Math.round(pixels[i] * 255);
    image.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}
