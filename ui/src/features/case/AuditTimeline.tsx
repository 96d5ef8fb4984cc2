// The case's audit trail as a timeline: who did what, when, and why, each entry with its
// place in the hash chain so that it can be matched against a report or `vetdesk verify`.

import type { AuditRecord } from "../../bindings/AuditRecord";
import { EmptyState, ErrorNote } from "../../components";
import { when } from "../../format";
import { describe } from "./describe";
import { useCaseAudit } from "./queries";

export function AuditTimeline({ caseId, itemTitles }: { caseId: number; itemTitles: ReadonlyMap<string, string> }) {
  const audit = useCaseAudit(caseId);
  if (audit.isPending) return <p className="muted">Loading the audit trail…</p>;
  if (audit.isError) return <ErrorNote error={audit.error} title="The audit trail could not be read" />;
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit trail</h2>
      <p className="muted">
        Every change to this case, oldest first. Each entry’s hash covers the one before it: editing, removing
        or reordering any entry breaks the chain, which <code>vetdesk verify</code> reports.
      </p>
      {audit.data.length === 0 ? (
        <EmptyState title="Nothing recorded yet">
          <p>Changes to the case appear here as they are made.</p>
        </EmptyState>
      ) : (
        <ol className="timeline" data-testid="audit-timeline">
          {audit.data.map((r: AuditRecord) => {
            const d = describe(r, itemTitles);
            return (
              <li key={r.id} className="timeline-entry" data-kind={String(r.change.type)}>
                <div className="timeline-when">
                  <time dateTime={r.at}>{when(r.at)}</time>
                  <span className="mono small muted" title={`hash ${r.hash}`}>
                    #{r.seq} · {r.hash.slice(0, 12)}
                  </span>
                </div>
                <div className="timeline-what">
                  <p>
                    <strong>{r.actor}</strong> {d.text}
                  </p>
                  {d.detail ? <p className="timeline-detail">{d.detail}</p> : null}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
