// What the window shows while it goes to a case. Opening a case whose first answers are not read
// yet keeps the page being left on screen until they arrive (at most `OPEN_WAIT_MS`), so that the
// case appears in one paint, instead of a "Loading case…" page painted first and the case a
// frame or more later. The queue has usually read the case already (its row was pointed at or
// clicked: `useCasePrefetch`); a case reached another way (an address, Back, a link) is read
// from here.

import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { keys } from "../../keys";
import { hrefFor, type Route } from "../../router";
import { prefetchCase } from "../case/queries";

/** The longest the page being left stays while a case is read; then the case page shows it
 *  loading, as it did. */
export const OPEN_WAIT_MS = 250;

/** Whether the case has its answer (or its failure) in the cache, and so have the results its
 *  checklist offers where they are being read too (the queue reads them with the case, as the
 *  acting user; the checklist waits for them). */
function caseRead(client: QueryClient, caseId: number): boolean {
  const state = client.getQueryState(keys.caseDetail(caseId));
  if (state === undefined || state.status === "pending") return false;
  const options = client.getQueryCache().findAll({ queryKey: [...keys.case(caseId), "options"] });
  return options.every((q) => q.state.status !== "pending");
}

/** The route to show for `route`, the place the window is at: `route` itself, except while a
 *  case it leads to is being read (then the route shown before). */
export function useShownRoute(route: Route): Route {
  const client = useQueryClient();
  const [shown, setShown] = useState(route);
  const target = hrefFor(route);
  const arriving = target !== hrefFor(shown);
  const waiting = arriving && route.name === "case" && !caseRead(client, route.caseId);
  const caseId = route.name === "case" ? route.caseId : null;

  useEffect(() => {
    if (!waiting || caseId === null) return;
    let done = false;
    const show = () => {
      if (done) return;
      done = true;
      setShown(route);
    };
    // The case and its flags; the results its checklist offers are asked as the acting user by
    // the page itself (the queue asked them already).
    prefetchCase(client, caseId, null);
    const stop = client.getQueryCache().subscribe(() => {
      if (caseRead(client, caseId)) show();
    });
    const timer = setTimeout(show, OPEN_WAIT_MS);
    // Read meanwhile (between the render and this effect).
    if (caseRead(client, caseId)) show();
    return () => {
      done = true;
      stop();
      clearTimeout(timer);
    };
    // `route` is the one `target` names.
  }, [client, target, waiting, caseId]);

  // Anything else is shown at once (and remembered as shown).
  if (arriving && !waiting) setShown(route);
  return waiting ? shown : route;
}
