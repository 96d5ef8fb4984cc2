// What is known about the candidate, as entered or imported, and the case's own facts.

import { useState } from "react";

import type { AdverseAction } from "../../bindings/AdverseAction";
import type { CaseDetail } from "../../bindings/CaseDetail";
import { Button } from "../../components";
import { day, when } from "../../format";
import { caseHref } from "../../router";
import { EditCandidate } from "./EditCandidate";

function Row({ label, value }: { label: string; value: string | null | string[] }) {
  const text = Array.isArray(value) ? value.join(", ") : value;
  return (
    <>
      <dt>{label}</dt>
      <dd>{text ? text : <span className="muted">—</span>}</dd>
    </>
  );
}

/** The FCRA steps of a case decided (or to be decided) on a background report, as the store
 * reads them from the case's chain; `vetdesk adverse-action` gives the notices. */
function AdverseSteps({ steps }: { steps: AdverseAction }) {
  const p = steps.pre_notice;
  return (
    <section aria-labelledby="adverse-heading">
      <h2 id="adverse-heading">FCRA adverse action</h2>
      <dl className="facts">
        <Row
          label="Pre-adverse notice"
          value={p ? `given ${day(p.sent_on)} (evidence ${p.notice}; report ${p.report}, summary of rights ${p.summary_of_rights})` : null}
        />
        <Row label="Agency" value={p ? `${p.agency.name}, ${p.agency.address}, ${p.agency.phone}` : null} />
        <Row
          label="Waiting period"
          value={p ? `${p.wait_days} business days, to ${day(p.wait_ends_on)}; decision from ${day(p.decide_from)}` : null}
        />
        <Row label="Decided on the report" value={steps.decided_on ? day(steps.decided_on) : null} />
        <Row
          label="Adverse-action notice"
          value={steps.notice ? `given ${day(steps.notice.sent_on)} (evidence ${steps.notice.notice})` : null}
        />
        <Row label="Next" value={steps.due_on ? `${steps.next_step} (from ${day(steps.due_on)})` : steps.next_step} />
      </dl>
    </section>
  );
}

export function DetailsPanel({ detail }: { detail: CaseDetail }) {
  const c = detail.candidate;
  const k = detail.case;
  const [editing, setEditing] = useState(false);
  if (editing) return <EditCandidate candidate={c} onDone={() => setEditing(false)} />;
  return (
    <div className="details-grid">
      <section aria-labelledby="candidate-heading">
        <h2 id="candidate-heading">Candidate</h2>
        <Button className="btn-small" onClick={() => setEditing(true)}>
          Edit details
        </Button>
        <dl className="facts">
          <Row label="Legal name" value={c.legal_name} />
          <Row label="Other names" value={c.other_names} />
          <Row label="External id" value={c.external_id} />
          <Row label="Emails" value={c.emails} />
          <Row label="Phones" value={c.phones} />
          <Row label="Home address" value={c.home_address} />
          <Row label="Shipping address" value={c.shipping_address} />
          <Row label="Claimed location" value={c.claimed_location} />
          <Row label="Time zone" value={c.time_zone} />
          <Row label="Role applied for" value={c.role} />
          <Row label="Vendor" value={detail.vendor?.name ?? null} />
          <Row label="Applied on" value={c.applied_on ? day(c.applied_on) : null} />
          <Row label="Application IP" value={c.application_ip} />
        </dl>
      </section>
      <section aria-labelledby="case-facts-heading">
        <h2 id="case-facts-heading">Case</h2>
        <dl className="facts">
          <Row label="Checklist" value={`${detail.template_title} (${k.template_id} v${k.template_version})`} />
          <Row label="Opened" value={`by ${k.opened_by}, ${when(k.opened_at)}`} />
          <Row label="Last change" value={when(k.updated_at)} />
          <Row label="Closed" value={k.closed_at ? when(k.closed_at) : null} />
          <Row label="Audit records" value={String(detail.audit_records)} />
          <dt>Chain head</dt>
          <dd className="mono sha">{detail.chain_head}</dd>
          <dt>Other cases</dt>
          <dd>
            {detail.related_cases.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              detail.related_cases.map((id) => (
                <a key={id} href={caseHref(id)} className="related">
                  case {id}
                </a>
              ))
            )}
          </dd>
        </dl>
      </section>
      {detail.adverse_action ? <AdverseSteps steps={detail.adverse_action} /> : null}
    </div>
  );
}
