// The queue's filters and orders as the page keeps them (per session, in saved views); the core
// answers them (`queue_page`, see queries.ts).

import type { CaseStatus } from "../../bindings/CaseStatus";

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

export function isFiltered(f: QueueFilter): boolean {
  return f.status !== "" || f.assignee !== ANYONE || f.vendor !== "" || f.overdue || f.flagged;
}
