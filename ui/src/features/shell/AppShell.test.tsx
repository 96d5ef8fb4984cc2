// The shell against a mocked backend module: the pattern for component tests. The module is
// replaced whole, so a component that bypassed it and called `invoke` directly would fail here.

import { screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { renderWithQueries } from "../../test/render";
import { AppShell } from "./AppShell";

vi.mock("../../backend", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../backend")>();
  return {
    ...actual,
    backend: { appInfo: vi.fn(), pickFiles: vi.fn() },
  };
});

const appInfo = vi.mocked(backend.appInfo);

describe("AppShell", () => {
  beforeEach(() => {
    window.location.hash = "";
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows the data directory from the backend and the first-run queue", async () => {
    appInfo.mockResolvedValue({
      version: "0.1.0",
      data_dir: "/home/reviewer/.local/share/vetdesk",
      log_dir: "/home/reviewer/.local/share/vetdesk/logs",
    });
    renderWithQueries(<AppShell />);

    expect(await screen.findByText("/home/reviewer/.local/share/vetdesk")).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1, name: "Case queue" })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "No cases yet" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Case queue" }).getAttribute("aria-current")).toBe("page");
    expect(screen.getByRole("link", { name: "Settings" }).getAttribute("aria-current")).toBeNull();
    expect(appInfo).toHaveBeenCalledTimes(1);
  });

  it("says so when the backend cannot be reached", async () => {
    appInfo.mockRejectedValue(new BackendFailure({ code: "ipc", message: "app_info not allowed" }));
    renderWithQueries(<AppShell />);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("app_info not allowed");
  });

  it("opens the page the hash names", async () => {
    appInfo.mockResolvedValue({ version: "0.1.0", data_dir: "/d", log_dir: "/d/logs" });
    window.location.hash = "#/settings";
    renderWithQueries(<AppShell />);

    expect(screen.getByRole("heading", { level: 1, name: "Settings" })).toBeTruthy();
    expect(await screen.findByText("/d/logs")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Settings" }).getAttribute("aria-current")).toBe("page");
  });
});
