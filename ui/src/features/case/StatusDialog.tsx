// Moving a case along its life cycle. Only the moves the store allows from here are offered;
// the others are listed with the reason they are not possible for this user (role, failed
// items), and every move needs a reason, which goes into the audit trail.

import { useState, type FormEvent } from "react";

import type { CaseStatus } from "../../bindings/CaseStatus";
import type { Decision } from "../../bindings/Decision";
import type { StatusMove } from "../../bindings/StatusMove";
import { Button, Dialog, ErrorNote, TextAreaField } from "../../components";
import { DECISION_LABELS, STATUS_LABELS } from "../../format";
import { useActor } from "../../session/actor";
import { useChange } from "../../changes";
import { useStatusMoves } from "./queries";

function label(m: StatusMove): string {
  return m.status === "decided" && m.decision ? `Decide: ${DECISION_LABELS[m.decision]}` : STATUS_LABELS[m.status];
}

function keyOf(m: { status: CaseStatus; decision: Decision | null }): string {
  return `${m.status}/${m.decision ?? ""}`;
}

export function StatusDialog({ caseId, open, onClose }: { caseId: number; open: boolean; onClose: () => void }) {
  const actor = useActor();
  const moves = useStatusMoves(caseId, actor.name, open);
  const [chosen, setChosen] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const change = useChange((m: StatusMove) => ({
    type: "set_status",
    case_id: caseId,
    status: m.status,
    decision: m.decision,
    reason,
  }));
  const allowed = (moves.data ?? []).filter((m) => m.refused === null);
  const refused = (moves.data ?? []).filter((m) => m.refused !== null);
  const close = () => {
    setChosen(null);
    setReason("");
    setProblem(null);
    change.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const move = allowed.find((m) => keyOf(m) === chosen);
    if (!move) {
      setProblem("Choose the new status.");
      return;
    }
    if (reason.trim() === "") {
      setProblem("Give the reason for this change; it is recorded in the audit trail.");
      return;
    }
    change.mutate(move, { onSuccess: close });
  };
  return (
    <Dialog open={open} title="Change status" onClose={close}>
      {moves.isPending ? <p className="muted">Finding the possible moves…</p> : null}
      {moves.isError ? <ErrorNote error={moves.error} title="The possible moves could not be read" /> : null}
      {moves.data ? (
        <form onSubmit={submit} noValidate className="form" aria-label="Change status">
          {allowed.length === 0 ? (
            <p>There is no status this case can move to for you now.</p>
          ) : (
            <fieldset className="moves">
              <legend>New status</legend>
              {allowed.map((m) => (
                <label key={keyOf(m)} className="check">
                  <input
                    type="radio"
                    name="status"
                    value={keyOf(m)}
                    checked={chosen === keyOf(m)}
                    onChange={() => {
                      setChosen(keyOf(m));
                      setProblem(null);
                    }}
                  />{" "}
                  {label(m)}
                </label>
              ))}
            </fieldset>
          )}
          {refused.length > 0 ? (
            <details className="refused-moves">
              <summary>Not possible now ({refused.length})</summary>
              <ul>
                {refused.map((m) => (
                  <li key={keyOf(m)}>
                    <strong>{label(m)}</strong>: {m.refused}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          <TextAreaField
            label="Reason (required)"
            hint="Recorded in the audit trail with your name."
            rows={3}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setProblem(null);
            }}
          />
          {problem ? (
            <p className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
          {change.error ? <ErrorNote error={change.error} title="The status was not changed" /> : null}
          <div className="dialog-actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={change.isPending || allowed.length === 0}>
              Change status
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
