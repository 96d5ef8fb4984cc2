// End to end: the real built app in a real window (under Xvfb), driven over WebDriver through
// tauri-driver and WebKitWebDriver, on a fresh data directory. Screenshots land in
// target/artifacts/e2e/ to be looked at.
//
// Run with `make e2e` (which builds the UI and the app first).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { deflateSync } from "node:zlib";

import { launchApp } from "./harness.mjs";
import { waitFor } from "./webdriver.mjs";

/** A small solid-colour PNG, so the evidence store has a real image to serve. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x5a)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

let app;
let session;
let dataDir;
let storedSha;

before(async () => {
  app = await launchApp({
    // One evidence file, stored as the evidence store stores it: under its own SHA-256.
    prepare(dir) {
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
  assert.equal(await session.textOf('[data-testid="acting-as"]'), "no user chosen");
  await app.screenshot("01-shell");
});

test("the app writes its log file in the data directory", async () => {
  const logs = join(dataDir, "logs");
  const file = await waitFor("a log file", () => readdirSync(logs).find((f) => /^vetdesk\..*log$/.test(f)));
  await waitFor("the start line", () => readFileSync(join(logs, file), "utf8").includes("starting"));
});

test("navigation reaches settings and back to the queue", async () => {
  await session.click('nav a[href="#/settings"]');
  assert.equal(await session.textOf("main h1"), "Settings");
  const rows = await waitFor("the settings table", () =>
    session.execute(
      'return [...document.querySelectorAll("main table tbody tr")].map((r) => [...r.cells].map((c) => c.textContent))',
    ).then((r) => (r.length > 0 ? r : null)),
  );
  assert.deepEqual(rows.slice(1), [
    ["Data directory", dataDir],
    ["Log directory", join(dataDir, "logs")],
  ]);
  await app.screenshot("02-settings");

  await session.click('nav a[href="#/queue"]');
  assert.equal(await session.textOf("main h1"), "Case queue");
  assert.equal(await session.textOf("main .empty-state h2"), "No cases yet");
  assert.equal(
    await session.execute('return document.querySelector("nav a[aria-current=page]").textContent'),
    "Case queue",
  );
  await app.screenshot("03-queue");
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
    Object.fromEntries(urls.map((u, i) => [u, i === 0 ? 7 : "error"])),
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
