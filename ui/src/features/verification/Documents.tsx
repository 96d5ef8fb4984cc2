// Identity documents of a case: each with what the store's checks found after saving (the MRZ,
// the name against the candidate's with the tolerances used, dates of birth across documents,
// expiry), and the form that records or corrects one with the MRZ checked as it is typed.

import { useState, type FormEvent } from "react";

import type { DocumentFields } from "../../bindings/DocumentFields";
import type { DocumentKind } from "../../bindings/DocumentKind";
import type { DocumentView } from "../../bindings/DocumentView";
import type { Evidence } from "../../bindings/Evidence";
import type { Flag } from "../../bindings/Flag";
import type { NameComparison } from "../../bindings/NameComparison";
import type { Recorded } from "../../bindings/Recorded";
import { Badge, Button, ErrorNote, Field, SelectField, TextAreaField } from "../../components";
import { day, today, when } from "../../format";
import { dateCheck, fieldError, isFieldError, orNull } from "./form";
import { CHECKED_FIELD_LABELS, DOCUMENT_KIND_LABELS, toleranceText } from "./labels";
import { MrzLiveCheck } from "./MrzCheckView";
import { EvidencePicker, EvidenceThumbs, RecordFlags, flagsAbout } from "./parts";
import { useRecordChange } from "../../changes";

const KINDS = Object.keys(DOCUMENT_KIND_LABELS) as DocumentKind[];

export const EMPTY_DOCUMENT: DocumentFields = {
  kind: "passport",
  issuing_country: "",
  number: "",
  holder_name: "",
  birth_date: null,
  expiry_date: null,
  mrz: null,
  front_evidence: null,
  back_evidence: null,
  note: null,
};

type Text = { [K in "issuing_country" | "number" | "holder_name" | "birth_date" | "expiry_date" | "mrz" | "note"]: string };

const FIELDS = ["issuing_country", "number", "holder_name", "birth_date", "expiry_date", "mrz", "evidence", "note"] as const;

export function documentProblems(t: Text): Partial<Record<(typeof FIELDS)[number], string>> {
  const p: Partial<Record<(typeof FIELDS)[number], string>> = {};
  const country = t.issuing_country.trim();
  if (country === "") p.issuing_country = "Enter the issuing country as printed (USA, D, GBR …).";
  else if (!/^[A-Za-z]{1,3}$/.test(country)) p.issuing_country = "A country code is 1 to 3 letters (USA, D, GBR, FR …).";
  if (t.number.trim() === "") p.number = "Enter the document number as printed.";
  if (t.holder_name.trim() === "") p.holder_name = "Enter the holder’s name as printed.";
  const birth = dateCheck(t.birth_date, { notAfterToday: true });
  if (birth) p.birth_date = birth;
  const expiry = dateCheck(t.expiry_date);
  if (expiry) p.expiry_date = expiry;
  else if (!birth && t.birth_date.trim() && t.expiry_date.trim() && t.expiry_date.trim() <= t.birth_date.trim()) {
    p.expiry_date = "The expiry date must come after the date of birth.";
  }
  return p;
}

