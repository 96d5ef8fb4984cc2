// Audits of staffing vendors: where each vendor stands (last audit, its outcome, when the next
// is due, overdue in red) and the form compliance officers record an audit with. Candidates of
// a vendor with an overdue or failed audit, or no screening attestation, are flagged.

import { useState, type FormEvent } from "react";

import type { AuditOutcome } from "../../bindings/AuditOutcome";
import type { Recorded } from "../../bindings/Recorded";
import type { Vendor } from "../../bindings/Vendor";
import type { VendorAuditStatus } from "../../bindings/VendorAuditStatus";
import { Badge, Button, ErrorNote, Field, TextAreaField } from "../../components";
import { day, today } from "../../format";
import { dateCheck, fieldError, isFieldError, orNull } from "./form";
import { AUDIT_OUTCOME_LABELS, AUDIT_OUTCOME_SHORT } from "./labels";
import { Choice } from "./parts";
import { useChange } from "../../changes";
import "./verification.css";

export function LastAudit({ status }: { status: VendorAuditStatus | undefined }) {
  if (!status?.last_audit_on) return <span className="muted">never</span>;
  return (
    <span>
      {day(status.last_audit_on)}{" "}
      {status.last_outcome ? (
        <Badge tone={status.last_outcome === "satisfactory" ? "good" : status.last_outcome === "findings" ? "warn" : "bad"}>
          {AUDIT_OUTCOME_SHORT[status.last_outcome]}
        </Badge>
      ) : null}
    </span>
  );
}

export function NextAudit({ status }: { status: VendorAuditStatus | undefined }) {
  if (!status) return <span className="muted">—</span>;
  if (!status.next_due) return <span className="overdue-text" data-overdue="true">due now: never audited</span>;
  return status.overdue ? (
    <span className="overdue-text" data-overdue="true">
      overdue since {day(status.next_due)}
    </span>
  ) : (
    <span data-overdue="false">{day(status.next_due)}</span>
  );
}

const FIELDS = ["audited_on", "note"] as const;

// No outcome is chosen in advance: a satisfactory audit clears the vendor's flags on every
// candidate, so it must be a deliberate choice. The audit report is not attached here: a vendor
// audit is a global record and evidence belongs to a case (`RecordVendorAudit` has no evidence).
export function AuditForm({
  vendor,
  status,
  onSaved,
  onCancel,
}: {
  vendor: Vendor;
  status: VendorAuditStatus | undefined;
  onSaved: (r: Recorded) => void;
  onCancel: () => void;
}) {
  const [on, setOn] = useState(today());
  const [outcome, setOutcome] = useState<AuditOutcome | null>(null);
  const [note, setNote] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const save = useChange((args: { on: string; outcome: AuditOutcome; note: string | null }) => ({
    type: "record_vendor_audit",
    id: null,
    vendor_id: vendor.id,
    audited_on: args.on,
    outcome: args.outcome,
    note: args.note,
    next_due: null,
  }));
  const problem = submitted ? dateCheck(on, { required: true, notAfterToday: true }) : null;
  const outcomeProblem = submitted && outcome === null ? "Choose the outcome of the audit." : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (dateCheck(on, { required: true, notAfterToday: true }) || outcome === null) return;
    save.mutate({ on: on.trim(), outcome, note: orNull(note) }, { onSuccess: (r) => onSaved(r) });
  };
  return (
    <form className="form narrow" onSubmit={submit} noValidate aria-label={`Record audit of ${vendor.name}`}>
      <Field
        label="Audited on (required)"
        name="audited_on"
        placeholder="YYYY-MM-DD"
        inputMode="numeric"
        hint="The next audit falls due one audit interval later (12 months unless compliance recorded another policy)."
        value={on}
        error={problem ?? fieldError(save.error, "audited_on")}
        onChange={(e) => setOn(e.target.value)}
      />
      <Choice legend="Outcome" name="outcome" options={(Object.keys(AUDIT_OUTCOME_LABELS) as AuditOutcome[]).map((o) => [o, AUDIT_OUTCOME_LABELS[o]] as const)} value={outcome} error={outcomeProblem} onChange={setOutcome} />
      <TextAreaField label="Note" name="note" rows={2} value={note} error={fieldError(save.error, "note")} onChange={(e) => setNote(e.target.value)} />
      {save.error && !isFieldError(save.error, FIELDS) ? <ErrorNote error={save.error} title="The audit was not recorded" /> : null}
      <div className="dialog-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Record audit
        </Button>
      </div>
      {status && status.audits.length > 0 ? (
        <details className="audit-history">
          <summary>Earlier audits ({status.audits.length})</summary>
          <ul>
            {[...status.audits].reverse().map((a) => (
              <li key={a.id}>
                {day(a.audited_on)}: {AUDIT_OUTCOME_SHORT[a.outcome]}, recorded by {a.recorded_by}
                {a.note ? ` — ${a.note}` : ""}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </form>
  );
}
