// End to end: recording what was verified about a candidate in the real app window, on a data
// directory the command line prepared (a user, a vendor, a candidate with a case and a scan of
// their passport). A passport whose MRZ has a wrong check digit, an interview where video was
// refused, E-Verify tried before Form I-9, an indicator list imported in Settings and an IP
// inside it, bank details typed once; then the flags read back with the command line.
// Screenshots land in target/artifacts/e2e/ (the ones in docs/screenshots/ come from here).

import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { launchApp, root, texts, waitForText } from "./harness.mjs";
import { documentPng } from "./png.mjs";
import { Keys, waitFor } from "./webdriver.mjs";

const run = promisify(execFile);
const cli = join(root, "target/debug/vetdesk");

/** The ICAO specimen passport (future expiry) with the date-of-birth check digit 3, not 2. */
const MRZ_1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const MRZ_2 = "L898902C36UTO7408123F3404159ZE184226B<<<<<16";
const ROUTING = "021000021";
const ACCOUNT = "000123456789";

let app;
let session;
let dataDir;
let files;

async function vetdesk(...args) {
  const { stdout } = await run(cli, ["--data-dir", dataDir, ...args]);
  return stdout;
}

/** Scrolls the first element matching `css` to the top of the content area. */
function scrollTo(css, block = "start") {
  return session.execute(`document.querySelector(arguments[0]).scrollIntoView({ block: arguments[1] })`, [css, block]);
}

function openRules() {
  return session.execute(`return [...document.querySelectorAll('[aria-label="Open red flags"] > [data-flag]')].map((f) => f.dataset.flag)`);
}

before(async () => {
  files = mkdtempSync(join(tmpdir(), "vetdesk-e2e-verify-"));
  writeFileSync(join(files, "passport-front.png"), documentPng(640, 400));
  writeFileSync(
    join(files, "exits-bad.csv"),
    "cidr,category,label\n198.51.100.0/24,vpn,ExampleVPN exit\n198.51.100.0/33,vpn,prefix too long\n203.0.113.0/24,UK,not a code\n",
  );
  writeFileSync(
    join(files, "vpn-exits.csv"),
    "cidr,category,label\n# exit ranges, November 2026\n198.51.100.0/24,vpn,ExampleVPN exit\n2001:db8:77::/48,hosting,Example Cloud\n203.0.113.0/24,KP,allocated in KP\n",
  );
  app = await launchApp({
    env: { VETDESK_USER: "ada" },
    prepare(dir) {
      const at = (...args) => execFileSync(cli, ["--data-dir", dir, ...args]);
      at("init");
      at("user", "add", "ada", "--role", "admin", "--display-name", "Ada Admin");
      at("--as", "ada", "vendor", "add", "Acme Staffing", "--attested", "--last-audit", "2024-05-31");
      at("--as", "ada", "candidate", "add", "--name", "Anna Maria Eriksson", "--vendor", "Acme Staffing", "--email", "anna.eriksson@example.com");
      at("--as", "ada", "evidence", "add", "1", join(files, "passport-front.png"), "--description", "Passport data page");
    },
  });
  ({ session, dataDir } = app);
});

after(async () => {
  await app?.close();
  rmSync(files, { recursive: true, force: true });
});

