// Settings: the people who work cases (admins add them and set their roles), the lists every
// case is checked against, the look of the app, and where the data lives and which build is
// running, for support and for auditors.

import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";

import { backend } from "../../backend";

import type { Change } from "../../bindings/Change";
import { useChange } from "../../changes";
import type { Role } from "../../bindings/Role";
import type { RuleText } from "../../bindings/RuleText";
import type { User } from "../../bindings/User";
import { Badge, Button, Dialog, ErrorNote, Field, SelectField, Table, type Column } from "../../components";
import { ROLE_LABELS, useActor, usePermissions } from "../../session/actor";
import { useAppInfo, useUsers } from "../shell/queries";
import { useTheme, type Theme } from "../shell/theme";
import { fieldError, isFieldError } from "../verification/form";
import { ListsSettings } from "../verification/ListsSettings";

const ROLES = Object.keys(ROLE_LABELS) as Role[];

function AddUser() {
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [role, setRole] = useState<Role>("reviewer");
  const add = useChange((): Change => ({ type: "add_user", id: null, name: name.trim(), display_name: displayName, role }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(undefined, {
      onSuccess: () => {
        setName("");
        setDisplayName("");
      },
    });
  };
  return (
    <form className="form inline-form" onSubmit={submit} noValidate aria-label="Add user">
      <Field
        label="User name"
        name="name"
        value={name}
        // The store judges user names; its refusal names this field.
        error={fieldError(add.error, "name")}
        onChange={(e) => {
          setName(e.target.value);
          add.reset();
        }}
        autoComplete="off"
      />
      <Field label="Full name" name="display_name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </SelectField>
      <Button type="submit" variant="primary" disabled={add.isPending}>
        Add user
      </Button>
      {add.error && !isFieldError(add.error, ["name"]) ? <ErrorNote error={add.error} title="The user was not added" /> : null}
    </form>
  );
}

/** An admin requires a password before `user` is chosen in the app (shared desktops), or
 *  removes it. Hashed by the app; only the hash is recorded. */
function SwitchPassword({ user }: { user: User }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const set = useMutation({
    mutationFn: (next: string | null) => backend.setSwitchPassword(user.name, next),
    onSuccess: () => {
      setOpen(false);
      setPassword("");
    },
  });
  return (
    <>
      <Button className="btn-small" onClick={() => setOpen(true)}>
        {user.switch_password ? "Password…" : "Require password…"}
      </Button>
      {open ? (
        <Dialog
          open={open}
          title={`Switching password of ${user.name}`}
          onClose={() => setOpen(false)}
          actions={
            <>
              <Button variant="primary" disabled={set.isPending || password === ""} onClick={() => set.mutate(password)}>
                {user.switch_password ? "Change password" : "Require this password"}
              </Button>
              {user.switch_password ? (
                <Button disabled={set.isPending} onClick={() => set.mutate(null)}>
                  Remove password
                </Button>
              ) : null}
              <Button onClick={() => setOpen(false)}>Cancel</Button>
            </>
          }
        >
          <p>
            On a desktop several people share, {user.name} is then chosen as the acting user only with this password.
            Only its Argon2id hash is kept. It guards the choice in this app, not the data directory: the command line
            and the database file are not behind it.
          </p>
          <Field
            label="Password"
            type="password"
            autoComplete="new-password"
            value={password}
            error={fieldError(set.error, "password")}
            onChange={(e) => {
              setPassword(e.target.value);
              set.reset();
            }}
          />
          {set.error && !isFieldError(set.error, ["password"]) ? <ErrorNote error={set.error} title="Nothing was changed" /> : null}
        </Dialog>
      ) : null}
    </>
  );
}

function Users() {
  const actor = useActor();
  const users = useUsers();
  const permissions = usePermissions();
  const admin = permissions?.manage_users ?? false;
  const change = useChange((args: { name: string; role?: Role; active?: boolean }): Change =>
    args.role !== undefined
      ? { type: "set_user_role", name: args.name, role: args.role }
      : { type: "set_user_active", name: args.name, active: args.active ?? true },
  );
  const columns: Column<User>[] = [
    { key: "name", header: "User", cell: (u) => <span className="mono">{u.name}</span> },
    { key: "display", header: "Name", cell: (u) => u.display_name },
    {
      key: "role",
      header: "Role",
      cell: (u) =>
        admin ? (
          <select
            aria-label={`Role of ${u.name}`}
            value={u.role}
            disabled={change.isPending}
            onChange={(e) => change.mutate({ name: u.name, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        ) : (
          ROLE_LABELS[u.role]
        ),
    },
    {
      key: "active",
      header: "Status",
      cell: (u) => (
        <>
          {u.active ? <Badge tone="good">Active</Badge> : <Badge tone="muted">Deactivated</Badge>}
          {u.switch_password ? (
            <>
              {" "}
              <Badge tone="muted">Password</Badge>
            </>
          ) : null}
        </>
      ),
    },
    {
      key: "actions",
      header: "",
      cell: (u) =>
        admin ? (
          <>
            {u.name !== actor.name ? (
              <Button className="btn-small" disabled={change.isPending} onClick={() => change.mutate({ name: u.name, active: !u.active })}>
                {u.active ? "Deactivate" : "Reactivate"}
              </Button>
            ) : null}{" "}
            {u.active ? <SwitchPassword user={u} /> : null}
          </>
        ) : null,
    },
  ];
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      <p className="muted">
        Reviewers work checklists; investigators also decide cases; compliance officers also sign off, waive items and
        manage vendors; admins do everything and manage users. Users are never deleted, only deactivated, so the audit
        trail keeps naming them.
      </p>
      {users.isError ? <ErrorNote error={users.error} title="The users could not be read" /> : null}
      {change.error ? <ErrorNote error={change.error} title="The user was not changed" /> : null}
      {users.data ? <Table caption="Users" columns={columns} rows={users.data} rowKey={(u) => u.name} /> : null}
      {admin ? <AddUser /> : permissions ? <p className="muted">Only admins add users and change roles.</p> : null}
    </section>
  );
}

function Appearance() {
  const [theme, setTheme] = useTheme();
  return (
    <section aria-labelledby="appearance-heading">
      <h2 id="appearance-heading">Appearance</h2>
      <SelectField label="Theme" name="theme" className="fit" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
        <option value="system">Follow the desktop</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </SelectField>
    </section>
  );
}

export function SettingsPage() {
  const info = useAppInfo();
  return (
    <>
      <h1>Settings</h1>
      <Users />
      <ListsSettings />
      <Appearance />
      <section aria-labelledby="retention-heading">
      <h2 id="retention-heading">Retention</h2>
      {info.isError ? (
        <ErrorNote error={info.error} />
      ) : (
        <>
          <Table
            caption="Retention rules"
            columns={[
              { key: "who", header: "Who", cell: (r: RuleText) => r.who },
              { key: "kept", header: "Kept", cell: (r: RuleText) => r.kept },
              { key: "source", header: "Source", cell: (r: RuleText) => r.source },
            ]}
            rowKey={(r) => r.rule}
            rows={info.data ? info.data.retention : []}
          />
          <p className="muted small">
            A legal hold on a case keeps its candidate whatever the rule says, until it is lifted.
            Compliance runs <span className="mono">vetdesk retention plan</span> and{" "}
            <span className="mono">vetdesk retention apply</span>; erasure is recorded in the audit trail.
          </p>
        </>
      )}
      </section>
      <section aria-labelledby="installation-heading">
      <h2 id="installation-heading">This installation</h2>
      {info.isError ? (
        <ErrorNote error={info.error} />
      ) : (
        <Table
          caption="This installation"
          columns={[
            { key: "name", header: "Setting", cell: (r: { name: string; value: string }) => r.name },
            { key: "value", header: "Value", cell: (r: { name: string; value: string }) => <span className="mono">{r.value}</span> },
          ]}
          rowKey={(r) => r.name}
          rows={
            info.data
              ? [
                  { name: "Version", value: info.data.version },
                  { name: "Data directory", value: info.data.data_dir },
                  { name: "Log directory", value: info.data.log_dir },
                  { name: "Largest evidence file", value: `${info.data.evidence_max_bytes.toLocaleString()} bytes` },
                ]
              : []
          }
        />
      )}
      </section>
    </>
  );
}
