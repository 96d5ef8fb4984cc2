// The one door to the Rust side. Components call these typed functions and never `invoke` a
// command by its string name; every command, its arguments and its result type are listed once
// in `Commands` below, with the types generated from Rust (src/bindings, `make bindings`).

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { open } from "@tauri-apps/plugin-dialog";

import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";

/** Every command the UI may call: name → arguments and result. Each one also needs its
 *  `allow-…` permission in src-tauri/capabilities/main.json. */
interface Commands {
  app_info: { args: Record<string, never>; result: AppInfo };
}

/** Every event the backend emits: name → payload. The case store adds its change event here. */
export type BackendEvents = Record<never, never>;

/** An error as the UI sees it: what the backend sent (`AppError`, branch on its `code`), or
 *  `ipc` when the call itself failed (command not permitted, not registered, bad arguments). */
export type BackendError = AppError | { code: "ipc"; message: string };

export class BackendFailure extends Error {
  readonly error: BackendError;
  constructor(error: BackendError) {
    super(error.message);
    this.name = "BackendFailure";
    this.error = error;
  }
  get code(): BackendError["code"] {
    return this.error.code;
  }
}

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Turns whatever a rejected `invoke` gave into a `BackendError`: the shell rejects with a
 *  serialised `AppError`, Tauri itself with a plain string. */
export function toBackendError(reason: unknown): BackendError {
  if (isAppError(reason)) return reason;
  return { code: "ipc", message: typeof reason === "string" ? reason : String(reason) };
}

async function call<K extends keyof Commands>(
  command: K,
  args: Commands[K]["args"],
): Promise<Commands[K]["result"]> {
  try {
    return await invoke<Commands[K]["result"]>(command, args);
  } catch (reason) {
    throw new BackendFailure(toBackendError(reason));
  }
}

/** Subscribes to a backend event; the returned function unsubscribes. */
export function subscribe<E extends keyof BackendEvents>(
  event: E,
  handler: (payload: BackendEvents[E]) => void,
): Promise<UnlistenFn> {
  return listen<BackendEvents[E]>(event, (e) => handler(e.payload));
}

export const backend = {
  /** Version, data directory and log directory of the running app. */
  appInfo: (): Promise<AppInfo> => call("app_info", {}),

  /** Lets the user pick files to attach; resolves to their paths, or to none if cancelled.
   *  The paths go straight back to a Rust command: the UI never reads the files itself. */
  async pickFiles(title: string): Promise<string[]> {
    const picked = await open({ title, multiple: true, directory: false });
    if (picked === null) return [];
    return Array.isArray(picked) ? picked : [picked];
  },
};

export type Backend = typeof backend;
