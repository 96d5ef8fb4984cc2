// The retention section of the Details tab against a mocked backend: the rule, its source and
// the due day as the store assesses them; compliance puts the case on legal hold (a reason
// required) and lifts it; a reviewer sees the standing and no control.

import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import { caseRetention, permissions, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { RetentionPanel } from "./RetentionPanel";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const cora = user({ name: "cora", display_name: "Cora Compliance", role: "compliance" });

afterEach(() => vi.clearAllMocks());

describe("RetentionPanel", () => {
  it("shows the rule, its source and the day the person's records fall due", async () => {
    b.caseRetention.mockResolvedValue(caseRetention());
    renderAs(user(), <RetentionPanel caseId={1} />, permissions(user()));
    expect(await screen.findByTestId("retention-rule")).toHaveProperty("textContent", "Not hired");
    expect(screen.getByText(/29 CFR 1602.14/)).toBeTruthy();
    expect(screen.getByTestId("retention-due").textContent).toMatch(/2028/);
    expect(screen.getByTestId("legal-hold").textContent).toBe("No legal hold on this case.");
    // A reviewer may not hold a case.
    expect(screen.queryByRole("button", { name: /legal hold/ })).toBeNull();
    expect(b.caseRetention).toHaveBeenCalledWith(1);
  });

  it("puts the case on legal hold with a reason, as compliance", async () => {
    const events = userEvent.setup();
    b.caseRetention.mockResolvedValue(caseRetention());
    b.apply.mockResolvedValue({ record: { id: 9 }, flags: [] } as never);
    renderAs(cora, <RetentionPanel caseId={1} />, permissions(cora, "sign_off"));
    await events.click(await screen.findByRole("button", { name: "Put on legal hold…" }));
    const submit = screen.getByRole("button", { name: "Put on legal hold" });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    await events.type(screen.getByLabelText(/Why the case is held/), "Litigation hold from counsel, matter 2026-117");
    await events.click(submit);
    await waitFor(() =>
      expect(b.apply).toHaveBeenCalledWith({
        type: "set_legal_hold",
        case_id: 1,
        held: true,
        reason: "Litigation hold from counsel, matter 2026-117",
      }),
    );
  });

  it("lifts a hold, and says what keeps the records", async () => {
    const events = userEvent.setup();
    b.caseRetention.mockResolvedValue(
      caseRetention({ legal_hold: true, assessment: { rule: "not_hired", due_on: "2028-11-18", held_by: "case 1 is on legal hold" } }),
    );
    b.apply.mockResolvedValue({ record: { id: 10 }, flags: [] } as never);
    renderAs(cora, <RetentionPanel caseId={1} />, permissions(cora, "sign_off"));
    expect((await screen.findByTestId("legal-hold")).textContent).toMatch(/On legal hold/);
    expect(screen.getByTestId("retention-held-by").textContent).toBe("case 1 is on legal hold");
    await events.click(screen.getByRole("button", { name: "Lift the legal hold…" }));
    await events.type(screen.getByLabelText(/Why the hold is lifted/), "Matter settled");
    await events.click(screen.getByRole("button", { name: "Lift the legal hold" }));
    await waitFor(() =>
      expect(b.apply).toHaveBeenCalledWith({ type: "set_legal_hold", case_id: 1, held: false, reason: "Matter settled" }),
    );
  });

  it("says when the person is erased, and offers no hold", async () => {
    b.caseRetention.mockResolvedValue(caseRetention({ erased: true, assessment: null, source: null }));
    renderAs(cora, <RetentionPanel caseId={1} />, permissions(cora, "sign_off"));
    expect(await screen.findByText("The person's records are erased.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /legal hold/ })).toBeNull();
  });
});
