// Vendor audits on the Vendors page against a mocked backend: last audit with its outcome, the
// next one due (overdue in red), recording an audit, and who may.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import type { VendorAuditStatus } from "../../bindings/VendorAuditStatus";
import { permissions, user } from "../../test/fixtures";
import { emitBackendEvent } from "../../test/backend";
import { renderAs } from "../../test/render";
import { VendorsPage } from "../vendors/VendorsPage";
import { recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const cora = user({ name: "cora", display_name: "Cora", role: "compliance" });
const vendor = (id: number, name: string) => ({
  id,
  name,
  contact: "",
  screening_attested: id === 1,
  attestation_note: null,
  last_audit_on: null,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
});
const status = (vendor_id: number, over: Partial<VendorAuditStatus>): VendorAuditStatus => ({
  vendor_id,
  screening_attested: true,
  last_audit_on: null,
  last_outcome: null,
  next_due: null,
  overdue: true,
  audits: [],
  ...over,
});

function setUp() {
  b.vendors.mockResolvedValue([vendor(1, "Acme Staffing"), vendor(2, "Bolt Contractors"), vendor(3, "Crest Talent")]);
  b.vendorAudits.mockResolvedValue([
    status(1, { last_audit_on: "2024-05-31", last_outcome: "satisfactory", next_due: "2025-05-31", overdue: true }),
    status(2, { last_audit_on: "2026-06-30", last_outcome: "findings", next_due: "2027-06-30", overdue: false }),
    status(3, {}),
  ]);
}

describe("Vendor audits", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows the last audit and when the next is due, overdue in red", async () => {
    setUp();
    renderAs(user(), <VendorsPage />, permissions(user()));
    const row = async (name: string) => (await screen.findByText(name)).closest("tr") as HTMLElement;
    const acme = await row("Acme Staffing");
    await within(acme).findByText("overdue since May 31, 2025");
    expect(within(acme).getByText("overdue since May 31, 2025").className).toBe("overdue-text");
    expect(within(acme).getByText("Satisfactory")).toBeTruthy();
    const bolt = await row("Bolt Contractors");
    expect(within(bolt).getByText("Jun 30, 2027").dataset.overdue).toBe("false");
    expect(within(bolt).getByText("Findings")).toBeTruthy();
    const crest = await row("Crest Talent");
    expect(within(crest).getByText("never")).toBeTruthy();
    expect(within(crest).getByText("due now: never audited").className).toBe("overdue-text");
    // Reviewers see, compliance records.
    expect(screen.queryByRole("button", { name: /Record audit/ })).toBeNull();
  });

  it("records an audit; a date in the future or refused by the store is shown next to it", async () => {
    const events = userEvent.setup();
    setUp();
    b.apply.mockRejectedValueOnce(
      new BackendFailure({ code: "invalid_input", field: "audited_on", message: "audit date 0001-01-01 is out of range" }),
    );
    b.apply.mockResolvedValueOnce(recorded([], { cleared: 2 }));
    renderAs(cora, <VendorsPage />, permissions(cora, "decide", "sign_off", "reopen", "waive", "manage_vendors", "audit_vendors", "manage_lists"));
    await events.click(await screen.findByRole("button", { name: "Record audit of Acme Staffing" }));
    const form = within(screen.getByRole("form", { name: "Record audit of Acme Staffing" }));
    await events.clear(form.getByLabelText("Audited on (required)"));
    await events.type(form.getByLabelText("Audited on (required)"), "2999-12-01");
    await events.click(form.getByRole("radio", { name: "Unsatisfactory: does not vet to our standard" }));
    await events.click(form.getByRole("button", { name: "Record audit" }));
    expect(form.getByRole("alert").textContent).toBe("This date is in the future.");
    expect(b.apply).not.toHaveBeenCalled();

    await events.clear(form.getByLabelText("Audited on (required)"));
    await events.type(form.getByLabelText("Audited on (required)"), "0001-01-01");
    await events.click(form.getByRole("button", { name: "Record audit" }));
    expect(b.apply).toHaveBeenCalledWith({
      type: "record_vendor_audit",
      id: null,
      vendor_id: 1,
      audited_on: "0001-01-01",
      outcome: "unsatisfactory",
      note: null,
      next_due: null,
    });
    expect((await form.findByRole("alert")).textContent).toBe("audit date 0001-01-01 is out of range. Correct what the message names and try again.");

    await events.clear(form.getByLabelText("Audited on (required)"));
    await events.type(form.getByLabelText("Audited on (required)"), "2026-11-01");
    await events.click(form.getByRole("button", { name: "Record audit" }));
    expect((await screen.findByRole("status")).textContent).toBe(
      "Audit of Acme Staffing recorded. 2 flag(s) on its candidates no longer hold and were cleared.",
    );
    // The audit's store change refreshes the vendors' audit standing.
    const before = b.vendorAudits.mock.calls.length;
    emitBackendEvent("store-changed", {
      records: [{ id: 41, chain: { kind: "global" }, kind: "record_vendor_audit", actor: "cora" }],
      more: false,
    });
    await vi.waitFor(() => expect(b.vendorAudits.mock.calls.length).toBeGreaterThan(before));
  });

  it("chooses no outcome in advance, asks for one, and Cancel closes without recording", async () => {
    const events = userEvent.setup();
    setUp();
    renderAs(cora, <VendorsPage />, permissions(cora, "decide", "sign_off", "reopen", "waive", "manage_vendors", "audit_vendors", "manage_lists"));
    await events.click(await screen.findByRole("button", { name: "Record audit of Acme Staffing" }));
    const form = within(screen.getByRole("form", { name: "Record audit of Acme Staffing" }));
    for (const radio of form.getAllByRole("radio")) expect((radio as HTMLInputElement).checked).toBe(false);
    await events.click(form.getByRole("button", { name: "Record audit" }));
    expect(form.getByRole("alert").textContent).toBe("Choose the outcome of the audit.");
    expect(b.apply).not.toHaveBeenCalled();

    await events.click(form.getByRole("radio", { name: /^Satisfactory/ }));
    expect(form.queryByRole("alert")).toBeNull();
    await events.click(form.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("form", { name: "Record audit of Acme Staffing" })).toBeNull();
    expect(b.apply).not.toHaveBeenCalled();
  });
});
