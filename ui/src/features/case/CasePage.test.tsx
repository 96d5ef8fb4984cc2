// The frame of a case: its sections are a tablist worked with the arrow keys (one Tab stop, the
// arrows show the next section without adding a history entry per key), and the page passes
// axe-core's checks.

import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import { useRoute } from "../../router";
import { expectAccessible } from "../../test/axe";
import { appInfo, caseDetail, caseFlags, caseRetention, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { CasePage } from "./CasePage";

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
});
