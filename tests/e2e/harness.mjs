// Starts the built app for one test file: a fresh data directory, a private X display, and
// tauri-driver with one WebDriver session; `close()` stops all of them again. Each test file
// launches its own, so files may run in parallel.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Session, startDriver, waitFor } from "./webdriver.mjs";
import { startXvfb } from "./xvfb.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const application = process.env.VETDESK_APP_BIN ?? join(root, "target/debug/vetdesk-app");
const artifacts = join(root, "target/artifacts/e2e");

/**
 * Launches the app. `prepare(dataDir)` may fill the data directory first; `env` is added to
 * the app's environment. The window opens on a private Xvfb display unless
 * VETDESK_E2E_DISPLAY names one to watch it on (e.g. ":0").
 */
export async function launchApp({ env = {}, prepare } = {}) {
  assert.ok(existsSync(application), `no app binary at ${application}: build it first (make e2e)`);
  const dataDir = mkdtempSync(join(tmpdir(), "vetdesk-e2e-"));
  // The webview keeps its storage (the theme and the user chosen, in localStorage) under
  // XDG_DATA_HOME: a directory of its own, so that no run sees what an earlier one chose.
  const webviewHome = mkdtempSync(join(tmpdir(), "vetdesk-e2e-webview-"));
  let xvfb;
  let driver;
  let session;
  let startedAt;
  const close = async () => {
    await session?.delete().catch(() => {});
    await driver?.stop();
    await xvfb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(webviewHome, { recursive: true, force: true });
  };
  try {
    await prepare?.(dataDir);
    let display = process.env.VETDESK_E2E_DISPLAY;
    if (!display) {
      xvfb = await startXvfb();
      display = xvfb.display;
    }
    driver = await startDriver({ XDG_DATA_HOME: webviewHome, ...env, VETDESK_DATA_DIR: dataDir, DISPLAY: display });
    // Creating the session starts the app: from here on is the app's own start-up time.
    startedAt = Date.now();
    session = await Session.create(driver.url, application);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    session,
    dataDir,
    close,
    /** When the app was asked to start (Date.now() milliseconds). */
    startedAt,
    /** Saves a screenshot of the window as target/artifacts/e2e/<name>.png. */
    async screenshot(name) {
      // Let the page paint what it just loaded: a screenshot is the last composited frame.
      await session.execute(
        "return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300))))",
      );
      const image = await session.screenshot();
      assert.deepEqual([...image.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "screenshot is a PNG");
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(join(artifacts, `${name}.png`), image);
    },
  };
}

/** The texts of every element matching `css`, trimmed. */
export function texts(session, css) {
  return session.execute(`return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.trim())`, [css]);
}

/** Waits until `css` matches an element whose text contains `text`. */
export function waitForText(session, css, text, timeoutMs) {
  return waitFor(`“${text}” in ${css}`, async () => (await texts(session, css)).some((t) => t.includes(text)), timeoutMs);
}

/** Sets a React-controlled field as typing or choosing would (the native setter, then the event). */
export function setField(session, css, value) {
  return session.execute(
    `const el = document.querySelector(arguments[0]);
     if (!el) throw new Error("no field " + arguments[0]);
     const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(proto, "value").set.call(el, arguments[1]);
     el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
     return true;`,
    [css, value],
  );
}

/** Clicks the button inside `css` whose text is `label`. */
export function clickButton(session, css, label) {
  return session.execute(
    `const b = [...document.querySelectorAll(arguments[0] + " button")].find((b) => b.textContent.trim() === arguments[1]);
     if (!b) throw new Error("no button " + arguments[1]); b.click(); return true;`,
    [css, label],
  );
}
