// A private X server for the test window, started and stopped by the test itself so that no
// server outlives a run. Xvfb picks a free display and tells us which (-displayfd).

import { spawn } from "node:child_process";
import { once } from "node:events";

/** Starts Xvfb and resolves to `{ display, stop }`. */
export async function startXvfb() {
  const child = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "inherit", "pipe"],
  });
  const exited = once(child, "exit");
  const display = await new Promise((resolve, reject) => {
    let text = "";
    child.stdio[3].on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) resolve(`:${text.trim()}`);
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`Xvfb exited (${code}) before it was ready`)));
  });
  return {
    display,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
