// Query hooks of a case's red flags and links.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { backend } from "../../backend";
import { keys } from "../../keys";

export function useCaseFlags(caseId: number) {
  return useQuery({ queryKey: keys.caseFlags(caseId), queryFn: () => backend.caseFlags(caseId) });
}

export function useCaseLinks(caseId: number) {
  return useQuery({ queryKey: keys.caseLinks(caseId), queryFn: () => backend.caseLinks(caseId) });
}

export function useRefreshFlags(caseId: number, actor: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => backend.refreshFlags({ actor, case_id: caseId }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.case(caseId) }),
  });
}
