// Back and forward through the places visited in this window: the webview's own history of
// hash URLs, with each entry numbered (in `history.state`) so that the page knows whether there
// is anywhere to go back or forward to, and the buttons, Alt+←/→ and the mouse's back and
// forward buttons all do the same thing.

import { useEffect, useSyncExternalStore } from "react";

const KEY = "vetdesk.history";

interface Position {
  /** The number of the entry on screen. */
  index: number;
  /** The number of the newest entry (forward of `index` when the user went back). */
  last: number;
}

function stored(): Position | null {
  try {
    const value = JSON.parse(window.sessionStorage.getItem(KEY) ?? "null") as unknown;
    if (value && typeof value === "object") {
      const { index, last } = value as Record<string, unknown>;
      if (Number.isSafeInteger(index) && Number.isSafeInteger(last)) return { index: index as number, last: last as number };
    }
  } catch {
    // Unreadable: start counting again.
  }
  return null;
}

function store(p: Position): void {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    // Not kept; the buttons still work for this page.
  }
}

function entryNumber(): number | null {
  const state = window.history.state as { vetdeskEntry?: unknown } | null;
  return state && Number.isSafeInteger(state.vetdeskEntry) ? (state.vetdeskEntry as number) : null;
}

let position: Position = { index: 0, last: 0 };
const listeners = new Set<() => void>();

/** Numbers the entry on screen: a known one (back, forward, a reload) keeps its number; a new
 *  one (a link followed) comes after the current one and drops what was forward of it. */
export function syncHistory(): void {
  const known = entryNumber();
  const before = stored();
  if (known !== null) {
    position = { index: known, last: Math.max(known, before?.last ?? known) };
  } else {
    const index = before ? before.index + 1 : 0;
    position = { index, last: index };
    window.history.replaceState({ ...(window.history.state ?? {}), vetdeskEntry: index }, "");
  }
  store(position);
  for (const l of listeners) l();
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

let snapshot = { canBack: false, canForward: false };
function getSnapshot() {
  const canBack = position.index > 0;
  const canForward = position.index < position.last;
  if (snapshot.canBack !== canBack || snapshot.canForward !== canForward) snapshot = { canBack, canForward };
  return snapshot;
}

export function goBack(): void {
  if (position.index > 0) window.history.back();
}

export function goForward(): void {
  if (position.index < position.last) window.history.forward();
}

/** Replaces the entry on screen with `hash` (a tab chosen with the arrow keys is not a place
 *  of its own to come back to), and tells the router. */
export function replaceHash(hash: string): void {
  window.history.replaceState({ ...(window.history.state ?? {}), vetdeskEntry: position.index }, "", hash);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type !== "checkbox" && target.type !== "radio");
}

/** Keeps the numbering in step with the window's history and makes Alt+←/→ and the mouse's
 *  back (3) and forward (4) buttons move through it. Used once, by the app's layout. */
export function useHistoryNavigation(): { canBack: boolean; canForward: boolean } {
  useEffect(() => {
    syncHistory();
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      // On macOS Option+←/→ moves the cursor by a word in a text field: leave it that.
      if (isMac() && isTextField(e.target)) return;
      e.preventDefault();
      if (e.key === "ArrowLeft") goBack();
      else goForward();
    };
    const onMouse = (e: MouseEvent) => {
      if (e.button !== 3 && e.button !== 4) return;
      e.preventDefault();
      if (e.button === 3) goBack();
      else goForward();
    };
    window.addEventListener("hashchange", syncHistory);
    window.addEventListener("keydown", onKey);
    window.addEventListener("mouseup", onMouse);
    return () => {
      window.removeEventListener("hashchange", syncHistory);
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("mouseup", onMouse);
    };
  }, []);
  return useSyncExternalStore(subscribe, getSnapshot);
}
