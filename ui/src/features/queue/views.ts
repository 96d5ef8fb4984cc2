// Where the queue keeps its place: the filters, sort and search of this session (kept in the
// session's storage, so that coming back from a case, or reloading, finds the queue as it was
// left), and the views a user saved by name (kept with the app's other settings in this
// webview's local storage, per user). A view "assigned to me" follows whoever opens it.

import { DEFAULT_FILTER, MY_ACTIVE, readFilter, sameFilter, UNASSIGNED, type QueueFilter } from "./filter";

export interface QueueState {
  filter: QueueFilter;
  query: string;
}

export interface QueueView {
  /** "mine", "active", "all" for the built-in views; "saved:<name>" for a saved one. */
  id: string;
  name: string;
  filter: QueueFilter;
  query: string;
}

export const BUILT_IN_VIEWS: readonly QueueView[] = [
  { id: "mine", name: "My active cases", filter: MY_ACTIVE, query: "" },
  { id: "active", name: "All active cases", filter: { ...DEFAULT_FILTER, status: "active" }, query: "" },
  { id: "unassigned", name: "Unassigned active cases", filter: { ...DEFAULT_FILTER, status: "active", assignee: UNASSIGNED }, query: "" },
  { id: "all", name: "All cases", filter: DEFAULT_FILTER, query: "" },
];

/** The queue as a session starts: the acting user's active cases. */
export const START: QueueState = { filter: MY_ACTIVE, query: "" };

const sessionKey = (user: string) => `vetdesk.queue:${user}`;
const viewsKey = (user: string) => `vetdesk.queue-views:${user}`;

function read(storage: () => Storage, key: string): unknown {
  try {
    return JSON.parse(storage().getItem(key) ?? "null");
  } catch {
    return null;
  }
}

function write(storage: () => Storage, key: string, value: unknown): boolean {
  try {
    storage().setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

const session = () => window.sessionStorage;
const local = () => window.localStorage;

export function loadSession(user: string): QueueState {
  const value = read(session, sessionKey(user)) as { filter?: unknown; query?: unknown } | null;
  const filter = readFilter(value?.filter);
  return filter ? { filter, query: typeof value?.query === "string" ? value.query : "" } : START;
}

export function saveSession(user: string, state: QueueState): void {
  write(session, sessionKey(user), state);
}

const openedKey = (user: string) => `vetdesk.queue-opened:${user}`;

/** The case last opened from the queue in this session, and the row it was on: back in the
 *  queue, that row is scrolled to (its page read) and, when it still holds the case, has focus. */
export function lastOpened(user: string): { caseId: number; index: number } | null {
  const value = read(session, openedKey(user)) as { caseId?: unknown; index?: unknown } | null;
  return value && Number.isSafeInteger(value.caseId) && Number.isSafeInteger(value.index) && (value.index as number) >= 0
    ? { caseId: value.caseId as number, index: value.index as number }
    : null;
}

export function rememberOpened(user: string, caseId: number, index: number): void {
  write(session, openedKey(user), { caseId, index });
}

export function loadViews(user: string): QueueView[] {
  const value = read(local, viewsKey(user));
  if (!Array.isArray(value)) return [];
  const views: QueueView[] = [];
  for (const v of value as { name?: unknown; filter?: unknown; query?: unknown }[]) {
    const filter = readFilter(v?.filter);
    if (typeof v?.name !== "string" || v.name.trim() === "" || !filter) continue;
    views.push({ id: `saved:${v.name}`, name: v.name, filter, query: typeof v.query === "string" ? v.query : "" });
  }
  return views;
}

/** Saves `views`; false when this webview would not keep them (storage full or refused). */
export function storeViews(user: string, views: QueueView[]): boolean {
  return write(
    local,
    viewsKey(user),
    views.map(({ name, filter, query }) => ({ name, filter, query })),
  );
}

/** The view `state` shows, if it is exactly one of `views`. */
export function viewOf(state: QueueState, views: readonly QueueView[]): QueueView | null {
  return views.find((v) => sameFilter(v.filter, state.filter) && v.query === state.query.trim()) ?? null;
}

/** Why `name` cannot name a new view, or null. */
export function viewNameProblem(name: string): string | null {
  const t = name.trim();
  if (t === "") return "Enter a name for the view.";
  if (t.length > 60) return "Keep the name under 60 characters.";
  if (BUILT_IN_VIEWS.some((v) => v.name.toLowerCase() === t.toLowerCase())) return `“${t}” is a built-in view: choose another name.`;
  return null;
}

/** `saved` with `view` added, replacing one of the same name. */
export function withView(saved: readonly QueueView[], name: string, state: QueueState): QueueView[] {
  const t = name.trim();
  const view: QueueView = { id: `saved:${t}`, name: t, filter: state.filter, query: state.query.trim() };
  const others = saved.filter((v) => v.name !== t);
  return [...others, view];
}

