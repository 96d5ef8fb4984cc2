// End to end: a day's case work in the real app window, driven as a user would (keyboard,
// clicks, the file chooser), on a fresh data directory; then the same data read back through
// the command line. Screenshots of the queue and the case view land in target/artifacts/e2e/.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { launchApp, root, texts, waitForText } from "./harness.mjs";
import { documentPng, png } from "./png.mjs";
import { Keys, waitFor } from "./webdriver.mjs";

const run = promisify(execFile);
const cli = join(root, "target/debug/vetdesk");

let app;
let session;
let dataDir;
let files;
let photo;
let photoSha;

/** Runs the CLI on the app's data directory; resolves to its stdout. */
async function vetdesk(...args) {
  const { stdout } = await run(cli, ["--data-dir", dataDir, ...args]);
  return stdout;
}

/** The text of the result badge of checklist item `id`. */
async function resultOf(id) {
  return session.textOf(`[data-item="${id}"] #item-${id}-result`);
}

before(async () => {
  files = mkdtempSync(join(tmpdir(), "vetdesk-e2e-files-"));
  photo = documentPng(640, 400);
  photoSha = createHash("sha256").update(photo).digest("hex");
  writeFileSync(join(files, "passport-data-page.png"), photo);
  const rows = [
    "external_id,full_name,email,phone,claimed_location,vendor,role,applied_on",
    "ATS-1001,Jonas Berg,jonas.berg@example.com,+1 312 555 0101,\"Chicago, IL\",,Backend engineer,2026-10-01",
    "ATS-1002,Mei Lin Chen,mei.chen@example.com,+1 415 555 0102,\"San Francisco, CA\",Acme Staffing,Data engineer,2026-10-03",
    "ATS-1003,Daniel Okafor,d.okafor@example.com,+1 646 555 0103,\"New York, NY\",,Frontend developer,2026-10-04",
    "ATS-1004,Sofia Rossi,sofia.rossi@example.com,+1 617 555 0104,\"Boston, MA\",Acme Staffing,DevOps engineer,2026-10-06",
    "ATS-1005,Kwame Mensah,kwame.m@example.com,+1 512 555 0105,\"Austin, TX\",,Mobile developer,2026-10-07",
    "ATS-1006,Lena Fischer,lena.fischer@example.com,+1 206 555 0106,\"Seattle, WA\",Acme Staffing,Security engineer,2026-10-09",
    "ATS-1007,Arjun Patel,arjun.patel@example.com,+1 303 555 0107,\"Denver, CO\",,Full-stack developer,2026-10-10",
  ];
  writeFileSync(join(files, "candidates.csv"), `${rows.join("\n")}\n`);
  app = await launchApp();
  ({ session, dataDir } = app);
});

after(async () => {
  await app?.close();
  rmSync(files, { recursive: true, force: true });
});

test("first run: the first user is created in the app and acts from then on", async () => {
  await session.textOf("main h2", 30_000);
  assert.equal(await session.textOf("main h2"), "Welcome to Vetdesk");
  assert.equal(await session.textOf('[data-testid="acting-as"]'), "no user chosen");
  await app.screenshot("01-first-run");
  await session.type('#main input[name="name"]', "ada");
  await session.type('#main input[name="display_name"]', "Ada Admin");
  await session.click('#main form button[type="submit"]');
  await waitFor("the acting user", async () => (await session.textOf('[data-testid="acting-as"]')) === "Ada Admin");
  assert.equal(await session.textOf("main .empty-state h2"), "No cases yet");
  await app.screenshot("02-empty-queue");
});

test("an admin adds a reviewer and a vendor", async () => {
  await session.click('nav a[href="#/settings"]');
  await session.type('form[aria-label="Add user"] input[name="name"]', "rita");
  await session.type('form[aria-label="Add user"] input[name="display_name"]', "Rita Reviewer");
  await session.click('form[aria-label="Add user"] button[type="submit"]');
  await waitFor("the new user", async () => (await texts(session, "section[aria-labelledby=users-heading] tbody td:first-child")).join() === "ada,rita");
  await app.screenshot("40-settings");

  await session.click('nav a[href="#/vendors"]');
  await session.clickWhenThere(".page-title .btn-primary");
  await session.type('dialog[open] input[name="name"]', "Acme Staffing");
  await session.type('dialog[open] input[name="contact"]', "ops@acme.example");
  await session.click('dialog[open] input[name="screening_attested"]');
  await session.click('dialog[open] button[type="submit"]');
  await waitFor("the vendor", async () => (await texts(session, "main table tbody tr td:first-child")).join() === "Acme Staffing");
  await app.screenshot("41-vendors");
});

