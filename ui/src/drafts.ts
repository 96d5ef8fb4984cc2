// Drafts of forms: what was typed into a form that is not yet saved survives the form being
// closed (another tab of the case, another page) and the page being reloaded, until it is
// saved or discarded. Drafts live in the window's session storage, per user: they hold
// personal data, so they go when the window closes rather than staying on disk, and they are
// never part of the record (only a save is, through the one door).

import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { useOptionalActor } from "./session/actor";

const PREFIX = "vetdesk.draft:";

function storageKey(user: string, key: string): string {
  return `${PREFIX}${user}:${key}`;
}

function read(key: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(window.sessionStorage.getItem(key) ?? "null") as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Whether `user` has a draft of the form `key`. */
export function hasDraft(user: string, key: string): boolean {
  return read(storageKey(user, key)) !== null;
}

/** A stored value is used only where it has the type of the field's initial value, so that a
 *  draft left by another version of a form cannot put a wrong value in. */
function fits(stored: unknown, initial: unknown): boolean {
  if (stored === undefined) return false;
  if (initial === null) return stored === null || typeof stored === "number" || typeof stored === "string";
  if (Array.isArray(initial)) return Array.isArray(stored);
  return typeof stored === typeof initial && stored !== null && !Array.isArray(stored);
}

export interface Draft {
  /** A form field kept in the draft: its value (the draft's, else `initial`) and its setter. */
  field<T>(name: string, initial: T): [T, (value: T | ((previous: T) => T)) => void];
  /** The form was opened on a draft left earlier. */
  restored: boolean;
  /** Forgets the draft (after a save, or when the user discards it). */
  discard: () => void;
}

/** The draft of the form `key` (e.g. `case:7:interview`). */
export function useDraft(key: string): Draft {
  const user = useOptionalActor()?.name ?? "";
  const where = storageKey(user, key);
  const [values, setValues] = useState<Record<string, unknown>>(() => read(where) ?? {});
  const [restored, setRestored] = useState(() => read(where) !== null);
  // Written only once the user has changed something, and not again after a discard.
  const dirty = useRef(false);
  useEffect(() => {
    if (!dirty.current) return;
    try {
      window.sessionStorage.setItem(where, JSON.stringify(values));
    } catch {
      // Storage full or refused: the form still works, without a draft.
    }
  }, [where, values]);
  const discard = useCallback(() => {
    dirty.current = false;
    try {
      window.sessionStorage.removeItem(where);
    } catch {
      // Nothing kept.
    }
    setRestored(false);
    setValues({});
  }, [where]);
  return useMemo(
    () => ({
      field<T>(name: string, initial: T): [T, (value: T | ((previous: T) => T)) => void] {
        const stored = values[name];
        const value = fits(stored, initial) ? (stored as T) : initial;
        return [
          value,
          (next) => {
            dirty.current = true;
            setValues((all) => {
              const previous = fits(all[name], initial) ? (all[name] as T) : initial;
              return { ...all, [name]: typeof next === "function" ? (next as (p: T) => T)(previous) : next };
            });
          },
        ];
      },
      restored,
      discard,
    }),
    [values, restored, discard],
  );
}
