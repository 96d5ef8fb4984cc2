// Red flags and links of a case: what the verification rules found (severity, title, why it
// matters, the facts and the source each rule follows), the risk score they add up to, and
// the other candidates sharing a phone, email, address, bank account or IP with this one.

import { useState } from "react";

import type { Evidence } from "../../bindings/Evidence";
import type { Flag } from "../../bindings/Flag";
import type { Triage } from "../../bindings/Triage";
import type { Cluster } from "../../bindings/Cluster";
import type { Link } from "../../bindings/Link";
import type { LinkedCase } from "../../bindings/LinkedCase";
import type { LinkRole } from "../../bindings/LinkRole";
import { Badge, Button, EmptyState, ErrorNote } from "../../components";
import { SEVERITY_LABELS, severityTone, statusText, when } from "../../format";
import { caseHref } from "../../router";
import { useCaseChange } from "../../changes";
import { usePermissions } from "../../session/actor";
import { useCaseCluster, useCaseFlags, useCaseLinks, useRefreshFlags } from "./queries";
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

const TRIAGE_LABELS: Record<Triage, string> = {
  acknowledged: "Acknowledged",
  false_positive: "False positive",
  confirmed: "Confirmed",
};

/// A person's reading of an open flag, recorded in the case's chain; a false positive needs
/// its reason. Offered only to those the store lets triage (investigators, compliance, admins).
/// Made on the case as shown (`basedOn`): refused, and the case read again, when someone else
/// triaged or cleared the flag since.
function TriageControls({ flag, basedOn }: { flag: Flag; basedOn: string | undefined }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const change = useCaseChange(flag.case_id, basedOn, (args: { triage: Triage; reason: string | null }) => ({
    type: "triage_flag" as const,
    case_id: flag.case_id,
    flag_id: flag.id,
    triage: args.triage,
    reason: args.reason,
  }));
  const done = () => {
    setAsking(false);
    setReason("");
  };
  return (
    <div className="flag-triage" role="group" aria-label={`Triage: ${flag.title}`}>
      <Button className="btn-small" disabled={change.isPending} onClick={() => change.mutate({ triage: "acknowledged", reason: null }, { onSuccess: done })}>
        Acknowledge
      </Button>{" "}
      <Button className="btn-small" disabled={change.isPending} onClick={() => setAsking(true)}>
        False positive…
      </Button>{" "}
      <Button className="btn-small" disabled={change.isPending} onClick={() => change.mutate({ triage: "confirmed", reason: null }, { onSuccess: done })}>
        Confirm
      </Button>
      {asking ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim() !== "") change.mutate({ triage: "false_positive", reason }, { onSuccess: done });
          }}
        >
          <label>
            Why is it a false positive? (required)
            <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <Button type="submit" className="btn-small" disabled={reason.trim() === "" || change.isPending}>
            Record false positive
          </Button>{" "}
          <Button className="btn-small" onClick={done}>
            Cancel
          </Button>
        </form>
      ) : null}
      {change.error ? <ErrorNote error={change.error} title="The triage was not recorded" /> : null}
    </div>
  );
}

function FlagCard({
  flag,
  evidence,
  links,
  canTriage = false,
  basedOn,
}: {
  flag: Flag;
  evidence: ReadonlyMap<number, Evidence>;
  links: Link[];
  canTriage?: boolean;
  basedOn?: string | undefined;
}) {
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
      {flag.triage ? (
        <p className="small flag-triaged" data-triage={flag.triage}>
          <Badge tone={flag.triage === "confirmed" ? "bad" : "muted"}>{TRIAGE_LABELS[flag.triage]}</Badge> by{" "}
          {flag.triaged_by ?? "?"}
          {flag.triaged_at ? ` ${when(flag.triaged_at)}` : ""}
          {flag.triage_reason ? `: ${flag.triage_reason}` : ""}
        </p>
      ) : open ? (
        <p className="small muted flag-triaged">Not triaged yet.</p>
      ) : null}
      {open && canTriage ? <TriageControls flag={flag} basedOn={basedOn} /> : null}
    </li>
  );
}

function CaseLink({ linked }: { linked: LinkedCase }) {
  return (
    <a className="related" href={caseHref(linked.case_id, "flags")}>
      case {linked.case_id} ({statusText(linked.status, linked.decision ?? null).toLowerCase()})
    </a>
  );
}

/** Everyone joined to this candidate, through others too: one row per candidate, nearest first,
 *  with the candidate through whom they were found and what they share with them. */
function ClusterTable({ cluster }: { cluster: Cluster }) {
  const names = new Map(cluster.members.map((m) => [m.candidate_id, m.candidate_name]));
  return (
    <>
      <p>
        {cluster.members.length} candidates are joined by shared identifiers
        {cluster.truncated ? " (and more: the list stops here)" : ""}.
      </p>
      <table className="table cluster" data-testid="cluster">
        <caption className="visually-hidden">Candidates joined to this one through shared identifiers</caption>
        <thead>
          <tr>
            <th scope="col">Hops</th>
            <th scope="col">Candidate</th>
            <th scope="col">Cases</th>
            <th scope="col">Joined through</th>
          </tr>
        </thead>
        <tbody>
          {cluster.members.map((m) => (
            <tr key={m.candidate_id} data-candidate={m.candidate_id}>
              <td>{m.hops === 0 ? "this one" : m.hops}</td>
              <td>
                <strong>{m.candidate_name}</strong> <span className="muted small">candidate {m.candidate_id}</span>
              </td>
              <td>
                {m.cases.map((c) => (
                  <CaseLink key={c.case_id} linked={c} />
                ))}
              </td>
              <td>
                {m.joined_to === null
                  ? "—"
                  : `${m.through.map((t) => `${t.kind.replace("_", " ")} ${t.value}`).join("; ")} with ${
                      names.get(m.joined_to) ?? `candidate ${m.joined_to}`
                    }`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ClusterSection({ caseId }: { caseId: number }) {
  const [shown, setShown] = useState(false);
  const cluster = useCaseCluster(caseId, shown);
  return (
    <section aria-labelledby="cluster-heading">
      <h2 id="cluster-heading">Cluster</h2>
      {!shown ? (
        <Button onClick={() => setShown(true)}>Show everyone joined through others</Button>
      ) : null}
      {shown && cluster.isPending ? <p className="muted">Walking the links…</p> : null}
      {cluster.isError ? <ErrorNote error={cluster.error} title="The cluster could not be read" /> : null}
      {cluster.data ? <ClusterTable cluster={cluster.data} /> : null}
    </section>
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
              <CaseLink key={c.case_id} linked={c} />
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

export function FlagsPanel({
  caseId,
  evidence,
  closed,
  basedOn,
}: {
  caseId: number;
  evidence: Evidence[];
  closed: boolean;
  /** The case's chain head as the page read it, sent with a triage. */
  basedOn?: string | undefined;
}) {
  const flags = useCaseFlags(caseId);
  const links = useCaseLinks(caseId);
  const refresh = useRefreshFlags(caseId);
  const permissions = usePermissions();
  const canTriage = !closed && permissions?.triage === true;
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
                  <FlagCard key={f.id} flag={f} evidence={byId} links={links.data ?? []} canTriage={canTriage} basedOn={basedOn} />
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
      {links.data && links.data.length > 0 ? <ClusterSection caseId={caseId} /> : null}
    </div>
  );
}
