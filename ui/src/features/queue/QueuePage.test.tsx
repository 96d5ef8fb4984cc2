// The queue as a reviewer meets it: opening on their own active cases, keeping its filters for
// the session, saved views, rows worked from the keyboard, bulk assignment through one change
// per case, and a long queue read a page at a time (the backend answers as the core would:
// test/queue.ts).

import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { expectAccessible } from "../../test/axe";
import { emitBackendEvent } from "../../test/backend";
import { caseSummary, user } from "../../test/fixtures";
import { serveQueue } from "../../test/queue";
import { renderAs } from "../../test/render";
import { recorded } from "../verification/testing";
import { PAGE_SIZE } from "./queries";
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
    b.queuePage.mockImplementation(serveQueue(CASES));
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

  describe("a long queue", () => {
    const MANY = Array.from({ length: 2 * PAGE_SIZE + 50 }, (_, i) =>
      caseSummary(i + 1, { candidate_name: `Person ${String(i + 1).padStart(4, "0")}`, status: "open", assignee: null }),
    );
    const asked = () => b.queuePage.mock.calls.map(([q]) => q);
    const offsets = () => asked().filter((q) => !q.with_ids).map((q) => q.offset);
    /** jsdom lays out and scrolls nothing: a scroll box here is as tall as its rows and moves
     *  as the browser's would. */
    const scrollLikeABrowser = (rows: number) => {
      vi.spyOn(Element.prototype, "scrollHeight", "get").mockReturnValue((rows + 1) * 44);
      Object.defineProperty(HTMLElement.prototype, "scrollTo", {
        configurable: true,
        value(this: HTMLElement, options: ScrollToOptions) {
          this.scrollTop = options.top ?? this.scrollTop;
          this.dispatchEvent(new Event("scroll"));
        },
      });
    };
    afterEach(() => {
      delete (HTMLElement.prototype as Partial<HTMLElement>).scrollTo;
    });

    it("reads the first page with the view and the others as their rows come into view", async () => {
      b.queuePage.mockImplementation(serveQueue(MANY));
      renderAs(rita, <QueuePage />);
      await userEvent.selectOptions(await screen.findByLabelText("View"), "All cases");
      await waitFor(() => expect(names()[0]).toBe("Person 0450"));
      expect(screen.getByText("450 cases")).toBeTruthy();
      expect((screen.getByLabelText("Status") as HTMLSelectElement).selectedOptions[0]?.textContent).toBe("All statuses (450)");
      // Never the whole list: one page at a time, and only the first so far.
      expect(asked().every((q) => q.limit === PAGE_SIZE && !q.with_ids)).toBe(true);
      expect(new Set(offsets())).toEqual(new Set([0]));
      const grid = screen.getByRole("grid", { name: "Cases" });
      expect(grid.getAttribute("aria-rowcount")).toBe("451");

      // Scrolled to the end: the last page is read and its rows replace the placeholders.
      const box = document.querySelector(".queue-scroll") as HTMLElement;
      box.scrollTop = 440 * 44;
      fireEvent.scroll(box);
      await waitFor(() => expect(names()).toContain("Person 0001"));
      expect(offsets()).toContain(2 * PAGE_SIZE);
      expect(document.querySelector(".queue-placeholder")).toBeNull();
    });

    it("moves from the keyboard into rows not read yet, and selects every case of the view", async () => {
      b.queuePage.mockImplementation(serveQueue(MANY));
      renderAs(rita, <QueuePage />);
      await userEvent.selectOptions(await screen.findByLabelText("View"), "All cases");
      await waitFor(() => expect(names()[0]).toBe("Person 0450"));
      scrollLikeABrowser(MANY.length);
      const first = document.querySelector<HTMLElement>('.queue-body [data-index="0"]');
      act(() => first?.focus());
      await userEvent.keyboard("{End}");
      await waitFor(() => expect(document.activeElement?.getAttribute("data-case")).toBe("1"));
      expect(offsets()).toContain(2 * PAGE_SIZE);

      // Every case of the view, not only the rows read: through the view's case numbers.
      await userEvent.click(screen.getByLabelText("Select every case shown"));
      await waitFor(() => expect(screen.getByText("450 cases selected")).toBeTruthy());
      expect(asked().some((q) => q.with_ids)).toBe(true);
    });

    it("back from a case opened far down, its row is read again and has focus", async () => {
      b.queuePage.mockImplementation(serveQueue(MANY));
      scrollLikeABrowser(MANY.length);
      const first = renderAs(rita, <QueuePage />);
      await userEvent.selectOptions(await screen.findByLabelText("View"), "All cases");
      await waitFor(() => expect(names()[0]).toBe("Person 0450"));
      const box = document.querySelector(".queue-scroll") as HTMLElement;
      box.scrollTop = 430 * 44;
      fireEvent.scroll(box);
      await userEvent.click(await screen.findByText("Person 0010", { selector: "a" }));
      first.unmount();
      (document.activeElement as HTMLElement | null)?.blur();

      b.queuePage.mockClear();
      renderAs(rita, <QueuePage />);
      await waitFor(() => expect(document.activeElement?.getAttribute("data-case")).toBe("10"));
      expect(document.activeElement?.getAttribute("data-index")).toBe("440");
      expect(offsets()).toContain(2 * PAGE_SIZE);
    });

    it("reads the view again when a case changes, and a selection keeps only what the view still holds", async () => {
      const cases = [...CASES];
      b.queuePage.mockImplementation((q) => serveQueue(cases)(q));
      renderAs(rita, <QueuePage />);
      await waitFor(() => expect(names()).toEqual(["Anna Berg", "Émile Zola"]));
      await userEvent.click(screen.getByLabelText("Select case 2"));
      await userEvent.click(screen.getByLabelText("Select case 1"));
      await waitFor(() => expect(screen.getByText("2 cases selected")).toBeTruthy());

      // Someone else takes case 2: it leaves "my active cases", and the selection.
      cases[1] = { ...CASES[1]!, assignee: "ivan" };
      emitBackendEvent("store-changed", {
        records: [{ id: 90, chain: { kind: "case", case_id: 2 }, kind: "assign_case", actor: "ivan" }],
        more: false,
      });
      await waitFor(() => expect(names()).toEqual(["Émile Zola"]));
      await waitFor(() => expect(screen.getByText("1 case selected")).toBeTruthy());
      expect(screen.getByText("1 of 5 cases")).toBeTruthy();
    });
  });
});
