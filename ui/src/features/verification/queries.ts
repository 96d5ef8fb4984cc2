// Query hooks of verification: one case's records, the live MRZ check, vendor audits and the
// indicator lists. Records are written with `useChange` (../../changes.ts).

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { backend } from "../../backend";
import { keys } from "../../keys";

export function useCaseVerification(caseId: number) {
  return useQuery({ queryKey: keys.caseVerification(caseId), queryFn: () => backend.caseVerification(caseId) });
}

/** `value`, once it has stopped changing for `ms`. */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The MRZ check of `text` as typed: asked a moment after typing stops, the last answer kept
 *  on screen meanwhile so that the table does not flicker. */
export function useMrzCheck(text: string) {
  const settled = useSettled(text, 120);
  return useQuery({
    queryKey: keys.mrz(settled),
    queryFn: () => backend.mrzCheck(settled),
    enabled: settled.trim() !== "",
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

export function useVendorAudits() {
  return useQuery({ queryKey: keys.vendorAudits, queryFn: () => backend.vendorAudits() });
}

export function useIpLists() {
  return useQuery({ queryKey: keys.ipLists, queryFn: () => backend.ipLists() });
}

export function useVpnProviders() {
  return useQuery({ queryKey: keys.vpnProviders, queryFn: () => backend.vpnProviders() });
}

export function useVoipEntries() {
  return useQuery({ queryKey: keys.voipEntries, queryFn: () => backend.voipEntries() });
}
