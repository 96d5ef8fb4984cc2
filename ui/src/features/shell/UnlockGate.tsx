// An encrypted data directory opens with its passphrase. Until then the app holds no store and
// answers every other command with "locked": this screen comes before everything else, and
// once the passphrase opened the directory the app goes on to the user gate and the queue.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent, type ReactNode } from "react";

import { backend, BackendFailure } from "../../backend";
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
      client.setQueryData(keys.lockStatus, { locked: false, data_dir: dataDir, notice: unlocked.notice });
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

/** Renders `children` once the data directory is open; the unlock screen before that. */
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
  if (status.data.locked) return <UnlockScreen dataDir={status.data.data_dir} notice={status.data.notice} />;
  return <AfterUnlock notice={status.data.notice}>{children}</AfterUnlock>;
}
