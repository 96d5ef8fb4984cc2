// A tiny hash router: the app has a handful of places, and a hash URL survives reloads without
// any server-side routing (the webview serves files from the embedded bundle).

import { useSyncExternalStore } from "react";

export const CASE_TABS = ["checklist", "verification", "flags", "evidence", "notes", "audit", "details"] as const;
export type CaseTab = (typeof CASE_TABS)[number];

export type Route =
  | { name: "queue" }
  | { name: "case"; caseId: number; tab: CaseTab }
  | { name: "new-candidate" }
  | { name: "import" }
  | { name: "vendors" }
  | { name: "reports" }
  | { name: "monitoring" }
  | { name: "settings" };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "");
  switch (parts[0]) {
    case "cases": {
      const id = Number(parts[1]);
      const tab = CASE_TABS.find((t) => t === parts[2]) ?? "checklist";
      return Number.isSafeInteger(id) && id > 0 ? { name: "case", caseId: id, tab } : { name: "queue" };
    }
    case "candidates":
      if (parts[1] === "new") return { name: "new-candidate" };
      if (parts[1] === "import") return { name: "import" };
      return { name: "queue" };
    case "vendors":
      return { name: "vendors" };
    case "reports":
      return { name: "reports" };
    case "monitoring":
      return { name: "monitoring" };
    case "settings":
      return { name: "settings" };
    default:
      return { name: "queue" };
  }
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case "case":
      return route.tab === "checklist" ? `#/cases/${route.caseId}` : `#/cases/${route.caseId}/${route.tab}`;
    case "new-candidate":
      return "#/candidates/new";
    case "import":
      return "#/candidates/import";
    default:
      return `#/${route.name}`;
  }
}

export function caseHref(caseId: number, tab: CaseTab = "checklist"): string {
  return hrefFor({ name: "case", caseId, tab });
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
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
