// A small static server for the demo: www/ at /, the wasm-pack output pkg/ at /pkg/.
// Binds to 127.0.0.1 only. Usage: node scripts/serve.mjs [port] [--bench] [--cdn] (default 8080,
// 0 = any free port; the chosen address is printed as "serving http://127.0.0.1:PORT/"). --bench
// also serves bench/ at /bench/ (TensorFlow.js from its node_modules) for scripts/bench.sh.
// --cdn answers as a CDN does, for pages of other origins (CORS on every file): the tests load
// the widget from it into a page of another origin.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "..", "..");
const bench = process.argv.includes("--bench");
const cdn = process.argv.includes("--cdn");
const mounts = [
  ["/pkg/", join(root, "pkg")],
  ...(bench ? [["/bench/", join(root, "bench")]] : []),
  ["/", join(root, "www")],
];
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};
// Everything the page needs comes from its own origin; wasm needs 'wasm-unsafe-eval'.
// The bench page also allows 'unsafe-eval' for TensorFlow.js's Emscripten glue; the product never.
const csp = bench
  ? "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; img-src 'self' blob: data:"
  : "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:";

async function resolvePath(urlPath) {
  for (const [prefix, dir] of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    const rel = normalize(decodeURIComponent(urlPath.slice(prefix.length)) || "index.html");
    const file = resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    const info = await stat(file).catch(() => null);
    if (info?.isDirectory()) return join(file, "index.html");
    return info ? file : null;
  }
  return null;
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url, "http://localhost").pathname;
  const file = await resolvePath(path);
  if (!file) {
    res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "content-security-policy": csp,
      "cache-control": "no-cache",
      ...(cdn ? { "access-control-allow-origin": "*", "cross-origin-resource-policy": "cross-origin" } : {}),
    });
    res.end(body);
  } catch (e) {
    res.writeHead(500, { "content-type": "text/plain" }).end(`cannot read ${path}: ${e.message}\n`);
  }
});

const portArg = process.argv.slice(2).find((a) => !a.startsWith("--"));
const port = Number(portArg ?? process.env.PORT ?? 8080);
server.listen(port, "127.0.0.1", () => {
  console.log(`serving http://127.0.0.1:${server.address().port}/`);
});
