// Observed IP addresses against a mocked backend: the local time typed becomes the store's UTC
// timestamp, a bad address is refused next to its field, and list hits are shown by kind.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { flag, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { ObservedIpForm, ObservedIpTable } from "./ObservedIps";
import { recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

describe("ObservedIpForm", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("checks the time typed, shows the store's refusal of the address, then sends it in UTC", async () => {
    const events = userEvent.setup();
    b.apply.mockRejectedValueOnce(new BackendFailure({ code: "invalid_input", field: "ip", message: '"300.1.2.3" is not an IPv4 or IPv6 address' }));
    b.apply.mockResolvedValueOnce(recorded([{ rule: "ip.anonymising", title: "The candidate used a VPN, hosting, Tor or proxy address" }]));
    const onSaved = vi.fn();
    renderAs(user(), <ObservedIpForm caseId={1} onSaved={onSaved} onCancel={() => {}} />);
    const form = within(screen.getByRole("form", { name: "Record IP address" }));
    await events.clear(form.getByLabelText("Seen at"));
    await events.type(form.getByLabelText("Seen at"), "yesterday");
    await events.click(form.getByRole("button", { name: "Record IP address" }));
    expect(form.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "Enter the IP address (IPv4 or IPv6).",
      "Write the date and time as YYYY-MM-DD HH:MM, e.g. 2026-11-02 14:30.",
    ]);
    await events.type(form.getByLabelText("IP address (required)"), "300.1.2.3");
    await events.clear(form.getByLabelText("Seen at"));
    await events.type(form.getByLabelText("Seen at"), "2026-11-01 15:00");
    await events.selectOptions(form.getByLabelText("Where"), "onboarding_login");
    await events.click(form.getByRole("button", { name: "Record IP address" }));
    expect((await form.findByRole("alert")).textContent).toBe('"300.1.2.3" is not an IPv4 or IPv6 address. Correct what the message names and try again.');

    await events.clear(form.getByLabelText("IP address (required)"));
    await events.type(form.getByLabelText("IP address (required)"), "198.51.100.23");
    await events.click(form.getByRole("button", { name: "Record IP address" }));
    expect(b.apply).toHaveBeenLastCalledWith({
      type: "record_observed_ip",
      id: null,
      case_id: 1,
      observed: { ip: "198.51.100.23", seen_at: new Date(2026, 10, 1, 15, 0).toISOString(), context: "onboarding_login", note: null },
    });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalled());
  });
});

describe("ObservedIpTable", () => {
  it("shows anonymising hits as warnings and country ranges as facts, with the flags about the address", () => {
    const observed = (id: number, ip: string) => ({
      id,
      case_id: 1,
      ip,
      seen_at: "2026-11-01T15:00:00.000Z",
      context: "interview" as const,
      note: null,
      recorded_by: "rita",
      recorded_at: "2026-11-01T15:00:00.000Z",
    });
    const { container } = renderAs(
      user(),
      <ObservedIpTable
        caseId={1}
        application={{ ip: "192.0.2.1", looked_up_as: "192.0.2.1", matches: [], source: { document: "RFC 4632", section: "" } }}
        ips={[
          { observed: observed(1, "198.51.100.23"), matches: [{ cidr: "198.51.100.0/24", category: "vpn", label: "ExampleVPN exit", list: "vpn-exits" }] },
          { observed: observed(2, "203.0.113.9"), matches: [{ cidr: "203.0.113.0/24", category: "KP", label: "", list: "countries" }] },
        ]}
        open={[flag(3, { rule: "ip.anonymising", subject: "ip:198.51.100.23", title: "The candidate used a VPN, hosting, Tor or proxy address" })]}
      />,
    );
    const row = (ip: string) => container.querySelector(`tr[data-ip="${ip}"]`)?.textContent ?? "";
    expect(row("192.0.2.1")).toContain("no list hit");
    expect(row("198.51.100.23")).toMatch(/vpn\s*ExampleVPN exit\s*198\.51\.100\.0\/24 in list vpn-exits/);
    expect(row("198.51.100.23")).toContain("The candidate used a VPN, hosting, Tor or proxy address");
    expect(row("203.0.113.9")).not.toContain("The candidate used a VPN");
    expect(row("203.0.113.9")).toContain("country KP");
  });
});
