// The verification lists in Settings against a mocked backend: an indicator list uploaded and
// refused row by row or imported, removal asked twice, VPN providers and VoIP entries with
// refusals under their field, the honest note on VoIP, and read-only for reviewers.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { permissions, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { ListsSettings, listNameFrom } from "./ListsSettings";
import { recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const ivan = user({ name: "ivan", display_name: "Ivan Investigator", role: "investigator" });
const FILE = new File(["cidr,category,label\n198.51.100.0/24,vpn,ExampleVPN\n"], "VPN exits (Nov).csv", { type: "text/csv" });
const LIST = {
  id: 1,
  name: "VPN-exits-Nov",
  file_name: "VPN exits (Nov).csv",
  file_sha256: "c".repeat(64),
  entries: 1,
  imported_by: "ivan",
  imported_at: "2026-11-02T09:30:00.000Z",
};

describe("ListsSettings", () => {
  beforeEach(() => {
    b.ipLists.mockResolvedValue([]);
    b.vpnProviders.mockResolvedValue([]);
    b.voipEntries.mockResolvedValue([]);
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows the rows a file was refused for, by line, and imports nothing", async () => {
    const events = userEvent.setup();
    b.importIpList.mockResolvedValue({
      outcome: "refused",
      problems: [
        { line: 3, column: "cidr", message: "prefix length /33 is longer than the 32 bits of an IPv4 address" },
        { line: 4, column: "category", message: '"UK" is not an ISO 3166-1 country code (the United Kingdom is GB)' },
      ],
    });
    renderAs(ivan, <ListsSettings />, permissions(ivan, "decide", "manage_lists"));
    await events.upload(await screen.findByTestId("ip-list-input"), FILE);
    // The name is taken from the file, in the characters the store accepts.
    expect((screen.getByLabelText("List name") as HTMLInputElement).value).toBe("VPN exits -Nov");
    await events.click(screen.getByRole("button", { name: "Import list" }));
    expect(b.importIpList).toHaveBeenCalledWith(FILE, { list_name: "VPN exits -Nov" });
    const problems = await screen.findByTestId("list-problems");
    expect(problems.textContent).toContain("Nothing was imported: 2 rows of the file could not be read");
    expect(within(problems).getAllByRole("row").slice(1).map((r) => r.dataset.line)).toEqual(["3", "4"]);
    expect(within(problems).getByText(/the United Kingdom is GB/)).toBeTruthy();
  });

  it("imports a list, names what it replaces, and removes one only when asked twice", async () => {
    const events = userEvent.setup();
    b.ipLists.mockResolvedValue([LIST]);
    b.importIpList.mockResolvedValue({ outcome: "imported", list: { ...LIST, entries: 3 }, recorded: recorded([], { id: 2 }) });
    b.apply.mockResolvedValue(recorded([], { cleared: 1 }));
    renderAs(ivan, <ListsSettings />, permissions(ivan, "decide", "manage_lists"));
    await events.upload(await screen.findByTestId("ip-list-input"), FILE);
    await events.clear(screen.getByLabelText("List name"));
    await events.type(screen.getByLabelText("List name"), "VPN-exits-Nov");
    expect(screen.getByText("Replaces the list of that name (1 ranges).")).toBeTruthy();
    await events.click(screen.getByRole("button", { name: "Import list" }));
    expect((await screen.findByText(/Imported list/)).textContent).toContain("Imported list VPN-exits-Nov: 3 ranges.");

    await events.click(screen.getByRole("button", { name: "Remove list VPN-exits-Nov" }));
    expect(b.apply).not.toHaveBeenCalled();
    await events.click(screen.getByRole("button", { name: "Remove" }));
    expect(b.apply).toHaveBeenCalledWith({ type: "remove_ip_list", name: "VPN-exits-Nov" });
  });

  it("shows refusals of VPN providers and VoIP entries under their field, and says what VoIP cannot be told from", async () => {
    const events = userEvent.setup();
    b.apply.mockImplementation((change) =>
      Promise.reject(
        change.type === "add_vpn_provider"
          ? new BackendFailure({ code: "conflict", field: "name", message: 'VPN provider "ExampleVPN" is already named' })
          : new BackendFailure({ code: "invalid_input", field: "pattern", message: 'VoIP list entry "1650*" must be a phone number or a prefix written +digits* (e.g. +1202555*)' }),
      ),
    );
    renderAs(ivan, <ListsSettings />, permissions(ivan, "decide", "manage_lists"));
    expect((await screen.findByTestId("voip-honest-note")).textContent).toContain("A VoIP number cannot be told from a US number’s digits");
    const vpn = within(await screen.findByRole("form", { name: "Name a VPN provider" }));
    await events.type(vpn.getByLabelText("Provider"), "ExampleVPN");
    await events.click(vpn.getByRole("button", { name: "Add provider" }));
    expect((await vpn.findByRole("alert")).textContent).toBe(
      'VPN provider "ExampleVPN" is already named. The data changed or does not allow this now; the view shows the current state. Check it and try again.',
    );
    const voip = within(screen.getByRole("form", { name: "Add to the VoIP list" }));
    await events.type(voip.getByLabelText("Number or prefix"), "1650*");
    await events.type(voip.getByLabelText("Known from"), "carrier lookup");
    await events.click(voip.getByRole("button", { name: "Add to the list" }));
    expect((await voip.findByRole("alert")).textContent).toContain("must be a phone number or a prefix written +digits*");
    expect(b.apply).toHaveBeenCalledWith({ type: "add_voip_entry", id: null, pattern: "1650*", label: "carrier lookup" });
  });

  it("lets reviewers see the lists but not change them, as the store enforces", async () => {
    b.ipLists.mockResolvedValue([LIST]);
    b.voipEntries.mockResolvedValue([{ id: 1, e164: "+1650555", prefix: true, label: "carrier lookup", added_by: "ivan", added_at: "2026-11-02T09:30:00.000Z" }]);
    renderAs(user(), <ListsSettings />, permissions(user()));
    expect(await screen.findByText("VPN-exits-Nov")).toBeTruthy();
    expect(await screen.findByText("+1650555*")).toBeTruthy();
    expect(screen.getByText(/Investigators, compliance officers and admins change these lists/)).toBeTruthy();
    expect(screen.queryByRole("form")).toBeNull();
    expect(screen.queryByRole("button", { name: /Remove/ })).toBeNull();
  });
});

describe("listNameFrom", () => {
  it.each([
    ["vpn-exits.csv", "vpn-exits"],
    ["VPN exits (Nov).csv", "VPN exits -Nov"],
    ["../../etc/passwd", "passwd"],
    ["tor_2026.11.csv", "tor_2026.11"],
  ])("%s → %s", (file, name) => {
    expect(listNameFrom(file)).toBe(name);
  });
});