test("candidates come in from a CSV file through the import preview", async () => {
  await session.click('nav a[href="#/candidates/import"]');
  await session.type('[data-testid="import-input"]', join(files, "candidates.csv"));
  await waitForText(session, "main p", "7 row(s)", 20_000);
  await app.screenshot("31-import-preview");
  assert.deepEqual((await texts(session, "table.preview tbody tr td:nth-child(3)")).slice(0, 2), ["Jonas Berg", "Mei Lin Chen"]);
  await session.clickWhenThere("main .button-row .btn-primary");
  await waitForText(session, "main h2", "Imported");
  assert.match(await session.textOf(".import-done p"), /^7 new candidate\(s\), 0 updated, 0 unchanged/);
});

test("a candidate added with the form opens their case", async () => {
  await session.click('nav a[href="#/candidates/new"]');
  await session.type('input[name="legal_name"]', "Anna Maria Eriksson");
  await session.type('textarea[name="emails"]', "anna.eriksson@example.com");
  await session.type('input[name="application_ip"]', "not-an-ip");
  await session.click('form button[type="submit"]');
  // Refused next to its field, nothing sent.
  await waitForText(session, ".field-error", "is not an IPv4 or IPv6 address");
  await session.execute(`document.querySelector(".field-error").scrollIntoView({ block: "center" })`);
  await app.screenshot("30-new-candidate-error");
  await session.execute(`document.querySelector('input[name="application_ip"]').select()`);
  await session.type('input[name="application_ip"]', "203.0.113.7");
  await session.type('input[name="claimed_location"]', "Minneapolis, MN");
  // The phone of a candidate imported before, and a private mailbox to ship the laptop to.
  await session.type('textarea[name="phones"]', "+1 415 555 0102");
  await session.type('textarea[name="home_address"]', "1200 Nicollet Mall, Minneapolis, MN 55403");
  await session.type('textarea[name="shipping_address"]', "PMB 12, 500 Oak Ave, Dover, DE 19901");
  await session.click('form button[type="submit"]');
  await waitFor("the new case", async () => (await session.execute("return location.hash")) === "#/cases/8");
  await waitForText(session, "main h1", "Anna Maria Eriksson", 20_000);
  assert.equal(await session.textOf('[data-testid="case-status"]'), "Open");
});

test("red flags and links to other candidates are shown with their reasons", async () => {
  await waitFor("the risk", async () => /^\d+ red flags · risk \d+ \((high|critical)\)$/.test(await session.textOf('[data-testid="case-risk"]')));
  await session.click('a[data-tab="flags"]');
  await waitFor("the flags", async () => (await texts(session, "[data-flag]")).length >= 2);
  const rules = await session.execute(`return [...document.querySelectorAll('[aria-label="Open red flags"] > [data-flag]')].map((f) => f.dataset.flag)`);
  for (const rule of ["phone.shared", "address.mail_drop", "address.shipping_differs"]) {
    assert.ok(rules.includes(rule), `${rule} in ${rules}`);
  }
  assert.match(await session.textOf('[data-flag="phone.shared"]'), /is also the phone of candidate 2(?!\d)/);
  assert.match(await session.textOf('[data-flag="address.mail_drop"] .flag-why'), /drop-shipment sites for corporate laptops/);
  // The link to the candidate with the same phone, and a click through to their case.
  await waitForText(session, '[data-candidate="2"] td', "+14155550102");
  await session.execute(`document.querySelector("main").scrollTop = 0`);
  await app.screenshot("26-case-flags");
  await session.click('[data-candidate="2"] a.related');
  await waitForText(session, "main h1", "Mei Lin Chen");
  await waitFor("Mei's flag", async () => (await texts(session, '[data-flag="phone.shared"]')).length === 1);
  await session.execute(`history.back()`);
  await waitForText(session, "main h1", "Anna Maria Eriksson");
});

