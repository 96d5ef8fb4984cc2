// The new-candidate form against a mocked backend: the store's problems with the form shown
// next to their field before anything is sent, refusals of the store pinned to the field they
// are about, and the request that goes out when all is well. (What the store finds wrong is
// tested in Rust: src-tauri/src/commands/candidates.rs.)

import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { NewCandidatePage } from "./NewCandidatePage";
import { dateProblem } from "../../format";
import { byField, checkable, EMPTY_FORM, inputProblems, splitList } from "./validate";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

/** The error text shown for the control labelled `label`, through its aria-describedby. */
function errorOf(label: RegExp | string): string | null {
  const control = screen.getByLabelText(label);
  if (control.getAttribute("aria-invalid") !== "true") return null;
  const ids = (control.getAttribute("aria-describedby") ?? "").split(" ");
  return ids.map((id) => document.getElementById(id)).find((el) => el?.classList.contains("field-error"))?.textContent ?? null;
}

describe("NewCandidatePage", () => {
  beforeEach(() => {
    window.location.hash = "#/candidates/new";
    b.vendors.mockResolvedValue([
      {
        id: 3,
        name: "Acme Staffing",
        contact: "",
        screening_attested: true,
        attestation_note: null,
        last_audit_on: null,
        created_at: "2026-11-02T09:00:00.000Z",
        updated_at: "2026-11-02T09:00:00.000Z",
      },
    ]);
    b.users.mockResolvedValue([user()]);
    b.candidateCheck.mockResolvedValue([]);
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("says what is wrong next to each field and sends nothing", async () => {
    const events = userEvent.setup();
    // The store's problems with the form as typed below.
    b.candidateCheck.mockResolvedValue([
      { field: "legal_name", message: "legal name must not be empty" },
      { field: "emails", message: 'email "not an email" is not an email address' },
      { field: "phones", message: 'phone "12" is not a phone number' },
      { field: "application_ip", message: 'IP address "300.1.2.3" is not an IPv4 or IPv6 address' },
      { field: "time_zone", message: 'time zone "Chicago" is not an IANA time zone name such as America/Chicago' },
    ]);
    renderAs(user(), <NewCandidatePage />);

    await events.type(screen.getByLabelText("Emails"), "anna@example.com{Enter}not an email");
    await events.type(screen.getByLabelText("Phones"), "12");
    await events.type(screen.getByLabelText("Application IP address"), "300.1.2.3");
    await events.type(screen.getByLabelText("Time zone"), "Chicago");
    await events.type(screen.getByLabelText("Applied on"), "2026-02-30");
    await events.click(screen.getByRole("button", { name: "Add candidate and open case" }));

    await waitFor(() => expect(errorOf("Legal name (required)")).toBe("legal name must not be empty"));
    expect(errorOf("Emails")).toBe('email "not an email" is not an email address');
    expect(errorOf("Phones")).toBe('phone "12" is not a phone number');
    expect(errorOf("Application IP address")).toBe('IP address "300.1.2.3" is not an IPv4 or IPv6 address');
    expect(errorOf("Time zone")).toMatch(/IANA time zone name/);
    expect(errorOf("Applied on")).toBe("2026-02-30 is not a date in the calendar.");
    expect(errorOf("Role applied for")).toBeNull();
    expect(b.candidateAdd).not.toHaveBeenCalled();
    // The store was asked about the form as typed; the date it could not be sent.
    expect(b.candidateCheck).toHaveBeenLastCalledWith(
      expect.objectContaining({
        legal_name: "",
        emails: ["anna@example.com", "not an email"],
        phones: ["12"],
        application_ip: "300.1.2.3",
        time_zone: "Chicago",
        applied_on: null,
      }),
    );
    // The first problem gets the focus.
    expect(document.activeElement).toBe(screen.getByLabelText("Legal name (required)"));
  });

  it("shows a refusal of the store next to the field it is about", async () => {
    const events = userEvent.setup();
    b.candidateAdd.mockRejectedValue(
      new BackendFailure({
        code: "conflict",
        message: 'external id "ATS-1" already belongs to candidate 4',
        field: "external_id",
      }),
    );
    renderAs(user(), <NewCandidatePage />);

    await events.type(screen.getByLabelText("Legal name (required)"), "Anna Maria Eriksson");
    await events.type(screen.getByLabelText("External id"), "ATS-1");
    await events.click(screen.getByRole("button", { name: "Add candidate and open case" }));

    await waitFor(() => expect(errorOf("External id")).toBe('external id "ATS-1" already belongs to candidate 4'));
    expect(document.activeElement).toBe(screen.getByLabelText("External id"));
    // Editing the field clears the refusal until the next try.
    await events.type(screen.getByLabelText("External id"), "0");
    expect(errorOf("External id")).toBeNull();
  });

  it("shows a refusal about no field above the button, with what to do next", async () => {
    const events = userEvent.setup();
    b.candidateAdd.mockRejectedValue(
      new BackendFailure({ code: "unknown_user", message: 'there is no active user named "rita"' }),
    );
    renderAs(user(), <NewCandidatePage />);

    await events.type(screen.getByLabelText("Legal name (required)"), "Anna Maria Eriksson");
    await events.click(screen.getByRole("button", { name: "Add candidate and open case" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The candidate was not added");
    expect(alert.textContent).toContain("Switch user");
  });

  it("sends the candidate and the case as typed, then opens the case", async () => {
    const events = userEvent.setup();
    b.candidateAdd.mockResolvedValue({ candidate_id: 12, case_id: 15 });
    renderAs(user(), <NewCandidatePage />);
    await screen.findByRole("option", { name: "Acme Staffing" });

    await events.type(screen.getByLabelText("Legal name (required)"), "  Anna Maria Eriksson ");
    await events.type(screen.getByLabelText("Emails"), "anna@example.com, a.eriksson@example.org");
    await events.type(screen.getByLabelText("Phones"), "+1 612 555 0100");
    await events.selectOptions(screen.getByLabelText("Vendor"), "Acme Staffing");
    await events.type(screen.getByLabelText("Applied on"), "2026-10-01");
    await events.selectOptions(screen.getByLabelText("Priority"), "High");
    await events.type(screen.getByLabelText("Due"), "2026-12-15");
    await events.click(screen.getByRole("button", { name: "Add candidate and open case" }));

    await waitFor(() => expect(window.location.hash).toBe("#/cases/15"));
    expect(b.candidateAdd).toHaveBeenCalledWith({
      candidate: {
        legal_name: "  Anna Maria Eriksson ",
        other_names: [],
        external_id: null,
        emails: ["anna@example.com", "a.eriksson@example.org"],
        phones: ["+1 612 555 0100"],
        home_address: null,
        shipping_address: null,
        claimed_location: null,
        time_zone: null,
        role: null,
        vendor_id: 3,
        applied_on: "2026-10-01",
        application_ip: null,
      },
      case: { kind: "pre_hire", assignee: "rita", priority: "high", due_on: "2026-12-15" },
    });
  });
});

describe("the candidate form", () => {
  it.each([
    ["anna@example.com\nbob@example.org; c@example.net", ["anna@example.com", "bob@example.org", "c@example.net"]],
    [" a@b.c ,, ", ["a@b.c"]],
    ["", []],
  ])("splits %j", (text, list) => {
    expect(splitList(text)).toEqual(list);
  });

  it.each([
    ["applied_on", "01/02/2026", "“01/02/2026” is not a date written as YYYY-MM-DD, e.g. 2026-03-31."],
    ["applied_on", "2026-02-30", "2026-02-30 is not a date in the calendar."],
    ["applied_on", "2999-01-01", undefined],
    ["due_on", "soon", "“soon” is not a date written as YYYY-MM-DD, e.g. 2026-03-31."],
  ] as const)("types %s %j", (field, value, problem) => {
    expect(inputProblems({ ...EMPTY_FORM, [field]: value })[field]).toBe(problem);
  });

  it("asks the store about the candidate as typed, leaving out a date it could not send", () => {
    const form = { ...EMPTY_FORM, legal_name: " Ann ", emails: "a@b.c\nd@e.f", vendor_id: "3", applied_on: "2026-10-01" };
    expect(checkable(form)).toMatchObject({ legal_name: " Ann ", emails: ["a@b.c", "d@e.f"], vendor_id: 3, applied_on: "2026-10-01", external_id: null });
    expect(checkable({ ...form, applied_on: "yesterday" }).applied_on).toBeNull();
  });

  it("places the store's problems at their field, the first of each", () => {
    expect(
      byField([
        { field: "emails", message: "first" },
        { field: "emails", message: "second" },
        { field: "legal_name", message: "name" },
      ]),
    ).toEqual({ emails: "first", legal_name: "name" });
  });

  it.each([
    ["2026-02-28", null],
    ["2028-02-29", null],
    ["2026-02-29", "2026-02-29 is not a date in the calendar."],
    ["", null],
  ])("date %j", (text, problem) => {
    expect(dateProblem(text)).toBe(problem);
  });
});
