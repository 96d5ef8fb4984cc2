// The backend module with every command replaced by a mock: component tests give each the
// answer (or the failure) the case needs. Use in a test file as
//   vi.mock("../../backend", mockBackendModule);

import { vi } from "vitest";

type Module = typeof import("../backend");

export async function mockBackendModule(importOriginal: () => Promise<Module>): Promise<Module> {
  const actual = await importOriginal();
  const backend = Object.fromEntries(Object.keys(actual.backend).map((k) => [k, vi.fn()])) as unknown as Module["backend"];
  // No event bus in tests: subscribing succeeds and nothing ever arrives.
  const subscribe = vi.fn(() => Promise.resolve(() => {})) as unknown as Module["subscribe"];
  return { ...actual, backend, subscribe };
}