test("an image is attached through the file chooser and shown as a thumbnail", async () => {
  await session.click('a[data-tab="evidence"]');
  await session.type('input[placeholder="e.g. Passport data page"]', "Passport data page");
  await session.type('[data-testid="evidence-input"]', join(files, "passport-data-page.png"));
  await waitForText(session, ".upload-stage", "attached", 30_000);
  const [width, sha] = await waitFor("the thumbnail", () =>
    session.execute(`
      const img = document.querySelector('[data-evidence="1"] img.thumb');
      const sha = document.querySelector('[data-evidence="1"] [data-testid="evidence-sha"]');
      return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, sha.textContent] : null;
    `),
  );
  // The store made a preview of at most 512 px on the long side, from this very file.
  assert.equal(width, 512);
  assert.equal(sha, photoSha);
  assert.match(await session.textOf('[data-evidence="1"]'), /Passport data page/);
  await session.click('[data-evidence="1"] .thumb-button');
  const full = await waitFor("the full-size image", () =>
    session.execute(`
      const img = document.querySelector("dialog[open] .full-size img");
      return img && img.complete && img.naturalWidth > 0 ? img.decode().then(() => img.naturalWidth) : null;
    `),
  );
  assert.equal(full, 640);
  await app.screenshot("21-evidence-full-size");
  await session.keys(Keys.escape);
});

test("a file dropped on the case goes through the same upload", async () => {
  const dropped = png(480, 300, (x, y) => [30 + (x % 60), 40 + (y % 80), 70 + ((x + y) % 50)]);
  await session.execute(
    `
    const file = new File([new Uint8Array(arguments[0])], "call-screenshot.png", { type: "image/png" });
    const data = new DataTransfer();
    data.items.add(file);
    const zone = document.querySelector(".drop-zone");
    for (const type of ["dragenter", "dragover", "drop"]) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
    `,
    [[...dropped]],
  );
  await waitFor("the dropped file", async () => (await texts(session, ".evidence-name strong")).includes("call-screenshot.png"), 30_000);
  // Finished uploads can be dismissed (they also go by themselves after a few seconds).
  await waitFor("dismissed uploads", async () => {
    await session.execute(`document.querySelectorAll(".upload .btn-small").forEach((b) => b.click())`);
    return (await texts(session, ".upload")).length === 0;
  });
  await session.execute(`document.activeElement.blur()`);
  await app.screenshot("22-case-evidence");
});

test("checklist results are recorded from the keyboard", async () => {
  await session.click('a[data-tab="checklist"]');
  await session.textOf('[data-item="reviewer-trained"]');
  await session.execute(`document.querySelector('[data-item="reviewer-trained"]').focus()`);
  await session.keys("p");
  await waitFor("pass", async () => (await resultOf("reviewer-trained")) === "Pass");
  // Pass, fail and not applicable go on to the next item.
  assert.equal(await session.execute("return document.activeElement.dataset.item"), "id-two-documents");
  await session.keys("p");
  await waitFor("pass", async () => (await resultOf("id-two-documents")) === "Pass");
  assert.notEqual(await session.execute("return document.activeElement.dataset.item"), "id-two-documents");
  await session.keys("k", Keys.enter);
  await session.keys(..."Passport and driving licence agree with the application.");
  // The result rests on the passport scan attached before.
  await session.click('[data-item="id-two-documents"] .evidence-choice input[type="checkbox"]');
  await session.keys([Keys.control, Keys.enter]);
  await waitForText(session, '[data-item="id-two-documents"] .check-note', "Passport and driving licence agree");
  await waitFor("the linked scan", async () =>
    (await texts(session, '[data-item="id-two-documents"] .linked-evidence li')).join() === "passport-data-page.png",
  );
  assert.equal(await session.execute("return document.activeElement.dataset.item"), "id-two-documents");
  // A failed check, and one that cannot be recorded yet (E-Verify needs the offer first).
  await session.execute(`document.querySelector('[data-item="application-consistency"]').focus()`);
  await session.keys("f");
  await waitFor("fail", async () => (await resultOf("application-consistency")) === "Fail");
  // The onboarding phase is not reached yet, so it starts folded: open it first.
  await session.execute(`document.querySelector('[data-phase="onboarding"] .phase-toggle[aria-expanded="false"]')?.click()`);
  await session.textOf('[data-item="e-verify"]');
  await session.execute(`document.querySelector('[data-item="e-verify"]').focus()`);
  await session.keys("p");
  await waitForText(session, '[data-item="e-verify"] .error-note', "must pass");
  // Still pending, and marked as not applying before the offer: it counts for no progress.
  assert.equal(await resultOf("e-verify"), "Pending Does not apply now");
  assert.match(await session.textOf('[data-testid="case-progress"]'), /^3 of \d+ done · 2 passed · 1 failed$/);
});

