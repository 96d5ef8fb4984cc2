// Vitest setup: unmount what each test rendered, and give jsdom the Web Crypto that Tauri's
// IPC mocks use for callback ids.

import { cleanup } from "@testing-library/react";
import { webcrypto } from "node:crypto";
import { afterEach } from "vitest";

if (!("crypto" in window) || typeof window.crypto.getRandomValues !== "function") {
  Object.defineProperty(window, "crypto", { value: webcrypto });
}

afterEach(() => {
  cleanup();
  // Drafts, the queue's place and the history numbering live in the session's storage: each
  // test starts a new session.
  window.sessionStorage.clear();
});
