// Query hooks of one case. Changes to it are recorded with `useChange` (../../changes.ts).

import { useQuery } from "@tanstack/react-query";

import { backend } from "../../backend";
import { keys } from "../../keys";

export function useCaseDetail(caseId: number) {
  return useQuery({ queryKey: keys.caseDetail(caseId), queryFn: () => backend.caseGet(caseId) });
}

export function useCaseAudit(caseId: number) {
  return useQuery({ queryKey: keys.caseAudit(caseId), queryFn: () => backend.caseAudit(caseId) });
}

/** The results each checklist item may take now as the acting user (`actor`, which keys the
 *  answer) records them, with the store's reason where it would refuse one. */
export function useResultOptions(caseId: number, actor: string) {
  return useQuery({ queryKey: keys.resultOptions(caseId, actor), queryFn: () => backend.resultOptions(caseId) });
}

/** The moves the acting user (`actor`, which keys the answer) may make. */
export function useStatusMoves(caseId: number, actor: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.statusMoves(caseId, actor),
    queryFn: () => backend.statusMoves(caseId),
    enabled,
  });
}
