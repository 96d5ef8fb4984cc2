// How the page records a change: the typed `Change` the core applies, sent through the one
// `apply` command; the acting user is the app's session, never named here. Nothing in the
// cache is touched on success: the `store-changed` event every write brings (this window's as
// promptly as the answer, the CLI's and other processes' too) marks stale what it touched
// (`keys.ts`), so each change refreshes the page once.
//
// A change to a case made on what the page shows (a result, the assignee, the priority) goes
// with the case's chain head as the page read it (`useCaseChange`): the store refuses it with
// the code `stale` when someone else changed what it rests on since ("checklist item X of case
// N was changed by NAME at TIME, reload"), and the page then reads the case again at once.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { BackendFailure, backend } from "./backend";
import type { CaseDetail } from "./bindings/CaseDetail";
import type { Change } from "./bindings/Change";
import type { Recorded } from "./bindings/Recorded";
import { keys } from "./keys";

/** A mutation that records the change `build` makes of its argument. */
export function useChange<A>(build: (args: A) => Change) {
  return useMutation({ mutationFn: (args: A) => backend.apply(build(args)) });
}

/** Whether `error` is the store's refusal of a change made on a state someone else changed. */
export function isStale(error: unknown): boolean {
  return error instanceof BackendFailure && error.code === "stale";
}

/** A mutation that records the changes `build` makes of its argument to case `caseId`, as
 *  made on `basedOn` (the case's `chain_head` the page shows); refused as stale, the case is
 *  read again and the error (which names who changed it, and when) stays for the page to show. */
export function useCaseChange<A>(caseId: number, basedOn: string | undefined, build: (args: A) => Change | Change[]) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (args: A): Promise<Recorded[]> => {
      const built = build(args);
      return backend.applyAll(caseId, Array.isArray(built) ? built : [built], basedOn);
    },
    onError: (error) => {
      if (isStale(error)) void client.invalidateQueries({ queryKey: keys.case(caseId) });
    },
  });
}

/** A mutation that records a new record of case `caseId` (`id` null: it rests on nothing) or
 *  corrects record `id`. A correction is sent as made on the case as it stood when its form
 *  opened, so that a correction of the same record by someone else since is refused as stale
 *  (the case is read again, and the error names who and when) instead of silently undone. */
export function useRecordChange<A>(caseId: number, id: number | null, build: (args: A) => Change) {
  const client = useQueryClient();
  const [openedOn] = useState(() => client.getQueryData<CaseDetail>(keys.caseDetail(caseId))?.chain_head);
  return useMutation({
    mutationFn: async (args: A): Promise<Recorded> => {
      const change = build(args);
      if (id === null || openedOn === undefined) return backend.apply(change);
      const [recorded] = await backend.applyAll(caseId, [change], openedOn);
      if (recorded === undefined) throw new Error("the correction was not recorded");
      return recorded;
    },
    onError: (error) => {
      if (isStale(error)) void client.invalidateQueries({ queryKey: keys.case(caseId) });
    },
  });
}
