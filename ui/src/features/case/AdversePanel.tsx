// The FCRA adverse-action steps of a case, as the store reads them from its chain, and the
// two notices given from here: the pre-adverse-action notice (the copy of the report and the
// summary of rights are files the case already holds), then, once the case is decided on the
// report, the adverse-action notice. The notices are PDFs kept as evidence, opened through the
// app's `evidence:` scheme like every other file: the page never names a path.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import type { AdverseAction } from "../../bindings/AdverseAction";
import type { CaseDetail } from "../../bindings/CaseDetail";
import type { Evidence } from "../../bindings/Evidence";
import { backend, evidenceUrl } from "../../backend";
import { Button, ErrorNote, Field, SelectField } from "../../components";
import { day } from "../../format";
import { keys } from "../../keys";
import { usePermissions } from "../../session/actor";

function NoticeLink({ evidence, id, label }: { evidence: Evidence[]; id: number; label: string }) {
  const e = evidence.find((x) => x.id === id);
  if (!e) return <span className="muted">evidence {id}</span>;
  return (
    <a className="notice-link" href={evidenceUrl("file", e.sha256)} download={e.original_name} data-evidence={id}>
      {label} ({e.original_name})
    </a>
  );
}

function PreNoticeForm({ detail, onDone }: { detail: CaseDetail; onDone: () => void }) {
  const caseId = detail.case.id;
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [address, setAddress] = useState("");
  const [phone, setPhone] = useState("");
  const [report, setReport] = useState("");
  const [rights, setRights] = useState("");
  const give = useMutation({
    mutationFn: () =>
      backend.adversePreNotice({
        case_id: caseId,
        agency: { name, address, phone },
        report: Number(report),
        summary_of_rights: Number(rights),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.case(caseId) });
      onDone();
    },
  });
  const files = detail.evidence;
  const ready = name.trim() && address.trim() && phone.trim() && report && rights && report !== rights;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) give.mutate();
  };
  return (
    <form className="adverse-form" onSubmit={submit} aria-label="Pre-adverse-action notice">
      <p className="muted small">
        Upload the copy of the consumer report and “A Summary of Your Rights Under the Fair Credit Reporting Act” as
        evidence of this case first; the notice is generated as a PDF and kept with them.
      </p>
      <Field label="Consumer reporting agency" name="agency-name" value={name} onChange={(e) => setName(e.target.value)} />
      <Field label="Agency address" name="agency-address" value={address} onChange={(e) => setAddress(e.target.value)} />
      <Field label="Agency phone" name="agency-phone" value={phone} onChange={(e) => setPhone(e.target.value)} />
      <FileChoice label="Copy of the report" name="report" files={files} value={report} onChange={setReport} />
      <FileChoice label="Summary of rights" name="summary-of-rights" files={files} value={rights} onChange={setRights} />
      {give.error ? <ErrorNote error={give.error} title="The notice was not given" /> : null}
      <div className="actions">
        <Button type="button" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" disabled={!ready || give.isPending}>
          Give pre-adverse-action notice
        </Button>
      </div>
    </form>
  );
}

function Steps({ steps, evidence }: { steps: AdverseAction; evidence: Evidence[] }) {
  const p = steps.pre_notice;
  if (!p) return null;
  return (
    <dl className="facts">
      <dt>Pre-adverse notice</dt>
      <dd>
        given {day(p.sent_on)} · <NoticeLink evidence={evidence} id={p.notice} label="Notice PDF" /> · with{" "}
        <NoticeLink evidence={evidence} id={p.report} label="report" /> and{" "}
        <NoticeLink evidence={evidence} id={p.summary_of_rights} label="summary of rights" />
      </dd>
      <dt>Agency</dt>
      <dd>{`${p.agency.name}, ${p.agency.address}, ${p.agency.phone}`}</dd>
      <dt>Waiting period</dt>
      <dd>{`${p.wait_days} business days, to ${day(p.wait_ends_on)}; decision from ${day(p.decide_from)}`}</dd>
      <dt>Decided on the report</dt>
      <dd>{steps.decided_on ? day(steps.decided_on) : <span className="muted">—</span>}</dd>
      <dt>Adverse-action notice</dt>
      <dd>
        {steps.notice ? (
          <>
            given {day(steps.notice.sent_on)} · <NoticeLink evidence={evidence} id={steps.notice.notice} label="Notice PDF" />
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </dd>
      <dt>Next</dt>
      <dd>{steps.due_on ? `${steps.next_step} (from ${day(steps.due_on)})` : steps.next_step}</dd>
    </dl>
  );
}

/** Shown on a case with adverse-action steps, and to those who may decide on a vetting case
 *  not decided yet (where a rejection could come to rest on a background report). */
export function AdversePanel({ detail }: { detail: CaseDetail }) {
  const permissions = usePermissions();
  const client = useQueryClient();
  const [giving, setGiving] = useState(false);
  const steps = detail.adverse_action;
  const k = detail.case;
  const caseId = k.id;
  const mayDecide = permissions?.decide ?? false;
  const open = k.status !== "decided" && k.status !== "closed";
  const notice = useMutation({
    mutationFn: () => backend.adverseNotice(caseId),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.case(caseId) }),
  });
  if (!steps && !(mayDecide && open && k.kind !== "monitoring")) return null;
  const noticeDue = steps?.pre_notice && steps.decided_on && !steps.notice && k.status !== "closed";
  return (
    <section aria-labelledby="adverse-heading" className="adverse">
      <h2 id="adverse-heading">FCRA adverse action</h2>
      {steps ? (
        <Steps steps={steps} evidence={detail.evidence} />
      ) : (
        <p className="muted">
          No pre-adverse-action notice. A rejection that rests on a background-check report needs one, with the report
          and the summary of rights, and a waiting period before the decision.
        </p>
      )}
      {!steps && mayDecide && open ? (
        giving ? (
          <PreNoticeForm detail={detail} onDone={() => setGiving(false)} />
        ) : (
          <Button className="btn-small" onClick={() => setGiving(true)}>
            Give pre-adverse-action notice…
          </Button>
        )
      ) : null}
      {noticeDue && mayDecide ? (
        <Button variant="primary" className="btn-small" disabled={notice.isPending} onClick={() => notice.mutate()}>
          Give adverse-action notice
        </Button>
      ) : null}
      {notice.error ? <ErrorNote error={notice.error} title="The adverse-action notice was not given" /> : null}
    </section>
  );
}

/** One of the case's files, chosen by id (the empty value: none chosen yet). */
function FileChoice({
  label,
  name,
  files,
  value,
  onChange,
}: {
  label: string;
  name: string;
  files: Evidence[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <SelectField label={label} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose a file of the case…</option>
      {files.map((f) => (
        <option key={f.id} value={String(f.id)}>
          {f.original_name}
        </option>
      ))}
    </SelectField>
  );
}
