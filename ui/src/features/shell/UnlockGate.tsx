// An encrypted data directory opens with its passphrase, and a team database with the
// password of the login its URL names (the sign-in screen). Until then the app holds no store
// and answers every other command with "locked": this screen comes before everything else, and
// once the directory is open or the login signed in, the app goes on to the queue.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent, type ReactNode } from "react";

import { backend, BackendFailure } from "../../backend";
import type { LockStatus } from "../../bindings/LockStatus";
import type { TeamLogin } from "../../bindings/TeamLogin";
import { Button, EmptyState, ErrorNote, Field } from "../../components";
import { keys } from "../../keys";

function UnlockScreen({ dataDir, notice }: { dataDir: string; notice: string | null }) {
  const client = useQueryClient();
  const [passphrase, setPassphrase] = useState("");
  const [remember, setRemember] = useState(false);
  const rememberId = useId();
  const unlock = useMutation({
    mutationFn: () => backend.unlock(passphrase, remember),
    onSuccess: (unlocked) => {
      // Nothing of the passphrase stays in the page once it did its work.
      setPassphrase("");
      client.setQueryData(keys.lockStatus, { locked: false, data_dir: dataDir, notice: unlocked.notice, team: null });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    unlock.mutate();
  };
  const refused =
    unlock.error instanceof BackendFailure && unlock.error.field === "passphrase" ? unlock.error.message : null;
  return (
    <main className="boot unlock-screen">
      <EmptyState title="Unlock Vetdesk">
        <p>This data directory is encrypted. Type its passphrase to open it.</p>
        <p className="mono small unlock-dir" data-testid="locked-dir" title="The encrypted data directory">
          {dataDir}
        </p>
        {notice ? (
          <p className="unlock-notice" role="status" data-testid="unlock-notice">
            {notice}
          </p>
        ) : null}
        <form className="form narrow" onSubmit={submit} noValidate aria-label="Unlock the data directory">
          <Field
            label="Passphrase"
            name="passphrase"
            type="password"
            autoFocus
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => {
              setPassphrase(e.target.value);
              unlock.reset();
            }}
            error={refused}
          />
          <label className="check small" htmlFor={rememberId}>
            <input id={rememberId} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />{" "}
            Remember on this computer (keeps the key in the system keyring for your login)
          </label>
          {unlock.error && !refused ? <ErrorNote error={unlock.error} title="Could not unlock" /> : null}
          <div className="button-row">
            <Button type="submit" variant="primary" disabled={unlock.isPending || passphrase === ""}>
              {unlock.isPending ? "Unlocking…" : "Unlock"}
            </Button>
          </div>
        </form>
      </EmptyState>
    </main>
  );
}

function SignInScreen({ status }: { status: LockStatus & { team: TeamLogin } }) {
  const client = useQueryClient();
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const rememberId = useId();
  const { login, database } = status.team;
  const signIn = useMutation({
    mutationFn: () => backend.signIn(password, remember),
    onSuccess: (signedIn) => {
      // Nothing of the password stays in the page once it did its work.
      setPassword("");
      client.setQueryData(keys.lockStatus, { ...status, locked: false, notice: signedIn.notice });
    },
    // A refused password is not kept in the page either: it is typed again.
    onError: () => setPassword(""),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  const refused =
    signIn.error instanceof BackendFailure && signIn.error.field === "password" ? signIn.error.message : null;
  return (
    <main className="boot unlock-screen sign-in-screen">
      <EmptyState title="Sign in to Vetdesk">
        <p>This is a shared team database. Sign in with your own login: everything you record is signed with it.</p>
        <p className="small">
          Login <strong data-testid="sign-in-login">{login}</strong>
        </p>
        <p className="mono small unlock-dir" data-testid="sign-in-database" title="The team database">
          {database}
        </p>
        {status.notice ? (
          <p className="unlock-notice" role="status" data-testid="unlock-notice">
            {status.notice}
          </p>
        ) : null}
        <form className="form narrow" onSubmit={submit} noValidate aria-label="Sign in to the team database">
          <Field
            label="Password"
            name="password"
            type="password"
            autoFocus
            autoComplete="current-password"
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              signIn.reset();
            }}
            error={refused}
          />
          <label className="check small" htmlFor={rememberId}>
            <input id={rememberId} type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />{" "}
            Remember in this computer&rsquo;s keyring (for your account on this computer)
          </label>
          {signIn.error && !refused ? <ErrorNote error={signIn.error} title="Could not sign in" /> : null}
          <div className="button-row">
            <Button type="submit" variant="primary" disabled={signIn.isPending || password === ""}>
              {signIn.isPending ? "Signing in…" : "Sign in"}
            </Button>
          </div>
        </form>
      </EmptyState>
    </main>
  );
}

/** A one-line notice from the unlock (the key could not be remembered), until dismissed. */
function AfterUnlock({ notice, children }: { notice: string | null; children: ReactNode }) {
  const [shown, setShown] = useState(notice);
  return (
    <>
      {shown ? (
        <div className="unlock-after" role="status" data-testid="unlock-after">
          {shown}{" "}
          <Button className="btn-small" onClick={() => setShown(null)}>
            Dismiss
          </Button>
        </div>
      ) : null}
      {children}
    </>
  );
}

/** Renders `children` once the data directory is open (or the team login signed in); the
 *  unlock or sign-in screen before that. */
export function UnlockGate({ children }: { children: ReactNode }) {
  const status = useQuery({ queryKey: keys.lockStatus, queryFn: backend.unlockStatus, staleTime: Infinity });
  if (status.isPending) return <p className="muted boot">Starting Vetdesk…</p>;
  if (status.isError) {
    return (
      <div className="boot">
        <h1>Vetdesk could not start</h1>
        <ErrorNote error={status.error} title="Could not reach the app backend" />
      </div>
    );
  }
  const { team } = status.data;
  if (status.data.locked && team) return <SignInScreen status={{ ...status.data, team }} />;
  if (status.data.locked) return <UnlockScreen dataDir={status.data.data_dir} notice={status.data.notice} />;
  return <AfterUnlock notice={status.data.notice}>{children}</AfterUnlock>;
}
