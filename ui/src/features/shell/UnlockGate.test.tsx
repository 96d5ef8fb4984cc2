// The unlock screen of an encrypted data directory, against the mocked backend module: nothing
// of the app is asked for while locked, a wrong passphrase is one line by its field, the right
// one goes on to the shell, and "Remember on this computer" is passed along.

import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { expectAccessible } from "../../test/axe";
import { appInfo, permissions, user } from "../../test/fixtures";
import { serveQueue } from "../../test/queue";
import { renderWithQueries } from "../../test/render";
import { AppShell } from "./AppShell";
import { UnlockGate } from "./UnlockGate";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const ada = user({ id: 1, name: "ada", display_name: "Ada Admin", role: "admin" });
const DIR = "/home/reviewer/.local/share/vetdesk";

function app() {
  return renderWithQueries(
    <UnlockGate>
      <AppShell />
    </UnlockGate>,
  );
}

describe("UnlockGate", () => {
  beforeEach(() => {
    window.location.hash = "";
    window.localStorage.clear();
    b.appInfo.mockResolvedValue(appInfo({ default_user: "ada" }));
    b.users.mockResolvedValue([ada]);
    b.queuePage.mockImplementation(serveQueue([]));
    b.vendors.mockResolvedValue([]);
    b.permissions.mockImplementation(async () => permissions(ada));
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("asks for the passphrase first, refuses a wrong one by its field, and opens the queue with the right one", async () => {
    b.unlockStatus.mockResolvedValue({ locked: true, data_dir: DIR, notice: null, team: null });
    b.unlock
      .mockRejectedValueOnce(
        new BackendFailure({ code: "invalid_input", field: "passphrase", message: "Wrong passphrase: nothing was opened." }),
      )
      .mockResolvedValueOnce({ remembered: false, notice: null });
    app();

    expect(await screen.findByRole("heading", { name: "Unlock Vetdesk" })).toBeTruthy();
    expect(screen.getByTestId("locked-dir").textContent).toBe(DIR);
    const field = screen.getByLabelText("Passphrase");
    expect(field.getAttribute("type")).toBe("password");
    expect((screen.getByRole("button", { name: "Unlock" }) as HTMLButtonElement).disabled).toBe(true);
    await expectAccessible(document.body);
    // The locked shell answers nothing else: the page does not ask.
    expect(b.appInfo).not.toHaveBeenCalled();
    expect(b.users).not.toHaveBeenCalled();

    await userEvent.type(field, "not it");
    await userEvent.click(screen.getByRole("button", { name: "Unlock" }));
    const refusal = await screen.findByRole("alert");
    expect(refusal.textContent).toBe("Wrong passphrase: nothing was opened.");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(b.unlock).toHaveBeenLastCalledWith("not it", false);
    expect(b.appInfo).not.toHaveBeenCalled();
    await expectAccessible(document.body);

    // Typing again clears the refusal.
    await userEvent.clear(field);
    expect(screen.queryByRole("alert")).toBeNull();
    await userEvent.type(field, "correct horse battery staple");
    await userEvent.click(screen.getByRole("button", { name: "Unlock" }));
    expect(b.unlock).toHaveBeenLastCalledWith("correct horse battery staple", false);
    expect(await screen.findByRole("heading", { level: 1, name: "Case queue" })).toBeTruthy();
    expect(screen.queryByLabelText("Passphrase")).toBeNull();
    expect(screen.getByTestId("acting-as").textContent).toBe("Ada Admin");
    expect(b.unlockStatus).toHaveBeenCalledTimes(1);
  });

  it("passes “Remember on this computer” along and says when the keyring could not keep the key", async () => {
    b.unlockStatus.mockResolvedValue({ locked: true, data_dir: DIR, notice: null, team: null });
    b.unlock.mockResolvedValueOnce({
      remembered: false,
      notice: "Not remembered on this computer: no OS keyring is available here",
    });
    app();

    await userEvent.type(await screen.findByLabelText("Passphrase"), "correct horse battery staple");
    await userEvent.click(screen.getByLabelText(/Remember on this computer/));
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(b.unlock).toHaveBeenCalledWith("correct horse battery staple", true));
    const after = await screen.findByTestId("unlock-after");
    expect(after.textContent).toMatch(/^Not remembered on this computer: no OS keyring is available here/);
    expect(await screen.findByRole("heading", { level: 1, name: "Case queue" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("unlock-after")).toBeNull();
  });

  it("shows the notice of a dropped keyring entry on the unlock screen", async () => {
    const notice =
      "the passphrase of /data was changed since it was remembered on this computer: it was removed from the OS keyring; type the passphrase";
    b.unlockStatus.mockResolvedValue({ locked: true, data_dir: DIR, notice, team: null });
    app();
    expect((await screen.findByTestId("unlock-notice")).textContent).toBe(notice);
  });

  it("goes straight to the shell when the directory is open", async () => {
    b.unlockStatus.mockResolvedValue({ locked: false, data_dir: DIR, notice: null, team: null });
    app();
    expect(await screen.findByRole("heading", { level: 1, name: "Case queue" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Unlock Vetdesk" })).toBeNull();
    expect(b.unlock).not.toHaveBeenCalled();
  });

  it("signs in to a team database: the URL's login shown, a wrong password one line by its field, then the queue signed in", async () => {
    const team = { login: "rita", database: "rita@127.0.0.1:5432/vetdesk" };
    const rita = user({ id: 2, name: "rita", display_name: "Rita Reviewer", role: "reviewer" });
    b.unlockStatus.mockResolvedValue({ locked: true, data_dir: DIR, notice: null, team });
    b.signIn
      .mockRejectedValueOnce(
        new BackendFailure({ code: "invalid_input", field: "password", message: "Wrong password for rita: not signed in." }),
      )
      .mockResolvedValueOnce({ remembered: true, notice: null });
    b.appInfo.mockResolvedValue(appInfo({ acting: "rita", team_database: team.database }));
    b.users.mockResolvedValue([ada, rita]);
    b.permissions.mockImplementation(async () => permissions(rita));
    b.chooseUser.mockResolvedValue(rita);
    app();

    expect(await screen.findByRole("heading", { name: "Sign in to Vetdesk" })).toBeTruthy();
    expect(screen.getByTestId("sign-in-login").textContent).toBe("rita");
    expect(screen.getByTestId("sign-in-database").textContent).toBe(team.database);
    const field = screen.getByLabelText("Password");
    expect(field.getAttribute("type")).toBe("password");
    expect(screen.queryByLabelText("Passphrase")).toBeNull();
    await expectAccessible(document.body);
    expect(b.appInfo).not.toHaveBeenCalled();

    await userEvent.type(field, "not-it");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const refusal = await screen.findByRole("alert");
    expect(refusal.textContent).toBe("Wrong password for rita: not signed in.");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(b.signIn).toHaveBeenLastCalledWith("not-it", false);
    expect((field as HTMLInputElement).value, "a refused password is not kept in the page").toBe("");
    expect(b.unlock).not.toHaveBeenCalled();

    await userEvent.type(field, "rita-demo-password");
    await userEvent.click(screen.getByLabelText(/Remember in this computer/));
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(b.signIn).toHaveBeenLastCalledWith("rita-demo-password", true);
    expect(await screen.findByRole("heading", { level: 1, name: "Case queue" })).toBeTruthy();
    expect(screen.queryByLabelText("Password")).toBeNull();
    expect(screen.getByTestId("acting-as").textContent).toBe("Rita Reviewer");
    expect(screen.getByTestId("data-dir").textContent).toBe(team.database);
    expect(screen.getByText("Signed in as")).toBeTruthy();
    // Signed in, the acting user is the login: there is nobody to switch to.
    expect(screen.queryByRole("button", { name: "Switch user" })).toBeNull();
  });
});
