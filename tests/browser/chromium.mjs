// The setup every Chromium test of this folder shares: find Debian's
// chromium (or $CHROMIUM) and playwright-core, and say SKIPPED loudly when
// either is missing (a failure under CI=true, where run.sh installs both),
// so a test that did not run is never read as a pass.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Prints the SKIPPED banner for `test` and exits (1 under CI, else 0). */
export function skipped(test, why) {
  console.log("");
  console.log("################################################################");
  console.log(`### SKIPPED: ${test}: ${why}`);
  console.log("################################################################");
  process.exit(process.env.CI === "true" ? 1 : 0);
}

function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/** `{ chromium, chromiumPath }` for `test`, which needs the corsform binary `bin`
 * (`missingBin`: what to say when it is absent). Skips or exits otherwise. */
export async function setup(test, bin, missingBin = `${bin} not found`) {
  const chromiumPath = findChromium();
  if (!chromiumPath || !existsSync(chromiumPath)) {
    skipped(test, "no chromium on PATH (tests/browser/run.sh installs Debian's package)");
  }
  if (!existsSync(bin)) {
    console.error(`error: ${missingBin}`);
    process.exit(2);
  }
  try {
    const { chromium } = await import("playwright-core");
    return { chromium, chromiumPath };
  } catch (e) {
    skipped(test, `playwright-core is not installed (cd tests/browser && npm ci): ${e.message}`);
  }
}
