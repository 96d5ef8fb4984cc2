// The top of a case: who the candidate is, where the case stands (status, assignee, priority,
// due date, checklist progress), and the status change.

import { useState } from "react";

import type { CaseDetail } from "../../bindings/CaseDetail";
import type { Priority } from "../../bindings/Priority";
import type { RiskScore } from "../../bindings/RiskScore";
import { Badge, Button, ErrorNote, ProgressBar } from "../../components";
import { day, KIND_LABELS, PRIORITY_LABELS, severityTone, statusText, statusTone, when } from "../../format";
import { caseHref } from "../../router";
import { CaseExports } from "../exports/CaseExports";
import { useUsers } from "../shell/queries";
import { useCaseChange } from "../../changes";
import { StatusDialog } from "./StatusDialog";

/** The due date: a date field when one is set; "Set…" when none is, because an empty date
 *  field shows a greyed placeholder date that reads like a value. */
function DueDate({ value, disabled, onChange }: { value: string | null; disabled: boolean; onChange: (v: string | null) => void }) {
  const [editing, setEditing] = useState(false);
  if (value === null && !editing) {
    return (
      <div className="field field-inline">
        <span className="field-label" id="case-due-label">
          Due
        </span>
        <span className="due-none">
          <span className="muted">none</span>{" "}
          <Button className="btn-small" disabled={disabled} aria-describedby="case-due-label" onClick={() => setEditing(true)}>
            Set…
          </Button>
        </span>
      </div>
    );
  }
  return (
    <div className="field field-inline">
      <label htmlFor="case-due">Due</label>
      <span className="due-set">
        <input
          id="case-due"
          type="date"
          value={value ?? ""}
          autoFocus={editing && value === null}
          disabled={disabled}
          onBlur={() => setEditing(false)}
          onChange={(e) => {
            setEditing(false);
            onChange(e.target.value === "" ? null : e.target.value);
          }}
          title={value ? day(value) : "No due date"}
        />
        {value !== null ? (
          <Button className="btn-small" disabled={disabled} onClick={() => onChange(null)} aria-label="Remove the due date">
            Clear
          </Button>
        ) : null}
      </span>
    </div>
  );
}

export function CaseHeader({ detail, risk }: { detail: CaseDetail; risk: RiskScore | null }) {
  const users = useUsers();
  const c = detail.case;
  const p = detail.progress;
  const closed = c.status === "closed";
  const [statusOpen, setStatusOpen] = useState(false);
  // Each made on the case as shown: refused (and the case read again) when someone else changed
  // the same field since.
  const head = detail.chain_head;
  const assign = useCaseChange(c.id, head, (assignee: string | null) => ({ type: "assign_case" as const, case_id: c.id, assignee }));
  const priority = useCaseChange(c.id, head, (value: Priority) => ({ type: "set_priority" as const, case_id: c.id, priority: value }));
  const due = useCaseChange(c.id, head, (value: string | null) => ({ type: "set_due_date" as const, case_id: c.id, due_on: value }));
  const failure = assign.error ?? priority.error ?? due.error;
  return (
    <header className="case-header">
      <div className="case-title">
        <h1>
          {detail.candidate.legal_name} <span className="muted case-number">case {c.id}</span>
        </h1>
        <div className="case-badges">
          <Badge tone={statusTone(c.status, c.decision)}>
            <span data-testid="case-status">{statusText(c.status, c.decision)}</span>
          </Badge>
          <Badge>{KIND_LABELS[c.kind]}</Badge>
          {detail.overdue ? <Badge tone="bad">Overdue</Badge> : null}
          {detail.vendor ? <Badge tone="info">via {detail.vendor.name}</Badge> : null}
          {risk ? (
            <a className="risk-link" href={caseHref(c.id, "flags")} data-testid="case-risk">
              <Badge tone={risk.open_flags > 0 ? severityTone(risk.band) : "muted"}>
                {risk.open_flags === 0
                  ? "No red flags"
                  : `${risk.open_flags} red flag${risk.open_flags === 1 ? "" : "s"} · risk ${risk.score} (${risk.band})`}
              </Badge>
            </a>
          ) : null}
        </div>
        <Button variant="primary" onClick={() => setStatusOpen(true)}>
          Change status…
        </Button>
      </div>
      {c.decision_reason ? (
        <p className="decision">
          {statusText("decided", c.decision)} by {c.decided_by}
          {c.decided_at ? `, ${when(c.decided_at)}` : ""}: {c.decision_reason}
        </p>
      ) : null}
      <div className="case-facts">
        <div className="field field-inline">
          <label htmlFor="case-assignee">Assignee</label>
          <select
            id="case-assignee"
            value={c.assignee ?? ""}
            disabled={closed || assign.isPending}
            onChange={(e) => assign.mutate(e.target.value === "" ? null : e.target.value)}
          >
            <option value="">Unassigned</option>
            {(users.data ?? [])
              .filter((u) => u.active || u.name === c.assignee)
              .map((u) => (
                <option key={u.name} value={u.name}>
                  {u.display_name} ({u.name})
                </option>
              ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="case-priority">Priority</label>
          <select
            id="case-priority"
            value={c.priority}
            disabled={closed || priority.isPending}
            onChange={(e) => priority.mutate(e.target.value as Priority)}
          >
            {(Object.keys(PRIORITY_LABELS) as Priority[]).map((value) => (
              <option key={value} value={value}>
                {PRIORITY_LABELS[value]}
              </option>
            ))}
          </select>
        </div>
        <DueDate
          value={c.due_on}
          disabled={closed || due.isPending}
          onChange={(value) => due.mutate(value)}
        />
        <div className="case-progress">
          <span className="label">Checklist</span>
          <ProgressBar value={p.done} max={p.total} label={`${p.done} of ${p.total} checklist items done`} />
          <span data-testid="case-progress">
            {p.done} of {p.total} done · {p.passed} passed
            {p.failed > 0 ? <span className="fail-count"> · {p.failed} failed</span> : null}
          </span>
        </div>
      </div>
      {failure ? <ErrorNote error={failure} title="The case was not changed" /> : null}
      <CaseExports caseId={c.id} />
      <StatusDialog caseId={c.id} basedOn={detail.chain_head} open={statusOpen} onClose={() => setStatusOpen(false)} />
    </header>
  );
}
