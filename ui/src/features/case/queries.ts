// Query hooks of one case. Changes to it are recorded with `useChange` (../../changes.ts).

import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, type KeyboardEvent, type SyntheticEvent } from "react";

import { backend } from "../../backend";
import { keys } from "../../keys";
import { useOptionalActor } from "../../session/actor";

/** How long what was read of a case is taken as current without asking again: long enough that
 *  a case read on hover (or several parts of the page asking for the same answer as they
 *  mount) is not read once more on opening, short enough that what the clock changes (an item
 *  due today becoming missed) follows soon. Changes to the case do not wait for it: every
 *  change's `store-changed` event marks the case stale at once (keys.ts). */
export const CASE_FRESH_MS = 10_000;

const detailQuery = (caseId: number) =>
  ({ queryKey: keys.caseDetail(caseId), queryFn: () => backend.caseGet(caseId), staleTime: CASE_FRESH_MS }) as const;
const optionsQuery = (caseId: number, actor: string) =>
  ({ queryKey: keys.resultOptions(caseId, actor), queryFn: () => backend.resultOptions(caseId), staleTime: CASE_FRESH_MS }) as const;
const flagsQuery = (caseId: number) =>
  ({ queryKey: keys.caseFlags(caseId), queryFn: () => backend.caseFlags(caseId), staleTime: CASE_FRESH_MS }) as const;

/** Reads what the case page shows first (the case, the results its checklist offers the acting
 *  user, its flags), all at once, unless it is in the cache and current. Called when a case is
 *  about to be opened (its row pointed at, selected with the keyboard, clicked), so that the
 *  page finds the answers there or on their way instead of asking only once it is on screen. */
export function prefetchCase(client: QueryClient, caseId: number, actor: string | null): void {
  void client.prefetchQuery(detailQuery(caseId));
  if (actor !== null) void client.prefetchQuery(optionsQuery(caseId, actor));
  void client.prefetchQuery(flagsQuery(caseId));
}

/** A pointer resting this long on a case's row, or the keyboard's selection resting on it, is
 *  taken as the intent to open it: passing over rows on the way elsewhere reads nothing. */
export const PREFETCH_INTENT_MS = 80;

/** Event handlers for a list whose rows carry `data-case` (the case's id): the case under the
 *  pointer or keyboard selection is read once it rests there (`PREFETCH_INTENT_MS`), and at
 *  once on a press or click, before the page changes. Capture-phase handlers, so they sit
 *  beside the list's own. */
export function useCasePrefetch() {
  const client = useQueryClient();
  const actor = useOptionalActor()?.name ?? null;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return useMemo(() => {
    const caseAt = (event: SyntheticEvent) => {
      const id = Number((event.target as HTMLElement).closest<HTMLElement>("[data-case]")?.dataset.case);
      return Number.isSafeInteger(id) && id > 0 ? id : null;
    };
    const soon = (event: SyntheticEvent) => {
      const id = caseAt(event);
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = id === null ? null : setTimeout(() => prefetchCase(client, id, actor), PREFETCH_INTENT_MS);
    };
    const now = (event: SyntheticEvent) => {
      const id = caseAt(event);
      if (id === null) return;
      if (timer.current !== null) clearTimeout(timer.current);
      prefetchCase(client, id, actor);
    };
    return {
      onMouseOverCapture: soon,
      onFocusCapture: soon,
      onPointerDownCapture: now,
      onClickCapture: now,
      onKeyDownCapture: (event: KeyboardEvent) => {
        if (event.key === "Enter") now(event);
      },
    };
  }, [client, actor]);
}

export function useCaseDetail(caseId: number) {
  return useQuery(detailQuery(caseId));
}

export function useCaseAudit(caseId: number) {
  return useQuery({ queryKey: keys.caseAudit(caseId), queryFn: () => backend.caseAudit(caseId) });
}

/** The results each checklist item may take now as the acting user (`actor`, which keys the
 *  answer) records them, with the store's reason where it would refuse one. */
export function useResultOptions(caseId: number, actor: string) {
  return useQuery(optionsQuery(caseId, actor));
}

/** The moves the acting user (`actor`, which keys the answer) may make. */
export function useStatusMoves(caseId: number, actor: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.statusMoves(caseId, actor),
    queryFn: () => backend.statusMoves(caseId),
    enabled,
  });
}
