// What the checklist of a case shows: which items (all, those still to do, the failed ones,
// those that do not apply now) and which phases are folded away. Kept per case in the session's
// storage, as the queue keeps its filters, so coming back to a case finds its checklist as it
// was left.

import type { ChecklistEntry } from "../../bindings/ChecklistEntry";

export type ChecklistFilter = "all" | "todo" | "failed" | "not_applicable_now";

export const FILTERS: readonly { id: ChecklistFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "todo", label: "To do" },
  { id: "failed", label: "Failed" },
  { id: "not_applicable_now", label: "Does not apply now" },
];

/** Whether the filter shows this item. "To do" is what is pending and applies now. */
export function shows(filter: ChecklistFilter, entry: ChecklistEntry): boolean {
  switch (filter) {
    case "all":
      return true;
    case "todo":
      return entry.applicable && entry.state.result === "pending";
    case "failed":
      return entry.state.result === "fail";
    case "not_applicable_now":
      return !entry.applicable;
  }
}

/** A phase the case has not reached: none of its items applies now. */
export function notReached(entries: readonly ChecklistEntry[]): boolean {
  return entries.length > 0 && entries.every((e) => !e.applicable);
}

export interface ChecklistView {
  filter: ChecklistFilter;
  /** Phases the user opened or closed, by id; the others follow whether the case reached them. */
  open: Record<string, boolean>;
}

export const START: ChecklistView = { filter: "all", open: {} };

const key = (caseId: number) => `vetdesk.checklist:${caseId}`;

export function loadView(caseId: number): ChecklistView {
  let value: unknown = null;
  try {
    value = JSON.parse(window.sessionStorage.getItem(key(caseId)) ?? "null");
  } catch {
    return START;
  }
  if (typeof value !== "object" || value === null) return START;
  const { filter, open } = value as { filter?: unknown; open?: unknown };
  const known = FILTERS.find((f) => f.id === filter)?.id ?? "all";
  const phases: Record<string, boolean> = {};
  if (typeof open === "object" && open !== null) {
    for (const [id, yes] of Object.entries(open)) if (typeof yes === "boolean") phases[id] = yes;
  }
  return { filter: known, open: phases };
}

export function saveView(caseId: number, view: ChecklistView): void {
  try {
    window.sessionStorage.setItem(key(caseId), JSON.stringify(view));
  } catch {
    // Storage full or refused: the checklist still works, it is just not remembered.
  }
}
