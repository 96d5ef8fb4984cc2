// Query hooks of the queue: every case (filtered in memory) and full-text search.

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { backend } from "../../backend";
import type { CaseFilter } from "../../bindings/CaseFilter";
import { keys } from "../../keys";

const ALL: CaseFilter = {
  status: null,
  assignee: null,
  vendor_id: null,
  candidate_id: null,
  overdue: false,
  sort: null,
  descending: false,
  limit: null,
};

export function useCases() {
  return useQuery({ queryKey: keys.cases, queryFn: () => backend.cases(ALL) });
}

export function useVendors() {
  return useQuery({ queryKey: keys.vendors, queryFn: backend.vendors });
}

/** Full-text search through the core's index; nothing is asked for an empty query. */
export function useSearch(query: string) {
  const q = query.trim();
  return useQuery({
    queryKey: keys.search(q),
    queryFn: () => backend.search(q),
    enabled: q !== "",
    // Keep showing the last matches while the next keystroke's arrive.
    placeholderData: keepPreviousData,
  });
}
