// The queue's filters and orders, as pure functions over the case list: the whole list is in
// memory (10,000 cases are a few megabytes), so filtering and sorting never wait on the disk.

import type { CaseStatus } from "../../bindings/CaseStatus";
import type { CaseSummary } from "../../bindings/CaseSummary";

export type SortKey =
  | "id"
  | "candidate"
  | "status"
  | "assignee"
  | "vendor"
  | "priority"
  | "due"
  | "flags"
  | "progress"
  | "updated";

export const ANYONE = "";
export const UNASSIGNED = "\u0000none";
/** Whoever is acting: a saved view "assigned to me" follows the user who opens it. */
export const ME = "\u0000me";

export interface QueueFilter {
  /** A status, "active" (open, in review, escalated) or "" for all. */
  status: CaseStatus | "active" | "";
  /** A user name, ANYONE, UNASSIGNED or ME. */
  assignee: string;
  /** A vendor id, "" for any, "none" for candidates without a vendor. */
  vendor: string;
  overdue: boolean;
  /** Only cases with at least one open red flag. */
  flagged: boolean;
  sort: SortKey;
  descending: boolean;
}

export const DEFAULT_FILTER: QueueFilter = {
  status: "",
  assignee: ANYONE,
  vendor: "",
  overdue: false,
  flagged: false,
  sort: "id",
  descending: true,
};

/** The queue's first view: the cases assigned to the acting user and not yet decided. */
export const MY_ACTIVE: QueueFilter = { ...DEFAULT_FILTER, status: "active", assignee: ME };

/** `f` with ME read as `me`, the acting user's name. */
export function forUser(f: QueueFilter, me: string): QueueFilter {
  return f.assignee === ME ? { ...f, assignee: me } : f;
}

export function sameFilter(a: QueueFilter, b: QueueFilter): boolean {
  return (
    a.status === b.status &&
    a.assignee === b.assignee &&
    a.vendor === b.vendor &&
    a.overdue === b.overdue &&
    a.flagged === b.flagged &&
    a.sort === b.sort &&
    a.descending === b.descending
  );
}

const SORT_KEYS: readonly SortKey[] = ["id", "candidate", "status", "assignee", "vendor", "priority", "due", "flags", "progress", "updated"];
const STATUSES: readonly QueueFilter["status"][] = ["", "active", "open", "in_review", "escalated", "decided", "closed"];

/** A filter read back from storage, or null when it is not one (written by another version,
 *  or edited by hand). */
export function readFilter(value: unknown): QueueFilter | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (
    !STATUSES.includes(v.status as QueueFilter["status"]) ||
    typeof v.assignee !== "string" ||
    typeof v.vendor !== "string" ||
    typeof v.overdue !== "boolean" ||
    typeof v.flagged !== "boolean" ||
    !SORT_KEYS.includes(v.sort as SortKey) ||
    typeof v.descending !== "boolean"
  ) {
    return null;
  }
  return {
    status: v.status as QueueFilter["status"],
    assignee: v.assignee,
    vendor: v.vendor,
    overdue: v.overdue,
    flagged: v.flagged,
    sort: v.sort as SortKey,
    descending: v.descending,
  };
}

const ACTIVE: ReadonlySet<CaseStatus> = new Set(["open", "in_review", "escalated"]);
const STATUS_ORDER: Record<CaseStatus, number> = { open: 0, in_review: 1, escalated: 2, decided: 3, closed: 4 };
const PRIORITY_ORDER = { low: 0, normal: 1, high: 2, urgent: 3 } as const;
const SEVERITY_ORDER = { low: 1, medium: 2, high: 3, critical: 4 } as const;

export function isFiltered(f: QueueFilter): boolean {
  return f.status !== "" || f.assignee !== ANYONE || f.vendor !== "" || f.overdue || f.flagged;
}

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
export function applyFilter(cases: CaseSummary[], f: QueueFilter, only: ((c: CaseSummary) => boolean) | null): CaseSummary[] {
  const shown = cases.filter((c) => matches(c, f) && (only === null || only(c)));
  const direction = f.descending ? -1 : 1;
  // Ties break on the case number, so that the order is stable and predictable.
  shown.sort((a, b) => direction * (compare(a, b, f.sort) || a.id - b.id));
  return shown;
}

/** How many cases of each status the other filters leave: the numbers beside each choice. */
export function statusCounts(cases: CaseSummary[], f: QueueFilter, only: ((c: CaseSummary) => boolean) | null) {
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
