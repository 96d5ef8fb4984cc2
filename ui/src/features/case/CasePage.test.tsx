// The frame of a case: its sections are a tablist worked with the arrow keys (one Tab stop, the
// arrows show the next section without adding a history entry per key), and the page passes
// axe-core's checks.

import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { useRoute } from "../../router";
import { expectAccessible } from "../../test/axe";
import { appInfo, caseDetail, caseFlags, caseRetention, entry, user } from "../../test/fixtures";
import { renderAs, testQueryClient } from "../../test/render";
import { keys } from "../../keys";
import { recorded } from "../verification/testing";
import { CasePage } from "./CasePage";
import { useCasePrefetch } from "./queries";

vi.mock("../../backend", async (importOriginal) => (await import("../../test/backend")).mockBackendModule(importOriginal));

const b = vi.mocked(backend);
const rita = user();

/** The case page for the route, as the shell renders it. */
function Routed() {
  const route = useRoute();
  return route.name === "case" ? <CasePage caseId={route.caseId} tab={route.tab} /> : null;
}

describe("CasePage", () => {
  beforeEach(() => {
    b.appInfo.mockResolvedValue(appInfo());
    b.caseGet.mockResolvedValue(caseDetail());
    b.caseRetention.mockResolvedValue(caseRetention());
    b.caseFlags.mockResolvedValue(caseFlags([]));
    b.resultOptions.mockResolvedValue([]);
    b.users.mockResolvedValue([rita]);
    b.exportFolder.mockResolvedValue({ folder: "/home/rita/Documents/Vetdesk exports" });
    b.caseAudit.mockResolvedValue([]);
    window.location.hash = "#/cases/1";
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows the sections as a tablist: one Tab stop, arrows move and show, the panel is labelled", async () => {
    const { container } = renderAs(rita, <Routed />);
    const tablist = await screen.findByRole("tablist", { name: "Case sections" });
    const tabs = screen.getAllByRole("tab");
    expect(tabs.map((t) => t.textContent)).toEqual([
      "Checklist",
      "Verification",
      "Flags & links 0",
      "Evidence 0",
      "Notes 0",
      "Audit trail 1",
      "Details",
    ]);
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1, -1, -1, -1, -1]);
    expect(screen.getByRole("tab", { name: "Checklist" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("tab-checklist");
    await screen.findByRole("heading", { name: "Checklist" });
    await expectAccessible(container);

    const entries = window.history.length;
    act(() => screen.getByRole("tab", { name: "Checklist" }).focus());
    await userEvent.keyboard("{ArrowLeft}");
    await waitFor(() => expect(window.location.hash).toBe("#/cases/1/details"));
    expect(document.activeElement?.getAttribute("data-tab")).toBe("details");
    expect(screen.getByRole("tab", { name: "Details" }).getAttribute("aria-selected")).toBe("true");
    await userEvent.keyboard("{Home}{ArrowRight}");
    await waitFor(() => expect(window.location.hash).toBe("#/cases/1/verification"));
    expect(document.activeElement?.getAttribute("data-tab")).toBe("verification");
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("tab-verification");
    // Moving along the tabs replaced the entry instead of adding one per key.
    expect(window.history.length).toBe(entries);
    expect(tablist.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
  });
  it("mounts a tab's content the first time it is shown, and keeps it (and what was being done there) after", async () => {
    const events = userEvent.setup();
    b.caseGet.mockResolvedValue(caseDetail({ checklist: [entry("reviewer-trained")] }));
    renderAs(rita, <Routed />);
    const item = () => document.querySelector<HTMLElement>('[data-item="reviewer-trained"]')!;
    await waitFor(() => expect(item()).toBeTruthy());
    // Only the checklist is there: the audit trail is neither mounted nor read.
    expect([...document.querySelectorAll<HTMLElement>("[data-tab-panel]")].map((p) => p.dataset.tabPanel)).toEqual(["checklist"]);
    expect(b.caseAudit).not.toHaveBeenCalled();

    // A note half written on an item…
    await events.click(within(item()).getByRole("button", { name: "Add note" }));
    await events.type(within(item()).getByLabelText("Note"), "half a thought");

    // …then the audit trail: mounted and read now; the checklist hidden, not gone.
    act(() => {
      window.location.hash = "#/cases/1/audit";
    });
    await screen.findByRole("heading", { name: "Audit trail" });
    expect(b.caseAudit).toHaveBeenCalledTimes(1);
    const panel = (tab: string) => document.querySelector<HTMLElement>(`[data-tab-panel="${tab}"]`)!;
    expect(panel("checklist").hidden).toBe(true);
    expect(panel("audit").hidden).toBe(false);
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("tab-audit");

    // Back on the checklist, the note is as it was left; the audit trail stays, hidden.
    act(() => {
      window.location.hash = "#/cases/1";
    });
    await waitFor(() => expect(panel("checklist").hidden).toBe(false));
    expect(within(item()).getByLabelText<HTMLTextAreaElement>("Note").value).toBe("half a thought");
    expect(panel("audit").hidden).toBe(true);
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe("tab-checklist");
  });

  it("opens a case read beforehand (a row pointed at or clicked) without reading it again", async () => {
    const client = testQueryClient();
    function Row() {
      const prefetch = useCasePrefetch();
      return (
        <div {...prefetch}>
          <span data-case="1">case 1</span>
          <span data-case="2">case 2</span>
        </div>
      );
    }
    const view = renderAs(rita, <Row />, null, client);
    // Passing over a row reads nothing at once; resting on it reads it.
    fireEvent.mouseOver(screen.getByText("case 2"));
    expect(b.caseGet).not.toHaveBeenCalled();
    await waitFor(() => expect(b.caseGet).toHaveBeenCalledWith(2));
    // A click reads its case at once, before the page changes.
    fireEvent.click(screen.getByText("case 1"));
    expect(b.caseGet).toHaveBeenCalledWith(1);
    expect(b.resultOptions).toHaveBeenCalledWith(1);
    expect(b.caseFlags).toHaveBeenCalledWith(1);
    await waitFor(() => expect(client.getQueryState(keys.caseDetail(1))?.status).toBe("success"));
    view.unmount();

    renderAs(rita, <Routed />, null, client);
    await screen.findByRole("heading", { name: "Checklist" });
    expect(b.caseGet.mock.calls.filter(([id]) => id === 1)).toHaveLength(1);
    expect(b.resultOptions.mock.calls.filter(([id]) => id === 1)).toHaveLength(1);
    expect(b.caseFlags.mock.calls.filter(([id]) => id === 1)).toHaveLength(1);
  });

  describe("two people on one case", () => {
    const READ = "a".repeat(64);
    const AFTER_IVAN = "b".repeat(64);
    const pending = entry("video-id-match");
    const ivansFail = entry("video-id-match", {
      state: { ...pending.state, result: "fail", recorded_by: "ivan", recorded_at: "2026-12-06T10:31:02.113Z" },
    });

    it("sends a result made on the case it shows; over someone else's newer result it reads the case again and says who and when", async () => {
      const events = userEvent.setup();
      b.caseGet
        .mockResolvedValueOnce(caseDetail({ checklist: [pending], chain_head: READ }))
        .mockResolvedValue(caseDetail({ checklist: [ivansFail], chain_head: AFTER_IVAN }));
      b.applyAll
        .mockRejectedValueOnce(
          new BackendFailure({
            code: "stale",
            message: "checklist item video-id-match of case 1 was changed by ivan at 2026-12-06T10:31:02.113Z, reload",
          }),
        )
        .mockResolvedValue([recorded()]);
      renderAs(rita, <Routed />);
      await screen.findByRole("heading", { name: "Checklist" });
      const item = () => document.querySelector<HTMLElement>('[data-item="video-id-match"]')!;
      await waitFor(() => expect(item()).toBeTruthy());
      await events.click(within(item()).getByRole("button", { name: "Pass" }));

      expect(b.applyAll).toHaveBeenCalledWith(1, [expect.objectContaining({ item_id: "video-id-match", result: "pass" })], READ);
      const alert = await within(item()).findByRole("alert");
      expect(alert.textContent).toContain("changed by ivan at 2026-12-06T10:31:02.113Z, reload");
      expect(alert.textContent).toContain("The case was read again and now shows their change");
      // Read again: the page shows Ivan's result, and a result made now rests on what it shows.
      await waitFor(() => expect(b.caseGet).toHaveBeenCalledTimes(2));
      await waitFor(() => expect(within(item()).getByText(/recorded by ivan/)).toBeTruthy());
      expect(within(item()).getByRole("alert").textContent).toContain("changed by ivan");
      await events.click(within(item()).getByRole("button", { name: "Pass" }));
      await waitFor(() => expect(b.applyAll).toHaveBeenCalledTimes(2));
      expect(b.applyAll.mock.calls[1]?.[2]).toBe(AFTER_IVAN);
    });

    it("refuses a priority made on an outdated case, reads it again and says so in the header", async () => {
      const events = userEvent.setup();
      b.caseGet
        .mockResolvedValueOnce(caseDetail({ chain_head: READ }))
        .mockResolvedValue(caseDetail({ chain_head: AFTER_IVAN }));
      b.applyAll.mockRejectedValueOnce(
        new BackendFailure({ code: "stale", message: "the priority of case 1 was changed by ivan at 2026-12-06T10:31:02.113Z, reload" }),
      );
      renderAs(rita, <Routed />);
      await events.selectOptions(await screen.findByLabelText("Priority"), "high");
      expect(b.applyAll).toHaveBeenCalledWith(1, [{ type: "set_priority", case_id: 1, priority: "high" }], READ);
      const alert = await screen.findByRole("alert");
      expect(alert.textContent).toContain("The case was not changed");
      expect(alert.textContent).toContain("the priority of case 1 was changed by ivan");
      await waitFor(() => expect(b.caseGet).toHaveBeenCalledTimes(2));
    });
  });
});