test("a passport whose MRZ has a wrong check digit: the live check names the field, saving raises the flag", async () => {
  await session.textOf('[data-testid="acting-as"]', 30_000);
  await session.execute(`location.hash = "#/cases/1/verification"`);
  await session.clickWhenThere('button[data-add="documents"]', 20_000);
  const form = 'form[aria-label="Record identity document"]';
  await session.type(`${form} input[name="issuing_country"]`, "UTO");
  await session.type(`${form} input[name="number"]`, "L898902C3");
  await session.type(`${form} input[name="holder_name"]`, "ERIKSSON, Anna María");
  await session.type(`${form} input[name="birth_date"]`, "1974-08-12");
  await session.type(`${form} input[name="expiry_date"]`, "2034-04-15");
  // Half the zone: said to be incomplete, not an error.
  await session.type(`${form} textarea[name="mrz"]`, MRZ_1);
  await waitForText(session, '[data-testid="mrz-unreadable"]', "1 line of 44 characters");
  await session.type(`${form} textarea[name="mrz"]`, `${Keys.enter}${MRZ_2}`);
  await waitForText(session, '[data-testid="mrz-live"] [data-failed="birth_date"]', "date of birth check digit fails");
  assert.match(await session.textOf('[data-failed="birth_date"]'), /line 2, position 20 holds 3, but 740812 gives 2/);
  assert.deepEqual(await texts(session, '[data-testid="mrz-live"] tr.row-bad td:first-child'), ["date of birth", "composite (the whole lower line)"]);
  await session.click(`${form} input[name="front-new"][value="1"]`);
  await scrollTo(form);
  await app.screenshot("60-verification-document-form");
  await scrollTo(`${form} textarea[name="mrz"]`);
  await app.screenshot("61-verification-mrz-live");

  const riskBefore = await session.textOf('[data-testid="case-risk"]');
  await session.click(`${form} button[type="submit"]`);
  await waitFor("the saved note", async () => (await texts(session, '[data-testid="saved-note"] [data-raised]')).length > 0);
  const raised = await session.execute(`return [...document.querySelectorAll('[data-testid="saved-note"] [data-raised]')].map((e) => e.dataset.raised)`);
  assert.ok(raised.includes("document.mrz_check_failed"), raised.join());
  // The card shows what the store checked: the name allowing for its tolerances, the flag.
  await waitForText(session, '[data-document="1"]', "allowing for");
  assert.match(await session.textOf('[data-document="1"]'), /surname written first/);
  assert.match(await session.textOf('[data-document="1"] .record-flags'), /check digit/);
  // The header's count and risk follow at once.
  await waitFor("the header to change", async () => (await session.textOf('[data-testid="case-risk"]')) !== riskBefore);
  await session.click('a[data-tab="flags"]');
  await waitFor("the MRZ flag", async () => (await openRules()).includes("document.mrz_check_failed"));
  await session.click('a[data-tab="verification"]');
});

test("an interview where the candidate refused video raises its flag", async () => {
  await session.clickWhenThere('button[data-add="interviews"]');
  const form = 'form[aria-label="Record interview"]';
  await session.click(`${form} input[name="video"][value="refused"]`);
  await session.click(`${form} input[name="location"][value="no"]`);
  // Yesterday afternoon, in the app's local time.
  const yesterday = await session.execute(
    `const d = new Date(Date.now() - 86400000); return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0")`,
  );
  await session.execute(`document.querySelector(arguments[0]).select()`, [`${form} input[name="held_on"]`]);
  await session.type(`${form} input[name="held_on"]`, yesterday);
  await session.type(`${form} input[name="started_at"]`, "15:30");
  await session.type(`${form} textarea[name="note"]`, "Said the camera was broken; declined to reschedule.");
  await scrollTo(form);
  await app.screenshot("62-verification-interview");
  await session.click(`${form} button[type="submit"]`);
  await waitForText(session, '[data-testid="saved-note"]', "Interview recorded.");
  const raised = await texts(session, '[data-testid="saved-note"] [data-raised]');
  assert.ok(raised.some((t) => /refused video/i.test(t)), raised.join("\n"));
  assert.match(await session.textOf('[data-interview="1"]'), /Refused video/);
  await session.click('a[data-tab="flags"]');
  await waitFor("the interview flag", async () => (await openRules()).includes("interview.video_refused"));
  await session.click('a[data-tab="verification"]');
});