test("the status changes with a reason, offering only the allowed moves", async () => {
  await session.clickWhenThere(".case-title .btn-primary");
  await waitFor("the moves", async () => (await texts(session, "dialog[open] .moves label")).length > 0);
  const offered = await texts(session, "dialog[open] .moves label");
  // Clearing with an item failed is offered only over the decision gate, as an override that
  // needs its own reason (ada is an admin, who may override).
  assert.deepEqual(offered, [
    "In review",
    "Escalated",
    "Decide: Rejected",
    "Decide: Referred to law enforcement",
    "Decide: Cleared (override)",
  ]);
  assert.match((await texts(session, "dialog[open] .refused-moves li")).join("\n"), /cannot be cleared: missing \d+: .*application-consistency \(fail\)/);
  // A reason is required.
  await session.click('dialog[open] input[value="in_review/"]');
  await session.click('dialog[open] button[type="submit"]');
  await waitForText(session, "dialog[open] .field-error", "Give the reason");
  await session.type("dialog[open] textarea", "Identity documents received; starting the review.");
  await app.screenshot("24-status-change");
  await session.click('dialog[open] button[type="submit"]');
  await waitFor("the new status", async () => (await session.textOf('[data-testid="case-status"]')) === "In review");
  await session.execute(`document.querySelector("main").scrollTop = 0`);
  await app.screenshot("20-case-checklist");
});

test("a note written with the command line while the app is open shows up", async () => {
  await session.click('a[data-tab="notes"]');
  await session.textOf("#notes-heading");
  await vetdesk("--as", "ada", "note", "add", "8", "Reference call with the previous employer confirmed dates.");
  await waitForText(session, ".note-text", "Reference call with the previous employer", 10_000);
});

