// Moving a case along its life cycle. Only the moves the store allows from here are offered;
// the others are listed with the reason they are not possible for this user and, for a
// decision, exactly what the decision gate finds missing. A rejection or referral cites its
// grounds; compliance may decide over the gate with a reason recorded as an override. Every
// move needs a reason, which goes into the audit trail. An escalation hands the case to the
// investigator chosen here: the move and the assignment are one write (`apply_all`).

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { BackendFailure, backend } from "../../backend";
import { keys } from "../../keys";
import type { Change } from "../../bindings/Change";
import type { Role } from "../../bindings/Role";

import type { CaseStatus } from "../../bindings/CaseStatus";
import type { Decision } from "../../bindings/Decision";
import type { Ground } from "../../bindings/Ground";
import type { Missing } from "../../bindings/Missing";
import type { StatusMove } from "../../bindings/StatusMove";
import { Button, Dialog, ErrorNote, SelectField, TextAreaField } from "../../components";
import { DECISION_LABELS, STATUS_LABELS } from "../../format";
import { useActor } from "../../session/actor";
import { useUsers } from "../shell/queries";
import { useStatusMoves } from "./queries";

/** The roles that may decide a case (the store's `Action::Decide`): whom a case is escalated to. */
const DECIDERS: readonly Role[] = ["investigator", "compliance", "admin"];

function label(m: StatusMove): string {
  return m.status === "decided" && m.decision ? `Decide: ${DECISION_LABELS[m.decision]}` : STATUS_LABELS[m.status];
}

function keyOf(m: { status: CaseStatus; decision: Decision | null }): string {
  return `${m.status}/${m.decision ?? ""}`;
}

function groundKey(g: Ground): string {
  if (g === "background_report") return g;
  return "item" in g ? `item:${g.item}` : `flag:${g.flag}`;
}

export function describeMissing(m: Missing): string {
  switch (m.kind) {
    case "item":
      return `Checklist item “${m.title}” is ${m.result === "fail" ? "failed" : "not done"} (${m.item_id})`;
    case "flag":
      return `${m.severity} flag “${m.title}” is ${m.triage === "confirmed" ? "confirmed" : "not triaged"} (flag ${m.flag_id})`;
    case "grounds":
      return "No failed item or open flag to cite as grounds";
  }
}

export function StatusDialog({
  caseId,
  basedOn,
  open,
  onClose,
}: {
  caseId: number;
  /** The case's chain head as the page shows it: a move made on it after someone else changed
   *  the case is refused (`stale`), and the case is read again. */
  basedOn?: string;
  open: boolean;
  onClose: () => void;
}) {
  const actor = useActor();
  const client = useQueryClient();
  const moves = useStatusMoves(caseId, actor.name, open);
  const [chosen, setChosen] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [cited, setCited] = useState<string[]>([]);
  const [overrideReason, setOverrideReason] = useState("");
  const allowed = (moves.data ?? []).filter((m) => m.refused === null);
  const refused = (moves.data ?? []).filter((m) => m.refused !== null);
  // Moves the gate refuses that this user may make over it, with an override reason.
  const overridable = refused.filter((m) => m.may_override);
  const selectable = [...allowed, ...overridable];
  const move = selectable.find((m) => keyOf(m) === chosen) ?? null;
  const overriding = move !== null && move.refused !== null;
  const users = useUsers();
  const investigators = (users.data ?? []).filter((u) => u.active && DECIDERS.includes(u.role));
  const [investigator, setInvestigator] = useState("");
  const escalating = move !== null && move.status === "escalated";
  const change = useMutation({
    mutationFn: async (m: StatusMove): Promise<unknown> => {
      const setStatus: Change = {
        type: "set_status",
        case_id: caseId,
        status: m.status,
        decision: m.decision,
        reason,
        grounds: m.citable.filter((c) => cited.includes(groundKey(c.ground))).map((c) => c.ground),
        ...(m.refused !== null ? { override_reason: overrideReason } : {}),
      };
      const changes: Change[] =
        m.status !== "escalated" ? [setStatus] : [setStatus, { type: "assign_case", case_id: caseId, assignee: investigator }];
      return backend.applyAll(caseId, changes, basedOn);
    },
    onError: (error) => {
      // Someone else changed the case: the message says who and when; the page reads it again.
      if (error instanceof BackendFailure && error.code === "stale") {
        void client.invalidateQueries({ queryKey: keys.case(caseId) });
      }
    },
  });
  const close = () => {
    setChosen(null);
    setReason("");
    setProblem(null);
    setCited([]);
    setOverrideReason("");
    setInvestigator("");
    change.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!move) {
      setProblem("Choose the new status.");
      return;
    }
    if (escalating && investigator === "") {
      setProblem("Choose the investigator the case is handed to.");
      return;
    }
    if (reason.trim() === "") {
      setProblem("Give the reason for this change; it is recorded in the audit trail.");
      return;
    }
    if (move.citable.length > 0 && cited.length === 0 && !overriding) {
      setProblem("Cite at least one failed item or open flag this decision rests on.");
      return;
    }
    if (overriding && overrideReason.trim() === "") {
      setProblem("Give the reason for deciding over the decision gate; it is recorded as an override.");
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
          {selectable.length === 0 ? (
            <p>There is no status this case can move to for you now.</p>
          ) : (
            <fieldset className="moves">
              <legend>New status</legend>
              {selectable.map((m) => (
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
                  {m.refused !== null ? " (override)" : ""}
                </label>
              ))}
            </fieldset>
          )}
          {move && move.citable.length > 0 ? (
            <fieldset className="grounds">
              <legend>Grounds (at least one)</legend>
              {move.citable.map((c) => {
                const key = groundKey(c.ground);
                return (
                  <label key={key} className="check">
                    <input
                      type="checkbox"
                      value={key}
                      checked={cited.includes(key)}
                      onChange={(e) => {
                        setCited(e.target.checked ? [...cited, key] : cited.filter((k) => k !== key));
                        setProblem(null);
                      }}
                    />{" "}
                    {c.label}
                  </label>
                );
              })}
            </fieldset>
          ) : null}
          {escalating ? (
            <SelectField
              label="Investigator (required)"
              hint="The case is assigned to them with the escalation."
              value={investigator}
              onChange={(e) => {
                setInvestigator(e.target.value);
                setProblem(null);
              }}
            >
              <option value="">Choose…</option>
              {investigators.map((u) => (
                <option key={u.name} value={u.name}>
                  {u.display_name} ({u.role})
                </option>
              ))}
            </SelectField>
          ) : null}
          {overriding ? (
            <TextAreaField
              label="Override reason (required)"
              hint="The decision gate is not met; this reason is recorded as an override and printed in the report."
              rows={2}
              value={overrideReason}
              onChange={(e) => {
                setOverrideReason(e.target.value);
                setProblem(null);
              }}
            />
          ) : null}
          {refused.length > 0 ? (
            <details className="refused-moves">
              <summary>Not possible now ({refused.length})</summary>
              <ul>
                {refused.map((m) => (
                  <li key={keyOf(m)}>
                    <strong>{label(m)}</strong>: {m.refused}
                    {m.missing.length > 0 ? (
                      <ul className="missing" aria-label={`Missing for ${label(m)}`}>
                        {m.missing.map((x, i) => (
                          <li key={i}>{describeMissing(x)}</li>
                        ))}
                      </ul>
                    ) : null}
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
            <Button type="submit" variant="primary" disabled={change.isPending || selectable.length === 0}>
              Change status
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