test("E-Verify before the offer and Form I-9 is refused, saying what to complete first", async () => {
  await waitForText(session, '[data-section="everify"] [data-testid="everify-prerequisites"]', "Complete offer-accepted and form-i9-complete first");
  await session.click('button[data-add="everify"]');
  const form = 'form[aria-label="Record E-Verify case"]';
  await session.type(`${form} input[name="case_number"]`, "2026330123456AB");
  const today = await session.execute(`const d = new Date(); return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0")`);
  await session.type(`${form} input[name="created_on"]`, today);
  await session.click(`${form} select[name="status"] option[value="employment_authorized"]`);
  await session.click(`${form} button[type="submit"]`);
  const refusal = await session.textOf(`${form} [data-testid="everify-prerequisites"]`);
  assert.match(refusal, /E-Verify was not recorded: Complete offer-accepted and form-i9-complete first/);
  assert.match(refusal, /offer-accepted \(pending\) and form-i9-complete \(pending\)/);
  await scrollTo(form);
  await app.screenshot("63-verification-everify-refused");
  await session.click(`${form} .button-row .btn-secondary`);
  assert.deepEqual(JSON.parse(await vetdesk("--json", "verification", "1")).everify, []);
});

test("an indicator list is imported in Settings: bad rows by line, then the good file", async () => {
  await session.click('nav a[href="#/settings"]');
  await session.textOf("#lists-heading", 20_000);
  await session.type('[data-testid="ip-list-input"]', join(files, "exits-bad.csv"));
  await waitForText(session, '[data-testid="ip-list-file"]', "exits-bad.csv");
  await session.execute(`document.querySelector('input[name="list_name"]').select()`);
  await session.type('input[name="list_name"]', "vpn-exits");
  await session.click('form[aria-label="Import indicator list"] button[type="submit"]');
  await waitForText(session, '[data-testid="list-problems"]', "Nothing was imported");
  assert.deepEqual(await texts(session, '[data-testid="list-problems"] tbody tr td:first-child'), ["3", "4"]);
  assert.match(await session.textOf('[data-testid="list-problems"] tr[data-line="4"]'), /the United Kingdom is GB/);
  await scrollTo('form[aria-label="Import indicator list"]', "center");
  await app.screenshot("64-settings-list-refused");

  await session.type('[data-testid="ip-list-input"]', join(files, "vpn-exits.csv"));
  await waitForText(session, '[data-testid="ip-list-file"]', "vpn-exits.csv");
  await session.click('form[aria-label="Import indicator list"] button[type="submit"]');
  await waitForText(session, ".saved-note", "Imported list vpn-exits: 3 ranges");
  assert.deepEqual(await texts(session, 'section[aria-labelledby="lists-heading"] tbody tr td:first-child'), ["vpn-exits"]);
  // A named VPN provider and a VoIP prefix, next to the honest note about VoIP.
  await session.type('input[name="vpn_name"]', "ExampleVPN");
  await session.click('form[aria-label="Name a VPN provider"] button[type="submit"]');
  await waitForText(session, '[aria-labelledby="vpn-heading"] td', "ExampleVPN");
  await session.type('input[name="voip_pattern"]', "+1 650 555*");
  await session.type('input[name="voip_label"]', "carrier lookup, November 2026");
  await session.click('form[aria-label="Add to the VoIP list"] button[type="submit"]');
  await waitForText(session, '[aria-labelledby="voip-heading"] td', "+1650555*");
  assert.match(await session.textOf('[data-testid="voip-honest-note"]'), /cannot be told from a US number’s digits/);
  await scrollTo("#lists-heading");
  await app.screenshot("65-settings-lists");
  assert.equal(JSON.parse(await vetdesk("--json", "iplist", "list"))[0].entries, 3);
});

test("an IP address inside the imported list raises ip.anonymising", async () => {
  await session.execute(`location.hash = "#/cases/1/verification"`);
  await session.clickWhenThere('button[data-add="ips"]', 20_000);
  const form = 'form[aria-label="Record IP address"]';
  await session.type(`${form} input[name="ip"]`, "198.51.100.23");
  await session.click(`${form} select[name="context"] option[value="onboarding_login"]`);
  await session.click(`${form} button[type="submit"]`);
  await waitForText(session, '[data-testid="saved-note"]', "IP address recorded.");
  const raised = await session.execute(`return [...document.querySelectorAll('[data-testid="saved-note"] [data-raised]')].map((e) => e.dataset.raised)`);
  assert.ok(raised.includes("ip.anonymising"), raised.join());
  await waitForText(session, 'tr[data-ip="198.51.100.23"]', "ExampleVPN exit");
});

