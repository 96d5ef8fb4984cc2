// End to end: an encrypted data directory, made with the command line, opened in the real
// window. Without a passphrase file the app starts on the unlock screen and answers nothing
// else; a wrong passphrase is one line and changes no file; the right one opens the queue.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";

import { launchApp, root } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const PASSPHRASE = "correct horse battery staple";
const secrets = mkdtempSync(join(tmpdir(), "vetdesk-e2e-pass-"));
const passFile = join(secrets, "passphrase");
writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });

let app;
let session;
let dataDir;

before(async () => {
  app = await launchApp({
    // No passphrase file for the app; the keyring is left alone (its own tests run on a
    // private Secret Service: tests/keyring.rs).
    env: { VETDESK_USER: "ada", VETDESK_NO_KEYRING: "1" },
    prepare(dir) {
      const cli = join(root, "target/debug/vetdesk");
      const env = { ...process.env, VETDESK_PASSPHRASE_FILE: passFile };
      const run = (...args) => execFileSync(cli, ["--data-dir", dir, ...args], { env, stdio: "pipe" });
      run("init", "--encrypt");
      run("user", "add", "ada", "--role", "admin");
      run("--as", "ada", "candidate", "add", "--name", "Zephyrine Quackenbush", "--email", "zq@example.org");
    },
  });
  ({ session, dataDir } = app);
});

after(async () => {
  await app?.close();
  rmSync(secrets, { recursive: true, force: true });
});

/** Every file of the data directory but the app's own log, with its SHA-256. */
function snapshot(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (relative(dir, path) !== "logs") walk(path);
      } else {
        out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
    }
  };
  walk(dir);
  return out;
}

test("the encrypted directory opens on the unlock screen, refuses a wrong passphrase and opens with the right one", async () => {
  assert.equal(await session.textOf(".unlock-screen h2", 30_000), "Unlock Vetdesk");
  assert.equal(await session.textOf('[data-testid="locked-dir"]'), dataDir);
  await app.screenshot("unlock");

  // Locked, the shell answers every other command "locked", whoever asks.
  const answered = await session.execute(
    `return window.__TAURI_INTERNALS__.invoke("queue_page", { request: {
       status: null, assignee: "anyone", vendor: "any", overdue: false, flagged: false, search: null,
       sort: "id", descending: false, offset: 0, limit: 10, with_ids: false } }).then(
       () => "answered", (e) => e.code + ": " + e.message)`,
  );
  assert.match(answered, /^locked: the data directory is encrypted and locked/);

  const before = snapshot(dataDir);
  await session.type('input[name="passphrase"]', "correct horse battery stapler");
  await session.click('.unlock-screen button[type="submit"]');
  const refusal = await session.textOf('.unlock-screen [role="alert"]', 30_000);
  assert.equal(refusal, "Wrong passphrase: nothing was opened.");
  assert.equal(refusal.split("\n").length, 1);
  await app.screenshot("unlock-wrong");
  assert.deepEqual(snapshot(dataDir), before, "a wrong passphrase changed a file");

  // Send Keys appends: clear the field as a user would, then type the right passphrase.
  await session.click('input[name="passphrase"]');
  await session.execute(
    `const input = document.querySelector('input[name="passphrase"]');
     const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
     set.call(input, ""); input.dispatchEvent(new Event("input", { bubbles: true }));`,
  );
  await session.type('input[name="passphrase"]', PASSPHRASE);
  await session.click('.unlock-screen button[type="submit"]');

  // The queue, as ada (VETDESK_USER), with the candidate the command line added (in the view of
  // every case: the queue opens on the user's own).
  assert.equal(await session.textOf("main h1", 60_000), "Case queue");
  await waitFor(
    "the queue with the candidate",
    async () =>
      (await session.execute(`
        const view = document.querySelector("#queue-view");
        if (view && view.value !== "all") {
          view.value = "all";
          view.dispatchEvent(new Event("change", { bubbles: true }));
          return null;
        }
        return [...document.querySelectorAll(".queue-row .queue-name")].map((e) => e.textContent).join("|");
      `)) === "Zephyrine Quackenbush",
    30_000,
  ).catch(async (error) => {
    await app.screenshot("unlock-failed");
    throw error;
  });
  assert.equal(await session.textOf('[data-testid="acting-as"]'), "ada");
  assert.equal(await session.execute('return document.querySelector(".unlock-screen")'), null);
  await app.screenshot("unlocked-queue");

  // The log says the app unlocked, and holds nothing of the passphrase.
  const logs = join(dataDir, "logs");
  const log = readdirSync(logs).map((f) => readFileSync(join(logs, f), "utf8")).join("");
  assert.match(log, /unlocked/);
  assert.ok(!log.includes("correct horse"), "the passphrase is in the log");
});
