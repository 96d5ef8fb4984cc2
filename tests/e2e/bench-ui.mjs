// Benchmark of the desktop app with a large queue (`make bench-ui`; not part of `make test`):
// 10,000 cases made with the core (src-tauri/examples/seed_cases.rs), then the real app in a
// real window, timed from its start to the queue being usable and from a click on a row to
// the case on screen. The baseline, measured in the same run, is the command line listing
// the same queue as JSON (the core's query and serialisation, with no window at all). Then the
// start of the same 10,000 cases encrypted at rest (`vetdesk encrypt` of a copy), opened with a
// passphrase file, against the plain start of the same run. Headline figures are added to
// target/bench-summary.tsv (the table `make bench` ends with).

import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { launchApp, root } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

const COUNT = Number(process.env.VETDESK_BENCH_CASES ?? 10_000);
const CLICKS = 7;
const seed = join(root, `target/bench-ui-seed-${COUNT}`);
// `make bench-ui` runs the release build (the app too, through VETDESK_APP_BIN); run by hand,
// the debug build that `make app` leaves.
const bin = process.env.VETDESK_BENCH_BIN_DIR ?? join(root, "target/debug");
const cli = join(bin, "vetdesk");

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function frames(f) {
  return `${f.median.toFixed(0)} / ${f.worst.toFixed(0)} ms`;
}

function ms(value) {
  return `${Math.round(value).toLocaleString("en")} ms`;
}

