// End to end, the FCRA pre-adverse-action notice from the case's Details tab: an investigator
// picks the copy of the report and the summary of rights among the files the case holds (put
// there with the CLI), names the agency and gives the notice; the panel then shows the waiting
// period and the day it ends, and links the notice through the `evidence:` scheme. The CLI reads
// the same step back, and the notice PDF reads back with pdftotext.

import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { clickButton, launchApp, root, setField, texts, waitForText } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const run = promisify(execFile);
const cli = join(root, "target/debug/vetdesk");

let app;
let session;
let dataDir;
let files;

before(async () => {
  files = mkdtempSync(join(tmpdir(), "vetdesk-e2e-adverse-"));
  const csv = join(files, "candidates.csv");
  writeFileSync(
    csv,
    "external_id,full_name,email,phone,claimed_location,vendor,role,applied_on\n" +
      "ATS-4001,Nora Lind,nora.lind@example.com,+1 312 555 0144,\"Chicago, IL\",,Backend engineer,2026-10-01\n",
  );
  const report = join(files, "lakeshore-report.txt");
  writeFileSync(report, "Consumer report: county criminal search, employment history.\n");
  const rights = join(files, "summary-of-rights.txt");
  writeFileSync(rights, "A Summary of Your Rights Under the Fair Credit Reporting Act\n");
  app = await launchApp({
    env: { VETDESK_USER: "ivan" },
    prepare(dir) {
      dataDir = dir;
      const v = (...args) => execFileSync(cli, ["--data-dir", dir, ...args]);
      v("init");
      v("user", "add", "ada", "--role", "admin");
      v("--as", "ada", "user", "add", "ivan", "--role", "investigator");
      v("--as", "ada", "user", "add", "cora", "--role", "compliance");
      v("--as", "ada", "candidate", "import", csv);
      v("--as", "ivan", "evidence", "add", "1", report, "--description", "background check report");
      v("--as", "ivan", "evidence", "add", "1", rights);
    },
  });
  ({ session } = app);
  await session.execute(`location.hash = "#/cases/1"; return true;`);
  await waitForText(session, "main h1", "Nora Lind", 30_000);
});

after(async () => {
  await app?.close();
  rmSync(files, { recursive: true, force: true });
});

test("the pre-adverse-action notice is given from the files the case holds", async () => {
  await session.click('a[data-tab="details"]');
  await waitForText(session, "section.adverse", "No pre-adverse-action notice");
  await clickButton(session, "section.adverse", "Give pre-adverse-action notice…");
  await waitFor("the form", async () => (await texts(session, "form.adverse-form")).length === 1);
  await setField(session, 'input[name="agency-name"]', "Lakeshore Screening Services");
  await setField(session, 'input[name="agency-address"]', "400 Harbor Drive, Suite 12, Duluth, MN 55802");
  await setField(session, 'input[name="agency-phone"]', "+1 800 555 0142");
  const options = await session.execute(
    `return [...document.querySelectorAll('select[name="report"] option')].map((o) => [o.value, o.textContent.trim()]);`,
  );
  const idOf = (name) => options.find(([, label]) => label === name)?.[0];
  assert.ok(idOf("lakeshore-report.txt") && idOf("summary-of-rights.txt"), `options: ${JSON.stringify(options)}`);
  await setField(session, 'select[name="report"]', idOf("lakeshore-report.txt"));
  await setField(session, 'select[name="summary-of-rights"]', idOf("summary-of-rights.txt"));
  await session.execute(`document.querySelector("section.adverse").scrollIntoView(); return true;`);
  await app.screenshot("70-pre-adverse-notice-form");
  await clickButton(session, "form.adverse-form", "Give pre-adverse-action notice");

  await waitForText(session, "section.adverse", "5 business days, to", 30_000);
  const panel = (await texts(session, "section.adverse")).join("\n");
  assert.match(panel, /Lakeshore Screening Services, 400 Harbor Drive/);
  assert.match(panel, /decision from/);
  const href = await session.execute(
    `return [...document.querySelectorAll("section.adverse a.notice-link")].find((a) => a.textContent.startsWith("Notice PDF"))?.getAttribute("href");`,
  );
  assert.match(href ?? "", /^(evidence:\/\/localhost|http:\/\/evidence\.localhost)\/file\/[0-9a-f]{64}$/);
  await session.execute(`document.querySelector("section.adverse").scrollIntoView(); return true;`);
  await app.screenshot("71-pre-adverse-notice-given");

  const { stdout: shown } = await run(cli, ["--data-dir", dataDir, "adverse-action", "show", "1"]);
  assert.match(shown, /Lakeshore Screening Services/);
  const { stdout: listed } = await run(cli, ["--data-dir", dataDir, "--json", "evidence", "list", "1"]);
  const notice = JSON.parse(listed).find((e) => e.original_name === "pre-adverse-action-notice-case-1.pdf");
  assert.ok(notice, listed);
  assert.ok(href.endsWith(notice.sha256), `${href} names the notice's file`);
  const pdf = join(files, "notice.pdf");
  await run(cli, ["--data-dir", dataDir, "evidence", "export", String(notice.id), pdf]);
  const { stdout: text } = await run("pdftotext", [pdf, "-"]);
  assert.match(text, /Pre-adverse-action notice/);
  assert.match(text, /Nora Lind/);
});

test("the Details tab says how long the person is kept, and shows a legal hold put on from the CLI", async () => {
  await session.click('a[data-tab="details"]');
  await waitForText(session, "section.retention", "No legal hold on this case.", 30_000);
  const before = (await texts(session, "section.retention")).join("\n");
  assert.match(before, /Not hired/);
  assert.match(before, /29 CFR 1602\.14/);
  assert.match(before, /case 1 is not decided/);
  // An investigator may not hold a case: no control.
  assert.doesNotMatch(before, /Put on legal hold/);
  await run(cli, ["--data-dir", dataDir, "--as", "cora", "retention", "hold", "1", "--reason", "litigation hold, matter 2027-04"]);
  await waitForText(session, "section.retention", "On legal hold", 30_000);
  assert.match((await texts(session, "section.retention")).join("\n"), /case 1 is on legal hold/);
  await session.execute(`document.querySelector("section.retention").scrollIntoView(); return true;`);
  await app.screenshot("72-retention-legal-hold");
});
