// Nothing is done in Vetdesk without knowing who does it. Before the first user exists this
// creates them (an admin); afterwards it asks which user is acting, unless the remembered or
// preselected (`VETDESK_USER`) one is a valid, active user.

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";

import { backend } from "../../backend";
import type { User } from "../../bindings/User";
import { Button, EmptyState, ErrorNote, Field } from "../../components";
import { fieldError, isFieldError } from "../verification/form";
import { keys } from "../../keys";
import { ActorProvider, ROLE_LABELS, useActorChoice } from "../../session/actor";
import { useUsers } from "./queries";

function FirstUser() {
  const { choose } = useActorChoice();
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const create = useMutation({
    // The app makes the new admin the acting user; the users list follows from the change.
    mutationFn: () => backend.addFirstUser({ name: name.trim(), display_name: displayName }),
    onSuccess: (added) => choose(added.name),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <EmptyState title="Welcome to Vetdesk">
      <p>
        Every result, file and decision is recorded under the name of the person who made it. Start by
        creating your own user. The first user is an <strong>admin</strong>, who can then add reviewers,
        investigators and compliance officers under Settings.
      </p>
      <form className="form narrow" onSubmit={submit} noValidate aria-label="Create the first user">
        <Field
          label="User name"
          name="name"
          hint="Short and lowercase, as used in the audit trail and by the command line (--as)."
          value={name}
          autoFocus
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
            create.reset();
          }}
          // The store judges user names; its refusal names this field.
          error={fieldError(create.error, "name")}
        />
        <Field
          label="Full name"
          name="display_name"
          hint="How you are shown to others."
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        {create.error && !isFieldError(create.error, ["name"]) ? (
          <ErrorNote error={create.error} title="Could not create the user" />
        ) : null}
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Create admin user
        </Button>
      </form>
    </EmptyState>
  );
}

/** The switching password an admin requires for `user` (a shared desktop), checked by the app. */
function PasswordForm({ user }: { user: User }) {
  const { choose } = useActorChoice();
  const [password, setPassword] = useState("");
  const submit = useMutation({ mutationFn: () => choose(user.name, password) });
  return (
    <form
      className="form narrow password-form"
      aria-label={`Password for ${user.display_name}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <Field
        label={`Password for ${user.name}`}
        type="password"
        autoFocus
        autoComplete="current-password"
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
          submit.reset();
        }}
        error={fieldError(submit.error, "password")}
      />
      {submit.error && !isFieldError(submit.error, ["password"]) ? (
        <ErrorNote error={submit.error} title="Could not choose this user" />
      ) : null}
      <Button type="submit" variant="primary" disabled={submit.isPending}>
        Continue as {user.display_name}
      </Button>
    </form>
  );
}

function ChooseUser({ users, unusable, ask = null }: { users: User[]; unusable: string | null; ask?: string | null }) {
  const { choose } = useActorChoice();
  const [asking, setAsking] = useState<string | null>(ask);
  const active = users.filter((u) => u.active);
  return (
    <EmptyState title="Who is working?">
      {unusable ? (
        <p className="error-text" role="alert">
          There is no active user named “{unusable}”. Choose one of the users below.
        </p>
      ) : null}
      <p>Everything you record is signed with this user’s name in the audit trail.</p>
      <p className="solo-explained" data-testid="solo-explained">
        <strong>This is a choice, not a sign-in.</strong> Vetdesk runs on this computer alone: anyone using it can
        choose any user here, so the name in the audit trail says who was chosen, not who proved who they are. Where
        several people share one desktop, agree who works under which name; a shared team database, with each person’s
        own login, is what establishes who acts.
      </p>
      <ul className="user-choices">
        {active.map((u) => (
          <li key={u.name}>
            <Button
              onClick={() => (u.switch_password ? setAsking(u.name) : void choose(u.name))}
              data-user={u.name}
              aria-expanded={u.switch_password ? asking === u.name : undefined}
            >
              <span className="user-choice-name">{u.display_name}</span>{" "}
              <span className="muted">
                {u.name} · {ROLE_LABELS[u.role]}
                {u.switch_password ? " · password" : ""}
              </span>
            </Button>
            {asking === u.name ? <PasswordForm user={u} /> : null}
          </li>
        ))}
      </ul>
      <p className="muted">Someone missing? An admin adds users under Settings.</p>
    </EmptyState>
  );
}

/** `children` as `user` sees them: with what the store says they may do, once it has said. */
function Acting({ user, children }: { user: User; children: ReactNode }) {
  const permissions = useQuery({ queryKey: keys.permissions(user.name), queryFn: () => backend.permissions() });
  if (permissions.isPending) return <p className="muted">Loading users…</p>;
  return (
    <ActorProvider user={user} permissions={permissions.data ?? null}>
      {children}
    </ActorProvider>
  );
}

/** Renders `children` with the acting user provided, or the page that establishes one. */
export function UserGate({ children }: { children: ReactNode }) {
  const users = useUsers();
  const { chosen, settled, held } = useActorChoice();
  if (users.isPending || !settled) return <p className="muted">Loading users…</p>;
  if (users.isError) return <ErrorNote error={users.error} title="The users could not be read" />;
  if (users.data.length === 0) return <FirstUser />;
  const user = users.data.find((u) => u.name === chosen && u.active);
  if (!user) return <ChooseUser users={users.data} unusable={chosen} />;
  // An existing user the app did not take: their switching password is asked for.
  if (!held) return <ChooseUser users={users.data} unusable={null} ask={user.switch_password ? user.name : null} />;
  return <Acting user={user}>{children}</Acting>;
}