// The data: made once per case count, then copied for every run (the app must not change it).
// Seeded beside it and renamed when complete, so that a failed seed is never taken for one.
if (!existsSync(join(seed, "vetdesk.db"))) {
  const partial = `${seed}.partial`;
  rmSync(seed, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  console.log(`seeding ${COUNT.toLocaleString("en")} cases into ${seed} …`);
  execFileSync(join(bin, "examples/seed_cases"), [partial, String(COUNT)], { stdio: "inherit" });
  renameSync(partial, seed);
}

// Baseline: the same queue through the command line.
const baseline = median(
  [0, 1, 2].map(() => {
    const start = performance.now();
    const out = execFileSync(cli, ["--data-dir", seed, "--json", "case", "list"], { maxBuffer: 1 << 28 });
    const elapsed = performance.now() - start;
    if (JSON.parse(out).length !== COUNT) throw new Error("the seed does not have the expected cases");
    return elapsed;
  }),
);

// Baseline of a click: one case through the command line (a whole process: start, open, read).
const caseBaseline = median(
  [0, 1, 2].map(() => {
    const start = performance.now();
    execFileSync(cli, ["--data-dir", seed, "--json", "case", "show", "1"], { maxBuffer: 1 << 24 });
    return performance.now() - start;
  }),
);

// The same cases encrypted at rest, made once from the plain seed with the command line.
const secrets = mkdtempSync(join(tmpdir(), "vetdesk-bench-pass-"));
const passFile = join(secrets, "passphrase");
writeFileSync(passFile, "bench passphrase of the encrypted seed\n", { mode: 0o600 });
const encryptedSeed = `${seed}-encrypted`;
if (!existsSync(join(encryptedSeed, "data-key.json"))) {
  const partial = `${encryptedSeed}.partial`;
  rmSync(encryptedSeed, { recursive: true, force: true });
  rmSync(partial, { recursive: true, force: true });
  cpSync(seed, partial, { recursive: true });
  console.log(`encrypting a copy of the seed into ${encryptedSeed} …`);
  execFileSync(cli, ["--data-dir", partial, "encrypt"], {
    env: { ...process.env, VETDESK_PASSPHRASE_FILE: passFile },
    stdio: "inherit",
  });
  renameSync(partial, encryptedSeed);
}

async function measure(env, { from = seed, startOnly = false } = {}) {
const app = await launchApp({
  env: { VETDESK_USER: "ada", ...env },
  prepare(dir) {
    for (const name of readdirSync(from)) cpSync(join(from, name), join(dir, name), { recursive: true });
  },
});
const { session } = app;
try {
  // Start-up: until the first rows are on screen and painted.
  const ready = await waitFor(
    "the queue",
    () =>
      session.execute(`
        // The queue opens on the user's own active cases; the benchmark lists every case.
        const view = document.querySelector("#queue-view");
        if (view && view.value !== "all") {
          view.value = "all";
          view.dispatchEvent(new Event("change", { bubbles: true }));
          return null;
        }
        const rows = document.querySelectorAll(".queue-body .queue-row");
        if (rows.length === 0) return null;
        return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
          const mark = performance.getEntriesByName("vetdesk:queue-interactive")[0];
          done({ at: Date.now(), inPage: performance.now(), mark: mark ? mark.startTime : null,
                 rows: document.querySelectorAll(".queue-body .queue-row").length,
                 count: document.querySelector("#queue-count").textContent });
        })));
      `),
    120_000,
  );
  const startup = ready.at - app.startedAt;
  if (startOnly) return { startup, ready };

  // Click a row → the case on screen; the first open, then more.
  const opens = [];
  for (let i = 0; i < CLICKS; i++) {
    const index = [0, 3, 6, 1, 4, 2, 5][i % 7];
    await session.execute(`
      window.__clickAt = null;
      document.addEventListener("click", () => { window.__clickAt = performance.now(); }, { capture: true, once: true });
    `);
    // Clicked in the page: where WebDriver would click (the row's middle) may lie under the
    // sticky header once the list has scrolled; the time is taken from the click event either way.
    // "Shown": the case's header with its checklist's first items in the page (the checklist
    // renders once the results each item may take are known, so its buttons are usable), then
    // painted (two frames). Watched from inside the page from the click on: polled from here
    // instead, every answer would arrive on the poll's 150 ms beat rather than when it is there.
    const shown = await session.execute(`
      const shown = () => document.querySelector('[data-testid="case-page"] .case-header h1') &&
        document.querySelector('[data-testid="case-page"] .check-item');
      return new Promise((done, fail) => {
        const painted = () => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - window.__clickAt)));
        const watch = new MutationObserver(() => {
          if (!shown()) return;
          watch.disconnect();
          clearTimeout(limit);
          painted();
        });
        const limit = setTimeout(() => { watch.disconnect(); fail(new Error("the case was not shown in 20 s")); }, 20000);
        watch.observe(document.body, { childList: true, subtree: true });
        document.querySelector('.queue-row[data-index="${index}"] .queue-name').click();
      });
    `);
    opens.push(shown);
    await session.execute(`history.back()`);
    await waitFor("the queue again", () => session.execute(`return document.querySelectorAll(".queue-body .queue-row").length > 0`));
  }

  // Typing a search → matching rows on screen.
  const search = await session.execute(`
    const input = document.querySelector("#queue-search");
    const count = () => document.querySelector("#queue-count").textContent;
    const before = count();
    const start = performance.now();
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(input, "Ólafsdóttir");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return new Promise((done) => {
      const check = () => count() !== before && !count().includes("searching")
        ? requestAnimationFrame(() => done({ ms: performance.now() - start, count: count() }))
        : requestAnimationFrame(check);
      check();
    });
  `);

  // Scrolling the whole filtered-out list back: clear the search, then scroll 10,000 rows.
  await session.execute(`
    const input = document.querySelector("#queue-search");
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(input, "");
    input.dispatchEvent(new Event("input", { bubbles: true }));
  `);
  await waitFor("all rows", async () => {
    const text = await session.textOf("#queue-count");
    return text.replace(/\D/g, "") === String(COUNT) || console.log(text);
  });
  // Scrolling: as a mouse wheel does (a few rows per frame), and by dragging the scroll bar
  // from top to bottom (every frame a new page of rows).
  const SCROLL = `
    const [perFrame, frames] = arguments;
    const box = document.querySelector(".queue-scroll");
    box.scrollTop = 0;
    const times = [];
    let last = performance.now();
    return new Promise((done) => {
      let step = 0;
      const tick = () => {
        const now = performance.now();
        times.push(now - last);
        last = now;
        if (step > frames) {
          times.shift();
          const sorted = [...times].sort((a, b) => a - b);
          done({ median: sorted[Math.floor(sorted.length / 2)], worst: sorted[sorted.length - 1],
                 rendered: document.querySelectorAll(".queue-body .queue-row").length,
                 at: box.scrollTop, max: box.scrollHeight - box.clientHeight });
          return;
        }
        box.scrollTop = perFrame === "drag" ? (box.scrollHeight - box.clientHeight) * (step / frames) : box.scrollTop + perFrame;
        step += 1;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  `;
  const idle = await session.execute(SCROLL, [0, 60]);
  const wheel = await session.execute(SCROLL, [120, 120]);
  const drag = await session.execute(SCROLL, ["drag", 60]);

  return { startup, ready, opens, search, idle, wheel, drag };
} finally {
  await app.close();
}
}

const modes = [
  ["as installed", {}],
  // Without a GPU (Xvfb here; VMs and remote desktops), WebKitGTK's DMA-BUF renderer paints
  // through software GL, and every scrolled frame costs a full repaint.
  ["WEBKIT_DISABLE_DMABUF_RENDERER=1", { WEBKIT_DISABLE_DMABUF_RENDERER: "1" }],
];
const results = [];
for (const [, env] of modes) results.push(await measure(env));
const [a] = results;
// Start only, plain and encrypted in turn (twice each, the better kept), as installed.
const starts = { plain: Infinity, encrypted: Infinity };
for (let i = 0; i < 2; i++) {
  starts.plain = Math.min(starts.plain, (await measure({}, { startOnly: true })).startup);
  const encrypted = await measure({ VETDESK_PASSPHRASE_FILE: passFile, VETDESK_NO_KEYRING: "1" }, { from: encryptedSeed, startOnly: true });
  starts.encrypted = Math.min(starts.encrypted, encrypted.startup);
}
rmSync(secrets, { recursive: true, force: true });
{
  const rows = [
    ["baseline: vetdesk --json case list (CLI, no window)", () => ms(baseline), () => "1.0×"],
    ["app start → queue interactive", (r) => ms(r.startup), (r) => `${(r.startup / baseline).toFixed(1)}×`],
    ["  of which in the page (navigation → rows painted)", (r) => ms(r.ready.inPage), () => ""],
    ["click → case view shown, first", (r) => ms(r.opens[0]), (r) => `${(r.opens[0] / baseline).toFixed(2)}×`],
    [`click → case view shown, median of ${CLICKS}`, (r) => ms(median(r.opens)), (r) => `${(median(r.opens) / baseline).toFixed(2)}×`],
    ["typing a full-text search → rows shown", (r) => ms(r.search.ms), () => ""],
    ["frame time, idle (the display's pace): median / worst", (r) => frames(r.idle), () => "1.0×"],
    ["frame time, wheel scrolling 120 px a frame", (r) => frames(r.wheel), (r) => `${(r.wheel.median / r.idle.median).toFixed(1)}×`],
    ["frame time, dragging the scroll bar top to bottom", (r) => frames(r.drag), (r) => `${(r.drag.median / r.idle.median).toFixed(1)}×`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nVetdesk UI benchmark: ${a.ready.count} (${a.ready.rows} rows in the page at a time)`);
  console.log(`${"".padEnd(width)}  ${modes.map(([name]) => name.padStart(34)).join("")}`);
  for (const [what, value, ratio] of rows) {
    console.log(`${what.padEnd(width)}  ${results.map((r) => `${value(r).padStart(24)} ${ratio(r).padEnd(9)}`).join("")}`);
  }
  console.log(
    `app start → queue, ${COUNT.toLocaleString("en")} cases, best of 2: plain ${ms(starts.plain)}, ` +
      `encrypted at rest (passphrase file; Argon2id unwrap included) ${ms(starts.encrypted)}, ` +
      `${(starts.encrypted / starts.plain).toFixed(2)}×`,
  );
  console.log(`\nsearch found: ${a.search.count}; rows in the page while scrolling: ${a.drag.rendered}; reached the bottom: ${a.drag.at >= a.drag.max - 1}`);
}

// The headline figures, for the table `make bench` ends with (scripts/bench-summary.sh).
{
  const summary = process.env.VETDESK_BENCH_SUMMARY ?? join(root, "target/bench-summary.tsv");
  const n = COUNT.toLocaleString("en");
  const startGoal = COUNT > 10_000 ? 1_500 : 1_000;
  const rows = [
    [`app start → queue interactive, ${n} cases (best of 2)`, ms(starts.plain), `${ms(baseline)} vetdesk --json case list`, starts.plain / baseline, `< ${ms(startGoal)}`, starts.plain < startGoal],
    [`click → case shown, ${n} cases (median of ${CLICKS})`, ms(median(a.opens)), `${ms(caseBaseline)} vetdesk --json case show`, median(a.opens) / caseBaseline, "< 150 ms", median(a.opens) < 150],
    [`app start → queue, ${n} cases encrypted at rest (passphrase file)`, ms(starts.encrypted), `${ms(starts.plain)} the same cases plain`, starts.encrypted / starts.plain, "≤ 1.5× plain", starts.encrypted / starts.plain <= 1.5],
  ];
  for (const [figure, value, base, ratio, goal, pass] of rows) {
    const line = [figure, value, base, ratio.toFixed(2), goal, pass ? "pass" : "FAIL"].join("\t");
    console.log(`summary: ${line.replaceAll("\t", " | ")}`);
    appendFileSync(summary, `${line}\n`);
  }
}
