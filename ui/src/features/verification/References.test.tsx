// The reference form against a mocked backend: required fields, an email checked before
// sending, the store's refusal of a phone number under that field, corrections sent with the id
// and on the case as the form opened on it.

import type { QueryClient } from "@tanstack/react-query";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import type { Recorded } from "../../bindings/Recorded";
import { keys } from "../../keys";
import { caseDetail, user } from "../../test/fixtures";
import { renderAs, testQueryClient } from "../../test/render";
import { EMPTY_REFERENCE, ReferenceForm } from "./References";
import { recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

/** The form correcting reference 3 of case 1 (Lars Holm, no phone yet). */
function renderCorrection(onSaved: (r: Recorded) => void, client?: QueryClient) {
  return renderAs(
    user(),
    <ReferenceForm
      caseId={1}
      id={3}
      initial={{ name: "Lars Holm", relationship: "former manager", email: "lars@gmail.com", phone: null, company: "Nordic Widgets", note: null }}
      onSaved={onSaved}
      onCancel={() => {}}
    />,
    null,
    client,
  );
}

describe("ReferenceForm", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("asks for a name and a relationship, checks the email, and pins the store's refusal to its field", async () => {
    const events = userEvent.setup();
    b.apply.mockRejectedValueOnce(
      new BackendFailure({ code: "invalid_input", field: "phone", message: 'reference phone: "12" is not a phone number: too short' }),
    );
    renderAs(user(), <ReferenceForm caseId={1} id={null} initial={EMPTY_REFERENCE} onSaved={() => {}} onCancel={() => {}} />);
    const form = within(screen.getByRole("form", { name: "Add reference" }));
    await events.type(form.getByLabelText("Email"), "lars at example");
    await events.click(form.getByRole("button", { name: "Add reference" }));
    expect(form.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "Enter the reference’s name.",
      "Say how they know the candidate, e.g. former manager.",
      "“lars at example” is not an email address.",
    ]);
    expect(b.apply).not.toHaveBeenCalled();

    await events.type(form.getByLabelText("Name (required)"), "Lars Holm");
    await events.type(form.getByLabelText("Relationship (required)"), "former manager");
    await events.clear(form.getByLabelText("Email"));
    await events.type(form.getByLabelText("Email"), "lars.holm@example.com");
    await events.type(form.getByLabelText("Phone"), "12");
    await events.click(form.getByRole("button", { name: "Add reference" }));
    expect((await form.findByRole("alert")).textContent).toBe(
      'reference phone: "12" is not a phone number: too short. Correct what the message names and try again.',
    );
    expect(form.getByLabelText("Phone").getAttribute("aria-invalid")).toBe("true");
  });

  it("sends a correction with the reference's id", async () => {
    const events = userEvent.setup();
    b.apply.mockResolvedValue(recorded([{ rule: "reference.free_mail_company", severity: "low", title: "A company reference writes from a free-mail address" }], { id: 3 }));
    const onSaved = vi.fn();
    renderCorrection(onSaved);
    const form = within(screen.getByRole("form", { name: "Correct reference" }));
    await events.type(form.getByLabelText("Phone"), "+1 312 555 0188");
    await events.click(form.getByRole("button", { name: "Save correction" }));
    expect(b.apply).toHaveBeenCalledWith({
      type: "update_reference",
      case_id: 1,
      id: 3,
      reference: { name: "Lars Holm", relationship: "former manager", email: "lars@gmail.com", phone: "+1 312 555 0188", company: "Nordic Widgets", note: null },
    });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalled());
  });

  it("sends a correction as made on the case the form opened on, and says who changed it since", async () => {
    const events = userEvent.setup();
    const client = testQueryClient();
    client.setQueryData(keys.caseDetail(1), caseDetail({ chain_head: "head-when-opened" }));
    b.applyAll.mockRejectedValueOnce(
      new BackendFailure({ code: "stale", message: "reference 3 of case 1 was changed by ivan at 2026-12-07T00:40:00.000Z, reload" }),
    );
    const onSaved = vi.fn();
    renderCorrection(onSaved, client);
    // Someone's change arrives while the form is open: the correction still rests on what it opened on.
    client.setQueryData(keys.caseDetail(1), caseDetail({ chain_head: "head-after-ivan" }));
    const form = within(screen.getByRole("form", { name: "Correct reference" }));
    await events.type(form.getByLabelText("Phone"), "+1 312 555 0188");
    await events.click(form.getByRole("button", { name: "Save correction" }));
    expect(b.applyAll).toHaveBeenCalledWith(1, [expect.objectContaining({ type: "update_reference", id: 3 })], "head-when-opened");
    expect(b.apply).not.toHaveBeenCalled();
    expect((await form.findByRole("alert")).textContent).toContain("reference 3 of case 1 was changed by ivan at 2026-12-07T00:40:00.000Z, reload");
    expect(onSaved).not.toHaveBeenCalled();
  });
});
