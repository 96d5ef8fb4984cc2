// Query hooks of the queue: the current view a page at a time, answered by the core (filters,
// search, order, its size and counts), and every case number of the view when a selection
// needs them. Every key starts with keys.cases, so that a change to any case marks them stale.

import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";

import { backend } from "../../backend";
import type { QueueQuery } from "../../bindings/QueueQuery";
import { keys } from "../../keys";
import { UNASSIGNED, type QueueFilter } from "./filter";

/** Rows asked for at a time: a few screens, a small answer. */
export const PAGE_SIZE = 200;

/** The core's view of the queue: `filter` with "me" already read as the acting user. */
export function viewQuery(filter: QueueFilter, search: string): Omit<QueueQuery, "offset" | "limit" | "with_ids"> {
  const q = search.trim();
  return {
    status: filter.status === "" ? null : filter.status,
    assignee: filter.assignee === "" ? "anyone" : filter.assignee === UNASSIGNED ? "unassigned" : { user: filter.assignee },
    vendor: filter.vendor === "" ? "any" : filter.vendor === "none" ? "none" : { vendor: Number(filter.vendor) },
    overdue: filter.overdue,
    flagged: filter.flagged,
    search: q === "" ? null : q,
    sort: filter.sort,
    descending: filter.descending,
  };
}

export type QueueView = ReturnType<typeof viewQuery>;

const pageQuery = (view: QueueView, page: number) => ({
  queryKey: [...keys.cases, "page", view, page] as const,
  queryFn: () => backend.queuePage({ ...view, offset: page * PAGE_SIZE, limit: PAGE_SIZE, with_ids: false }),
});

/** The first page of the view, with its size and counts; the last view's stays on screen while
 *  the next one's is read. */
export function useFirstPage(view: QueueView) {
  return useQuery({ ...pageQuery(view, 0), placeholderData: keepPreviousData });
}

/** The pages after the first that the rows on screen fall in. */
export function useMorePages(view: QueueView, pages: number[]) {
  return useQueries({ queries: pages.map((page) => pageQuery(view, page)) });
}

/** Every case number of the view, in its order. */
export const viewIdsQuery = (view: QueueView) => ({
  queryKey: [...keys.cases, "ids", view] as const,
  queryFn: async () => (await backend.queuePage({ ...view, offset: 0, limit: 1, with_ids: true })).ids ?? [],
});

/** Every case number of the view, read only while `enabled` (while cases are selected). */
export function useViewIds(view: QueueView, enabled: boolean) {
  return useQuery({ ...viewIdsQuery(view), enabled });
}

export function useVendors() {
  return useQuery({ queryKey: keys.vendors, queryFn: backend.vendors });
}
