// The queue's filters, orders and counts: one row per thing a reviewer asks of the queue.

import { describe, expect, it } from "vitest";

import { caseSummary } from "../../test/fixtures";
import { applyFilter, DEFAULT_FILTER, statusCounts, UNASSIGNED, type QueueFilter } from "./filter";

const CASES = [
  caseSummary(1, { candidate_name: "Émile Zola", status: "open", assignee: "rita", priority: "low", due_on: "2026-12-01" }),
  caseSummary(2, { candidate_name: "anna Berg", status: "in_review", assignee: null, vendor_id: 3, vendor_name: "Acme", priority: "urgent", open_flags: 3, top_severity: "high" }),
  caseSummary(3, { candidate_name: "Bo Chen", status: "escalated", assignee: "ivan", overdue: true, due_on: "2026-10-01", priority: "high", open_flags: 1, top_severity: "critical" }),
  caseSummary(4, { candidate_name: "Carla Diaz", status: "decided", decision: "rejected", assignee: "rita", vendor_id: 3, vendor_name: "Acme" }),
  caseSummary(5, { candidate_name: "Dev Patel", status: "closed", decision: "cleared", assignee: null, progress: { total: 10, done: 10, passed: 10, failed: 0 }, open_flags: 1, top_severity: "low" }),
];

const ids = (f: Partial<QueueFilter>, only: ((c: (typeof CASES)[number]) => boolean) | null = null) =>
  applyFilter(CASES, { ...DEFAULT_FILTER, ...f }, only).map((c) => c.id);

describe("queue filter", () => {
  it.each<[string, Partial<QueueFilter>, number[]]>([
    ["everything, newest first", {}, [5, 4, 3, 2, 1]],
    ["one status", { status: "in_review" }, [2]],
    ["active ones", { status: "active" }, [3, 2, 1]],
    ["one assignee", { assignee: "rita" }, [4, 1]],
    ["unassigned", { assignee: UNASSIGNED }, [5, 2]],
    ["one vendor", { vendor: "3" }, [4, 2]],
    ["no vendor", { vendor: "none" }, [5, 3, 1]],
    ["overdue", { overdue: true }, [3]],
    ["combined", { status: "active", vendor: "none" }, [3, 1]],
    ["with red flags", { flagged: true }, [5, 3, 2]],
    ["by flags, the worst first", { sort: "flags", descending: true }, [3, 2, 5, 4, 1]],
    ["by candidate, accents and case ignored", { sort: "candidate", descending: false }, [2, 3, 4, 5, 1]],
    ["by priority, most urgent first", { sort: "priority", descending: true }, [2, 3, 5, 4, 1]],
    ["by status order", { sort: "status", descending: false }, [1, 2, 3, 4, 5]],
    ["by due date, none last", { sort: "due", descending: false }, [3, 1, 2, 4, 5]],
    ["by progress", { sort: "progress", descending: true }, [5, 4, 3, 2, 1]],
  ])("%s", (_, filter, expected) => {
    expect(ids(filter)).toEqual(expected);
  });

  it("limits to search matches as well", () => {
    expect(ids({ status: "active" }, (c) => c.candidate_name.includes("e"))).toEqual([3, 2, 1]);
    expect(ids({}, () => false)).toEqual([]);
  });

  it("counts each status under the other filters", () => {
    const counts = statusCounts(CASES, { ...DEFAULT_FILTER, status: "closed", assignee: "rita" }, null);
    expect(counts).toEqual({ "": 2, active: 1, open: 1, in_review: 0, escalated: 0, decided: 1, closed: 0 });
  });
});
