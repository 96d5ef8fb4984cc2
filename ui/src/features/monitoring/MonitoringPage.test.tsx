// The Monitoring page against a mocked backend: workers in the order the store gives (most
// severe, then newest), each alert with its rule, why, events and import file; a telemetry
// file uploaded and its outcome or refusal shown; one click opens an investigation and goes
// to it; and who may import.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import type { MonitoredEmployee } from "../../bindings/MonitoredEmployee";
import { flag, permissions, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { MonitoringPage } from "./MonitoringPage";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const ivan = user({ name: "ivan", display_name: "Ivan", role: "investigator" });
const rita = user({ name: "rita", display_name: "Rita", role: "reviewer" });

const SHA = "ab".repeat(32);

function board(): MonitoredEmployee[] {
  return [
    {
      employee_id: 2,
      case_id: 12,
      name: "Hal Ito",
      start_on: "2026-11-01",
      accounts: ["hal.ito@corp.example"],
      severity: "high",
      latest: "2026-11-20T10:00:00.000Z",
      alerts: [
        {
          flag: flag(7, {
            case_id: 12,
            rule: "posthire.remote_access_tool",
            subject: "anydesk",
            title: "Remote-access software on the worker's device",
            why: "Facilitators install remote-desktop tools on company laptops.",
            facts: ["AnyDesk (strong match; source: vendor docs)"],
            candidates: [],
            raised_at: "2026-11-20T10:00:00.000Z",
            raised_by: "rule posthire.remote_access_tool",
          }),
          events: [
            {
              format: "osquery",
              event_id: "q-17",
              time: "2026-11-19T08:30:00.000Z",
              kind: "other",
              account: null,
              ip: null,
              country: null,
              device: "H4L00001",
              import_id: 3,
              file_name: "osquery.log",
              file_sha256: SHA,
            },
          ],
          event_count: 1,
        },
      ],
    },
    {
      employee_id: 1,
      case_id: 11,
      name: "Ben Cho",
      start_on: "2026-11-01",
      accounts: ["ben.cho@corp.example"],
      severity: "medium",
      latest: "2026-11-21T10:00:00.000Z",
      alerts: [
        {
          flag: flag(5, {
            case_id: 11,
            rule: "posthire.sign_in_abroad",
            subject: "CN",
            severity: "medium",
            title: "Sign-in from outside the country the worker claims",
            why: "Workers of the scheme live abroad.",
            facts: [],
            candidates: [],
          }),
          events: [
            {
              format: "okta",
              event_id: "evt-cn-1",
              time: "2026-11-18T02:00:00.000Z",
              kind: "sign_in",
              account: "ben.cho@corp.example",
              ip: "198.51.100.7",
              country: "CN",
              device: null,
              import_id: 1,
              file_name: "okta.json",
              file_sha256: SHA,
            },
          ],
          event_count: 3,
        },
      ],
    },
  ];
}

describe("MonitoringPage", () => {
  beforeEach(() => {
    b.monitoringBoard.mockResolvedValue(board());
  });
  afterEach(() => {
    vi.resetAllMocks();
    window.location.hash = "";
  });

  it("lists workers in the store's order, each alert with its rule, why, events and file", async () => {
    renderAs(ivan, <MonitoringPage />, permissions(ivan, "triage", "manage_lists"));
    const workers = await screen.findAllByTestId("monitored-employee");
    expect(screen.getByTestId("board-summary").textContent).toBe("2 workers with 2 open alerts, the most severe first.");
    expect(workers.map((w) => within(w).getByRole("heading").textContent)).toEqual(["Hal Ito", "Ben Cho"]);
    expect(within(workers[0]!).getByRole("link", { name: "Hal Ito" }).getAttribute("href")).toBe("#/cases/12/flags");

    const hal = within(workers[0]!).getByTestId("monitoring-alert");
    expect(within(hal).getByText("Remote-access software on the worker's device")).toBeTruthy();
    expect(within(hal).getByText("posthire.remote_access_tool")).toBeTruthy();
    expect(within(hal).getByText(/Facilitators install remote-desktop tools/)).toBeTruthy();
    const row = within(hal).getAllByRole("row")[1]!;
    expect(within(row).getByText("H4L00001")).toBeTruthy();
    expect(within(row).getByText(/osquery\.log/)).toBeTruthy();

    const ben = within(workers[1]!).getByTestId("monitoring-alert");
    const cells = within(within(ben).getAllByRole("row")[1]!).getAllByRole("cell").map((c) => c.textContent);
    expect(cells.slice(1, 6)).toEqual(["Sign-in evt-cn-1", "ben.cho@corp.example", "198.51.100.7", "CN", "—"]);
    expect(cells[6]).toBe("okta.json (import 1)");
    expect(within(ben).getByText("1 of 3 events shown; an investigation gets them all.")).toBeTruthy();
  });

  it("opens an investigation from an alert in one click and goes to it", async () => {
    const events = userEvent.setup();
    b.investigateAlert.mockResolvedValue({ case_id: 40, files: 1, events: 1, raised: [] });
    renderAs(ivan, <MonitoringPage />, permissions(ivan, "triage", "manage_lists"));
    const hal = (await screen.findAllByTestId("monitoring-alert"))[0]!;
    await events.click(within(hal).getByRole("button", { name: "Open investigation" }));
    expect(b.investigateAlert).toHaveBeenCalledWith(12, 7);
    expect(window.location.hash).toBe("#/cases/40/notes");
  });

  it("shows a refused investigation where it was asked for", async () => {
    const events = userEvent.setup();
    b.investigateAlert.mockRejectedValue(
      new BackendFailure({ code: "invalid_input", message: "flag 7 is not an open flag of monitoring case 12", field: "flag" }),
    );
    renderAs(ivan, <MonitoringPage />, permissions(ivan, "triage", "manage_lists"));
    const hal = (await screen.findAllByTestId("monitoring-alert"))[0]!;
    await events.click(within(hal).getByRole("button", { name: "Open investigation" }));
    expect(await within(hal).findByText(/flag 7 is not an open flag of monitoring case 12/)).toBeTruthy();
    expect(window.location.hash).toBe("");
  });

  it("uploads a telemetry file with the chosen format and says what it did", async () => {
    const events = userEvent.setup();
    b.importTelemetry.mockResolvedValue({
      import_id: 4,
      format: "okta",
      file_sha256: SHA,
      events: 18,
      added: 18,
      matched: 17,
      unmatched: 1,
      raised: [{ case_id: 11, rule: "posthire.sign_in_abroad", severity: "high", title: "Sign-in abroad" }],
      cleared: 0,
    });
    renderAs(ivan, <MonitoringPage />, permissions(ivan, "triage", "manage_lists"));
    await events.selectOptions(await screen.findByLabelText("Format"), "okta");
    const file = new File(['[{"uuid":"x"}]'], "okta.json", { type: "application/json" });
    await events.upload(screen.getByTestId("telemetry-file"), file);
    expect(b.importTelemetry).toHaveBeenCalledWith(file, "okta", expect.anything());
    expect((await screen.findByTestId("telemetry-outcome")).textContent).toBe(
      "okta.json (okta): 18 events read, 18 new, 17 matched to employees, 1 matched nobody. 1 red flag raised.",
    );
  });

  it("shows a refused file with what and where, the format sniffed when not chosen", async () => {
    const events = userEvent.setup();
    b.importTelemetry.mockRejectedValue(
      new BackendFailure({
        code: "invalid_input",
        message: "bad.json: element 3 (line 4, byte 2): no uuid; nothing was imported",
        field: "file",
      }),
    );
    renderAs(ivan, <MonitoringPage />, permissions(ivan, "triage", "manage_lists"));
    const file = new File(["[{}]"], "bad.json");
    await events.upload(await screen.findByTestId("telemetry-file"), file);
    expect(b.importTelemetry).toHaveBeenCalledWith(file, null, expect.anything());
    expect(await screen.findByText(/element 3 \(line 4, byte 2\): no uuid/)).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toMatch(/^bad\.json was not imported: /);
  });

  it("offers the import only to those the store lets import, and says who may", async () => {
    renderAs(rita, <MonitoringPage />, permissions(rita));
    await screen.findAllByTestId("monitored-employee");
    expect(screen.queryByTestId("telemetry-file")).toBeNull();
    expect(screen.getByText(/Investigators, compliance officers and admins import/)).toBeTruthy();
  });

  it("says what the page is for when nobody has an open alert", async () => {
    b.monitoringBoard.mockResolvedValue([]);
    renderAs(ivan, <MonitoringPage />, permissions(ivan, "triage", "manage_lists"));
    expect(await screen.findByRole("heading", { name: "No open post-hire alerts" })).toBeTruthy();
  });
});