export function DocumentForm({
  caseId,
  evidence,
  id,
  initial,
  onSaved,
  onCancel,
}: {
  caseId: number;
  evidence: Evidence[];
  id: number | null;
  initial: DocumentFields;
  onSaved: (recorded: Recorded) => void;
  onCancel: () => void;
}) {
  const [kind, setKind] = useState<DocumentKind>(initial.kind);
  const [t, setT] = useState<Text>({
    issuing_country: initial.issuing_country,
    number: initial.number,
    holder_name: initial.holder_name,
    birth_date: initial.birth_date ?? "",
    expiry_date: initial.expiry_date ?? "",
    mrz: initial.mrz ?? "",
    note: initial.note ?? "",
  });
  const [front, setFront] = useState<number | null>(initial.front_evidence);
  const [back, setBack] = useState<number | null>(initial.back_evidence);
  const [submitted, setSubmitted] = useState(false);
  const save = useRecordChange(caseId, id, (document: DocumentFields) =>
    id === null ? { type: "record_document", id: null, case_id: caseId, document } : { type: "update_document", id, case_id: caseId, document },
  );
  const problems = submitted ? documentProblems(t) : {};
  const set = (k: keyof Text) => (e: { target: { value: string } }) => setT({ ...t, [k]: e.target.value });
  const err = (f: (typeof FIELDS)[number]) => problems[f] ?? fieldError(save.error, f);
  const document: DocumentFields = {
    kind,
    issuing_country: t.issuing_country.trim().toUpperCase(),
    number: t.number.trim(),
    holder_name: t.holder_name.trim(),
    birth_date: orNull(t.birth_date),
    expiry_date: orNull(t.expiry_date),
    mrz: orNull(t.mrz),
    front_evidence: front,
    back_evidence: back,
    note: orNull(t.note),
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(documentProblems(t)).length > 0) return;
    save.mutate(document, { onSuccess: (r) => onSaved(r) });
  };
  return (
    <form className="form record-form" onSubmit={submit} noValidate aria-label={id === null ? "Record identity document" : "Correct identity document"}>
      <div className="field-grid">
        <SelectField label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value as DocumentKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {DOCUMENT_KIND_LABELS[k]}
            </option>
          ))}
        </SelectField>
        <Field
          label="Issuing country (required)"
          name="issuing_country"
          hint="The code printed on the document: USA, D, GBR, FR …"
          value={t.issuing_country}
          error={err("issuing_country")}
          onChange={set("issuing_country")}
          autoComplete="off"
        />
        <Field label="Document number (required)" name="number" value={t.number} error={err("number")} onChange={set("number")} autoComplete="off" />
        <Field
          label="Holder name (required)"
          name="holder_name"
          hint="As printed on the document; compared with the candidate’s names, allowing for accents, order and transliteration."
          value={t.holder_name}
          error={err("holder_name")}
          onChange={set("holder_name")}
          autoComplete="off"
        />
        <Field label="Date of birth" name="birth_date" placeholder="YYYY-MM-DD" inputMode="numeric" value={t.birth_date} error={err("birth_date")} onChange={set("birth_date")} />
        <Field label="Date of expiry" name="expiry_date" placeholder="YYYY-MM-DD" inputMode="numeric" value={t.expiry_date} error={err("expiry_date")} onChange={set("expiry_date")} />
      </div>
      <TextAreaField
        label="Machine-readable zone"
        name="mrz"
        className="mrz-field"
        rows={3}
        spellCheck={false}
        autoComplete="off"
        hint="Type the printed fields above from the page as printed, and the zone as it stands: the zone is checked against them."
        value={t.mrz}
        error={err("mrz")}
        onChange={set("mrz")}
      />
      <MrzLiveCheck text={t.mrz} typed={document} />
      <div className="picker-pair">
        <EvidencePicker legend="Front" name={`front-${id ?? "new"}`} evidence={evidence} value={front} onChange={setFront} />
        <EvidencePicker
          legend="Back"
          name={`back-${id ?? "new"}`}
          evidence={evidence}
          value={back}
          onChange={setBack}
          error={fieldError(save.error, "evidence")}
        />
      </div>
      <TextAreaField label="Note" name="note" rows={2} value={t.note} error={err("note")} onChange={set("note")} />
      {save.error && !isFieldError(save.error, FIELDS) ? <ErrorNote error={save.error} title="The document was not saved" /> : null}
      <div className="button-row">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {id === null ? "Record document" : "Save correction"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

function NameCheck({ check }: { check: NameComparison }) {
  switch (check.result.result) {
    case "exact":
      return <Badge tone="good">Name as the candidate’s</Badge>;
    case "equivalent":
      return (
        <span>
          <Badge tone="good">Same name as the candidate’s</Badge>{" "}
          <span className="muted small">allowing for {check.result.reasons.map(toleranceText).join(", ")}</span>
        </span>
      );
    case "different":
      return (
        <span>
          <Badge tone="bad">Not the candidate’s name</Badge> <span className="muted small">the candidate is “{check.right}”</span>
        </span>
      );
  }
}

function expiryBadge(expiry: string | null) {
  if (!expiry) return null;
  const now = today();
  if (expiry < now) return <Badge tone="bad">Expired</Badge>;
  const days = (Date.parse(`${expiry}T00:00:00Z`) - Date.parse(`${now}T00:00:00Z`)) / 86_400_000;
  return days <= 90 ? <Badge tone="warn">Expires within 90 days</Badge> : null;
}

export function DocumentCard({
  view,
  caseId,
  evidence,
  open,
  onEdit,
}: {
  view: DocumentView;
  caseId: number;
  evidence: ReadonlyMap<number, Evidence>;
  open: Flag[];
  onEdit: (() => void) | null;
}) {
  const d = view.document;
  const failed = view.mrz?.check_digits.filter((c) => !c.passed) ?? [];
  const expiry = d.expiry_date ?? view.mrz?.expiry_date.date ?? null;
  return (
    <li className="record-card" data-document={d.id}>
      <div className="record-head">
        <strong>
          {DOCUMENT_KIND_LABELS[d.kind]} · {d.issuing_country} · <span className="mono">{d.number}</span>
        </strong>
        {view.mrz ? (
          view.mrz.valid ? (
            <Badge tone="good">MRZ checks pass</Badge>
          ) : (
            <Badge tone="bad">MRZ fails</Badge>
          )
        ) : d.mrz ? (
          <Badge tone="warn">MRZ unreadable</Badge>
        ) : (
          <Badge tone="muted">No MRZ</Badge>
        )}
        {expiryBadge(expiry)}
        {onEdit ? (
          <Button className="btn-small" onClick={onEdit} aria-label={`Correct document ${d.id}`}>
            Correct…
          </Button>
        ) : null}
      </div>
      <dl className="record-facts">
        <dt>Holder</dt>
        <dd>
          {d.holder_name} <NameCheck check={view.name_check} />
        </dd>
        <dt>Born</dt>
        <dd>{day(d.birth_date ?? view.mrz?.birth_date.date ?? null)}</dd>
        <dt>Expires</dt>
        <dd>{day(expiry)}</dd>
      </dl>
      {failed.length > 0 ? (
        <p className="small error-text">
          Failing check digit{failed.length === 1 ? "" : "s"}: {failed.map((c) => CHECKED_FIELD_LABELS[c.field]).join(", ")}.
        </p>
      ) : null}
      <EvidenceThumbs ids={[d.front_evidence, d.back_evidence].filter((x): x is number => x !== null)} evidence={evidence} />
      <RecordFlags flags={flagsAbout(open, "document", d.id)} caseId={caseId} />
      {d.note ? <p className="small">{d.note}</p> : null}
      <p className="muted small">
        Recorded by {d.recorded_by}, {when(d.recorded_at)}
        {d.updated_at !== d.recorded_at ? ` · corrected ${when(d.updated_at)}` : ""}
      </p>
    </li>
  );
}
