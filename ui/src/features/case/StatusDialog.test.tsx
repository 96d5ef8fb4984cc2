// The status change: only the moves the store allows are offered, the refused ones say why
// and list what the decision gate finds missing, a rejection cites its grounds, compliance
// may decide over the gate with an override reason, a reason is required, and a refusal of
// the store stays in the dialog.

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { recorded } from "../verification/testing";
import type { StatusMove } from "../../bindings/StatusMove";
import { StatusDialog } from "./StatusDialog";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const investigator = user({ name: "ivan", display_name: "Ivan", role: "investigator" });
const compliance = user({ name: "cora", display_name: "Cora", role: "compliance" });

const none = { missing: [], may_override: false, citable: [] };
function moves(mayOverride: boolean): StatusMove[] {
  return [
    { status: "open", decision: null, refused: null, ...none },
    { status: "escalated", decision: null, refused: null, ...none },
    {
      status: "decided",
      decision: "cleared",
      refused: "case 1 cannot be cleared: missing 2: id-two-documents (fail), flag 7 phone.shared (high, not triaged)",
      missing: [
        { kind: "item", item_id: "id-two-documents", title: "Two documents", phase: "pre_offer", result: "fail" },
        { kind: "flag", flag_id: 7, rule: "phone.shared", title: "Shared phone", severity: "high", triage: null },
      ],
      may_override: mayOverride,
      citable: [],
    },
    {
      status: "decided",
      decision: "rejected",
      refused: null,
      missing: [],
      may_override: false,
      citable: [
        { ground: { item: "id-two-documents" }, label: "failed item id-two-documents: Two documents" },
        { ground: { flag: 7 }, label: "high flag 7: Shared phone" },
      ],
    },
    { status: "closed", decision: null, refused: "case 1 cannot move from in_review to closed", ...none },
  ];
}

