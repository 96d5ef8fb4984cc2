// The identity-document form against a mocked backend: what it checks before sending, the live
// MRZ check (every check digit, the failing field named, disagreements with the typed fields),
// a refusal of the store shown under the field it names, and the request it sends.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { evidence, flag, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { DocumentCard, DocumentForm, EMPTY_DOCUMENT } from "./Documents";
import { LINE_1, LINE_2, documentView, mrzReport, recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

function renderForm(onSaved = vi.fn()) {
  renderAs(
    user(),
    <DocumentForm caseId={1} evidence={[evidence(7, { original_name: "passport-front.png" })]} id={null} initial={EMPTY_DOCUMENT} onSaved={onSaved} onCancel={() => {}} />,
  );
  return within(screen.getByRole("form", { name: "Record identity document" }));
}

async function fillPrinted(events: ReturnType<typeof userEvent.setup>, form: ReturnType<typeof renderForm>) {
  await events.type(form.getByLabelText("Issuing country (required)"), "uto");
  await events.type(form.getByLabelText("Document number (required)"), "L898902C3");
  await events.type(form.getByLabelText("Holder name (required)"), "Anna Maria Eriksson");
  await events.type(form.getByLabelText("Date of birth"), "1974-08-12");
  await events.type(form.getByLabelText("Date of expiry"), "2034-04-15");
}

describe("DocumentForm", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("says what is missing or malformed next to each field and sends nothing", async () => {
    const events = userEvent.setup();
    const form = renderForm();
    await events.type(form.getByLabelText("Issuing country (required)"), "U2");
    await events.type(form.getByLabelText("Date of birth"), "12/08/1974");
    await events.click(form.getByRole("button", { name: "Record document" }));
    expect(form.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "A country code is 1 to 3 letters (USA, D, GBR, FR …).",
      "Enter the document number as printed.",
      "Enter the holder’s name as printed.",
      "“12/08/1974” is not a date written as YYYY-MM-DD, e.g. 2026-03-31.",
    ]);
    expect(b.apply).not.toHaveBeenCalled();
  });

  it("checks the MRZ as it is typed: incomplete, then every check digit with the failing field named", async () => {
    const events = userEvent.setup();
    b.mrzCheck.mockImplementation(async (text: string) =>
      text.includes("\n")
        ? { outcome: "read", report: mrzReport(["birth_date", "composite"], { birth_date: { raw: "740812", date: "1974-08-12" } }) }
        : { outcome: "unreadable", message: "1 line of 44 characters; expected TD1 (3 lines of 30), TD2 (2 lines of 36) or TD3 (2 lines of 44)" },
    );
    const form = renderForm();
    expect(form.getByText(/each field and check digit is read and checked as you type/)).toBeTruthy();
    await fillPrinted(events, form);
    await events.type(form.getByLabelText("Machine-readable zone"), LINE_1);
    expect((await form.findByTestId("mrz-unreadable")).textContent).toContain("1 line of 44 characters");

    await events.type(form.getByLabelText("Machine-readable zone"), `{Enter}${LINE_2}`);
    const failures = await form.findByRole("list", { name: "Failing check digits" });
    expect(within(failures).getAllByRole("listitem").map((li) => li.dataset.failed)).toEqual(["birth_date", "composite"]);
    expect(within(failures).getAllByRole("listitem")[0]?.textContent).toBe(
      "The date of birth check digit fails: line 2, position 20 holds 3, but 740812 gives 2.",
    );
    expect(form.getByText("Fails")).toBeTruthy();
    // The failing digits are marked in the zone itself, and listed in the table.
    expect([...form.getByLabelText("The zone as read").querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["3", "6"]);
    const rows = form.getAllByRole("row").filter((r) => r.classList.contains("row-bad"));
    expect(rows.map((r) => r.dataset.check)).toEqual(["birth_date", "composite"]);
    // The last request carried exactly what was typed.
    expect(b.mrzCheck).toHaveBeenLastCalledWith(`${LINE_1}\n${LINE_2}`);
  });

  it("points out where the zone disagrees with the typed fields", async () => {
    const events = userEvent.setup();
    b.mrzCheck.mockResolvedValue({ outcome: "read", report: mrzReport() });
    const form = renderForm();
    await fillPrinted(events, form);
    await events.clear(form.getByLabelText("Date of birth"));
    await events.type(form.getByLabelText("Date of birth"), "1974-08-21");
    await events.type(form.getByLabelText("Machine-readable zone"), "x");
    expect(await form.findByText("date of birth: typed 1974-08-21, the zone says 1974-08-12")).toBeTruthy();
    expect(form.getByText("All checks pass")).toBeTruthy();
  });

  it("shows a refusal of the store under the field it names, with what to do next", async () => {
    const events = userEvent.setup();
    b.mrzCheck.mockResolvedValue({ outcome: "unreadable", message: "TD3 expects 44 characters per line, but line 2 has 43" });
    b.apply.mockRejectedValueOnce(
      new BackendFailure({ code: "invalid_input", field: "mrz", message: "machine-readable zone: TD3 expects 44 characters per line, but line 2 has 43" }),
    );
    const form = renderForm();
    await fillPrinted(events, form);
    await events.type(form.getByLabelText("Machine-readable zone"), "P<UTO");
    await events.click(form.getByRole("button", { name: "Record document" }));
    const mrz = form.getByLabelText("Machine-readable zone");
    expect(mrz.getAttribute("aria-invalid")).toBe("true");
    const describedBy = mrz.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy.split(" ").pop() ?? "")?.textContent).toBe(
      "machine-readable zone: TD3 expects 44 characters per line, but line 2 has 43. Correct what the message names and try again.",
    );

    // A refusal about no field (the case was closed meanwhile) shows at the foot of the form.
    b.apply.mockRejectedValueOnce(new BackendFailure({ code: "conflict", message: "case 1 is closed; a compliance officer must reopen it (status in_review) first" }));
    await events.click(form.getByRole("button", { name: "Record document" }));
    expect((await form.findByText(/case 1 is closed/)).closest(".error-note")?.textContent).toContain("The document was not saved");
  });

  it("sends the document with the scans chosen by thumbnail, and says what the save raised", async () => {
    const events = userEvent.setup();
    b.mrzCheck.mockResolvedValue({ outcome: "read", report: mrzReport(["birth_date", "composite"]) });
    const saved = recorded([{}]);
    b.apply.mockResolvedValue(saved);
    const onSaved = vi.fn();
    const form = renderForm(onSaved);
    await fillPrinted(events, form);
    await events.type(form.getByLabelText("Machine-readable zone"), `${LINE_1}{Enter}${LINE_2}`);
    const front = within(form.getByRole("group", { name: "Front" }));
    expect(front.getByRole("img", { name: "Preview of passport-front.png" })).toBeTruthy();
    await events.click(front.getByRole("radio", { name: /passport-front\.png/ }));
    await events.click(form.getByRole("button", { name: "Record document" }));
    expect(b.apply).toHaveBeenCalledWith({
      type: "record_document",
      case_id: 1,
      id: null,
      document: {
        kind: "passport",
        issuing_country: "UTO",
        number: "L898902C3",
        holder_name: "Anna Maria Eriksson",
        birth_date: "1974-08-12",
        expiry_date: "2034-04-15",
        mrz: `${LINE_1}\n${LINE_2}`,
        front_evidence: 7,
        back_evidence: null,
        note: null,
      },
    });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
  });
});

