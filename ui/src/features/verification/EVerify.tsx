// E-Verify cases: status and Further Action Notice dates, the deadlines they start (counted in
// federal working days, overdue in red), the form that records or updates a case, and the
// store's refusal before the offer is accepted and Form I-9 is complete.

import { useState, type FormEvent } from "react";

import type { ChecklistEntry } from "../../bindings/ChecklistEntry";
import type { Deadline } from "../../bindings/Deadline";
import type { EVerifyFields } from "../../bindings/EVerifyFields";
import type { EVerifyStatus } from "../../bindings/EVerifyStatus";
import type { EVerifyView } from "../../bindings/EVerifyView";
import type { Evidence } from "../../bindings/Evidence";
import type { Flag } from "../../bindings/Flag";
import type { MismatchAgency } from "../../bindings/MismatchAgency";
import type { Recorded } from "../../bindings/Recorded";
import { Badge, Button, ErrorNote, Field, SelectField, TextAreaField } from "../../components";
import { day, RESULT_LABELS, when } from "../../format";
import { caseHref } from "../../router";
import { dateCheck, fieldError, isFieldError, orNull } from "./form";
import { AGENCY_LABELS, DEADLINE_STATE_LABELS, EVERIFY_STATUS_LABELS } from "./labels";
import { Choice, EvidencePicker, EvidenceThumbs, RecordFlags, flagsAbout } from "./parts";
import { useRecordChange } from "../../changes";

/** The checklist items E-Verify waits for (as the store's `EVERIFY_PREREQUISITES`). */
export const PREREQUISITES = ["offer-accepted", "form-i9-complete"] as const;

const STATUSES = Object.keys(EVERIFY_STATUS_LABELS) as EVerifyStatus[];
/** Results after a mismatch, when the Further Action Notice dates mean something. */
const AFTER_MISMATCH = new Set<EVerifyStatus>(["tentative_nonconfirmation", "case_in_continuance", "final_nonconfirmation", "close_case_and_resubmit", "closed"]);

const DATES = [
  "created_on",
  "mismatch_on",
  "notice_given_on",
  "decision_recorded_on",
  "referred_on",
  "agency_contacted_on",
  "continuance_since",
  "followed_up_on",
] as const;
type DateField = (typeof DATES)[number];
const FIELDS = ["case_number", "agency", "employee_contests", "evidence", "note", "prerequisites", ...DATES] as const;

export const EMPTY_EVERIFY: EVerifyFields = {
  case_number: "",
  created_on: "",
  status: "tentative_nonconfirmation",
  agency: null,
  mismatch_on: null,
  notice_given_on: null,
  decision_recorded_on: null,
  employee_contests: null,
  referred_on: null,
  agency_contacted_on: null,
  continuance_since: null,
  followed_up_on: null,
  evidence: [],
  note: null,
};

/** The prerequisites not passed yet, with their titles and results, from the checklist. */
export function missingPrerequisites(checklist: ChecklistEntry[]): { id: string; title: string; result: string }[] {
  return PREREQUISITES.flatMap((id) => {
    const entry = checklist.find((e) => e.item.id === id);
    const result = entry?.state.result ?? "pending";
    return result === "pass" ? [] : [{ id, title: entry?.item.title ?? id, result: RESULT_LABELS[result] }];
  });
}

/** Why E-Verify cannot be recorded yet, with the two items to complete first. */
export function PrerequisitesNote({ caseId, missing, refusal }: { caseId: number; missing: { id: string; title: string; result: string }[]; refusal?: string | undefined }) {
  return (
    <div className={refusal ? "error-note prerequisites" : "warning prerequisites"} role={refusal ? "alert" : "note"} data-testid="everify-prerequisites">
      <strong>{refusal ? "E-Verify was not recorded: " : "E-Verify comes after the offer. "}</strong>
      Complete <span className="mono">offer-accepted</span> and <span className="mono">form-i9-complete</span> first: E-Verify may only be
      used for a new hire who accepted the offer and completed Form I-9, never to pre-screen applicants.
      {missing.length > 0 ? (
        <ul>
          {missing.map((m) => (
            <li key={m.id}>
              <a href={caseHref(caseId, "checklist")}>{m.title}</a> <span className="muted small">({m.id}: {m.result.toLowerCase()})</span>
            </li>
          ))}
        </ul>
      ) : null}
      {refusal ? <p className="small muted">The store said: {refusal}</p> : null}
    </div>
  );
}

