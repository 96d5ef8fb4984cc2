// End to end, keyboard only: a reviewer finds their cases in the queue, opens one, works the
// checklist, moves between the case's sections with the arrow keys, goes back to the queue and
// forward again with Alt+←/→, and finds the queue as they left it. Then the case at the
// window's minimum size. No element is clicked; every step is a key press.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchApp, root } from "./harness.mjs";
import { Keys, waitFor } from "./webdriver.mjs";

let app;
let session;
let files;

const active = (script) => session.execute(`const el = document.activeElement; return ${script};`);

/** Presses Tab (with Shift when `back`) until the focused element matches `css`; resolves to
 *  how many presses that took. */
async function tabTo(css, { back = false, max = 40 } = {}) {
  for (let presses = 1; presses <= max; presses++) {
    await session.keys(back ? [Keys.shift, Keys.tab] : Keys.tab);
    if (await session.execute("return document.activeElement.matches(arguments[0])", [css])) return presses;
  }
  throw new Error(`${css} not reached with ${max} presses of ${back ? "Shift+Tab" : "Tab"}`);
}

before(async () => {
  files = mkdtempSync(join(tmpdir(), "vetdesk-e2e-keys-"));
  const csv = join(files, "candidates.csv");
  writeFileSync(
    csv,
    [
      "external_id,full_name,email,phone,claimed_location,vendor,role,applied_on",
      "ATS-2001,Jonas Berg,jonas.berg@example.com,+1 312 555 0101,\"Chicago, IL\",,Backend engineer,2026-10-01",
      "ATS-2002,Mei Lin Chen,mei.chen@example.com,+1 415 555 0102,\"San Francisco, CA\",,Data engineer,2026-10-03",
      "ATS-2003,Daniel Okafor,d.okafor@example.com,+1 646 555 0103,\"New York, NY\",,Frontend developer,2026-10-04",
    ].join("\n") + "\n",
  );
  app = await launchApp({
    env: { VETDESK_USER: "rita" },
    prepare(dir) {
      const cli = (...args) => execFileSync(join(root, "target/debug/vetdesk"), ["--data-dir", dir, ...args]);
      cli("init");
      cli("user", "add", "ada", "--role", "admin");
      cli("--as", "ada", "user", "add", "rita", "--role", "reviewer");
      cli("--as", "ada", "candidate", "import", csv);
      // Two cases are rita's; the third stays nobody's.
      cli("--as", "ada", "case", "assign", "1", "rita");
      cli("--as", "ada", "case", "assign", "2", "rita");
    },
  });
  ({ session } = app);
});

after(async () => {
  await app?.close();
  rmSync(files, { recursive: true, force: true });
});

const rowNames = () => session.execute(`return [...document.querySelectorAll(".queue-body .queue-name")].map((e) => e.textContent)`);

test("the queue opens on my active cases, and its rows are reached and opened from the keyboard", async () => {
  await waitFor("rita's cases", async () => (await rowNames()).join() === "Mei Lin Chen,Jonas Berg", 30_000);
  assert.equal(await session.execute(`return document.querySelector("#queue-view").selectedOptions[0].textContent`), "My active cases");
  await app.screenshot("50-keyboard-queue");
  // The grid is one Tab stop; ↓ moves, Enter opens.
  await tabTo(".queue-row");
  assert.equal(await active("el.dataset.case"), "2");
  await session.keys(Keys.down);
  await waitFor("the second row", async () => (await active("el.dataset.case")) === "1");
  await session.keys(Keys.enter);
  await waitFor("case 1", async () => (await session.execute("return location.hash")) === "#/cases/1");
});

test("the checklist is one Tab stop away, and p moves on to the next item", async (t) => {
  await waitFor("the checklist", () => session.execute(`return document.querySelectorAll(".check-item").length > 10`));
  const presses = await tabTo(".check-item");
  // Not 47 Guidance toggles on the way: the header's controls, the tablist, the item.
  assert.ok(presses < 25, `${presses} presses of Tab to reach the checklist`);
  t.diagnostic(`${presses} presses of Tab from the queue's row to the first checklist item`);
  const first = await active("el.dataset.item");
  await session.keys("p");
  await waitFor("pass", async () => (await session.textOf(`[data-item="${first}"] #item-${first}-result`)) === "Pass");
  const second = await active("el.dataset.item");
  assert.notEqual(second, first);
  await session.keys("p");
  await waitFor("pass", async () => (await session.textOf(`[data-item="${second}"] #item-${second}-result`)) === "Pass");
  await app.screenshot("51-keyboard-checklist");
});

test("the case's sections are a tablist worked with the arrow keys", async () => {
  await tabTo('[role="tab"]', { back: true });
  assert.equal(await active("el.dataset.tab"), "checklist");
  await session.keys(Keys.right);
  await waitFor("the verification tab", async () => (await session.execute("return location.hash")) === "#/cases/1/verification");
  assert.equal(await active("el.dataset.tab"), "verification");
  assert.equal(await active('el.getAttribute("aria-selected")'), "true");
});

test("Alt+← goes back to the queue as it was left, Alt+→ forward to the case", async () => {
  await session.keys([Keys.alt, Keys.left]);
  await waitFor("the queue", async () => (await session.execute(`return document.querySelector("main h1")?.textContent`)) === "Case queue");
  await waitFor("rita's cases", async () => (await rowNames()).join() === "Mei Lin Chen,Jonas Berg");
  // The row of the case just left has focus again.
  await waitFor("the row of case 1", async () => (await active("el.dataset.case")) === "1");
  await session.keys([Keys.alt, Keys.right]);
  await waitFor("case 1 again", async () => (await session.execute("return location.hash")) === "#/cases/1/verification");
});

test("at the minimum window size the case header leaves the page in view", async () => {
  await session.execute(`location.hash = "#/cases/1"`);
  await session.windowSize(820, 560);
  await waitFor("the small window", async () => (await session.execute("return window.innerWidth")) <= 820);
  await waitFor("the checklist", () => session.execute(`return document.querySelectorAll(".check-item").length > 0`));
  const [header, height] = await session.execute(
    `return [document.querySelector(".case-header").getBoundingClientRect().height, window.innerHeight]`,
  );
  await app.screenshot("52-case-minimum-window");
  assert.ok(header < height * 0.45, `the case header is ${header}px of a ${height}px window`);
});