describe("DocumentCard", () => {
  it("shows the store's checks: the name with its tolerances, failing digits, expiry and the flags about it", () => {
    const view = documentView(3, { expiry_date: "2020-01-01" });
    const open = [
      flag(9, {
        rule: "document.mrz_check_failed",
        subject: "document:3",
        title: "The document's machine-readable zone fails its checks",
        facts: ['passport L898902C3: birth date check digit at line 2 position 20 is "3", expected 2'],
      }),
      // About another document: not shown on this card.
      flag(10, { rule: "document.expired", subject: "document:4", title: "A document has expired" }),
    ];
    const { container } = renderAs(user(), <ul><DocumentCard view={view} caseId={1} evidence={new Map()} open={open} onEdit={null} /></ul>);
    const card = within(container.querySelector('[data-document="3"]') as HTMLElement);
    expect(card.getByText("Same name as the candidate’s")).toBeTruthy();
    expect(card.getByText("allowing for letter case, accents, surname written first")).toBeTruthy();
    expect(card.getByText("MRZ fails")).toBeTruthy();
    expect(card.getByText("Expired")).toBeTruthy();
    expect(card.getByText("Failing check digits: date of birth, composite (the whole lower line).")).toBeTruthy();
    const flags = within(card.getByRole("list", { name: "Red flags about this record" }));
    expect(flags.getAllByRole("listitem").map((li) => li.dataset.flagRule)).toEqual(["document.mrz_check_failed"]);
    expect(flags.getByRole("link").getAttribute("href")).toBe("#/cases/1/flags");
    expect(card.queryByRole("button", { name: /Correct/ })).toBeNull();
  });
});
