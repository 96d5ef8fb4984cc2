// Query hooks of a case's red flags and links.

import { useMutation, useQuery } from "@tanstack/react-query";

import { backend } from "../../backend";
import { keys } from "../../keys";
import { CASE_FRESH_MS } from "../case/queries";

export function useCaseFlags(caseId: number) {
  return useQuery({ queryKey: keys.caseFlags(caseId), queryFn: () => backend.caseFlags(caseId), staleTime: CASE_FRESH_MS });
}

export function useCaseLinks(caseId: number) {
  return useQuery({ queryKey: keys.caseLinks(caseId), queryFn: () => backend.caseLinks(caseId) });
}

/** The cluster of a case's candidate, read only once asked for (`enabled`). */
export function useCaseCluster(caseId: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.caseCluster(caseId),
    queryFn: () => backend.caseCluster(caseId),
    enabled,
  });
}

/** Evaluates the rules again; what it raised or cleared arrives as a store change. */
export function useRefreshFlags(caseId: number) {
  return useMutation({ mutationFn: () => backend.refreshFlags(caseId) });
}
