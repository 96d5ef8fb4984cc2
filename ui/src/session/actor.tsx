// Who is acting. Every write is recorded as the chosen local user, so the choice is made once
// at start (remembered in this webview; `VETDESK_USER` preselects, as for the CLI), shown in
// the header at all times, and can be switched.

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

import type { User } from "../bindings/User";

const STORAGE_KEY = "vetdesk.actor";

export function rememberedActor(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function remember(name: string | null): void {
  try {
    if (name === null) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, name);
  } catch {
    // Private mode or a full quota: the choice just lasts for this session.
  }
}

interface ActorState {
  /** The name chosen (or preselected), whether or not it is a valid user. */
  chosen: string | null;
  choose: (name: string | null) => void;
}

const ChosenContext = createContext<ActorState | null>(null);
const ActorContext = createContext<User | null>(null);

/** Holds the chosen name. `preselect` (`VETDESK_USER`, set for this start of the app) comes
 *  before the name remembered from an earlier session, as it does for the CLI. */
export function ActorChoiceProvider({ preselect, children }: { preselect: string | null; children: ReactNode }) {
  const [chosen, setChosen] = useState<string | null>(() => preselect ?? rememberedActor());
  const choose = useCallback((name: string | null) => {
    remember(name);
    setChosen(name);
  }, []);
  const value = useMemo(() => ({ chosen, choose }), [chosen, choose]);
  return <ChosenContext.Provider value={value}>{children}</ChosenContext.Provider>;
}

export function useActorChoice(): ActorState {
  const state = useContext(ChosenContext);
  if (!state) throw new Error("useActorChoice outside ActorChoiceProvider");
  return state;
}

/** Provides the acting user to everything below (rendered once a valid user is chosen). */
export function ActorProvider({ user, children }: { user: User; children: ReactNode }) {
  return <ActorContext.Provider value={user}>{children}</ActorContext.Provider>;
}

/** The acting user. Only pages behind the user gate call this. */
export function useActor(): User {
  const user = useContext(ActorContext);
  if (!user) throw new Error("useActor outside ActorProvider");
  return user;
}

/** The acting user, or null before one is chosen (the header). */
export function useOptionalActor(): User | null {
  return useContext(ActorContext);
}

export const ROLE_LABELS = {
  reviewer: "Reviewer",
  investigator: "Investigator",
  compliance: "Compliance officer",
  admin: "Admin",
} as const;

/** What a role may do, as the store enforces it; the UI uses it to offer only what will work. */
export const may = {
  decide: (u: User) => u.role === "investigator" || u.role === "compliance" || u.role === "admin",
  signOff: (u: User) => u.role === "compliance" || u.role === "admin",
  waive: (u: User) => u.role === "compliance" || u.role === "admin",
  manageVendors: (u: User) => u.role === "compliance" || u.role === "admin",
  manageUsers: (u: User) => u.role === "admin",
};
