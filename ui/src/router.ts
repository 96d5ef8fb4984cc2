// A tiny hash router: the app has four places, and a hash URL survives reloads without any
// server-side routing (the webview serves files from the embedded bundle).

import { useSyncExternalStore } from "react";

export type Route =
  | { name: "queue" }
  | { name: "case"; caseId: number }
  | { name: "vendors" }
  | { name: "settings" };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "");
  switch (parts[0]) {
    case "cases": {
      const id = Number(parts[1]);
      return Number.isSafeInteger(id) && id > 0 ? { name: "case", caseId: id } : { name: "queue" };
    }
    case "vendors":
      return { name: "vendors" };
    case "settings":
      return { name: "settings" };
    default:
      return { name: "queue" };
  }
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case "case":
      return `#/cases/${route.caseId}`;
    default:
      return `#/${route.name}`;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The current route, re-rendering on navigation. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}
