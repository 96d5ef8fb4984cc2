// The shell and its user gate against a mocked backend module. The module is replaced whole,
// so a component that bypassed it and called `invoke` directly would fail here.

import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { appInfo, permissions, user } from "../../test/fixtures";
import { serveQueue } from "../../test/queue";
import { emitBackendEvent } from "../../test/backend";
import { renderWithQueries } from "../../test/render";
import { expectAccessible } from "../../test/axe";
import { AppShell } from "./AppShell";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const ada = user({ id: 1, name: "ada", display_name: "Ada Admin", role: "admin" });
const rita = user({ id: 2, name: "rita", display_name: "Rita Reviewer" });

describe("AppShell", () => {
  beforeEach(() => {
    window.location.hash = "";
    window.localStorage.clear();
    window.sessionStorage.clear();
    b.queuePage.mockImplementation(serveQueue([]));
    b.vendors.mockResolvedValue([]);
    b.permissions.mockImplementation(async () => permissions(ada, "manage_users"));
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("on first run asks for the first user, an admin, and then shows the empty queue", async () => {
    b.appInfo.mockResolvedValue(appInfo());
    b.users.mockResolvedValueOnce([]).mockResolvedValue([ada]);
    b.addFirstUser
      .mockRejectedValueOnce(
        new BackendFailure({
          code: "invalid_input",
          field: "name",
          message: `user name "Ada" must start with a lowercase letter and use only a-z, 0-9, '.', '_' or '-' (at most 64)`,
        }),
      )
      .mockResolvedValue(ada);
    renderWithQueries(<AppShell />);

    expect(await screen.findByText("/home/reviewer/.local/share/vetdesk")).toBeTruthy();
    expect(await screen.findByRole("heading", { name: "Welcome to Vetdesk" })).toBeTruthy();
    expect(screen.getByTestId("acting-as").textContent).toBe("no user chosen");

    // A name the store refuses is shown next to the field.
    await userEvent.type(screen.getByLabelText("User name"), "Ada");
    await userEvent.click(screen.getByRole("button", { name: "Create admin user" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/must start with a lowercase letter/);
    expect(screen.getByLabelText("User name").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("acting-as").textContent).toBe("no user chosen");

    await userEvent.clear(screen.getByLabelText("User name"));
    await userEvent.type(screen.getByLabelText("User name"), "ada");
    await userEvent.type(screen.getByLabelText("Full name"), "Ada Admin");
    await userEvent.click(screen.getByRole("button", { name: "Create admin user" }));

    // The app adds them as an admin and makes them the acting user; the page hears of the new
    // user from the change, as from any other.
    expect(b.addFirstUser).toHaveBeenCalledWith({ name: "ada", display_name: "Ada Admin" });
    emitBackendEvent("store-changed", {
      records: [{ id: 1, chain: { kind: "global" }, kind: "add_user", actor: "ada" }],
      more: false,
    });
    expect(await screen.findByRole("heading", { name: "No cases yet" })).toBeTruthy();
    expect(screen.getByTestId("acting-as").textContent).toBe("Ada Admin");
    expect(window.localStorage.getItem("vetdesk.actor")).toBe("ada");
  });

  it("preselects VETDESK_USER over the remembered user, and switching user asks again", async () => {
    window.localStorage.setItem("vetdesk.actor", "ada");
    b.appInfo.mockResolvedValue(appInfo({ default_user: "rita" }));
    b.users.mockResolvedValue([ada, rita]);
    renderWithQueries(<AppShell />);

    expect(await screen.findByRole("heading", { level: 1, name: "Case queue" })).toBeTruthy();
    expect(screen.getByTestId("acting-as").textContent).toBe("Rita Reviewer");
    // Solo mode says what the choice is: not a sign-in.
    expect(screen.getByText("Chosen on this computer, not signed in")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Switch user" }));
    expect(await screen.findByRole("heading", { name: "Who is working?" })).toBeTruthy();
    expect(screen.getByTestId("solo-explained").textContent).toMatch(/^This is a choice, not a sign-in\. .*anyone using it can choose any user/);
    await expectAccessible(document.body);
    await userEvent.click(screen.getByRole("button", { name: /Ada Admin/ }));
    expect(b.chooseUser).toHaveBeenLastCalledWith("ada");
    await waitFor(() => expect(screen.getByTestId("acting-as").textContent).toBe("Ada Admin"));
  });

  it("asks for the switching password an admin requires, says when it is wrong, and goes on with the right one", async () => {
    const cora = user({ id: 3, name: "cora", display_name: "Cora Compliance", role: "compliance", switch_password: true });
    window.localStorage.setItem("vetdesk.actor", "cora");
    b.appInfo.mockResolvedValue(appInfo());
    b.users.mockResolvedValue([ada, cora]);
    // The app does not take cora without her password.
    b.chooseUser.mockRejectedValueOnce(
      new BackendFailure({ code: "invalid_input", field: "password", message: "cora is chosen only with their password" }),
    );
    renderWithQueries(<AppShell />);

    const field = await screen.findByLabelText("Password for cora");
    expect(b.chooseUser).toHaveBeenCalledWith("cora");
    b.chooseUser.mockRejectedValueOnce(new BackendFailure({ code: "invalid_input", field: "password", message: "wrong password for cora" }));
    await userEvent.type(field, "guess");
    await userEvent.click(screen.getByRole("button", { name: "Continue as Cora Compliance" }));
    expect(await screen.findByText(/^wrong password for cora\./)).toBeTruthy();
    expect(b.chooseUser).toHaveBeenLastCalledWith("cora", "guess");
    expect(screen.getByTestId("acting-as").textContent).toBe("no user chosen");

    b.chooseUser.mockResolvedValueOnce(cora);
    await userEvent.clear(field);
    await userEvent.type(field, "tall-ships-at-dawn");
    await userEvent.click(screen.getByRole("button", { name: "Continue as Cora Compliance" }));
    await waitFor(() => expect(screen.getByTestId("acting-as").textContent).toBe("Cora Compliance"));
    expect(b.chooseUser).toHaveBeenLastCalledWith("cora", "tall-ships-at-dawn");
  });

  it("says so when the remembered user is gone, and offers the others", async () => {
    window.localStorage.setItem("vetdesk.actor", "zed");
    b.appInfo.mockResolvedValue(appInfo());
    b.users.mockResolvedValue([ada, user({ name: "ivan", display_name: "Ivan", active: false })]);
    renderWithQueries(<AppShell />);

    expect((await screen.findByRole("alert")).textContent).toContain("no active user named “zed”");
    // The remembered name was handed to the app, which holds who acts.
    expect(b.chooseUser).toHaveBeenCalledWith("zed");
    expect(screen.getByRole("button", { name: /Ada Admin/ })).toBeTruthy();
    // Deactivated users are not offered.
    expect(screen.queryByRole("button", { name: /Ivan/ })).toBeNull();
  });

  it("says so when the backend cannot be reached", async () => {
    b.appInfo.mockRejectedValue(new BackendFailure({ code: "ipc", message: "app_info not allowed" }));
    renderWithQueries(<AppShell />);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("app_info not allowed");
    expect(alert.textContent).toContain("Restart Vetdesk");
  });

  it("opens the page the hash names", async () => {
    b.appInfo.mockResolvedValue(appInfo({ data_dir: "/d", log_dir: "/d/logs" }));
    b.users.mockResolvedValue([ada]);
    window.localStorage.setItem("vetdesk.actor", "ada");
    window.location.hash = "#/settings";
    renderWithQueries(<AppShell />);

    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeTruthy();
    expect(await screen.findByText("/d/logs")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Settings" }).getAttribute("aria-current")).toBe("page");
    fireEvent(window, new HashChangeEvent("hashchange"));
    await waitFor(() => expect(b.users).toHaveBeenCalled());
  });

  it("goes back and forward with the buttons, Alt+←/→ and the mouse's back and forward buttons", async () => {
    b.appInfo.mockResolvedValue(appInfo());
    b.users.mockResolvedValue([ada]);
    window.localStorage.setItem("vetdesk.actor", "ada");
    window.location.hash = "#/queue";
    renderWithQueries(<AppShell />);
    await screen.findByRole("heading", { level: 1, name: "Case queue" });
    const back = screen.getByRole("button", { name: "Back" }) as HTMLButtonElement;
    const forward = screen.getByRole("button", { name: "Forward" }) as HTMLButtonElement;
    expect([back.disabled, forward.disabled]).toEqual([true, true]);

    await userEvent.click(screen.getByRole("link", { name: "Vendors" }));
    await screen.findByRole("heading", { level: 1, name: "Vendors" });
    await userEvent.click(screen.getByRole("link", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    expect([back.disabled, forward.disabled]).toEqual([false, true]);

    await userEvent.click(back);
    await screen.findByRole("heading", { level: 1, name: "Vendors" });
    await waitFor(() => expect(forward.disabled).toBe(false));
    fireEvent.keyDown(window, { key: "ArrowLeft", altKey: true });
    await screen.findByRole("heading", { level: 1, name: "Case queue" });
    await waitFor(() => expect(back.disabled).toBe(true));
    fireEvent.keyDown(window, { key: "ArrowRight", altKey: true });
    await screen.findByRole("heading", { level: 1, name: "Vendors" });
    fireEvent.mouseUp(window, { button: 4 });
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    await waitFor(() => expect(forward.disabled).toBe(true));
    fireEvent.mouseUp(window, { button: 3 });
    await screen.findByRole("heading", { level: 1, name: "Vendors" });
    await userEvent.click(forward);
    await screen.findByRole("heading", { level: 1, name: "Settings" });

    // A new place drops what was forward of the current one.
    await userEvent.click(back);
    await screen.findByRole("heading", { level: 1, name: "Vendors" });
    await userEvent.click(screen.getByRole("link", { name: "Reports" }));
    await screen.findByRole("heading", { level: 1, name: "Reports" });
    await waitFor(() => expect(forward.disabled).toBe(true));
  });
});
