// IP addresses the candidate was seen at (the application, interviews, onboarding logins), each
// with the indicator-list ranges that contain it: VPN, hosting, Tor and proxy ranges hide where
// someone is; country ranges say where the address is allocated.

import { useState, type FormEvent } from "react";

import type { Flag } from "../../bindings/Flag";
import type { IpCheck } from "../../bindings/IpCheck";
import type { IpContext } from "../../bindings/IpContext";
import type { IpRangeEntry } from "../../bindings/IpRangeEntry";
import type { ObservedIpFields } from "../../bindings/ObservedIpFields";
import type { ObservedIpView } from "../../bindings/ObservedIpView";
import type { Recorded } from "../../bindings/Recorded";
import { Badge, Button, DraftNote, ErrorNote, Field, SelectField } from "../../components";
import { useDraft } from "../../drafts";
import { when } from "../../format";
import { fieldError, isFieldError, nowLocal, orNull, parseLocalDateTime } from "./form";
import { IP_CONTEXT_LABELS } from "./labels";
import { RecordFlags, flagsAbout } from "./parts";
import { useChange } from "../../changes";

const FIELDS = ["ip", "seen_at", "note"] as const;

export function ObservedIpForm({ caseId, onSaved, onCancel }: { caseId: number; onSaved: (r: Recorded) => void; onCancel: () => void }) {
  const draft = useDraft(ipDraftKey(caseId));
  const [ip, setIp] = draft.field("ip", "");
  const [seenAt, setSeenAt] = draft.field("seen_at", nowLocal());
  const [context, setContext] = draft.field<IpContext>("context", "interview");
  const [note, setNote] = draft.field("note", "");
  const [submitted, setSubmitted] = useState(false);
  const save = useChange((observed: ObservedIpFields) => ({ type: "record_observed_ip", id: null, case_id: caseId, observed }));
  const parsed = parseLocalDateTime(seenAt);
  const problems = {
    ip: submitted && ip.trim() === "" ? "Enter the IP address (IPv4 or IPv6)." : null,
    seen_at: submitted && "problem" in parsed ? parsed.problem : null,
  };
  const err = (f: (typeof FIELDS)[number]) => (f === "note" ? null : problems[f]) ?? fieldError(save.error, f);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (ip.trim() === "" || "problem" in parsed) return;
    save.mutate({ ip: ip.trim(), seen_at: parsed.value, context, note: orNull(note) }, {
      onSuccess: (r) => {
        draft.discard();
        onSaved(r);
      },
    });
  };
  return (
    <form className="form record-form" onSubmit={submit} noValidate aria-label="Record IP address">
      <DraftNote restored={draft.restored} onDiscard={draft.discard} />
      <div className="field-grid">
        <Field label="IP address (required)" name="ip" placeholder="203.0.113.7 or 2001:db8::1" value={ip} error={err("ip")} onChange={(e) => setIp(e.target.value)} autoComplete="off" />
        <Field label="Seen at" name="seen_at" placeholder="YYYY-MM-DD HH:MM" hint="Your local time." value={seenAt} error={err("seen_at")} onChange={(e) => setSeenAt(e.target.value)} />
        <SelectField label="Where" name="context" value={context} onChange={(e) => setContext(e.target.value as IpContext)}>
          {(Object.keys(IP_CONTEXT_LABELS) as IpContext[]).map((c) => (
            <option key={c} value={c}>
              {IP_CONTEXT_LABELS[c]}
            </option>
          ))}
        </SelectField>
        <Field label="Note" name="note" value={note} error={err("note")} onChange={(e) => setNote(e.target.value)} />
      </div>
      {save.error && !isFieldError(save.error, FIELDS) ? <ErrorNote error={save.error} title="The IP address was not recorded" /> : null}
      <div className="button-row">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Record IP address
        </Button>
        <Button
          onClick={() => {
            draft.discard();
            onCancel();
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Where the IP address form of a case keeps its draft. */
export function ipDraftKey(caseId: number): string {
  return `case:${caseId}:observed-ip`;
}

/** The list ranges containing an address: anonymising ones as warnings, countries as facts. */
export function Hits({ matches }: { matches: IpRangeEntry[] }) {
  if (matches.length === 0) return <span className="muted small">no list hit</span>;
  return (
    <ul className="hits">
      {matches.map((m) => {
        const country = /^[A-Z]{2}$/.test(m.category);
        return (
          <li key={`${m.list}-${m.cidr}`} data-hit={m.category}>
            <Badge tone={country ? "info" : "bad"}>{country ? `country ${m.category}` : m.category}</Badge> {m.label || <span className="muted">no label</span>}{" "}
            <span className="muted small">
              {m.cidr} in list {m.list}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function ObservedIpTable({
  ips,
  application,
  caseId,
  open,
}: {
  ips: ObservedIpView[];
  application: IpCheck | null;
  caseId: number;
  open: Flag[];
}) {
  return (
    <table className="table ips">
      <caption className="visually-hidden">IP addresses the candidate was seen at</caption>
      <thead>
        <tr>
          <th scope="col">Address</th>
          <th scope="col">Seen</th>
          <th scope="col">Where</th>
          <th scope="col">Indicator lists</th>
        </tr>
      </thead>
      <tbody>
        {application ? (
          <tr data-ip={application.ip}>
            <td className="mono nowrap">{application.ip}</td>
            <td className="muted small">with the application</td>
            <td>Application</td>
            <td>
              <Hits matches={application.matches} />
            </td>
          </tr>
        ) : null}
        {ips.map((v) => (
          <tr key={v.observed.id} data-ip={v.observed.ip}>
            <td className="mono nowrap">{v.observed.ip}</td>
            <td className="small nowrap">{when(v.observed.seen_at)}</td>
            <td>
              {IP_CONTEXT_LABELS[v.observed.context]}
              {v.observed.note ? <span className="muted small"> — {v.observed.note}</span> : null}
            </td>
            <td>
              <Hits matches={v.matches} />
              <RecordFlags flags={flagsAbout(open, "ip", v.observed.ip)} caseId={caseId} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
