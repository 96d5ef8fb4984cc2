// E-Verify against a mocked backend: the store's refusal before the offer and Form I-9 shown
// with the two items to complete, the form's own checks of a mismatch, and the deadlines in
// federal working days with the overdue one in red.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { entry, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { EMPTY_EVERIFY, EVerifyCard, EVerifyForm, missingPrerequisites } from "./EVerify";
import { everifyView, recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

const CHECKLIST = [
  entry("offer-accepted", { item: { ...entry("offer-accepted").item, title: "The candidate accepted the offer" } }),
  entry("form-i9-complete", { item: { ...entry("form-i9-complete").item, title: "Form I-9 sections 1 and 2 completed on time" } }),
];

function renderForm(onSaved = vi.fn()) {
  renderAs(user(), <EVerifyForm caseId={1} evidence={[]} checklist={CHECKLIST} id={null} initial={EMPTY_EVERIFY} onSaved={onSaved} onCancel={() => {}} />);
  return within(screen.getByRole("form", { name: "Record E-Verify case" }));
}

describe("EVerifyForm", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows the store's refusal before the offer and Form I-9: what to complete first, with links", async () => {
    const events = userEvent.setup();
    b.apply.mockRejectedValue(
      new BackendFailure({
        code: "conflict",
        field: "prerequisites",
        message:
          "case 1: an E-Verify case cannot be recorded before offer-accepted (pending) and form-i9-complete (pending) passed; E-Verify may only be used for a new hire who accepted the offer and completed Form I-9, never to pre-screen applicants",
      }),
    );
    const form = renderForm();
    await events.type(form.getByLabelText("E-Verify case number (required)"), "2026301123456AB");
    await events.type(form.getByLabelText("Created on (required)"), "2026-10-26");
    await events.selectOptions(form.getByLabelText("Result"), "employment_authorized");
    await events.click(form.getByRole("button", { name: "Record E-Verify case" }));
    const note = await form.findByTestId("everify-prerequisites");
    expect(note.getAttribute("role")).toBe("alert");
    expect(note.textContent).toContain("E-Verify was not recorded: Complete offer-accepted and form-i9-complete first");
    const links = within(note).getAllByRole("link");
    expect(links.map((a) => [a.textContent, a.getAttribute("href")])).toEqual([
      ["The candidate accepted the offer", "#/cases/1"],
      ["Form I-9 sections 1 and 2 completed on time", "#/cases/1"],
    ]);
    expect(note.textContent).toContain("The store said: case 1: an E-Verify case cannot be recorded before offer-accepted (pending)");
  });

  it("asks a mismatch for its agency and date before sending", async () => {
    const events = userEvent.setup();
    b.apply.mockResolvedValue(recorded([], { id: 2 }));
    const form = renderForm();
    await events.type(form.getByLabelText("E-Verify case number (required)"), "2026/301");
    await events.click(form.getByRole("button", { name: "Record E-Verify case" }));
    expect(form.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "A case number holds only letters, digits and “-”.",
      "Enter the date, written YYYY-MM-DD.",
      "A mismatch is with DHS, SSA or both: choose which.",
      "Enter the day E-Verify issued the mismatch.",
    ]);
    expect(b.apply).not.toHaveBeenCalled();
    await events.clear(form.getByLabelText("E-Verify case number (required)"));
    await events.type(form.getByLabelText("E-Verify case number (required)"), "2026301123456AB");
    await events.type(form.getByLabelText("Created on (required)"), "2026-10-26");
    await events.selectOptions(form.getByLabelText("Agency"), "both");
    await events.type(form.getByLabelText("Mismatch issued on"), "2026-10-26");
    await events.type(form.getByLabelText("Notice given to the employee on"), "2026-10-28");
    await events.click(form.getByRole("radio", { name: "Yes" }));
    await events.click(form.getByRole("button", { name: "Record E-Verify case" }));
    expect(b.apply).toHaveBeenCalledWith({
      type: "record_e_verify",
      case_id: 1,
      id: null,
      everify: {
        ...EMPTY_EVERIFY,
        case_number: "2026301123456AB",
        created_on: "2026-10-26",
        agency: "both",
        mismatch_on: "2026-10-26",
        notice_given_on: "2026-10-28",
        employee_contests: true,
      },
    });
  });

  it("shows a date the store refused next to it", async () => {
    const events = userEvent.setup();
    b.apply.mockRejectedValue(
      new BackendFailure({ code: "invalid_input", field: "referred_on", message: "referral date 2026-10-20 is before the E-Verify case was created (2026-10-26)" }),
    );
    const form = renderForm();
    await events.type(form.getByLabelText("E-Verify case number (required)"), "2026301123456AB");
    await events.type(form.getByLabelText("Created on (required)"), "2026-10-26");
    await events.selectOptions(form.getByLabelText("Agency"), "ssa");
    await events.type(form.getByLabelText("Mismatch issued on"), "2026-10-26");
    await events.type(form.getByLabelText("Referred on"), "2026-10-20");
    await events.click(form.getByRole("button", { name: "Record E-Verify case" }));
    const referred = form.getByLabelText("Referred on");
    await vi.waitFor(() => expect(referred.getAttribute("aria-invalid")).toBe("true"));
    expect((await form.findByRole("alert")).textContent).toContain("referral date 2026-10-20 is before the E-Verify case was created");
  });
});

describe("EVerifyCard", () => {
  it("lists the deadlines with due dates and days left, the overdue one in red", () => {
    const { container } = renderAs(user(), <ul><EVerifyCard view={everifyView()} caseId={1} evidence={new Map()} open={[]} onEdit={() => {}} /></ul>);
    const rows = [...container.querySelectorAll("tr[data-deadline]")] as HTMLElement[];
    expect(rows.map((r) => [r.dataset.deadline, r.dataset.overdue, r.className])).toEqual([
      ["notify_employee", "true", "row-bad"],
      ["employee_decision", "false", ""],
    ]);
    expect(rows[0]?.textContent).toContain("overdue by 3 working days");
    expect(rows[0]?.textContent).toContain("10 federal working days from");
    expect(rows[1]?.textContent).toContain("4 working days left");
    expect(screen.getByText("Tentative Nonconfirmation (Mismatch) · SSA")).toBeTruthy();
  });
});

describe("missingPrerequisites", () => {
  it("names the items not passed yet, with their results", () => {
    const passed = entry("offer-accepted", { state: { ...entry("offer-accepted").state, result: "pass" } });
    expect(missingPrerequisites([passed, CHECKLIST[1]!]).map((m) => [m.id, m.result])).toEqual([["form-i9-complete", "Pending"]]);
    expect(missingPrerequisites([])).toHaveLength(2);
  });
});
