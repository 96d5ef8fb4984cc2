// The backend module over Tauri's own IPC mock (`mockIPC`): checks the command names and
// arguments that cross the boundary and how rejections become typed errors. Component tests
// mock this module instead (see features/shell/AppShell.test.tsx).

import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";

import { backend, BackendFailure, toBackendError } from "./backend";

afterEach(() => {
  clearMocks();
});

describe("backend", () => {
  it("calls app_info and returns its typed result", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return { version: "0.1.0", data_dir: "/data", log_dir: "/data/logs" };
      throw new Error(`unexpected command ${cmd}`);
    });

    const info = await backend.appInfo();

    expect(info.data_dir).toBe("/data");
    expect(calls.map((c) => c.cmd)).toEqual(["app_info"]);
  });

  it("passes an AppError from Rust through with its code", async () => {
    mockIPC(() => {
      // What a command returning Err(AppError) rejects with.
      throw { code: "storage", message: "data directory: permission denied" };
    });

    const failure = await backend.appInfo().catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(BackendFailure);
    expect((failure as BackendFailure).code).toBe("storage");
    expect((failure as BackendFailure).message).toBe("data directory: permission denied");
  });

  it("reports a refused call (no permission, unknown command) as an ipc error", async () => {
    mockIPC(() => {
      throw "Command app_info not allowed by ACL";
    });

    const failure = await backend.appInfo().catch((e: unknown) => e);

    expect((failure as BackendFailure).error).toEqual({
      code: "ipc",
      message: "Command app_info not allowed by ACL",
    });
  });

  it.each([
    [{ code: "not_found", message: "no case 7" }, { code: "not_found", message: "no case 7" }],
    ["plain text", { code: "ipc", message: "plain text" }],
    [{ message: "no code" }, { code: "ipc", message: "[object Object]" }],
    [null, { code: "ipc", message: "null" }],
  ])("toBackendError(%j)", (reason, expected) => {
    expect(toBackendError(reason)).toEqual(expected);
  });
});
