// The queue as a reviewer meets it: opening on their own active cases, keeping its filters for
// the session, saved views, rows worked from the keyboard, and bulk assignment through one
// change per case.

import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { expectAccessible } from "../../test/axe";
import { caseSummary, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { recorded } from "../verification/testing";
import { QueuePage } from "./QueuePage";

vi.mock("../../backend", async (importOriginal) => (await import("../../test/backend")).mockBackendModule(importOriginal));

const b = vi.mocked(backend);
const rita = user({ name: "rita", display_name: "Rita Reviewer" });
const ivan = user({ id: 3, name: "ivan", display_name: "Ivan Investigator", role: "investigator" });

const CASES = [
  caseSummary(1, { candidate_name: "Émile Zola", status: "open", assignee: "rita" }),
  caseSummary(2, { candidate_name: "Anna Berg", status: "in_review", assignee: "rita", vendor_id: 3, vendor_name: "Acme Staffing Partners International" }),
  caseSummary(3, { candidate_name: "Bo Chen", status: "decided", decision: "cleared", assignee: "rita" }),
  caseSummary(4, { candidate_name: "Carla Diaz", status: "escalated", assignee: "ivan" }),
  caseSummary(5, { candidate_name: "Dev Patel", status: "open", assignee: null }),
];

const names = () => [...document.querySelectorAll(".queue-body .queue-name")].map((a) => a.textContent);

// A ceiling for a busy machine, not a speed check.
describe("QueuePage", { timeout: 20_000 }, () => {
  beforeEach(() => {
    // jsdom lays nothing out: give the scroll box the size of a window, so that the
    // virtualised list renders its rows.
    vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(600);
    vi.spyOn(Element.prototype, "clientWidth", "get").mockReturnValue(1000);
    window.sessionStorage.clear();
    window.localStorage.clear();
    window.location.hash = "#/queue";
    b.cases.mockResolvedValue(CASES);
    b.vendors.mockResolvedValue([]);
    b.users.mockResolvedValue([rita, ivan]);
    b.search.mockResolvedValue([]);
  });
  afterEach(() => {
    vi.resetAllMocks();
    vi.restoreAllMocks();
  });

  it("opens on my active cases: assigned to me and not decided", async () => {
    const { container } = renderAs(rita, <QueuePage />);
    await waitFor(() => expect(names()).toEqual(["Anna Berg", "Émile Zola"]));
    expect((screen.getByLabelText("View") as HTMLSelectElement).selectedOptions[0]?.textContent).toBe("My active cases");
    expect(screen.getByText("2 of 5 cases")).toBeTruthy();
    await expectAccessible(container);
  });

  it("keeps its filters, sort and search for the session, per user", async () => {
    const first = renderAs(rita, <QueuePage />);
    await waitFor(() => expect(names()).toHaveLength(2));
    await userEvent.selectOptions(screen.getByLabelText("View"), "All cases");
    await waitFor(() => expect(names()).toHaveLength(5));
    await userEvent.click(screen.getByRole("button", { name: "Candidate" }));
    await userEvent.click(screen.getByLabelText("With red flags"));
    await userEvent.click(screen.getByLabelText("With red flags"));
    expect(names()).toEqual(["Anna Berg", "Bo Chen", "Carla Diaz", "Dev Patel", "Émile Zola"]);
    first.unmount();

    // Back from a case (the page is mounted again): as it was left.
    renderAs(rita, <QueuePage />);
    await waitFor(() => expect(names()).toEqual(["Anna Berg", "Bo Chen", "Carla Diaz", "Dev Patel", "Émile Zola"]));
    expect(screen.getByRole("columnheader", { name: /Candidate/ }).getAttribute("aria-sort")).toBe("ascending");
    expect((screen.getByLabelText("Status") as HTMLSelectElement).value).toBe("");
  });

  it("another user starts on their own active cases", async () => {
    window.sessionStorage.setItem("vetdesk.queue:rita", JSON.stringify({ filter: { nonsense: true }, query: 3 }));
    renderAs(ivan, <QueuePage />);
    await waitFor(() => expect(names()).toEqual(["Carla Diaz"]));
  });

  it("saves the current filters as a named view, applies it again and deletes it", async () => {
    renderAs(rita, <QueuePage />);
    await waitFor(() => expect(names()).toHaveLength(2));
    await userEvent.selectOptions(screen.getByLabelText("Assignee"), "Unassigned");
    await userEvent.selectOptions(screen.getByLabelText("Status"), "");
    await waitFor(() => expect(names()).toEqual(["Dev Patel"]));
    expect((screen.getByLabelText("View") as HTMLSelectElement).value).toBe("");

    await userEvent.click(screen.getByRole("button", { name: "Save as view…" }));
    await userEvent.click(screen.getByRole("button", { name: "Save view" }));
    expect(screen.getByRole("alert").textContent).toBe("Enter a name for the view.");
    await userEvent.type(screen.getByLabelText("Name"), "All cases");
    await userEvent.click(screen.getByRole("button", { name: "Save view" }));
    expect(screen.getByRole("alert").textContent).toContain("is a built-in view");
    await userEvent.clear(screen.getByLabelText("Name"));
    await userEvent.type(screen.getByLabelText("Name"), "Nobody's{Enter}");
    expect((screen.getByLabelText("View") as HTMLSelectElement).selectedOptions[0]?.textContent).toBe("Nobody's");
    const kept = JSON.parse(window.localStorage.getItem("vetdesk.queue-views:rita") ?? "[]");
    expect(kept).toEqual([{ name: "Nobody's", filter: expect.objectContaining({ assignee: "\u0000none", status: "" }), query: "" }]);

    await userEvent.selectOptions(screen.getByLabelText("View"), "My active cases");
    await waitFor(() => expect(names()).toHaveLength(2));
    await userEvent.selectOptions(screen.getByLabelText("View"), "Nobody's");
    await waitFor(() => expect(names()).toEqual(["Dev Patel"]));
    await userEvent.click(screen.getByRole("button", { name: "Delete view “Nobody's”" }));
    expect(within(screen.getByLabelText("View")).queryByText("Nobody's")).toBeNull();
    expect(JSON.parse(window.localStorage.getItem("vetdesk.queue-views:rita") ?? "null")).toEqual([]);
  });

  it("rows are grid rows: one Tab stop, arrows move, Space selects, Enter opens", async () => {
    renderAs(rita, <QueuePage />);
    await userEvent.selectOptions(await screen.findByLabelText("View"), "All cases");
    await waitFor(() => expect(names()).toHaveLength(5));
    const grid = screen.getByRole("grid", { name: "Cases" });
    const rows = within(grid).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    expect(rows[0]?.getAttribute("aria-label")).toBe("Case 5, Dev Patel, Open");
    // The decision alone in the status column, the whole status in its title.
    expect(within(rows[2] as HTMLElement).getByTitle("Decided: Cleared").textContent).toBe("Cleared");

    act(() => rows[0]?.focus());
    await userEvent.keyboard("{ArrowDown}");
    await waitFor(() => expect(document.activeElement?.getAttribute("data-case")).toBe("4"));
    await userEvent.keyboard(" ");
    expect(document.activeElement?.getAttribute("aria-selected")).toBe("true");
    expect(screen.getByText("1 case selected")).toBeTruthy();
    await userEvent.keyboard("{Enter}");
    expect(window.location.hash).toBe("#/cases/4");
  });

  it("back from a case, the row of the case last opened has focus again", async () => {
    const first = renderAs(rita, <QueuePage />);
    await userEvent.selectOptions(await screen.findByLabelText("View"), "All cases");
    await waitFor(() => expect(names()).toHaveLength(5));
    await userEvent.click(screen.getByText("Carla Diaz", { selector: "a" }));
    first.unmount();
    (document.activeElement as HTMLElement | null)?.blur();

    renderAs(rita, <QueuePage />);
    await waitFor(() => expect(document.activeElement?.getAttribute("data-case")).toBe("4"));
    expect((document.activeElement as HTMLElement | null)?.tabIndex).toBe(0);
  });

  it("assigns the selected cases, one change each, and lists what was refused", async () => {
    b.apply
      .mockResolvedValueOnce(recorded([], { id: 1 }))
      .mockRejectedValueOnce(new BackendFailure({ code: "permission_denied", message: "case 3 is decided: only compliance may reassign it" }));
    const { container } = renderAs(rita, <QueuePage />);
    await userEvent.selectOptions(await screen.findByLabelText("View"), "All cases");
    await waitFor(() => expect(names()).toHaveLength(5));
    await userEvent.click(screen.getByLabelText("Select case 5"));
    await userEvent.click(screen.getByLabelText("Select case 3"));
    expect(screen.getByText("2 cases selected")).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("Assign to"), "ivan");
    await userEvent.click(screen.getByRole("button", { name: "Assign 2" }));

    const result = await screen.findByRole("status");
    expect(result.textContent).toContain("1 of 2 assigned.");
    expect(result.textContent).toContain("Case 3: case 3 is decided: only compliance may reassign it");
    expect(b.apply.mock.calls.map((c) => c[0])).toEqual([
      { type: "assign_case", case_id: 5, assignee: "ivan" },
      { type: "assign_case", case_id: 3, assignee: "ivan" },
    ]);
    await expectAccessible(container);

    // Select every case shown, then clear.
    await userEvent.click(screen.getByLabelText("Select every case shown"));
    expect(screen.getByText("5 cases selected")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Clear selection" }));
    expect(screen.queryByText(/selected/)).toBeNull();
  });
});
