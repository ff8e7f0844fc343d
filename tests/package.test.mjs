// The npm package (scripts/package.sh): every `exports` target is in the tarball, the tarball
// installs as a dependency, and a consumer type-checks against its declarations (tsc, strict;
// the consumer's @ts-expect-error lines must be errors, so declarations of `any` would fail).
// The package's modules are those the CDN test (widget.test.mjs) serves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

test("the npm package holds every export, installs, and its types check a consumer", { timeout: 120_000 }, () => {
  execFileSync("scripts/package.sh", ["--pack"], { cwd: root, stdio: "pipe" });
  const tarball = readdirSync(join(root, "dist")).find((f) => /^bayes-ruler-.*\.tgz$/.test(f));
  assert.ok(tarball, "npm pack made no tarball");

  // Installed as npm would: the tarball's `package/` as node_modules/bayes-ruler.
  const project = mkdtempSync(join(tmpdir(), "bayes-ruler-consumer-"));
  execFileSync("tar", ["-xzf", join(root, "dist", tarball), "-C", project]);
  mkdirSync(join(project, "node_modules"));
  execFileSync("mv", [join(project, "package"), join(project, "node_modules", "bayes-ruler")]);
  const installed = join(project, "node_modules", "bayes-ruler");
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)));
  for (const target of targets) assert.ok(existsSync(join(installed, target)), `exports names ${target}, which is not in the tarball`);
  // Every module's relative imports resolve inside the package.
  for (const file of manifest.files.filter((f) => f.endsWith(".js"))) {
    const source = readFileSync(join(installed, file), "utf8");
    for (const [, spec] of source.matchAll(/(?:import|from|new URL)\s*\(?\s*"(\.[^"]+)"/g)) {
      const resolved = join(installed, file, "..", spec.split("#")[0]);
      assert.ok(existsSync(resolved), `${file} imports ${spec}, missing from the package`);
    }
  }

  cpSync(join(here, "types"), project, { recursive: true });
  const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(project, "tsconfig.json")], { cwd: project, stdio: "pipe" });
  } catch (e) {
    assert.fail(`the consumer does not type-check:\n${e.stdout}${e.stderr}`);
  }
});
