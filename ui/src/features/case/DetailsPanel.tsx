// What is known about the candidate, as entered or imported, and the case's own facts.

import { useState } from "react";

import type { CaseDetail } from "../../bindings/CaseDetail";
import { Button } from "../../components";
import { day, when } from "../../format";
import { caseHref } from "../../router";
import { AdversePanel } from "./AdversePanel";
import { EditCandidate } from "./EditCandidate";
import { RetentionPanel } from "./RetentionPanel";

function Row({ label, value }: { label: string; value: string | null | string[] }) {
  const text = Array.isArray(value) ? value.join(", ") : value;
  return (
    <>
      <dt>{label}</dt>
      <dd>{text ? text : <span className="muted">—</span>}</dd>
    </>
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
      <AdversePanel detail={detail} />
      <RetentionPanel caseId={k.id} />
    </div>
  );
}
