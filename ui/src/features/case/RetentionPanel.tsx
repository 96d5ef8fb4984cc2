// How long the case's person is kept and why: the retention rule that applies to them (with
// its public source), the day their records fall due for erasure or what keeps them longer,
// and this case's legal hold, which compliance and admins put on or lift here with a reason.
// Erasure itself is `vetdesk retention apply`: a deliberate act of compliance, not a click.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import type { CaseRetention } from "../../bindings/CaseRetention";
import type { RetentionRule } from "../../bindings/RetentionRule";
import { backend } from "../../backend";
import { Button, ErrorNote, TextAreaField } from "../../components";
import { day } from "../../format";
import { keys } from "../../keys";
import { usePermissions } from "../../session/actor";

const RULES: Record<RetentionRule, string> = {
  form_i9: "Form I-9 (hired)",
  not_hired: "Not hired",
  referral: "Referred to law enforcement",
};

function Standing({ r }: { r: CaseRetention }) {
  if (r.erased || !r.assessment) return <p className="muted">The person's records are erased.</p>;
  const a = r.assessment;
  return (
    <dl className="facts">
      <dt>Rule</dt>
      <dd data-testid="retention-rule">{RULES[a.rule]}</dd>
      <dt>Source</dt>
      <dd className="small">{r.source}</dd>
      <dt>Due for erasure</dt>
      <dd data-testid="retention-due">
        {a.due_on ? day(a.due_on) : <span className="muted">no date yet</span>}
        {r.due ? " · due now" : null}
      </dd>
      <dt>Kept by</dt>
      <dd data-testid="retention-held-by">{a.held_by ?? <span className="muted">nothing beyond the rule</span>}</dd>
    </dl>
  );
}

export function RetentionPanel({ caseId }: { caseId: number }) {
  const permissions = usePermissions();
  const client = useQueryClient();
  const retention = useQuery({ queryKey: keys.caseRetention(caseId), queryFn: () => backend.caseRetention(caseId) });
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState("");
  const mayHold = permissions?.role === "compliance" || permissions?.role === "admin";
  const r = retention.data;
  const hold = useMutation({
    mutationFn: (held: boolean) => backend.apply({ type: "set_legal_hold", case_id: caseId, held, reason: reason.trim() }),
    onSuccess: () => {
      setEditing(false);
      setReason("");
      void client.invalidateQueries({ queryKey: keys.case(caseId) });
    },
  });
  if (retention.error) return <ErrorNote error={retention.error} title="Retention could not be read" />;
  if (!r) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim()) hold.mutate(!r.legal_hold);
  };
  return (
    <section aria-labelledby="retention-heading" className="retention">
      <h2 id="retention-heading">Retention</h2>
      <p data-testid="legal-hold">
        {r.legal_hold ? (
          <strong>On legal hold: nothing of this person is erased while it holds.</strong>
        ) : (
          <span className="muted">No legal hold on this case.</span>
        )}
      </p>
      <Standing r={r} />
      {mayHold && !r.erased ? (
        editing ? (
          <form onSubmit={submit} aria-label={r.legal_hold ? "Lift the legal hold" : "Put on legal hold"}>
            <TextAreaField
              label={r.legal_hold ? "Why the hold is lifted" : "Why the case is held (litigation, investigation, request)"}
              name="hold-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            {hold.error ? <ErrorNote error={hold.error} title="The legal hold was not changed" /> : null}
            <div className="actions">
              <Button type="button" onClick={() => setEditing(false)}>
                Cancel
              </Button>
              <Button type="submit" variant="primary" disabled={!reason.trim() || hold.isPending}>
                {r.legal_hold ? "Lift the legal hold" : "Put on legal hold"}
              </Button>
            </div>
          </form>
        ) : (
          <Button className="btn-small" onClick={() => setEditing(true)}>
            {r.legal_hold ? "Lift the legal hold…" : "Put on legal hold…"}
          </Button>
        )
      ) : null}
    </section>
  );
}