test("every step is in the case's audit timeline", async () => {
  await session.click('a[data-tab="audit"]');
  await waitFor("the timeline", async () => (await texts(session, ".timeline-entry")).length >= 11);
  const entries = await texts(session, ".timeline-what");
  const expected = [
    /^ada opened the case \(Pre-hire, priority normal, assigned to ada\)/,
    new RegExp(`^ada attached passport-data-page\\.png \\(image/png, .*Passport data page · SHA-256 ${photoSha}`),
    /^ada attached call-screenshot\.png/,
    /^ada recorded Pass for “Reviewer and hiring manager trained/,
    /^ada recorded Pass for “At least two independent identity documents[^(]*”$/,
    /^ada recorded Pass for “At least two independent identity documents.*” \(evidence #1\)Passport and driving licence agree/,
    /^ada recorded Fail for “Details given by the candidate agree/,
    /^ada changed the status to in review.*Reason: Identity documents received; starting the review\./,
    /^ada added a note.*Reference call with the previous employer/,
  ];
  // The flags the rules raised are in the trail too, as the store's own changes.
  const flags = entries.filter((text) => / red flag: /.test(text));
  assert.ok(flags.some((t) => /^ada raised a high red flag: Another candidate gives the same phone number/.test(t)), flags.join("\n"));
  const steps = entries.filter((text) => !flags.includes(text));
  assert.equal(steps.length, expected.length, steps.join("\n"));
  steps.forEach((text, i) => assert.match(text, expected[i], `entry ${i + 1}: ${text}`));
  await app.screenshot("23-case-audit");
});

test("the queue lists every case, searches the full text and filters", async () => {
  await session.click('nav a[href="#/queue"]');
  // It opens on the user's own active cases; the view "All cases" lists every one, and the
  // queue keeps it for the rest of the session.
  await session.click('#queue-view option[value="all"]');
  await waitFor("the rows", async () => (await texts(session, ".queue-body .queue-row")).length === 8);
  assert.equal(await session.textOf("#queue-count"), "8 cases");
  await session.type("#queue-search", "previous employer");
  await waitFor("the note's case", async () => (await texts(session, ".queue-body .queue-name")).join() === "Anna Maria Eriksson");
  await session.execute(`document.querySelector("#queue-search").select()`);
  await session.type("#queue-search", "mei.chen");
  await waitFor("the email's case", async () => (await texts(session, ".queue-body .queue-name")).join() === "Mei Lin Chen");
  await session.click(".queue-filters .btn-small");
  await waitFor("all rows again", async () => (await texts(session, ".queue-body .queue-row")).length === 8);
  // WebDriver selects an <option> by clicking it, as a user picks from the list.
  await session.click('#queue-vendor option[value="1"]');
  await waitFor("Acme's cases", async () =>
    (await texts(session, ".queue-body .queue-name")).join() === "Lena Fischer,Sofia Rossi,Mei Lin Chen",
  );
  assert.equal(await session.textOf("#queue-count"), "3 of 8 cases");
  await session.click(".queue-filters .btn-small");
  await waitFor("all rows again", async () => (await texts(session, ".queue-body .queue-row")).length === 8);
  await session.click('input[name="flagged"]');
  // Anna (shared phone, mail drop) and the candidates of a vendor never audited.
  await waitFor("the flagged cases", async () =>
    (await texts(session, ".queue-body .queue-name")).join() === "Anna Maria Eriksson,Lena Fischer,Sofia Rossi,Mei Lin Chen",
  );
  await session.click(".queue-filters .btn-small");
  await waitFor("all rows again", async () => (await texts(session, ".queue-body .queue-row")).length === 8);
  await app.screenshot("10-queue");
  // Keyboard: from a row, down and Enter opens the next case.
  await session.execute(`document.querySelector('.queue-row[data-index="0"]').focus()`);
  await session.keys(Keys.down, Keys.enter);
  await waitFor("the second case", async () => (await session.execute("return location.hash")) === "#/cases/7");
});

test("the dark theme can be chosen in Settings", async () => {
  await session.click('nav a[href="#/settings"]');
  await session.click('select[name="theme"] option[value="dark"]');
  await waitFor("the dark theme", async () => (await session.execute("return document.documentElement.dataset.theme")) === "dark");
  await session.execute(`location.hash = "#/cases/8"`);
  await waitForText(session, "main h1", "Anna Maria Eriksson");
  await app.screenshot("25-case-dark");
  await session.execute(`location.hash = "#/queue"`);
  await waitFor("the rows", async () => (await texts(session, ".queue-body .queue-row")).length === 8);
  await session.click('nav a[href="#/settings"]');
  await session.click('select[name="theme"] option[value="system"]');
});

test("the command line reads back what the app recorded", async () => {
  const show = JSON.parse(await vetdesk("--json", "case", "show", "8"));
  assert.equal(show.case.status, "in_review");
  assert.equal(show.candidate.legal_name, "Anna Maria Eriksson");
  assert.equal(show.candidate.application_ip, "203.0.113.7");
  const results = Object.fromEntries(show.checklist.map((e) => [e.item.id, e.state]));
  assert.equal(results["reviewer-trained"].result, "pass");
  assert.equal(results["id-two-documents"].result, "pass");
  assert.equal(results["id-two-documents"].note, "Passport and driving licence agree with the application.");
  assert.equal(results["id-two-documents"].recorded_by, "ada");
  assert.deepEqual(results["id-two-documents"].evidence, [1]);
  assert.equal(results["application-consistency"].result, "fail");
  assert.equal(results["e-verify"].result, "pending");
  assert.deepEqual(
    show.evidence.map((e) => [e.original_name, e.description, e.added_by]),
    [
      ["passport-data-page.png", "Passport data page", "ada"],
      ["call-screenshot.png", null, "ada"],
    ],
  );
  assert.equal(show.evidence[0].sha256, photoSha);
  assert.equal(show.evidence[0].size, photo.length);
  assert.deepEqual(show.notes.map((n) => n.text), ["Reference call with the previous employer confirmed dates."]);
  // And the whole store still verifies: chains, replay, file hashes.
  await vetdesk("verify");
});
