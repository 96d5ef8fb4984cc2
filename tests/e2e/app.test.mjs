// End to end: the real built app in a real window (under Xvfb), driven over WebDriver through
// tauri-driver and WebKitWebDriver, on a fresh data directory. Screenshots land in
// target/artifacts/e2e/ to be looked at.
//
// Run with `make e2e` (which builds the UI and the app first).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchApp, root } from "./harness.mjs";
import { png } from "./png.mjs";
import { waitFor } from "./webdriver.mjs";

let app;
let session;
let dataDir;
let storedSha;

before(async () => {
  app = await launchApp({
    // VETDESK_USER preselects the acting user, as it does for the CLI.
    env: { VETDESK_USER: "ada" },
    prepare(dir) {
      // A user made with the command line, on the same data directory.
      const cli = join(root, "target/debug/vetdesk");
      execFileSync(cli, ["--data-dir", dir, "init"]);
      execFileSync(cli, ["--data-dir", dir, "user", "add", "ada", "--role", "admin"]);
      // One evidence file, stored as the evidence store stores it: under its own SHA-256.
      const image = png(7, 5);
      storedSha = createHash("sha256").update(image).digest("hex");
      mkdirSync(join(dir, "evidence", storedSha.slice(0, 2)), { recursive: true });
      writeFileSync(join(dir, "evidence", storedSha.slice(0, 2), storedSha), image);
    },
  });
  ({ session, dataDir } = app);
});

after(async () => {
  await app?.close();
});

test("the shell shows the data directory it got from the app_info command", async () => {
  // This text comes from Rust over IPC: it proves the command, its permission and the CSP.
  const shown = await session.textOf('[data-testid="data-dir"]', 30_000);
  assert.equal(shown, dataDir);
  // The user the command line added, preselected by VETDESK_USER.
  await waitFor("the acting user", async () => (await session.textOf('[data-testid="acting-as"]')) === "ada");
});

test("the app writes its log file in the data directory", async () => {
  const logs = join(dataDir, "logs");
  const file = await waitFor("a log file", () => readdirSync(logs).find((f) => /^vetdesk\..*log$/.test(f)));
  await waitFor("the start line", () => readFileSync(join(logs, file), "utf8").includes("starting"));
});

test("navigation reaches settings and back to the queue", async () => {
  await session.click('nav a[href="#/settings"]');
  assert.equal(await session.textOf("main h1"), "Settings");
  const rows = await waitFor("the installation table", () =>
    session.execute(
      'return [...document.querySelectorAll("section[aria-labelledby=installation-heading] tbody tr")].map((r) => [...r.cells].map((c) => c.textContent))',
    ).then((r) => (r.length > 0 ? r : null)),
  );
  assert.deepEqual(rows.slice(1, 3), [
    ["Data directory", dataDir],
    ["Log directory", join(dataDir, "logs")],
  ]);

  await session.click('nav a[href="#/queue"]');
  assert.equal(await session.textOf("main h1"), "Case queue");
  assert.equal(await session.textOf("main .empty-state h2"), "No cases yet");
  assert.equal(
    await session.execute('return document.querySelector("nav a[aria-current=page]").textContent'),
    "Case queue",
  );
});

// Loads each URL as an <img> in the page; resolves to its natural width, or "error".
const LOAD_IMAGES = `
  const load = (src) => new Promise((done) => {
    const img = new Image();
    img.onload = () => done(img.naturalWidth);
    img.onerror = () => done("error");
    img.src = src;
  });
  return Promise.all(arguments[0].map(load));
`;

test("the evidence scheme serves a stored file by its hash and refuses anything else", async () => {
  const missing = "0".repeat(64);
  const urls = [
    `evidence://localhost/file/${storedSha}`,
    `evidence://localhost/file/${storedSha.toUpperCase()}`,
    `evidence://localhost/file/${storedSha.slice(0, 63)}`,
    `evidence://localhost/file/${missing}`,
    `evidence://localhost/thumb/${storedSha}`,
    `evidence://localhost/other/${storedSha}`,
    `evidence://localhost/file/..%2F..%2Fetc%2Fpasswd`,
    `evidence://localhost/file/${storedSha}?x=1`,
  ];
  const results = await session.execute(LOAD_IMAGES, [urls]);
  assert.deepEqual(
    Object.fromEntries(urls.map((u, i) => [u, results[i]])),
    // The file and its preview (an image with no stored preview gets one made from it).
    Object.fromEntries(urls.map((u, i) => [u, i === 0 || i === 4 ? 7 : "error"])),
  );
});

test("the content security policy is enforced", async () => {
  // A data: image is outside img-src; the webview must report the violation.
  const directive = await session.execute(`
    return new Promise((done) => {
      document.addEventListener("securitypolicyviolation", (e) => done(e.effectiveDirective), { once: true });
      const img = new Image();
      img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
      document.body.append(img);
      setTimeout(() => done("no violation reported"), 5000);
    });
  `);
  assert.equal(directive, "img-src");
});

test("inline style attributes are refused, while styles set through the CSSOM apply", async () => {
  // What the UI may rely on: React's `style` prop sets properties through the CSSOM (as
  // virtualised lists do for row offsets), which the CSP allows; markup `style="…"` is refused.
  const [viaAttribute, viaCssom, directive] = await session.execute(`
    const violation = new Promise((done) => {
      document.addEventListener("securitypolicyviolation", (e) => done(e.effectiveDirective), { once: true });
      setTimeout(() => done("no violation reported"), 5000);
    });
    const a = document.createElement("div");
    a.setAttribute("style", "width: 123px");
    const b = document.createElement("div");
    b.style.width = "321px";
    document.body.append(a, b);
    const widths = [a.getBoundingClientRect().width, b.getBoundingClientRect().width];
    a.remove();
    b.remove();
    return violation.then((d) => [...widths, d]);
  `);
  assert.equal(viaCssom, 321);
  assert.notEqual(viaAttribute, 123);
  assert.equal(directive, "style-src-attr");
});

test("the page may call only what its capability grants", async () => {
  // The IPC bridge Tauri injects (the UI reaches it only through @tauri-apps/api).
  const results = await session.execute(`
    const call = (cmd, args) => window.__TAURI_INTERNALS__.invoke(cmd, args ?? {}).then(
      () => "allowed",
      (e) => "refused: " + (typeof e === "string" ? e : JSON.stringify(e)),
    );
    return Promise.all([
      call("app_info"),
      call("plugin:dialog|save", { options: {} }),
      call("plugin:dialog|message", { message: "x" }),
      call("plugin:fs|read_file", { path: "/etc/passwd" }),
      call("plugin:shell|execute", { program: "sh", args: [] }),
    ]);
  `);
  assert.equal(results[0], "allowed");
  for (const result of results.slice(1)) assert.match(result, /^refused: /);
  assert.match(results[1], /not allowed/);
});
