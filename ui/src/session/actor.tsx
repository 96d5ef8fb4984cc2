// Who is acting. Every write is recorded as the chosen local user, whom the app holds (the
// page never names the actor in a request): the choice is made once at start (remembered in
// this webview; `VETDESK_USER` preselects, as for the CLI), handed to the app, shown in the
// header at all times, and can be switched.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { backend } from "../backend";
import type { Permissions } from "../bindings/Permissions";
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
  /** Makes `name` the acting user, in the app and here; `password` when an admin requires
   *  one. Rejects (changing nothing) when the app refuses, e.g. a wrong password. */
  choose: (name: string | null, password?: string) => Promise<void>;
  /** The app holds the choice shown here (false only while it is being handed over at start). */
  settled: boolean;
  /** The app accepted the chosen name (false: it refused it, e.g. a user whose switching
   *  password has not been given yet). */
  held: boolean;
}

const ChosenContext = createContext<ActorState | null>(null);
const ActorContext = createContext<User | null>(null);
const PermissionsContext = createContext<Permissions | null>(null);

/** Asks the app to make `name` the acting user; resolves to whether it did. A refusal (no
 *  such active user, or one who needs their password) leaves the name shown, so that the user
 *  gate can say so and offer the others. */
async function handOver(name: string | null): Promise<boolean> {
  try {
    await backend.chooseUser(name);
    return true;
  } catch {
    // The gate finds no active user of that name, or asks for the password, or another user.
    return false;
  }
}

/** Holds the chosen name. Whom the app already holds (`acting`: this page was reloaded) comes
 *  first; then `preselect` (`VETDESK_USER`, set for this start of the app), then the name
 *  remembered from an earlier session, as for the CLI. */
export function ActorChoiceProvider({
  preselect,
  acting = null,
  children,
}: {
  preselect: string | null;
  acting?: string | null;
  children: ReactNode;
}) {
  const [chosen, setChosen] = useState<string | null>(() => acting ?? preselect ?? rememberedActor());
  // The app already holds whom it acts for; a preselected name it did not take (one who needs
  // their password) or a name remembered in this webview is handed over first.
  const [settled, setSettled] = useState(() => chosen === acting);
  const [held, setHeld] = useState(() => chosen === acting);
  useEffect(() => {
    if (!settled)
      void handOver(chosen).then((ok) => {
        setHeld(ok);
        setSettled(true);
      });
    // Only the choice made at start is handed over here; `choose` hands over the others.
  }, []);
  const choose = useCallback(async (name: string | null, password?: string) => {
    if (password !== undefined) {
      // Refused (a wrong password): nothing changes, and the caller says why.
      await backend.chooseUser(name, password);
      setHeld(true);
    } else {
      setHeld(await handOver(name));
    }
    remember(name);
    setChosen(name);
  }, []);
  const value = useMemo(() => ({ chosen, choose, settled, held }), [chosen, choose, settled, held]);
  return <ChosenContext.Provider value={value}>{children}</ChosenContext.Provider>;
}

export function useActorChoice(): ActorState {
  const state = useContext(ChosenContext);
  if (!state) throw new Error("useActorChoice outside ActorChoiceProvider");
  return state;
}

/** Provides the acting user, and what the store says they may do, to everything below
 *  (rendered once a valid user is chosen and the store has answered). */
export function ActorProvider({
  user,
  permissions,
  children,
}: {
  user: User;
  permissions: Permissions | null;
  children: ReactNode;
}) {
  return (
    <ActorContext.Provider value={user}>
      <PermissionsContext.Provider value={permissions}>{children}</PermissionsContext.Provider>
    </ActorContext.Provider>
  );
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

/** What the acting user may do, as the store answered it (`user_permissions`, asked by the
 *  user gate): the page offers only what will be accepted, and the rules stay in the store.
 *  Null when the store could not be asked: then nothing that needs a permission is offered. */
export function usePermissions(): Permissions | null {
  return useContext(PermissionsContext);
}
