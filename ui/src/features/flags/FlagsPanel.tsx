// Red flags and links of a case: what the verification rules found (severity, title, why it
// matters, the facts and the source each rule follows), the risk score they add up to, and
// the other candidates sharing a phone, email, address, bank account or IP with this one.

import type { Evidence } from "../../bindings/Evidence";
import type { Flag } from "../../bindings/Flag";
import type { Link } from "../../bindings/Link";
import type { LinkRole } from "../../bindings/LinkRole";
import { Badge, Button, EmptyState, ErrorNote } from "../../components";
import { SEVERITY_LABELS, STATUS_LABELS, severityTone, when } from "../../format";
import { caseHref } from "../../router";
import { useCaseFlags, useCaseLinks, useRefreshFlags } from "./queries";
import "./flags.css";

const ROLE_LABELS: Record<LinkRole, string> = {
  phone: "phone",
  email: "email",
  home_address: "home address",
  shipping_address: "shipping address",
  application_ip: "application IP",
  observed_ip: "observed IP",
  bank_account: "bank account",
  reference_email: "reference's email",
  reference_phone: "reference's phone",
};

function FlagCard({ flag, evidence, links }: { flag: Flag; evidence: ReadonlyMap<number, Evidence>; links: Link[] }) {
  const open = flag.cleared_at === null;
  const others = flag.candidates.map((id) => links.find((l) => l.candidate_id === id) ?? { candidate_id: id, candidate_name: `candidate ${id}`, cases: [], shared: [] });
  return (
    <li className={`flag flag-${flag.severity}${open ? "" : " flag-cleared"}`} data-flag={flag.rule}>
      <div className="flag-head">
        <Badge tone={open ? severityTone(flag.severity) : "muted"}>{SEVERITY_LABELS[flag.severity]}</Badge>{" "}
        <strong className="flag-title">{flag.title}</strong> <span className="mono small muted">{flag.rule}</span>
      </div>
      {flag.facts.length > 0 ? (
        <ul className="flag-facts">
          {flag.facts.map((fact) => (
            <li key={fact}>{fact}</li>
          ))}
        </ul>
      ) : null}
      <p className="flag-why">
        <span className="label">Why it matters: </span>
        {flag.why}
      </p>
      <p className="small muted">
        Source: {flag.source.document}
        {flag.source.section ? ` — ${flag.source.section}` : ""}
      </p>
      {flag.evidence.length > 0 ? (
        <p className="small">
          Evidence:{" "}
          {flag.evidence.map((id) => (
            <span key={id} className="chip">
              {evidence.get(id)?.original_name ?? `#${id}`}
            </span>
          ))}
        </p>
      ) : null}
      {others.length > 0 ? (
        <p className="small">
          Involves:{" "}
          {others.map((o) => (
            <span key={o.candidate_id} className="chip">
              {o.cases[0] ? <a href={caseHref(o.cases[0].case_id, "flags")}>{o.candidate_name}</a> : o.candidate_name}
            </span>
          ))}
        </p>
      ) : null}
      <p className="small muted">
        Raised {when(flag.raised_at)} by {flag.raised_by}
        {flag.cleared_at ? ` · cleared ${when(flag.cleared_at)} by ${flag.cleared_by ?? "?"}: ${flag.cleared_reason ?? ""}` : ""}
      </p>
    </li>
  );
}

