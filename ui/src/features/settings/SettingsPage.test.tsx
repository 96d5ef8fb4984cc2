// Settings against a mocked backend: an admin requires a switching password for a user (the app
// hashes it; only the hash is recorded), changes or removes it, and others see no such control.

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import { appInfo, permissions, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { SettingsPage } from "./SettingsPage";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const ada = user({ id: 1, name: "ada", display_name: "Ada Admin", role: "admin" });
const cora = user({ id: 3, name: "cora", display_name: "Cora Compliance", role: "compliance" });

function row(name: string): HTMLElement {
  const cell = screen.getAllByRole("cell").find((c) => c.textContent === name);
  if (!cell) throw new Error(`no row of ${name}`);
  return cell.closest("tr") as HTMLElement;
}

describe("SettingsPage", () => {
  beforeEach(() => {
    b.appInfo.mockResolvedValue(appInfo());
    b.ipLists.mockResolvedValue([]);
    b.vpnProviders.mockResolvedValue([]);
    b.voipEntries.mockResolvedValue([]);
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("lists the retention rules with their sources", async () => {
    b.users.mockResolvedValue([ada]);
    renderAs(ada, <SettingsPage />, permissions(ada, "manage_users"));
    const table = await screen.findByRole("table", { name: "Retention rules" });
    await waitFor(() => expect(within(table).getByText("People not hired")).toBeTruthy());
    expect(within(table).getByText("2 year(s) after the decision")).toBeTruthy();
    expect(within(table).getByText(/8 CFR 274a\.2/)).toBeTruthy();
    expect(within(table).getByText(/29 CFR 1602\.14/)).toBeTruthy();
  });

  it("lets an admin require a switching password, and remove it", async () => {
    const events = userEvent.setup();
    b.users.mockResolvedValue([ada, cora]);
    b.setSwitchPassword.mockResolvedValue({ ...cora, switch_password: true });
    renderAs(ada, <SettingsPage />, permissions(ada, "manage_users"));

    await screen.findByText("Cora Compliance");
    await events.click(within(row("cora")).getByRole("button", { name: "Require password…" }));
    const require = screen.getByRole("button", { name: "Require this password" });
    expect(require.hasAttribute("disabled")).toBe(true);
    await events.type(screen.getByLabelText("Password"), "tall-ships-at-dawn");
    await events.click(require);
    await waitFor(() => expect(b.setSwitchPassword).toHaveBeenCalledWith("cora", "tall-ships-at-dawn"));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Require this password" })).toBeNull());
  });

  it("offers removal once a password is required, and nothing to those who may not manage users", async () => {
    const events = userEvent.setup();
    const locked = { ...cora, switch_password: true };
    b.users.mockResolvedValue([ada, locked]);
    b.setSwitchPassword.mockResolvedValue(cora);
    const { unmount } = renderAs(ada, <SettingsPage />, permissions(ada, "manage_users"));
    await screen.findByText("Cora Compliance");
    expect(within(row("cora")).getByText("Password")).toBeTruthy();
    await events.click(within(row("cora")).getByRole("button", { name: "Password…" }));
    await events.click(screen.getByRole("button", { name: "Remove password" }));
    await waitFor(() => expect(b.setSwitchPassword).toHaveBeenCalledWith("cora", null));
    unmount();

    renderAs(cora, <SettingsPage />, permissions(cora));
    await screen.findByText("Cora Compliance");
    expect(screen.queryByRole("button", { name: /password/i })).toBeNull();
  });
});
