// The checklist against a mocked backend: what it shows for each item, how results are
// recorded from the keyboard and the mouse, what it refuses before sending (as the store
// answered for each result of each item), and how a refusal of the store is shown next to the
// item.

import { act, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import type { ChecklistEntry } from "../../bindings/ChecklistEntry";
import type { ItemOptions } from "../../bindings/ItemOptions";
import type { ItemResult } from "../../bindings/ItemResult";
import type { User } from "../../bindings/User";
import { expectAccessible } from "../../test/axe";
import { appInfo, entry, evidence, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { recorded } from "../verification/testing";
import { UploadsProvider } from "../evidence/uploads";
import { Checklist, FIRST_PAINT_ITEMS } from "./Checklist";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const reviewer = user();
const compliance = user({ name: "cora", display_name: "Cora Compliance", role: "compliance" });

const ENTRIES: ChecklistEntry[] = [
  entry("reviewer-trained", { section_id: "preparation", section_title: "Preparation" }),
  entry("id-two-documents", {
    state: {
      item_id: "id-two-documents",
      result: "pass",
      note: "Passport and licence agree.",
      recorded_by: "rita",
      recorded_at: "2026-11-02T10:00:00.000Z",
      evidence: [7],
    },
  }),
  entry("e-verify", {
    phase_id: "onboarding",
    phase_title: "Onboarding",
    section_id: "eligibility",
    section_title: "Employment eligibility",
    item: {
      ...entry("e-verify").item,
      requires: ["offer-accepted", "form-i9-complete"],
      requires_reason: "E-Verify is run only after the offer is accepted.",
    },
    blocked_by: ["offer-accepted", "form-i9-complete"],
  }),
];

const RESULTS: ItemResult[] = ["pending", "pass", "fail", "not_applicable", "waived"];

/** What the store answers for each result of each item, given why it would refuse one. */
function options(refuse: (itemId: string, result: ItemResult) => string | null): ItemOptions[] {
  return ENTRIES.map((e) => ({
    item_id: e.item.id,
    options: RESULTS.map((result) => ({ result, refused: refuse(e.item.id, result), needs_note: result === "waived" })),
  }));
}

const BLOCKED =
  "e-verify cannot be recorded yet: offer-accepted (pending), form-i9-complete (pending) must pass first. E-Verify is run only after the offer is accepted.";
const claimsRun = (r: ItemResult) => r === "pass" || r === "fail" || r === "waived";
const AS_COMPLIANCE = options((id, r) => (id === "e-verify" && claimsRun(r) ? BLOCKED : null));
const AS_REVIEWER = options((id, r) =>
  id === "e-verify" && claimsRun(r) ? BLOCKED : r === "waived" ? "rita (reviewer) may not waive a checklist item" : null,
);

function renderChecklist(as: User = reviewer, entries = ENTRIES, closed = false, answer?: ItemOptions[]) {
  b.resultOptions.mockResolvedValue(answer ?? (as === compliance ? AS_COMPLIANCE : AS_REVIEWER));
  return renderAs(
    as,
    <UploadsProvider caseId={1}>
      <Checklist
        caseId={1}
        entries={entries}
        evidence={[evidence(7, { original_name: "passport.png" })]}
        closed={closed}
        basedOn={HEAD}
      />
    </UploadsProvider>,
  );
}

/** The case's chain head as the page read it: every result is sent made on it. */
const HEAD = "c0".repeat(32);

/** The one change the checklist sent last, checked to go to case 1 made on `HEAD`. */
function lastSent(): unknown {
  const call = b.applyAll.mock.calls.at(-1);
  if (!call) throw new Error("nothing was sent");
  expect(call[0]).toBe(1);
  expect(call[2]).toBe(HEAD);
  expect(call[1]).toHaveLength(1);
  return call[1][0];
}

function item(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-item="${id}"]`);
  if (!el) throw new Error(`no item ${id}`);
  return el;
}

describe("Checklist", () => {
  beforeEach(() => {
    b.appInfo.mockResolvedValue(appInfo());
    b.applyAll.mockResolvedValue([recorded()]);
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows items by phase and section with guidance, source, note and linked evidence", () => {
    renderChecklist();

    // Each phase heading says how many of the items that apply now are done.
    expect(screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual([
      "Pre-offer vetting 1 of 2 done",
      "Onboarding 0 of 1 done",
    ]);
    expect(screen.getAllByRole("heading", { level: 4 }).map((h) => h.textContent)).toEqual([
      "Preparation",
      "Identity documents",
      "Employment eligibility",
    ]);
    const docs = within(item("id-two-documents"));
    expect(docs.getByText("Pass", { selector: ".badge" })).toBeTruthy();
    expect(docs.getByText("Passport and licence agree.")).toBeTruthy();
    expect(docs.getByText(/Pass recorded by rita/)).toBeTruthy();
    expect(docs.getByText("How to check id-two-documents")).toBeTruthy();
    expect(docs.getByText("Source: NYDFS Industry Letter — Section for id-two-documents")).toBeTruthy();
    expect(docs.getByRole("list", { name: "Evidence for Title of id-two-documents" }).textContent).toContain("passport.png");
    expect(docs.getByRole("button", { name: "Pass" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("shows the due date of a dated post-hire item, and when it was missed", () => {
    const dated: ChecklistEntry[] = [
      entry("day-one-identity-match", {
        phase_id: "onboarding",
        phase_title: "Onboarding",
        due: { item_id: "day-one-identity-match", due_on: "2026-11-02", missed: true },
      }),
      entry("periodic-reverification", {
        phase_id: "post_hire",
        phase_title: "Post-hire monitoring",
        due: { item_id: "periodic-reverification", due_on: "2027-05-02", missed: false },
      }),
    ];
    renderChecklist(reviewer, dated, false, []);
    const dayOne = within(item("day-one-identity-match"));
    expect(dayOne.getByText(/^Missed: due /, { selector: ".badge" }).textContent).toContain("2026");
    expect(within(item("periodic-reverification")).getByText(/^Due /, { selector: ".badge" })).toBeTruthy();
    expect(within(item("periodic-reverification")).queryByText(/Missed/)).toBeNull();
  });

  it("moves with j/k and records results with p, f, n and u, keeping note and evidence; p, f and n go on to the next item", async () => {
    const events = userEvent.setup();
    renderChecklist();
    item("reviewer-trained").focus();

    await events.keyboard("p");
    expect(lastSent()).toEqual({
      type: "record_result",
      case_id: 1,
      item_id: "reviewer-trained",
      result: "pass",
      note: null,
      evidence: [],
    });
    // Done with that one: the next item has focus.
    expect(document.activeElement).toBe(item("id-two-documents"));
    await events.keyboard("f");
    expect(lastSent()).toEqual(
      expect.objectContaining({ item_id: "id-two-documents", result: "fail", note: "Passport and licence agree.", evidence: [7] }),
    );
    expect(document.activeElement).toBe(item("e-verify"));
    await events.keyboard("k");
    expect(document.activeElement).toBe(item("id-two-documents"));
    await events.keyboard("n");
    expect(lastSent()).toEqual(expect.objectContaining({ item_id: "id-two-documents", result: "not_applicable" }));
    await events.keyboard("k");
    // Reset stays on the item.
    await events.keyboard("u");
    expect(lastSent()).toEqual(expect.objectContaining({ item_id: "id-two-documents", result: "pending" }));
    expect(document.activeElement).toBe(item("id-two-documents"));

    await events.keyboard("k");
    expect(document.activeElement).toBe(item("reviewer-trained"));
    await events.keyboard("{End}");
    expect(document.activeElement).toBe(item("e-verify"));
    // Only the focused item is in the tab order.
    expect(item("e-verify").tabIndex).toBe(0);
    expect(item("reviewer-trained").tabIndex).toBe(-1);
    // A result refused beforehand does not move on.
    await events.keyboard("p");
    expect(document.activeElement).toBe(item("e-verify"));
  });

  it("keeps one item in the Tab order, with its buttons and guidance; the others' stay out", async () => {
    const events = userEvent.setup();
    const { container } = renderChecklist();
    await waitFor(() => expect(within(item("reviewer-trained")).getByRole("button", { name: "Waive" }).hasAttribute("disabled")).toBe(true));
    const tabbable = () =>
      [...container.querySelectorAll<HTMLElement>("button, summary, [tabindex]")]
        .filter((el) => el.tabIndex >= 0 && !el.matches(":disabled"))
        .map((el) => `${el.closest("[data-item]")?.getAttribute("data-item")}:${el.textContent}`);
    // Besides the one item, only the phases' fold buttons and a section's "not applicable".
    expect(tabbable()).toEqual([
      "undefined:Pre-offer vetting 1 of 2 done",
      "undefined:Not applicable…",
      "reviewer-trained:Title of reviewer-trainedPendingPassFailNot applicableWaiveAdd noteAttach fileGuidance and sourceHow to check reviewer-trainedSource: NYDFS Industry Letter — Section for reviewer-trained",
      "reviewer-trained:Pass",
      "reviewer-trained:Fail",
      "reviewer-trained:Not applicable",
      "reviewer-trained:Add note",
      "reviewer-trained:Attach file",
      "reviewer-trained:Guidance and source",
      "undefined:Onboarding 0 of 1 done",
      "undefined:Not applicable…",
    ]);
    // Tab from the item reaches its buttons; focusing a button makes its item the active one.
    item("reviewer-trained").focus();
    await events.tab();
    expect(document.activeElement?.textContent).toBe("Pass");
    within(item("id-two-documents")).getByRole("button", { name: "Fail" }).focus();
    await waitFor(() => expect(item("id-two-documents").tabIndex).toBe(0));
    expect(item("reviewer-trained").tabIndex).toBe(-1);
    await expectAccessible(container);
  });

  it("writes out why a result is not offered: once for every item, and per item", async () => {
    renderChecklist(reviewer, ENTRIES, false, options((id, r) => (r === "waived" ? "rita (reviewer) may not waive a checklist item" : id === "id-two-documents" && r === "fail" ? "a failed document needs its evidence" : null)));
    const common = await screen.findByText(/not offered: rita \(reviewer\) may not waive a checklist item/);
    expect(common.closest("li")?.textContent).toBe("Waive not offered: rita (reviewer) may not waive a checklist item");
    expect(within(item("reviewer-trained")).getByRole("button", { name: "Waive" }).getAttribute("aria-describedby")).toBe("checklist-refusals");
    expect(within(item("id-two-documents")).getByText(/Fail not offered: a failed document needs its evidence/)).toBeTruthy();
    expect(within(item("reviewer-trained")).queryByText(/not offered/)).toBeNull();
  });

  it("refuses a result whose prerequisites have not passed, saying which, without sending it", async () => {
    const events = userEvent.setup();
    renderChecklist();
    const verify = within(item("e-verify"));

    await waitFor(() => expect(verify.getByRole("button", { name: "Pass" }).hasAttribute("disabled")).toBe(true));
    expect(verify.getByRole("button", { name: "Pass" }).getAttribute("title")).toBe(BLOCKED);
    expect(b.resultOptions).toHaveBeenCalledWith(1);
    expect(verify.getByText(/Waiting for offer-accepted and form-i9-complete to pass/)).toBeTruthy();
    // Not applicable does not claim the check was run, so it stays possible.
    expect(verify.getByRole("button", { name: "Not applicable" }).hasAttribute("disabled")).toBe(false);

    item("e-verify").focus();
    await events.keyboard("p");
    expect(b.applyAll).not.toHaveBeenCalled();
    expect(verify.getByRole("alert").textContent).toContain("offer-accepted (pending), form-i9-complete (pending) must pass first");
  });

  it("lets only compliance and admins waive, as the store answers", async () => {
    renderChecklist(reviewer);
    const waive = within(item("reviewer-trained")).getByRole("button", { name: "Waive" });
    await waitFor(() => expect(waive.hasAttribute("disabled")).toBe(true));
    expect(waive.getAttribute("title")).toBe("rita (reviewer) may not waive a checklist item");
  });

  it("waives with a reason given in the note editor", async () => {
    const events = userEvent.setup();
    renderChecklist(compliance);
    item("reviewer-trained").focus();

    await events.keyboard("w");
    expect(b.applyAll).not.toHaveBeenCalled();
    const editor = within(item("reviewer-trained"));
    const reason = editor.getByLabelText("Reason for the waiver (required)");
    expect(document.activeElement).toBe(reason);
    await events.click(editor.getByRole("button", { name: "Save" }));
    expect(editor.getByRole("alert").textContent).toContain("A waiver needs its reason");
    expect(b.applyAll).not.toHaveBeenCalled();

    await events.type(reason, "Training is scheduled for next week; risk accepted.");
    await events.keyboard("{Control>}{Enter}{/Control}");
    expect(lastSent()).toEqual(
      expect.objectContaining({
        item_id: "reviewer-trained",
        result: "waived",
        note: "Training is scheduled for next week; risk accepted.",
        type: "record_result",
      }),
    );
    await waitFor(() => expect(editor.queryByLabelText(/Reason for the waiver/)).toBeNull());
    expect(document.activeElement).toBe(item("reviewer-trained"));
  });

  it("edits the note and the evidence a result rests on with Enter, and Escape cancels", async () => {
    const events = userEvent.setup();
    renderChecklist();
    item("reviewer-trained").focus();

    await events.keyboard("{Enter}");
    const editor = within(item("reviewer-trained"));
    await events.type(editor.getByLabelText("Note"), "Certificate dated 2026-06-01.");
    await events.keyboard("{Escape}");
    expect(editor.queryByLabelText("Note")).toBeNull();
    expect(b.applyAll).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(item("reviewer-trained"));

    await events.keyboard("{Enter}");
    await events.type(editor.getByLabelText("Note"), "Certificate dated 2026-06-01.");
    await events.click(editor.getByRole("checkbox", { name: /passport\.png/ }));
    await events.click(editor.getByRole("button", { name: "Save" }));
    expect(lastSent()).toEqual(
      expect.objectContaining({
        item_id: "reviewer-trained",
        result: "pending",
        note: "Certificate dated 2026-06-01.",
        evidence: [7],
      }),
    );
  });

  it("shows a refusal of the store next to the item, with what to do next", async () => {
    const events = userEvent.setup();
    b.applyAll.mockRejectedValue(
      new BackendFailure({
        code: "conflict",
        message: "id-two-documents cannot change to fail: the recorded result of e-verify (pass) rests on it",
      }),
    );
    renderChecklist();
    await events.click(within(item("id-two-documents")).getByRole("button", { name: "Fail" }));

    const alert = await within(item("id-two-documents")).findByRole("alert");
    expect(alert.textContent).toContain("Not recorded");
    expect(alert.textContent).toContain("the recorded result of e-verify (pass) rests on it");
    expect(alert.textContent).toContain("Check it and try again");
    // Only that item says so.
    expect(within(item("reviewer-trained")).queryByRole("alert")).toBeNull();
  });

  it("offers nothing to record on a closed case", async () => {
    const closed = options(() => "case 1 is closed; a compliance officer must reopen it (status in_review) first");
    renderChecklist(compliance, ENTRIES, true, closed);
    await waitFor(() => expect(within(item("reviewer-trained")).getByRole("button", { name: "Pass" }).hasAttribute("disabled")).toBe(true));
    for (const button of within(item("reviewer-trained")).getAllByRole("button")) {
      expect(button.hasAttribute("disabled"), button.textContent ?? "").toBe(true);
    }
    expect(within(item("reviewer-trained")).queryByRole("button", { name: "Attach file" })).toBeNull();
  });
  it("marks a section's pending items not applicable with one reason, in one write", async () => {
    const events = userEvent.setup();
    const section: ChecklistEntry[] = [
      entry("vendor-audit", { section_id: "vendor", section_title: "Staffing vendor" }),
      entry("vendor-attestation", { section_id: "vendor", section_title: "Staffing vendor" }),
      entry("vendor-contract", {
        section_id: "vendor",
        section_title: "Staffing vendor",
        state: { ...entry("vendor-contract").state, result: "pass" },
      }),
    ];
    b.applyAll.mockResolvedValue([recorded(), recorded()]);
    renderChecklist(reviewer, section, false, []);
    await events.click(await screen.findByRole("button", { name: "Mark Staffing vendor not applicable" }));
    const confirm = screen.getByRole("button", { name: "Mark 2 pending items not applicable" });
    await events.click(confirm);
    expect(b.applyAll).not.toHaveBeenCalled();
    expect(screen.getByText("Say why: the reason is kept with each item.")).toBeTruthy();
    await events.type(screen.getByLabelText("Why the section does not apply (required)"), "Direct hire: no vendor");
    await events.click(confirm);
    await waitFor(() => expect(b.applyAll).toHaveBeenCalledTimes(1));
    expect(b.applyAll).toHaveBeenCalledWith(1, [
      { type: "record_result", case_id: 1, item_id: "vendor-audit", result: "not_applicable", note: "Direct hire: no vendor", evidence: [] },
      { type: "record_result", case_id: 1, item_id: "vendor-attestation", result: "not_applicable", note: "Direct hire: no vendor", evidence: [] },
    ], HEAD);
  });

  it("offers no section-wide not applicable where no pending item may take it", async () => {
    const refuse = options((_, r) => (r === "not_applicable" ? "rita (reviewer) may not change a failed item" : null));
    renderChecklist(reviewer, ENTRIES, false, refuse);
    await waitFor(() => expect(b.resultOptions).toHaveBeenCalled());
    await screen.findAllByRole("button", { name: "Pass" });
    expect(screen.queryByRole("button", { name: /not applicable$/ })).toBeNull();
  });

  describe("filter and folded phases", () => {
    // Two phases reached, one not: a pending item, a failed one, a pass, and two that do not
    // apply now (the post-hire phase).
    const MIXED: ChecklistEntry[] = [
      entry("reviewer-trained", { section_id: "preparation", section_title: "Preparation" }),
      entry("id-two-documents", { state: { ...entry("id-two-documents").state, result: "fail" } }),
      entry("id-document-authenticity", { state: { ...entry("id-document-authenticity").state, result: "pass" } }),
      entry("application-consistency", { state: { ...entry("application-consistency").state, result: "fail" } }),
      entry("video-id-match"),
      entry("e-verify", { phase_id: "post_hire", phase_title: "Post-hire", section_id: "eligibility", section_title: "Eligibility", applicable: false }),
      entry("access-review", { phase_id: "post_hire", phase_title: "Post-hire", section_id: "eligibility", section_title: "Eligibility", applicable: false }),
    ];
    const shown = () => [...document.querySelectorAll<HTMLElement>("[data-item]")].map((el) => el.dataset.item);
    const toggle = (phase: string) => screen.getByRole("button", { name: new RegExp(`^${phase}`) });
    const renderMixed = () => renderChecklist(reviewer, MIXED, false, []);

    it("shows only the items a filter keeps, with the right counts", async () => {
      const events = userEvent.setup();
      const { container } = renderMixed();
      const radios = screen.getAllByRole("radio");
      expect(radios.map((r) => r.closest("label")?.textContent)).toEqual(["All 7", "To do 2", "Failed 2", "Does not apply now 2"]);
      expect(screen.getByRole("radio", { name: /^All/ })).toHaveProperty("checked", true);
      // The post-hire phase is not reached: folded, its items not shown.
      expect(shown()).toEqual(["reviewer-trained", "id-two-documents", "id-document-authenticity", "application-consistency", "video-id-match"]);

      await events.click(screen.getByRole("radio", { name: /^To do/ }));
      expect(shown()).toEqual(["reviewer-trained", "video-id-match"]);
      await events.click(screen.getByRole("radio", { name: /^Failed/ }));
      expect(shown()).toEqual(["id-two-documents", "application-consistency"]);
      // Only the phases with something to show are left.
      expect(screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual(["Pre-offer vetting 3 of 5 done"]);
      // Native radio buttons in one group: one Tab stop, arrow keys move the choice.
      expect(new Set(radios.map((r) => r.getAttribute("name")))).toEqual(new Set(["checklist-filter-1"]));
      await events.click(screen.getByRole("radio", { name: /^Does not apply now/ }));
      // Their phase is folded: open it to see them.
      expect(shown()).toEqual([]);
      await events.click(toggle("Post-hire"));
      expect(shown()).toEqual(["e-verify", "access-review"]);
      await expectAccessible(container);
    });

    it("says when nothing is left under the filter, and shows all again", async () => {
      const events = userEvent.setup();
      renderChecklist(reviewer, ENTRIES.slice(1, 2), false, []);
      await events.click(screen.getByRole("radio", { name: /^Failed/ }));
      expect(shown()).toEqual([]);
      expect(screen.getByRole("status").textContent).toContain("No item has failed.");
      await events.click(screen.getByRole("button", { name: "Show all items" }));
      expect(shown()).toEqual(["id-two-documents"]);
      expect(screen.getByRole("radio", { name: /^All/ })).toHaveProperty("checked", true);
    });

    it("keeps the filter and the folds of the case for the session", async () => {
      const events = userEvent.setup();
      const first = renderMixed();
      await events.click(screen.getByRole("radio", { name: /^Failed/ }));
      await events.click(toggle("Pre-offer vetting"));
      first.unmount();

      renderMixed();
      expect(screen.getByRole("radio", { name: /^Failed/ })).toHaveProperty("checked", true);
      expect(toggle("Pre-offer vetting").getAttribute("aria-expanded")).toBe("false");
      expect(shown()).toEqual([]);
    });

    it("folds a phase away, saying so with aria-expanded; a phase not reached starts folded", async () => {
      const events = userEvent.setup();
      renderMixed();
      const pre = toggle("Pre-offer vetting");
      expect(pre.getAttribute("aria-expanded")).toBe("true");
      const items = document.getElementById(pre.getAttribute("aria-controls") ?? "");
      expect(items?.contains(item("reviewer-trained"))).toBe(true);

      await events.click(pre);
      expect(pre.getAttribute("aria-expanded")).toBe("false");
      expect(items?.hidden).toBe(true);
      expect(document.querySelector('[data-item="reviewer-trained"]')).toBeNull();

      const post = toggle("Post-hire");
      expect(post.textContent).toBe("Post-hire not reached");
      expect(post.getAttribute("aria-expanded")).toBe("false");
      expect(document.querySelector('[data-item="e-verify"]')).toBeNull();
      await events.click(post);
      expect(post.getAttribute("aria-expanded")).toBe("true");
      expect(shown()).toEqual(["e-verify", "access-review"]);
    });

    it("moves the keyboard among the items shown only", async () => {
      const events = userEvent.setup();
      renderMixed();
      await events.click(screen.getByRole("radio", { name: /^Failed/ }));
      // The first item shown is the one in the Tab order.
      expect(item("id-two-documents").tabIndex).toBe(0);
      item("id-two-documents").focus();
      await events.keyboard("j");
      expect(document.activeElement).toBe(item("application-consistency"));
      // p on the last item shown stays there: the pending items after it are hidden.
      await events.keyboard("p");
      expect(lastSent()).toEqual(expect.objectContaining({ item_id: "application-consistency", result: "pass" }));
      expect(document.activeElement).toBe(item("application-consistency"));
      await events.keyboard("k");
      await events.keyboard("p");
      expect(document.activeElement).toBe(item("application-consistency"));
    });

    it("keeps the keyboard going when the item worked leaves the filter", async () => {
      const events = userEvent.setup();
      // The entries as the case page passes them, refetched after a result is recorded.
      let setEntries: (entries: ChecklistEntry[]) => void = () => {};
      function Live() {
        const [entries, set] = useState(MIXED);
        setEntries = set;
        return (
          <UploadsProvider caseId={1}>
            <Checklist caseId={1} entries={entries} evidence={[]} closed={false} />
          </UploadsProvider>
        );
      }
      b.resultOptions.mockResolvedValue([]);
      renderAs(reviewer, <Live />);
      await events.click(screen.getByRole("radio", { name: /^To do/ }));
      item("video-id-match").focus();
      await events.keyboard("p");
      expect(document.activeElement).toBe(item("video-id-match"));
      // The store recorded it: it is no longer to do, and leaves the list.
      const passed = MIXED.map((e) =>
        e.item.id === "video-id-match" ? { ...e, state: { ...e.state, result: "pass" as const } } : e,
      );
      act(() => setEntries(passed));
      expect(shown()).toEqual(["reviewer-trained"]);
      await waitFor(() => expect(document.activeElement).toBe(item("reviewer-trained")));
      expect(item("reviewer-trained").tabIndex).toBe(0);
    });
  });

  describe("a long checklist and its file chooser", () => {
    const LONG = Array.from({ length: 30 }, (_, i) => entry(`item-${String(i).padStart(2, "0")}`));

    it("shows every item (a screenful first, the rest right after), and the keyboard reaches the last", async () => {
      const events = userEvent.setup();
      renderChecklist(reviewer, LONG, false, []);
      await waitFor(() => expect(document.querySelectorAll(".check-item")).toHaveLength(LONG.length));
      expect(LONG.length).toBeGreaterThan(FIRST_PAINT_ITEMS);
      expect([...document.querySelectorAll<HTMLElement>(".check-item")].map((e) => e.dataset.item)).toEqual(
        LONG.map((e) => e.item.id),
      );
      item("item-00").focus();
      await events.keyboard("{End}");
      expect(document.activeElement).toBe(item("item-29"));
      await events.keyboard("k");
      expect(document.activeElement).toBe(item("item-28"));
    });

    it("attaches files to the item whose Attach file or e was used, through one file chooser", async () => {
      const events = userEvent.setup();
      b.uploadEvidence.mockImplementation(async (file) => evidence(9, { original_name: file.name }));
      const { container } = renderChecklist();
      const choosers = container.querySelectorAll<HTMLInputElement>("input[type=file]");
      expect(choosers).toHaveLength(1);
      const chooser = choosers[0]!;
      const opened = vi.spyOn(chooser, "click");

      await events.click(within(item("reviewer-trained")).getByRole("button", { name: "Attach file" }));
      expect(opened).toHaveBeenCalledTimes(1);
      expect(chooser.getAttribute("aria-label")).toBe("Attach files to Title of reviewer-trained");
      await events.upload(chooser, new File(["a"], "training.pdf", { type: "application/pdf" }));
      await waitFor(() => expect(b.uploadEvidence).toHaveBeenCalledTimes(1));
      expect(b.uploadEvidence.mock.calls[0]?.[1]).toEqual({ case_id: 1, item_id: "reviewer-trained", description: null });

      // From the keyboard: e on the item being worked.
      opened.mockClear();
      item("id-two-documents").focus();
      await events.keyboard("e");
      expect(opened).toHaveBeenCalledTimes(1);
      expect(chooser.getAttribute("aria-label")).toBe("Attach files to Title of id-two-documents");
      await events.upload(chooser, new File(["b"], "licence.png", { type: "image/png" }));
      await waitFor(() => expect(b.uploadEvidence).toHaveBeenCalledTimes(2));
      expect(b.uploadEvidence.mock.calls[1]?.[1]).toEqual({ case_id: 1, item_id: "id-two-documents", description: null });
    });
  });
});
