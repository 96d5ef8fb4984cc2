// End to end, the decision resting on the checks: an investigator finds clearing refused with
// the list of what is missing, triages the open flag, looks at the candidate's cluster, marks
// the one section that does not apply with a reason, and clears; compliance, in the same
// window after switching user, signs off. The report then names who signed off and why, and
// the case linked through the shared phone.

import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { clickButton, launchApp, root, texts, waitForText } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const run = promisify(execFile);
const cli = join(root, "target/debug/vetdesk");

let app;
let session;
let dataDir;
let files;

/** The pre-offer items recorded before the app starts: all but the background section. */
const PASSED = [
  "reviewer-trained",
  "id-two-documents",
  "id-document-authenticity",
  "id-physical-inspection",
  "application-consistency",
  "live-video-interview",
  "video-id-match",
  "interview-questions",
  "same-person-every-stage",
  "voice-alteration-check",
  "interview-recording-disallowed",
  "ip-vpn-check",
  "shipping-address-verified",
  "address-not-shared",
  "phone-number-check",
  "known-indicators-check",
];

async function openStatusDialog() {
  await session.clickWhenThere(".case-title .btn-primary");
  await waitFor("the moves", async () => (await texts(session, "dialog[open] .moves label, dialog[open] form p")).length > 0);
}

before(async () => {
  files = mkdtempSync(join(tmpdir(), "vetdesk-e2e-decisions-"));
  const csv = join(files, "candidates.csv");
  writeFileSync(
    csv,
    [
      "external_id,full_name,email,phone,claimed_location,vendor,role,applied_on",
      "ATS-3001,Anna Berg,anna.berg@example.com,+1 312 555 0101,\"Chicago, IL\",,Backend engineer,2026-10-01",
      "ATS-3002,Mei Chen,mei.chen@example.com,+1 312 555 0101,\"San Francisco, CA\",,Data engineer,2026-10-03",
    ].join("\n") + "\n",
  );
  app = await launchApp({
    env: { VETDESK_USER: "ivan" },
    prepare(dir) {
      dataDir = dir;
      const v = (...args) => execFileSync(cli, ["--data-dir", dir, ...args]);
      v("init");
      v("user", "add", "ada", "--role", "admin");
      for (const [name, role] of [["rita", "reviewer"], ["ivan", "investigator"], ["cora", "compliance"]]) {
        v("--as", "ada", "user", "add", name, "--role", role);
      }
      v("--as", "ada", "candidate", "import", csv);
      v("--as", "ada", "case", "assign", "1", "ivan");
      for (const item of PASSED) v("--as", "rita", "check", "set", "1", item, "pass", "--note", "checked");
    },
  });
  ({ session } = app);
  await session.execute(`location.hash = "#/cases/1"; return true;`);
  await waitForText(session, "main h1", "Anna Berg", 30_000);
});

after(async () => {
  await app?.close();
  rmSync(files, { recursive: true, force: true });
});

test("clearing is refused with the list of what is missing", async () => {
  await openStatusDialog();
  const offered = await texts(session, "dialog[open] .moves label");
  assert.ok(!offered.some((m) => m.startsWith("Decide: Cleared")), `offered: ${offered}`);
  const refused = (await texts(session, "dialog[open] .refused-moves li")).join("\n");
  assert.match(refused, /Decide: Cleared/);
  for (const missing of ["social-public-records", "drug-test-integrity", "phone.shared"]) {
    assert.ok(refused.includes(missing), `${missing} in ${refused}`);
  }
  await session.execute(`document.querySelector("dialog[open] details.refused-moves").open = true; return true;`);
  await app.screenshot("60-decision-refused");
  await clickButton(session, "dialog[open]", "Cancel").catch(() => session.execute(`document.querySelector("dialog[open]").close(); return true;`));
});

test("the open flag is triaged and the cluster shows who else holds the phone", async () => {
  await session.click('a[data-tab="flags"]');
  await waitFor("the flag", async () => (await texts(session, '[data-flag="phone.shared"]')).length === 1);
  await clickButton(session, '[data-flag="phone.shared"] .flag-triage', "Acknowledge");
  await waitFor("the triage", async () => (await texts(session, '[data-flag="phone.shared"] [data-triage="acknowledged"]')).length === 1);
  await clickButton(session, "section", "Show everyone joined through others");
  await waitFor("the cluster", async () => (await texts(session, '[data-testid="cluster"] tbody tr')).length === 2);
  const rows = await texts(session, '[data-testid="cluster"] tbody tr');
  assert.match(rows[1], /Mei Chen.*case 2.*phone \+13125550101 with Anna Berg/);
  await session.execute(`document.querySelector('[data-testid="cluster"]').scrollIntoView(); return true;`);
  await app.screenshot("61-flags-cluster");
});

test("the section that does not apply is marked with one reason, and the case is cleared", async () => {
  await session.click('a[data-tab="checklist"]');
  await session.clickWhenThere('button[aria-label="Mark Background and history not applicable"]');
  await waitForText(session, "dialog[open]", "5 pending items of this section");
  await session.type("dialog[open] textarea", "Contractor engaged for a four-week pilot; background checks waived by policy 7.2");
  await app.screenshot("62-section-not-applicable");
  await clickButton(session, "dialog[open]", "Mark 5 pending items not applicable");
  await waitForText(session, '[data-phase="pre_offer"] .phase-progress', "21 of 21 done");

  await openStatusDialog();
  // The moves are read again after the last change: wait for the one the gate now allows.
  await session.clickWhenThere('dialog[open] input[value="decided/cleared"]', 15_000);
  await session.type("dialog[open] textarea", "Every pre-offer check done; the shared phone is a family line, acknowledged.");
  await session.click('dialog[open] button[type="submit"]');
  await waitFor("the decision", async () => (await session.textOf('[data-testid="case-status"]')) === "Decided: Cleared");
});

test("compliance signs off after switching user, and the report says who and why", async () => {
  await clickButton(session, ".acting-as", "Switch user");
  await session.clickWhenThere('[data-user="cora"]');
  await waitForText(session, '[data-testid="acting-as"]', "cora");
  await session.execute(`location.hash = "#/cases/1"; return true;`);
  await waitForText(session, "main h1", "Anna Berg");
  await openStatusDialog();
  await session.clickWhenThere('dialog[open] input[value="closed/"]', 15_000);
  await session.type("dialog[open] textarea", "Reviewed the file and the decision; signed off.");
  await session.click('dialog[open] button[type="submit"]');
  await waitFor("the sign-off", async () => (await session.textOf('[data-testid="case-status"]')) === "Closed");
  await app.screenshot("63-signed-off");

  const pdf = join(files, "case-1.pdf");
  await run(cli, ["--data-dir", dataDir, "--as", "cora", "report", "1", "-o", pdf]);
  const { stdout: text } = await run("pdftotext", ["-layout", pdf, "-"]);
  assert.match(text, /Signed off\s+cora at 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC: Reviewed the file and the decision;\s+signed\s+off\./);
  assert.match(text, /Related cases\s+case 2 \(open\) — Mei Chen/);
  const { stdout: audit } = await run(cli, ["--data-dir", dataDir, "audit", "show", "1"]);
  assert.match(audit, /cora/);
  assert.match(audit, /not_applicable|not applicable/);
});