test("bank details are typed once, cleared from the page, and only their masks come back", async () => {
  await session.click('button[data-add="payments"]');
  const form = 'form[aria-label="Record payment details"]';
  await session.type(`${form} input[name="routing_number"]`, ROUTING);
  await session.type(`${form} input[name="account_number"]`, ACCOUNT);
  await session.type(`${form} input[name="bank_name"]`, "First Example Bank");
  await session.click(`${form} button[type="submit"]`);
  await waitForText(session, '[data-testid="saved-note"]', "Kept: routing •••••0021, account ••••••••6789.");
  await waitForText(session, 'tr[data-payment="1"]', "••••••••6789");
  const page = await session.execute("return document.documentElement.outerHTML");
  for (const secret of [ROUTING, "123456789"]) assert.ok(!page.includes(secret), `${secret} is on the page`);
  await scrollTo('[data-section="payments"]');
  await app.screenshot("66-verification-payment");
});

test("the Verification tab shows everything recorded, the Flags tab and header agree", async () => {
  await session.execute(`document.querySelector("main").scrollTop = 0`);
  await app.screenshot("67-verification-tab");
  await session.click('a[data-tab="flags"]');
  await waitFor("the IP flag", async () => (await openRules()).includes("ip.anonymising"));
  const open = await openRules();
  assert.match(await session.textOf('[data-testid="case-risk"]'), new RegExp(`^${open.length} red flags · risk \\d+`));
});

test("a vendor audit is recorded on the Vendors page; overdue shows until then", async () => {
  await session.click('nav a[href="#/vendors"]');
  await waitForText(session, "main tbody td", "overdue since");
  await app.screenshot("68-vendors-audit-overdue");
  await session.click('button[aria-label="Record audit of Acme Staffing"]');
  await session.click('dialog[open] input[name="outcome"][value="findings"]');
  await session.type('dialog[open] textarea[name="note"]', "Identity checks by video only; agreed to add document inspection.");
  await app.screenshot("69-vendor-audit");
  await session.click('dialog[open] button[type="submit"]');
  await waitForText(session, ".saved-note", "Audit of Acme Staffing recorded.");
  await waitFor("next due in a year", async () => !(await texts(session, "main tbody td")).some((t) => t.includes("overdue")));
  assert.match((await texts(session, "main tbody td")).join(" "), /Findings/);
});

test("the command line reads back the flags the app's records raised", async () => {
  const flags = JSON.parse(await vetdesk("--json", "flags", "1"));
  const rules = flags.open.map((f) => f.rule);
  for (const rule of ["document.mrz_check_failed", "interview.video_refused", "ip.anonymising"]) {
    assert.ok(rules.includes(rule), `${rule} in ${rules}`);
  }
  // The vendor's audit is no longer overdue, so that flag was cleared by the audit.
  assert.ok(!rules.includes("vendor.audit_overdue"), rules.join());
  assert.ok(flags.cleared.some((f) => f.rule === "vendor.audit_overdue"), "the overdue-audit flag was cleared");
  const mrz = flags.open.find((f) => f.rule === "document.mrz_check_failed");
  assert.match(mrz.facts.join(" "), /birth date check digit at line 2 position 20 is "3", expected 2/);

  const v = JSON.parse(await vetdesk("--json", "verification", "1"));
  assert.equal(v.documents[0].document.front_evidence, 1);
  assert.equal(v.interviews[0].refused_video, true);
  assert.deepEqual([v.payments[0].routing_masked, v.payments[0].account_masked], ["•••••0021", "••••••••6789"]);
  // The numbers are in no file of the data directory: database, journal, log.
  const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  for (const file of walk(dataDir)) {
    const bytes = readFileSync(file);
    for (const secret of [ROUTING, "123456789"]) assert.ok(!bytes.includes(secret), `${secret} in ${file}`);
  }
  await vetdesk("verify");
});
