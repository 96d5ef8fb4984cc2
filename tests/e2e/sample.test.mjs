// End to end: a first run. On a data directory with nothing but its admin, the empty queue
// offers "Load sample data"; one click fills it with the sample cohort, which the queue, a
// flagged case and the Monitoring page (the sample's hired workers and their post-hire alerts)
// then show (screenshots in target/artifacts/e2e/) and `vetdesk verify` accepts.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchApp, root, texts, waitForText } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const cli = join(root, "target/debug/vetdesk");
let app;
let session;
let dataDir;

before(async () => {
  app = await launchApp({
    env: { VETDESK_USER: "ada" },
    prepare(dir) {
      execFileSync(cli, ["--data-dir", dir, "init"]);
      execFileSync(cli, ["--data-dir", dir, "user", "add", "ada", "--role", "admin"]);
    },
  });
  ({ session, dataDir } = app);
});

after(async () => {
  await app?.close();
});

test("the empty queue loads the sample cohort from its button", async () => {
  assert.equal(await session.textOf("main .empty-state h2", 30_000), "No cases yet");
  await session.clickWhenThere('[data-action="load-sample"]', 30_000);
  // The queue replaces the first-run page once the cases arrive.
  const rows = await waitFor(
    "the sample's cases in the queue",
    async () => {
      const n = await session.execute('return document.querySelectorAll(".queue-row").length');
      return n >= 8 ? n : null;
    },
    60_000,
  );
  assert.ok(rows >= 8, `${rows} rows`);
  const names = await session.execute(
    'return [...document.querySelectorAll(".queue-row .queue-name")].map((e) => e.textContent)',
  );
  // The sample's people, visibly fictitious, fill the rows on screen.
  assert.ok(names.length >= 8 && names.every((n) => n.trim() !== ""), names.join(", "));
  await app.screenshot("sample-queue");
});

test("a flagged sample case shows its red flags", async () => {
  // Case 2 is the sample's showcase: many open red flags and links.
  await session.execute(`location.hash = "#/cases/2/flags"; return true;`);
  const flags = await waitFor(
    "the open red flags",
    async () => {
      const n = await session.execute(
        'return document.querySelectorAll("ol[aria-label=\\"Open red flags\\"] > li").length',
      );
      return n >= 5 ? n : null;
    },
    30_000,
  );
  assert.ok(flags >= 5, `${flags} open flags`);
  await app.screenshot("sample-flagged-case");
});

test("the Monitoring page shows the sample's laptop-farm alerts", async () => {
  await session.execute(`location.hash = "#/monitoring"; return true;`);
  await waitForText(session, "main h1", "Monitoring", 30_000);
  // Two hired workers have open alerts; the clean one (Drew Public) is not on the board.
  const names = await waitFor(
    "the sample's workers on the board",
    async () => {
      const n = await texts(session, '[data-testid="monitored-employee"] h2');
      return n.length === 2 ? n : null;
    },
    30_000,
  );
  assert.ok(!names.includes("Drew Public"), names.join(", "));
  const alerts = await texts(session, '[data-testid="monitoring-alert"]');
  for (const rule of [
    "posthire.ip_kvm",
    "posthire.remote_access_tool",
    "posthire.impossible_travel",
    "posthire.sign_in_abroad",
    "posthire.shared_egress",
  ]) {
    assert.ok(alerts.some((a) => a.includes(rule)), `${rule} among the alerts`);
  }
  assert.ok(alerts.some((a) => a.includes("sample-osqueryd.results.log")), "alerts name the file");
  await app.screenshot("sample-monitoring");
});

test("what the button loaded verifies clean", () => {
  const out = execFileSync(cli, ["--data-dir", dataDir, "verify"], { encoding: "utf8" });
  assert.match(out, /^OK: /);
  // A second load is not offered: the queue is no longer empty.
  const offered = execFileSync(cli, ["--data-dir", dataDir, "--as", "ada", "case", "list", "--json"], {
    encoding: "utf8",
  });
  // 40 vetting cases, the 3 hired workers' monitoring cases and 1 investigation.
  const cases = JSON.parse(offered);
  assert.equal(cases.length, 44);
  assert.equal(cases.filter((c) => c.kind === "monitoring").length, 3);
  assert.equal(cases.filter((c) => c.kind === "investigation").length, 1);
});