export function EVerifyForm({
  caseId,
  evidence,
  checklist,
  id,
  initial,
  onSaved,
  onCancel,
}: {
  caseId: number;
  evidence: Evidence[];
  checklist: ChecklistEntry[];
  id: number | null;
  initial: EVerifyFields;
  onSaved: (r: Recorded) => void;
  onCancel: () => void;
}) {
  const [caseNumber, setCaseNumber] = useState(initial.case_number);
  const [status, setStatus] = useState<EVerifyStatus>(initial.status);
  const [agency, setAgency] = useState<MismatchAgency | "">(initial.agency ?? "");
  const [dates, setDates] = useState<Record<DateField, string>>(
    Object.fromEntries(DATES.map((k) => [k, initial[k] ?? ""])) as Record<DateField, string>,
  );
  const [contests, setContests] = useState<"unknown" | "yes" | "no">(
    initial.employee_contests === null ? "unknown" : initial.employee_contests ? "yes" : "no",
  );
  const [chosen, setChosen] = useState<number[]>(initial.evidence);
  const [note, setNote] = useState(initial.note ?? "");
  const [submitted, setSubmitted] = useState(false);
  const save = useRecordChange(caseId, id, (everify: EVerifyFields) =>
    id === null ? { type: "record_e_verify", id: null, case_id: caseId, everify } : { type: "update_e_verify", id, case_id: caseId, everify },
  );

  const localProblems = () => {
    const p: Partial<Record<(typeof FIELDS)[number], string>> = {};
    if (caseNumber.trim() === "") p.case_number = "Enter the E-Verify case number.";
    else if (!/^[A-Za-z0-9-]+$/.test(caseNumber.trim())) p.case_number = "A case number holds only letters, digits and “-”.";
    for (const k of DATES) {
      const problem = dateCheck(dates[k], { required: k === "created_on", notAfterToday: true });
      if (problem) p[k] = problem;
    }
    if (status === "tentative_nonconfirmation") {
      if (agency === "") p.agency = "A mismatch is with DHS, SSA or both: choose which.";
      if (!p.mismatch_on && dates.mismatch_on.trim() === "") p.mismatch_on = "Enter the day E-Verify issued the mismatch.";
    }
    if (status === "case_in_continuance" && !p.continuance_since && dates.continuance_since.trim() === "") {
      p.continuance_since = "Enter the day the case went into continuance.";
    }
    return p;
  };
  const problems = submitted ? localProblems() : {};
  const err = (f: (typeof FIELDS)[number]) => problems[f] ?? fieldError(save.error, f);
  const refusedForPrerequisites = save.error ? fieldError(save.error, "prerequisites") !== null : false;
  const showMismatch = AFTER_MISMATCH.has(status) || DATES.slice(1, 6).some((k) => dates[k].trim() !== "") || agency !== "";
  const showContinuance = status === "case_in_continuance" || dates.continuance_since.trim() !== "" || dates.followed_up_on.trim() !== "";
  const dateField = (k: DateField, label: string, hint?: string) => (
    <Field
      key={k}
      label={label}
      name={k}
      placeholder="YYYY-MM-DD"
      inputMode="numeric"
      hint={hint}
      value={dates[k]}
      error={err(k)}
      onChange={(e) => setDates({ ...dates, [k]: e.target.value })}
    />
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(localProblems()).length > 0) return;
    const d = (k: DateField) => orNull(dates[k]);
    save.mutate(
      {
        case_number: caseNumber.trim(),
        created_on: dates.created_on.trim(),
        status,
        agency: agency === "" ? null : agency,
        mismatch_on: d("mismatch_on"),
        notice_given_on: d("notice_given_on"),
        decision_recorded_on: d("decision_recorded_on"),
        employee_contests: contests === "unknown" ? null : contests === "yes",
        referred_on: d("referred_on"),
        agency_contacted_on: d("agency_contacted_on"),
        continuance_since: d("continuance_since"),
        followed_up_on: d("followed_up_on"),
        evidence: chosen,
        note: orNull(note),
      },
      { onSuccess: (r) => onSaved(r) },
    );
  };
  return (
    <form className="form record-form" onSubmit={submit} noValidate aria-label={id === null ? "Record E-Verify case" : "Update E-Verify case"}>
      {refusedForPrerequisites ? (
        <PrerequisitesNote caseId={caseId} missing={missingPrerequisites(checklist)} refusal={save.error?.message} />
      ) : null}
      <div className="field-grid">
        <Field
          label="E-Verify case number (required)"
          name="case_number"
          value={caseNumber}
          error={err("case_number")}
          onChange={(e) => setCaseNumber(e.target.value)}
          autoComplete="off"
        />
        {dateField("created_on", "Created on (required)")}
        <SelectField label="Result" name="status" value={status} onChange={(e) => setStatus(e.target.value as EVerifyStatus)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {EVERIFY_STATUS_LABELS[s]}
            </option>
          ))}
        </SelectField>
      </div>
      {showMismatch ? (
        <fieldset className="field-grid">
          <legend>Mismatch and Further Action Notice</legend>
          <SelectField label="Agency" name="agency" value={agency} error={err("agency")} onChange={(e) => setAgency(e.target.value as MismatchAgency | "")}>
            <option value="">—</option>
            {(Object.keys(AGENCY_LABELS) as MismatchAgency[]).map((a) => (
              <option key={a} value={a}>
                {AGENCY_LABELS[a]}
              </option>
            ))}
          </SelectField>
          {dateField("mismatch_on", "Mismatch issued on")}
          {dateField("notice_given_on", "Notice given to the employee on", "The employer notifies within 10 federal working days.")}
          {dateField("decision_recorded_on", "Employee’s decision recorded on")}
          <Choice
            legend="The employee takes action (contests)"
            name="employee_contests"
            options={[
              ["unknown", "Not decided yet"],
              ["yes", "Yes"],
              ["no", "No"],
            ]}
            value={contests}
            onChange={setContests}
            error={err("employee_contests")}
          />
          {dateField("referred_on", "Referred on", "The date on the Referral Date Confirmation.")}
          {dateField("agency_contacted_on", "Employee contacted the agency on", "Within 8 federal working days of the referral.")}
        </fieldset>
      ) : null}
      {showContinuance ? (
        <fieldset className="field-grid">
          <legend>Case in continuance</legend>
          {dateField("continuance_since", "In continuance since")}
          {dateField("followed_up_on", "Followed up with E-Verify on", "Needed after 60 federal working days in continuance.")}
        </fieldset>
      ) : null}
      <EvidencePicker legend="Case details, notices, confirmations" name="everify-evidence" multiple evidence={evidence} value={chosen} onChange={setChosen} error={err("evidence")} />
      <TextAreaField label="Note" name="note" rows={2} value={note} error={err("note")} onChange={(e) => setNote(e.target.value)} />
      {save.error && !isFieldError(save.error, FIELDS) ? <ErrorNote error={save.error} title="The E-Verify case was not saved" /> : null}
      <div className="button-row">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {id === null ? "Record E-Verify case" : "Save update"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

function DeadlineRow({ d }: { d: Deadline }) {
  const left =
    d.state === "met" || d.state === "met_late"
      ? `done ${day(d.done_on)}`
      : d.overdue
        ? `overdue by ${-d.working_days_left} working day${d.working_days_left === -1 ? "" : "s"}`
        : d.working_days_left === 0
          ? "due today"
          : `${d.working_days_left} working day${d.working_days_left === 1 ? "" : "s"} left`;
  return (
    <tr className={d.overdue ? "row-bad" : undefined} data-deadline={d.kind} data-overdue={d.overdue}>
      <td>
        {d.description}
        <span className="muted small" title={`${d.source.document}, ${d.source.section}`}>
          {" "}
          ({d.working_days} federal working days from {day(d.counted_from)})
        </span>
      </td>
      <td className="nowrap">{day(d.due)}</td>
      <td className={d.overdue ? "overdue nowrap" : "nowrap"}>{left}</td>
      <td>
        <Badge tone={d.state === "overdue" ? "bad" : d.state === "met_late" ? "warn" : d.state === "met" ? "good" : "info"}>{DEADLINE_STATE_LABELS[d.state]}</Badge>
      </td>
    </tr>
  );
}

export function EVerifyCard({
  view,
  caseId,
  evidence,
  open,
  onEdit,
}: {
  view: EVerifyView;
  caseId: number;
  evidence: ReadonlyMap<number, Evidence>;
  open: Flag[];
  onEdit: (() => void) | null;
}) {
  const e = view.everify;
  return (
    <li className="record-card" data-everify={e.id}>
      <div className="record-head">
        <strong>
          Case <span className="mono">{e.case_number}</span>
        </strong>
        <Badge tone={e.status === "employment_authorized" ? "good" : e.status === "final_nonconfirmation" ? "bad" : e.status === "closed" ? "muted" : "warn"}>
          {EVERIFY_STATUS_LABELS[e.status]}
          {e.agency ? ` · ${AGENCY_LABELS[e.agency]}` : ""}
        </Badge>
        <span className="muted small">created {day(e.created_on)}</span>
        {onEdit ? (
          <Button className="btn-small" onClick={onEdit} aria-label={`Update E-Verify case ${e.case_number}`}>
            Update…
          </Button>
        ) : null}
      </div>
      {view.deadlines.length > 0 ? (
        <table className="table deadlines">
          <caption className="visually-hidden">Deadlines of E-Verify case {e.case_number}</caption>
          <thead>
            <tr>
              <th scope="col">Deadline</th>
              <th scope="col">Due</th>
              <th scope="col">Left</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {view.deadlines.map((d) => (
              <DeadlineRow key={d.kind} d={d} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">No deadline runs for this result.</p>
      )}
      <EvidenceThumbs ids={e.evidence} evidence={evidence} />
      <RecordFlags flags={flagsAbout(open, "everify", e.id)} caseId={caseId} />
      {e.note ? <p className="small">{e.note}</p> : null}
      <p className="muted small">
        Recorded by {e.recorded_by}, {when(e.recorded_at)}
        {e.updated_at !== e.recorded_at ? ` · updated ${when(e.updated_at)}` : ""}. No adverse action before a Final
        Nonconfirmation.
      </p>
    </li>
  );
}
