// The backend module with every command replaced by a mock: component tests give each the
// answer (or the failure) the case needs. Use in a test file as
//   vi.mock("../../backend", mockBackendModule);
// Events a subscribed component listens to are sent with `emitBackendEvent`, as the app would
// send them (a test sends the `store-changed` a write brings, for instance).

import { vi } from "vitest";

import type { BackendEvents } from "../backend";

type Module = typeof import("../backend");
type Handler = (payload: unknown) => void;

const handlers = new Map<string, Set<Handler>>();

/** Sends `payload` to every component subscribed to `event`. */
export function emitBackendEvent<E extends keyof BackendEvents>(event: E, payload: BackendEvents[E]): void {
  for (const handler of handlers.get(event) ?? []) handler(payload);
}

export async function mockBackendModule(importOriginal: () => Promise<Module>): Promise<Module> {
  const actual = await importOriginal();
  const backend = Object.fromEntries(Object.keys(actual.backend).map((k) => [k, vi.fn()])) as unknown as Module["backend"];
  // No event bus in tests: subscribers are kept here and hear what `emitBackendEvent` sends.
  const subscribe = vi.fn((event: string, handler: Handler) => {
    const set = handlers.get(event) ?? new Set<Handler>();
    set.add(handler);
    handlers.set(event, set);
    return Promise.resolve(() => {
      set.delete(handler);
    });
  }) as unknown as Module["subscribe"];
  return { ...actual, backend, subscribe };
}
