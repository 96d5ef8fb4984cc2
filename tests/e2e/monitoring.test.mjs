// End to end, after the hire: an investigator imports an Okta System Log export on the
// Monitoring page (the file chosen in the platform's file chooser, its bytes streamed through
// the upload spool), sees the workers it raised post-hire flags for with the events behind
// each alert, and opens an investigation from one alert in one click; the investigation case
// holds the alert's events in its note and the export as evidence, and verify stays clean.

import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { launchApp, root, texts, waitForText } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const run = promisify(execFile);
const cli = join(root, "target/debug/vetdesk");

let app;
let session;
let dataDir;
let files;

/** Workers of the scripted cohort (tests/fixtures/telemetry/cohort/okta.json), hired as staff. */
const WORKERS = [
  ["Ana Reyes", "ana.reyes@corp.example"],
  ["Ben Cho", "ben.cho@corp.example"],
  ["Gus Berg", "gus.berg@corp.example"],
];

async function vetdesk(...args) {
  const { stdout } = await run(cli, ["--data-dir", dataDir, "--as", "ivan", ...args]);
  return stdout;
}

before(async () => {
  files = mkdtempSync(join(tmpdir(), "vetdesk-e2e-monitoring-"));
  copyFileSync(join(root, "tests/fixtures/telemetry/cohort/okta.json"), join(files, "okta.json"));
  app = await launchApp({
    env: { VETDESK_USER: "ivan" },
    prepare(dir) {
      dataDir = dir;
      const v = (...args) => execFileSync(cli, ["--data-dir", dir, ...args]);
      v("init");
      v("user", "add", "ada", "--role", "admin");
      for (const [name, role] of [["rita", "reviewer"], ["ivan", "investigator"]]) {
        v("--as", "ada", "user", "add", name, "--role", role);
      }
      WORKERS.forEach(([name, account], i) => {
        v("--as", "rita", "hire", "--existing", "--name", name, "--location", "Austin, TX", "--time-zone", "America/Chicago",
          "--start", "2026-11-01", "--account", account);
        // Monitoring case i + 1: its first-day identity match was held.
        v("--as", "rita", "check", "set", String(i + 1), "day-one-identity-match", "pass", "--note", "camera-on call held");
      });
    },
  });
  ({ session } = app);
  await session.execute(`location.hash = "#/monitoring"; return true;`);
  await waitForText(session, "main h1", "Monitoring", 30_000);
});

after(async () => {
  await app?.close();
  rmSync(files, { recursive: true, force: true });
});

test("nobody is on the board before telemetry arrives", async () => {
  await waitForText(session, "main h2", "No open post-hire alerts");
});

test("an Okta export imported on the page puts the workers it flags on the board", async () => {
  await session.type('[data-testid="telemetry-file"]', join(files, "okta.json"));
  await waitForText(session, '[data-testid="telemetry-outcome"]', "okta.json (okta): 18 events read, 18 new, 17 matched", 60_000);
  await waitFor("the board", async () => (await texts(session, '[data-testid="monitored-employee"] h2')).length === 2, 30_000);
  // Most severe first; Ana, travelling at home in working hours, is not there.
  const names = await texts(session, '[data-testid="monitored-employee"] h2');
  assert.deepEqual([...names].sort(), ["Ben Cho", "Gus Berg"]);
  const ben = await session.execute(`
    const card = [...document.querySelectorAll('[data-testid="monitored-employee"]')].find((c) => c.querySelector("h2").textContent === "Ben Cho");
    return [...card.querySelectorAll('[data-testid="monitoring-alert"]')].map((a) => a.textContent);
  `);
  const abroad = ben.find((a) => a.includes("Sign-in from outside the country the worker claims") && a.includes("CN"));
  assert.ok(abroad, `Ben's alerts: ${ben}`);
  for (const part of ["posthire.sign_in_abroad", "ben.cho@corp.example", "198.18.0.21", "okta.json (import 1)"]) {
    assert.ok(abroad.includes(part), `${part} in ${abroad}`);
  }
  // The import's outcome, then the board from its first worker down.
  await session.execute(`document.querySelector('[data-testid="telemetry-outcome"]').scrollIntoView(); return true;`);
  await app.screenshot("70-monitoring");
});

test("one click on an alert opens an investigation case that holds its events", async () => {
  await session.execute(`
    const alert = [...document.querySelectorAll('[data-testid="monitoring-alert"]')]
      .find((a) => a.textContent.includes("Sign-in from outside the country the worker claims") && a.textContent.includes("198.18.0.21"));
    [...alert.querySelectorAll("button")].find((b) => b.textContent.trim() === "Open investigation").click();
    return true;
  `);
  await waitForText(session, "main h1", "Ben Cho", 30_000);
  await waitFor("the investigation's route", async () => /^#\/cases\/\d+\/notes$/.test(await session.execute("return location.hash")));
  const caseId = Number((await session.execute("return location.hash")).split("/")[2]);
  await waitForText(session, "main", "Opened from post-hire alert");
  const note = (await texts(session, "main .note, main li, main p")).join("\n");
  assert.match(note, /0c0f0005-8c0/, "the event's id is in the note");
  assert.match(note, /198\.18\.0\.21/);
  await app.screenshot("71-investigation-from-alert");

  const shown = JSON.parse(await vetdesk("--json", "case", "show", String(caseId)));
  assert.equal(shown.case.kind, "investigation");
  assert.deepEqual(shown.evidence.map((e) => e.original_name), ["okta.json"]);
  assert.ok(shown.notes[0].text.includes("country CN"), shown.notes[0].text);
  const verified = JSON.parse(await vetdesk("--json", "verify"));
  assert.equal(verified.ok, true);
});