describe("StatusDialog", () => {
  beforeEach(() => {
    b.statusMoves.mockResolvedValue(moves(false));
    b.users.mockResolvedValue([
      user(),
      investigator,
      compliance,
      user({ id: 4, name: "irma", display_name: "Irma", role: "investigator", active: false }),
    ]);
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("offers the allowed moves and lists the others with their reason", async () => {
    renderAs(investigator, <StatusDialog caseId={1} open onClose={() => {}} />);

    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    await waitFor(() => expect(within(dialog).getAllByRole("radio")).toHaveLength(3));
    expect(within(dialog).getAllByRole("radio").map((r) => r.parentElement?.textContent?.trim())).toEqual([
      "Open",
      "Escalated",
      "Decide: Rejected",
    ]);
    expect(b.statusMoves).toHaveBeenCalledWith(1);
    const refused = within(dialog).getByText("Not possible now (2)").closest("details");
    expect(refused?.textContent).toContain("Decide: Cleared: case 1 cannot be cleared: missing 2");
    // The missing list, structured: what the gate needs, item by item.
    const missing = within(dialog).getByRole("list", { name: "Missing for Decide: Cleared" });
    expect(within(missing).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Checklist item “Two documents” is failed (id-two-documents)",
      "high flag “Shared phone” is not triaged (flag 7)",
    ]);
  });

  it("lets compliance clear over the gate only with an override reason", async () => {
    const events = userEvent.setup();
    b.statusMoves.mockResolvedValue(moves(true));
    b.applyAll.mockResolvedValue([recorded()]);
    renderAs(compliance, <StatusDialog caseId={1} open onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    await events.click(await within(dialog).findByRole("radio", { name: "Decide: Cleared (override)" }));
    await events.type(within(dialog).getByLabelText("Reason (required)"), "Start date agreed.");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(within(dialog).getByRole("alert").textContent).toMatch(/recorded as an override/);
    expect(b.applyAll).not.toHaveBeenCalled();
    await events.type(within(dialog).getByLabelText("Override reason (required)"), "Board approved.");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(b.applyAll).toHaveBeenCalledWith(1, [{
      type: "set_status",
      case_id: 1,
      status: "decided",
      decision: "cleared",
      reason: "Start date agreed.",
      grounds: [],
      override_reason: "Board approved.",
    }], undefined);
  });

  it("needs a status and a reason before it asks the store", async () => {
    const events = userEvent.setup();
    b.applyAll.mockResolvedValue([recorded()]);
    const onClose = vi.fn();
    renderAs(investigator, <StatusDialog caseId={1} open onClose={onClose} />);
    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    await within(dialog).findAllByRole("radio");

    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(within(dialog).getByRole("alert").textContent).toBe("Choose the new status.");
    await events.click(within(dialog).getByRole("radio", { name: "Decide: Rejected" }));
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(within(dialog).getByRole("alert").textContent).toMatch(/Give the reason/);
    expect(b.applyAll).not.toHaveBeenCalled();

    await events.type(within(dialog).getByLabelText("Reason (required)"), "Identity could not be verified.");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    // A rejection cites what it rests on.
    expect(within(dialog).getByRole("alert").textContent).toMatch(/Cite at least one/);
    expect(b.applyAll).not.toHaveBeenCalled();
    await events.click(within(dialog).getByRole("checkbox", { name: "high flag 7: Shared phone" }));
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(b.applyAll).toHaveBeenCalledWith(1, [{
      type: "set_status",
      case_id: 1,
      status: "decided",
      decision: "rejected",
      reason: "Identity could not be verified.",
      grounds: [{ flag: 7 }],
    }], undefined);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("escalates only to a chosen investigator, sending the move and the assignment together", async () => {
    const events = userEvent.setup();
    b.applyAll.mockResolvedValue([recorded(), recorded()]);
    const onClose = vi.fn();
    renderAs(user(), <StatusDialog caseId={1} open onClose={onClose} />);
    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    expect(within(dialog).queryByLabelText("Investigator (required)")).toBeNull();
    await events.click(await within(dialog).findByRole("radio", { name: "Escalated" }));
    const select = within(dialog).getByLabelText("Investigator (required)");
    // Active users who may decide: not the reviewer, not the inactive investigator.
    await waitFor(() =>
      expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual([
        "Choose…",
        "Ivan (investigator)",
        "Cora (compliance)",
      ]),
    );
    await events.type(within(dialog).getByLabelText("Reason (required)"), "Shared phone with a rejected case.");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(within(dialog).getByRole("alert").textContent).toBe("Choose the investigator the case is handed to.");
    expect(b.applyAll).not.toHaveBeenCalled();
    expect(b.apply).not.toHaveBeenCalled();

    await events.selectOptions(select, "ivan");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(b.applyAll).toHaveBeenCalledWith(1, [
      { type: "set_status", case_id: 1, status: "escalated", decision: null, reason: "Shared phone with a rejected case.", grounds: [] },
      { type: "assign_case", case_id: 1, assignee: "ivan" },
    ], undefined);
    expect(b.apply).not.toHaveBeenCalled();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("keeps a refusal of the store in the dialog with what to do next", async () => {
    const events = userEvent.setup();
    b.applyAll.mockRejectedValue(
      new BackendFailure({ code: "permission_denied", message: "ivan (investigator) may not close (sign off) a case" }),
    );
    const onClose = vi.fn();
    renderAs(investigator, <StatusDialog caseId={1} open onClose={onClose} />);
    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    await events.click(await within(dialog).findByRole("radio", { name: "Escalated" }));
    await waitFor(() => expect(within(dialog).getAllByRole("option")).toHaveLength(3));
    await events.selectOptions(within(dialog).getByLabelText("Investigator (required)"), "cora");
    await events.type(within(dialog).getByLabelText("Reason (required)"), "Needs a second look.");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toContain("may not close (sign off) a case");
    expect(alert.textContent).toContain("switch to a user who has it");
    expect(onClose).not.toHaveBeenCalled();
  });

  it("sends the head it read, and on a stale refusal says who changed the case and reads it again", async () => {
    const events = userEvent.setup();
    b.applyAll.mockRejectedValue(
      new BackendFailure({ code: "stale", message: "case 1 was changed by cora at 2026-12-06T10:31:02.113Z, reload" }),
    );
    const onClose = vi.fn();
    const { client } = renderAs(investigator, <StatusDialog caseId={1} basedOn={"ab".repeat(32)} open onClose={onClose} />);
    const invalidate = vi.spyOn(client, "invalidateQueries");
    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    await events.click(await within(dialog).findByRole("radio", { name: "Decide: Rejected" }));
    await events.type(within(dialog).getByLabelText("Reason (required)"), "Identity could not be verified.");
    await events.click(within(dialog).getByRole("checkbox", { name: "high flag 7: Shared phone" }));
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toContain("changed by cora at 2026-12-06T10:31:02.113Z, reload");
    expect(alert.textContent).toContain("read again");
    expect(b.applyAll.mock.calls[0]?.[2]).toBe("ab".repeat(32));
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["case", 1] });
    expect(onClose).not.toHaveBeenCalled();
  });
});
