// The Verification tab against a mocked backend: a section per kind of record with what is
// recorded, the E-Verify prerequisites, a save that says which flags it raised and refreshes
// everything the case shows (the header's risk and the Flags & links tab read from there), and
// a closed case offering nothing to add.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import { caseDetail, caseFlags, entry, flag, user } from "../../test/fixtures";
import { emitBackendEvent } from "../../test/backend";
import { renderAs } from "../../test/render";
import { keys } from "../../keys";
import { documentView, everifyView, mrzReport, recorded, verification } from "./testing";
import { VerificationPanel } from "./VerificationPanel";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const DETAIL = caseDetail({ checklist: [entry("offer-accepted"), entry("form-i9-complete")] });

describe("VerificationPanel", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows every kind of record in its section, with the flags about each", async () => {
    b.caseVerification.mockResolvedValue(
      verification({
        documents: [documentView(1)],
        everify: [everifyView()],
        payments: [
          {
            id: 1,
            case_id: 1,
            recorded_by: "rita",
            recorded_at: "2026-11-02T09:30:00.000Z",
            bank_name: "First Example Bank",
            account_holder: null,
            routing_masked: "•••••0021",
            account_masked: "••••6789",
            account_hash: "ab".repeat(32),
            note: null,
          },
        ],
        flags: caseFlags([flag(5, { rule: "document.mrz_check_failed", subject: "document:1", title: "The document's machine-readable zone fails its checks" })]),
      }),
    );
    renderAs(user(), <VerificationPanel detail={DETAIL} />);
    const documents = within(await screen.findByRole("region", { name: "Identity documents 1" }));
    expect(documents.getByText("MRZ fails")).toBeTruthy();
    expect(documents.getByRole("link", { name: "The document's machine-readable zone fails its checks" })).toBeTruthy();
    const everify = within(screen.getByRole("region", { name: "E-Verify 1" }));
    expect(everify.getByText(/overdue by 3 working days/)).toBeTruthy();
    // With an E-Verify case on file, the prerequisites note has done its work.
    expect(everify.queryByTestId("everify-prerequisites")).toBeNull();
    const payments = within(screen.getByRole("region", { name: "Payment details 1" }));
    expect(payments.getByText("••••6789")).toBeTruthy();
    // The keyed hash is for comparing, never for showing.
    expect(document.body.textContent).not.toContain("abab");
    expect(within(screen.getByRole("region", { name: "References 0" })).getByText("No reference recorded yet.")).toBeTruthy();
  });

  it("says what E-Verify waits for before anything is recorded", async () => {
    b.caseVerification.mockResolvedValue(verification());
    renderAs(user(), <VerificationPanel detail={DETAIL} />);
    const note = await screen.findByTestId("everify-prerequisites");
    expect(note.textContent).toContain("E-Verify comes after the offer. Complete offer-accepted and form-i9-complete first");
    expect(within(note).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Title of offer-accepted (offer-accepted: pending)",
      "Title of form-i9-complete (form-i9-complete: pending)",
    ]);
  });

  it("records a document, says which flags the save raised, and refreshes what the case shows", async () => {
    const events = userEvent.setup();
    b.caseVerification.mockResolvedValue(verification());
    b.mrzCheck.mockResolvedValue({ outcome: "read", report: mrzReport(["birth_date"]) });
    b.apply.mockResolvedValue(recorded([{}, { rule: "document.fewer_than_two", severity: "medium", title: "Fewer than two independent identity documents" }]));
    const { client } = renderAs(user(), <VerificationPanel detail={DETAIL} />);
    // What the header and the Flags & links tab show, cached as they would be.
    client.setQueryData(keys.caseFlags(1), caseFlags([]));
    client.setQueryData(keys.cases, []);
    await events.click(await screen.findByRole("button", { name: "Record document…" }));
    const form = within(screen.getByRole("form", { name: "Record identity document" }));
    await events.type(form.getByLabelText("Issuing country (required)"), "UTO");
    await events.type(form.getByLabelText("Document number (required)"), "L898902C3");
    await events.type(form.getByLabelText("Holder name (required)"), "Anna Maria Eriksson");
    await events.click(form.getByRole("button", { name: "Record document" }));

    const saved = await screen.findByTestId("saved-note");
    expect(saved.textContent).toContain("Document recorded.");
    expect([...saved.querySelectorAll("[data-raised]")].map((e) => (e as HTMLElement).dataset.raised)).toEqual([
      "document.mrz_check_failed",
      "document.fewer_than_two",
    ]);
    expect(within(saved).getByRole("link").getAttribute("href")).toBe("#/cases/1/flags");
    expect(screen.queryByRole("form", { name: "Record identity document" })).toBeNull();
    // The save's change reaches the page as a store change, which marks the case stale: once,
    // from that one signal, not also from the save's answer.
    expect(client.getQueryState(keys.caseFlags(1))?.isInvalidated).toBe(false);
    emitBackendEvent("store-changed", {
      records: [{ id: 40, chain: { kind: "case", case_id: 1 }, kind: "record_document", actor: "rita" }],
      more: false,
    });
    expect(client.getQueryState(keys.caseFlags(1))?.isInvalidated).toBe(true);
    expect(client.getQueryState(keys.cases)?.isInvalidated).toBe(true);
    await vi.waitFor(() => expect(b.caseVerification).toHaveBeenCalledTimes(2));
  });

  it("offers nothing to add on a closed case", async () => {
    b.caseVerification.mockResolvedValue(verification({ documents: [documentView(1)] }));
    const closed = caseDetail({ case: { ...caseDetail().case, status: "closed" } });
    renderAs(user(), <VerificationPanel detail={closed} />);
    expect(await screen.findByText(/This case is closed/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Record|Add|Correct/ })).toBeNull();
  });
});
