// The core's answer to `queue_page`, worked out in memory over a fixed list of cases: what the
// queue's component tests give the mocked backend. It follows the store's query (filters,
// search, order, counts, pages; tests/queue_page.rs checks the store itself), with search read
// as "the candidate's name contains the text".

import type { CaseStatus } from "../bindings/CaseStatus";
import type { CaseSummary } from "../bindings/CaseSummary";
import type { QueuePage } from "../bindings/QueuePage";
import type { QueueQuery } from "../bindings/QueueQuery";
import { ANYONE, UNASSIGNED, type QueueFilter, type SortKey } from "../features/queue/filter";

const ACTIVE: ReadonlySet<CaseStatus> = new Set(["open", "in_review", "escalated"]);
const STATUS_ORDER: Record<CaseStatus, number> = { open: 0, in_review: 1, escalated: 2, decided: 3, closed: 4 };
const PRIORITY_ORDER = { low: 0, normal: 1, high: 2, urgent: 3 } as const;
const SEVERITY_ORDER = { low: 1, medium: 2, high: 3, critical: 4 } as const;

function matches(c: CaseSummary, f: QueueFilter): boolean {
  if (f.status === "active" ? !ACTIVE.has(c.status) : f.status !== "" && c.status !== f.status) return false;
  if (f.assignee === UNASSIGNED ? c.assignee !== null : f.assignee !== ANYONE && c.assignee !== f.assignee) {
    return false;
  }
  if (f.vendor === "none" ? c.vendor_id !== null : f.vendor !== "" && String(c.vendor_id) !== f.vendor) return false;
  if (f.overdue && !c.overdue) return false;
  if (f.flagged && c.open_flags === 0) return false;
  return true;
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

function compare(a: CaseSummary, b: CaseSummary, key: SortKey): number {
  switch (key) {
    case "id":
      return a.id - b.id;
    case "candidate":
      return collator.compare(a.candidate_name, b.candidate_name);
    case "status":
      return STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    case "assignee":
      return collator.compare(a.assignee ?? "\uffff", b.assignee ?? "\uffff");
    case "vendor":
      return collator.compare(a.vendor_name ?? "\uffff", b.vendor_name ?? "\uffff");
    case "priority":
      return PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority];
    case "due":
      // Cases without a due date go last either way.
      return (a.due_on ?? "9999-99-99").localeCompare(b.due_on ?? "9999-99-99");
    case "flags":
      // The worst severity first, then how many.
      return (
        (a.top_severity ? SEVERITY_ORDER[a.top_severity] : 0) - (b.top_severity ? SEVERITY_ORDER[b.top_severity] : 0) ||
        a.open_flags - b.open_flags
      );
    case "progress":
      return a.progress.done / Math.max(a.progress.total, 1) - b.progress.done / Math.max(b.progress.total, 1);
    case "updated":
      return a.updated_at.localeCompare(b.updated_at);
  }
}

/** The cases to show: filtered, limited to `only` (search matches) when given, sorted. */
function applyFilter(cases: CaseSummary[], f: QueueFilter, only: ((c: CaseSummary) => boolean) | null): CaseSummary[] {
  const shown = cases.filter((c) => matches(c, f) && (only === null || only(c)));
  const direction = f.descending ? -1 : 1;
  // Ties break on the case number, so that the order is stable and predictable.
  shown.sort((a, b) => direction * (compare(a, b, f.sort) || a.id - b.id));
  return shown;
}

/** How many cases of each status the other filters leave: the numbers beside each choice. */
function statusCounts(cases: CaseSummary[], f: QueueFilter, only: ((c: CaseSummary) => boolean) | null) {
  const counts: Record<CaseStatus | "active" | "", number> = {
    "": 0,
    active: 0,
    open: 0,
    in_review: 0,
    escalated: 0,
    decided: 0,
    closed: 0,
  };
  const rest = { ...f, status: "" as const };
  for (const c of cases) {
    if (!matches(c, rest) || (only !== null && !only(c))) continue;
    counts[""] += 1;
    counts[c.status] += 1;
    if (ACTIVE.has(c.status)) counts.active += 1;
  }
  return counts;
}

function filterOf(q: QueueQuery): QueueFilter {
  return {
    status: q.status ?? "",
    assignee: q.assignee === "anyone" ? ANYONE : q.assignee === "unassigned" ? UNASSIGNED : q.assignee.user,
    vendor: q.vendor === "any" ? "" : q.vendor === "none" ? "none" : String(q.vendor.vendor),
    overdue: q.overdue,
    flagged: q.flagged,
    sort: q.sort as SortKey,
    descending: q.descending,
  };
}

/** The answer the core would give to `q` over `cases`. */
export function queuePageOf(cases: CaseSummary[], q: QueueQuery): QueuePage {
  const f = filterOf(q);
  const text = q.search?.trim().toLowerCase() ?? "";
  const only = text === "" ? null : (c: CaseSummary) => c.candidate_name.toLowerCase().includes(text);
  const shown = applyFilter(cases, f, only);
  const counts = statusCounts(cases, f, only);
  return {
    cases_in_store: cases.length,
    total: shown.length,
    counts: { ...counts, all: counts[""] },
    offset: q.offset,
    cases: shown.slice(q.offset, q.offset + q.limit),
    ids: q.with_ids ? shown.map((c) => c.id) : null,
  };
}

/** A mock implementation of `backend.queuePage` over `cases`. */
export function serveQueue(cases: CaseSummary[]) {
  return async (q: QueueQuery): Promise<QueuePage> => queuePageOf(cases, q);
}