function Links({ links }: { links: Link[] }) {
  if (links.length === 0) {
    return (
      <EmptyState title="No links to other candidates">
        <p>
          No other candidate gives the same phone, email, home or shipping address, bank account or IP address,
          and no reference shares a contact with one. Facilitators reuse these across the people they place, so a
          link here is worth a close look.
        </p>
      </EmptyState>
    );
  }
  return (
    <ul className="links" aria-label="Linked candidates">
      {links.map((link) => (
        <li key={link.candidate_id} className="link-card" data-candidate={link.candidate_id}>
          <p className="link-head">
            <strong>{link.candidate_name}</strong> <span className="muted small">candidate {link.candidate_id}</span>{" "}
            {link.cases.map((c) => (
              <a key={c.case_id} className="related" href={caseHref(c.case_id, "flags")}>
                case {c.case_id} ({STATUS_LABELS[c.status].toLowerCase()})
              </a>
            ))}
          </p>
          <table className="table shared">
            <caption className="visually-hidden">What {link.candidate_name} shares with this candidate</caption>
            <thead>
              <tr>
                <th scope="col">Shared</th>
                <th scope="col">Value</th>
                <th scope="col">Here</th>
                <th scope="col">There</th>
              </tr>
            </thead>
            <tbody>
              {link.shared.map((s) => (
                <tr key={`${s.kind}-${s.value}-${s.ours}-${s.theirs}`}>
                  <td>{s.kind.replace("_", " ")}</td>
                  <td className="mono">{s.value}</td>
                  <td>{ROLE_LABELS[s.ours]}</td>
                  <td>{ROLE_LABELS[s.theirs]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </li>
      ))}
    </ul>
  );
}

export function FlagsPanel({ caseId, evidence, closed }: { caseId: number; evidence: Evidence[]; closed: boolean }) {
  const flags = useCaseFlags(caseId);
  const links = useCaseLinks(caseId);
  const refresh = useRefreshFlags(caseId);
  const byId = new Map(evidence.map((e) => [e.id, e]));
  return (
    <div className="flags-panel">
      <section aria-labelledby="flags-heading">
        <h2 id="flags-heading">Red flags</h2>
        {flags.isPending ? <p className="muted">Loading the flags…</p> : null}
        {flags.isError ? <ErrorNote error={flags.error} title="The flags could not be read" /> : null}
        {flags.data ? (
          <>
            <p className="risk-summary">
              <Badge tone={severityTone(flags.data.risk.band)}>
                Risk {flags.data.risk.score} ({flags.data.risk.band})
              </Badge>{" "}
              {flags.data.risk.open_flags} open: {flags.data.risk.critical} critical, {flags.data.risk.high} high,{" "}
              {flags.data.risk.medium} medium, {flags.data.risk.low} low.
            </p>
            {flags.data.refresh_due && !closed ? (
              <div className="warning" role="status">
                Time has passed since the last change (a document expiry or an E-Verify deadline may have come due):
                the rules would now find something else.{" "}
                <Button className="btn-small" disabled={refresh.isPending} onClick={() => refresh.mutate()}>
                  Re-evaluate the flags now
                </Button>
              </div>
            ) : null}
            {refresh.error ? <ErrorNote error={refresh.error} title="The flags were not re-evaluated" /> : null}
            {flags.data.open.length === 0 ? (
              <EmptyState title="No open red flags">
                <p>
                  The rules look at what is recorded about the candidate and the case — identity documents, interviews,
                  E-Verify, addresses, phones, IP addresses, references, payment details, the vendor — and raise a flag,
                  with its source, when something matches a known tactic. None does now.
                </p>
              </EmptyState>
            ) : (
              <ol className="flags" aria-label="Open red flags">
                {flags.data.open.map((f) => (
                  <FlagCard key={f.id} flag={f} evidence={byId} links={links.data ?? []} />
                ))}
              </ol>
            )}
            {flags.data.cleared.length > 0 ? (
              <details className="cleared-flags">
                <summary>Cleared flags ({flags.data.cleared.length})</summary>
                <ol className="flags">
                  {flags.data.cleared.map((f) => (
                    <FlagCard key={f.id} flag={f} evidence={byId} links={links.data ?? []} />
                  ))}
                </ol>
              </details>
            ) : null}
          </>
        ) : null}
      </section>
      <section aria-labelledby="links-heading">
        <h2 id="links-heading">Links to other candidates</h2>
        {links.isPending ? <p className="muted">Loading the links…</p> : null}
        {links.isError ? <ErrorNote error={links.error} title="The links could not be read" /> : null}
        {links.data ? <Links links={links.data} /> : null}
      </section>
    </div>
  );
}
