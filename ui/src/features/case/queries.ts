// Query hooks of one case, and the mutation wrapper every change to it goes through: on
// success the case's cached data and the queue are marked stale at once (the backend's
// store-changed event would do it too, half a second later).

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { backend } from "../../backend";
import { keys } from "../../keys";

export function useCaseDetail(caseId: number) {
  return useQuery({ queryKey: keys.caseDetail(caseId), queryFn: () => backend.caseGet(caseId) });
}

export function useCaseAudit(caseId: number) {
  return useQuery({ queryKey: keys.caseAudit(caseId), queryFn: () => backend.caseAudit(caseId) });
}

export function useStatusMoves(caseId: number, actor: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.statusMoves(caseId, actor),
    queryFn: () => backend.statusMoves({ case_id: caseId, actor }),
    enabled,
  });
}

/** A change to a case; refreshes what it touched when it succeeds. */
export function useCaseMutation<A, R>(caseId: number, mutationFn: (args: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: keys.case(caseId) }),
        client.invalidateQueries({ queryKey: keys.cases }),
      ]);
    },
  });
}
