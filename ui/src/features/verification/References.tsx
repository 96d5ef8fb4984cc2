// References of a candidate: who they are and how to reach them. The rules compare their
// contacts with the candidate's own, other candidates' and other references'.

import { useState, type FormEvent } from "react";

import type { Flag } from "../../bindings/Flag";
import type { Recorded } from "../../bindings/Recorded";
import type { Reference } from "../../bindings/Reference";
import type { ReferenceFields } from "../../bindings/ReferenceFields";
import { Button, ErrorNote, Field, TextAreaField } from "../../components";
import { fieldError, isFieldError, orNull } from "./form";
import { RecordFlags, flagsAbout } from "./parts";
import { useRecordChange } from "../../changes";

const FIELDS = ["name", "relationship", "email", "phone", "company", "note"] as const;
type Text = Record<(typeof FIELDS)[number], string>;

export const EMPTY_REFERENCE: ReferenceFields = { name: "", email: null, phone: null, relationship: "", company: null, note: null };

export function ReferenceForm({
  caseId,
  id,
  initial,
  onSaved,
  onCancel,
}: {
  caseId: number;
  id: number | null;
  initial: ReferenceFields;
  onSaved: (r: Recorded) => void;
  onCancel: () => void;
}) {
  const [t, setT] = useState<Text>({
    name: initial.name,
    relationship: initial.relationship,
    email: initial.email ?? "",
    phone: initial.phone ?? "",
    company: initial.company ?? "",
    note: initial.note ?? "",
  });
  const [submitted, setSubmitted] = useState(false);
  const save = useRecordChange(caseId, id, (reference: ReferenceFields) =>
    id === null ? { type: "add_reference", id: null, case_id: caseId, reference } : { type: "update_reference", id, case_id: caseId, reference },
  );
  const local = (): Partial<Text> => {
    const p: Partial<Text> = {};
    if (t.name.trim() === "") p.name = "Enter the reference’s name.";
    if (t.relationship.trim() === "") p.relationship = "Say how they know the candidate, e.g. former manager.";
    if (t.email.trim() && !/^[^@\s]+@[^@\s]+$/.test(t.email.trim())) p.email = `“${t.email.trim()}” is not an email address.`;
    return p;
  };
  const problems = submitted ? local() : {};
  const err = (f: (typeof FIELDS)[number]) => problems[f] ?? fieldError(save.error, f);
  const set = (k: keyof Text) => (e: { target: { value: string } }) => setT({ ...t, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(local()).length > 0) return;
    save.mutate(
      {
        name: t.name.trim(),
        relationship: t.relationship.trim(),
        email: orNull(t.email),
        phone: orNull(t.phone),
        company: orNull(t.company),
        note: orNull(t.note),
      },
      { onSuccess: (r) => onSaved(r) },
    );
  };
  return (
    <form className="form record-form" onSubmit={submit} noValidate aria-label={id === null ? "Add reference" : "Correct reference"}>
      <div className="field-grid">
        <Field label="Name (required)" name="name" value={t.name} error={err("name")} onChange={set("name")} autoComplete="off" />
        <Field label="Relationship (required)" name="relationship" placeholder="former manager" value={t.relationship} error={err("relationship")} onChange={set("relationship")} />
        <Field label="Company" name="company" hint="The company they speak for, if they give one." value={t.company} error={err("company")} onChange={set("company")} />
        <Field label="Email" name="email" type="email" value={t.email} error={err("email")} onChange={set("email")} autoComplete="off" />
        <Field label="Phone" name="phone" type="tel" hint="With the country code unless it is a US number." value={t.phone} error={err("phone")} onChange={set("phone")} autoComplete="off" />
      </div>
      <TextAreaField label="Note" name="note" rows={2} value={t.note} error={err("note")} onChange={set("note")} />
      {save.error && !isFieldError(save.error, FIELDS) ? <ErrorNote error={save.error} title="The reference was not saved" /> : null}
      <div className="button-row">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {id === null ? "Add reference" : "Save correction"}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

export function ReferenceList({ references, caseId, open, onEdit }: { references: Reference[]; caseId: number; open: Flag[]; onEdit: ((r: Reference) => void) | null }) {
  return (
    <ul className="records">
      {references.map((r) => (
        <li key={r.id} className="record-card" data-reference={r.id}>
          <div className="record-head">
            <strong>{r.name}</strong>
            <span>{r.relationship}</span>
            {r.company ? <span className="muted">at {r.company}</span> : null}
            {onEdit ? (
              <Button className="btn-small" onClick={() => onEdit(r)} aria-label={`Correct reference ${r.name}`}>
                Correct…
              </Button>
            ) : null}
          </div>
          <p className="small">
            {r.email ? <span className="mono">{r.email}</span> : <span className="muted">no email</span>}
            {" · "}
            {r.phone ? <span className="mono">{r.phone}</span> : <span className="muted">no phone</span>}
          </p>
          <RecordFlags flags={flagsAbout(open, "reference", r.id)} caseId={caseId} />
          {r.note ? <p className="small">{r.note}</p> : null}
        </li>
      ))}
    </ul>
  );
}
