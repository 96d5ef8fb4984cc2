// Query hooks of verification: one case's records, the live MRZ check, vendor audits and the
// indicator lists; and the mutation wrapper every write goes through, which marks stale at once
// what the write touched (the store-changed event would too, half a second later).

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
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

/** A write about one case: its cached data and the queue are refreshed when it succeeds (the
 *  header's flag count and risk, the Flags & links tab and this tab all read from there). */
export function useCaseWrite<A, R>(caseId: number, mutationFn: (args: A) => Promise<R>) {
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

/** A change outside any one case (a list, a vendor audit) that changes what the rules find on
 *  many cases: `stale` and every case's data are refreshed when it succeeds. */
export function useGlobalWrite<A, R>(stale: readonly (readonly unknown[])[], mutationFn: (args: A) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([
        ...stale.map((queryKey) => client.invalidateQueries({ queryKey })),
        client.invalidateQueries({ queryKey: ["case"] }),
        client.invalidateQueries({ queryKey: keys.cases }),
      ]);
    },
  });
}

/** A change to the indicator lists, VPN providers or VoIP entries. */
export function useListWrite<A, R>(mutationFn: (args: A) => Promise<R>) {
  return useGlobalWrite([keys.lists], mutationFn);
}
