// The status change: only the moves the store allows are offered, the refused ones say why,
// a reason is required, and a refusal of the store stays in the dialog.

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { recorded } from "../verification/testing";
import { StatusDialog } from "./StatusDialog";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const investigator = user({ name: "ivan", display_name: "Ivan", role: "investigator" });

describe("StatusDialog", () => {
  beforeEach(() => {
    b.statusMoves.mockResolvedValue([
      { status: "open", decision: null, refused: null },
      { status: "escalated", decision: null, refused: null },
      {
        status: "decided",
        decision: "cleared",
        refused: "case 1 cannot be cleared while checklist items failed: id-two-documents",
      },
      { status: "decided", decision: "rejected", refused: null },
      { status: "closed", decision: null, refused: "case 1 cannot move from in_review to closed" },
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
    expect(refused?.textContent).toContain("Decide: Cleared: case 1 cannot be cleared while checklist items failed");
  });

  it("needs a status and a reason before it asks the store", async () => {
    const events = userEvent.setup();
    b.apply.mockResolvedValue(recorded());
    const onClose = vi.fn();
    renderAs(investigator, <StatusDialog caseId={1} open onClose={onClose} />);
    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    await within(dialog).findAllByRole("radio");

    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(within(dialog).getByRole("alert").textContent).toBe("Choose the new status.");
    await events.click(within(dialog).getByRole("radio", { name: "Decide: Rejected" }));
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(within(dialog).getByRole("alert").textContent).toMatch(/Give the reason/);
    expect(b.apply).not.toHaveBeenCalled();

    await events.type(within(dialog).getByLabelText("Reason (required)"), "Identity could not be verified.");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));
    expect(b.apply).toHaveBeenCalledWith({
      type: "set_status",
      case_id: 1,
      status: "decided",
      decision: "rejected",
      reason: "Identity could not be verified.",
    });
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });

  it("keeps a refusal of the store in the dialog with what to do next", async () => {
    const events = userEvent.setup();
    b.apply.mockRejectedValue(
      new BackendFailure({ code: "permission_denied", message: "ivan (investigator) may not close (sign off) a case" }),
    );
    const onClose = vi.fn();
    renderAs(investigator, <StatusDialog caseId={1} open onClose={onClose} />);
    const dialog = await screen.findByRole("dialog", { name: "Change status" });
    await events.click(await within(dialog).findByRole("radio", { name: "Escalated" }));
    await events.type(within(dialog).getByLabelText("Reason (required)"), "Needs a second look.");
    await events.click(within(dialog).getByRole("button", { name: "Change status" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert.textContent).toContain("may not close (sign off) a case");
    expect(alert.textContent).toContain("switch to a user who has it");
    expect(onClose).not.toHaveBeenCalled();
  });
});
