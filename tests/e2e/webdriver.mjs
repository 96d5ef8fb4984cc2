// A minimal W3C WebDriver client over Node's built-in fetch, and the tauri-driver process it
// talks to. Enough for driving one app window; no client library to keep up to date.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** WebDriver code points of keys that are not characters. */
export const Keys = {
  enter: "\uE007",
  escape: "\uE00C",
  control: "\uE009",
  down: "\uE015",
  up: "\uE013",
  left: "\uE012",
  right: "\uE014",
  tab: "\uE004",
  shift: "\uE008",
  alt: "\uE00A",
};

/** A port nobody listens on right now (several checkouts may run e2e tests at once). */
async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last}`);
    await sleep(150);
  }
}

/** Starts tauri-driver on free ports with `env` added to its (and so the app's) environment. */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const child = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = once(child, "exit");
  const url = `http://127.0.0.1:${port}`;
  await waitFor("tauri-driver to listen", async () => (await fetch(`${url}/status`)).ok);
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

async function request(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok || json.value?.error) {
    const detail = json.value ? `${json.value.error}: ${json.value.message}` : text;
    throw new Error(`WebDriver ${method} ${url} → ${response.status} ${detail}`);
  }
  return json.value;
}

export class Session {
  static async create(driverUrl, application) {
    const value = await request("POST", `${driverUrl}/session`, {
      capabilities: { alwaysMatch: { "tauri:options": { application } } },
    });
    return new Session(`${driverUrl}/session/${value.sessionId}`);
  }

  constructor(base) {
    this.base = base;
  }

  /** The first element matching `css`, or an error. */
  async find(css) {
    const value = await request("POST", `${this.base}/element`, { using: "css selector", value: css });
    return value[ELEMENT];
  }

  /** The visible text of the first element matching `css`, waiting until there is one. */
  async textOf(css, timeoutMs) {
    return waitFor(`text of ${css}`, async () => {
      const id = await this.find(css);
      return request("GET", `${this.base}/element/${id}/text`);
    }, timeoutMs);
  }

  async click(css) {
    const id = await this.find(css);
    await request("POST", `${this.base}/element/${id}/click`, {});
  }

  /** Waits until an element matches `css`, then clicks it. */
  async clickWhenThere(css, timeoutMs) {
    await waitFor(`${css} to click`, async () => {
      await this.click(css);
      return true;
    }, timeoutMs);
  }

  /** Types `text` into the first element matching `css` (WebDriver Element Send Keys). For an
   *  <input type="file"> the text is the path of a file to choose, as a user would in the
   *  file chooser. */
  async type(css, text) {
    const id = await this.find(css);
    await request("POST", `${this.base}/element/${id}/value`, { text });
  }

  /** Presses keys on whatever has focus, as a keyboard would (WebDriver actions). Each entry
   *  is a key (a character, or a WebDriver code point such as Keys.enter); an array entry is
   *  a chord (all pressed, then released in reverse). */
  async keys(...sequence) {
    const actions = [];
    for (const entry of sequence) {
      const chord = Array.isArray(entry) ? entry : [entry];
      for (const value of chord) actions.push({ type: "keyDown", value });
      for (const value of [...chord].reverse()) actions.push({ type: "keyUp", value });
    }
    await request("POST", `${this.base}/actions`, {
      actions: [{ type: "key", id: "keyboard", actions }],
    });
    await request("DELETE", `${this.base}/actions`);
  }

  /** Runs `script` (a function body; may return a promise) in the page. */
  async execute(script, args = []) {
    return request("POST", `${this.base}/execute/sync`, { script, args });
  }

  /** Resizes the window (WebDriver Set Window Rect). */
  async windowSize(width, height) {
    await request("POST", `${this.base}/window/rect`, { width, height });
  }

  /** A PNG of the window. */
  async screenshot() {
    return Buffer.from(await request("GET", `${this.base}/screenshot`), "base64");
  }

  async delete() {
    await request("DELETE", this.base);
  }
}
