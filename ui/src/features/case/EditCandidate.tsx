// Correcting a candidate's details from the Details tab. The store judges the form (the same
// rule as adding and importing) and records the correction in the chain of each of the
// candidate's cases; it refuses it while a case of theirs is decided or closed, and says so.

import { useState, type FormEvent } from "react";

import type { Candidate } from "../../bindings/Candidate";
import type { CandidateFields } from "../../bindings/CandidateFields";
import { useChange } from "../../changes";
import { Button, ErrorNote, Field, TextAreaField, errorOf } from "../../components";
import { nullable, splitList } from "../candidates/validate";

interface EditForm {
  legal_name: string;
  other_names: string;
  emails: string;
  phones: string;
  home_address: string;
  shipping_address: string;
  claimed_location: string;
  time_zone: string;
  role: string;
}

function formOf(c: Candidate): EditForm {
  return {
    legal_name: c.legal_name,
    other_names: c.other_names.join("\n"),
    emails: c.emails.join("\n"),
    phones: c.phones.join("\n"),
    home_address: c.home_address ?? "",
    shipping_address: c.shipping_address ?? "",
    claimed_location: c.claimed_location ?? "",
    time_zone: c.time_zone ?? "",
    role: c.role ?? "",
  };
}

/** The stored candidate with the form's fields; the others (external id, vendor, dates, IP)
 *  are kept as they are. */
function fieldsOf(c: Candidate, f: EditForm): CandidateFields {
  return {
    external_id: c.external_id,
    legal_name: f.legal_name,
    other_names: splitList(f.other_names),
    emails: splitList(f.emails),
    phones: splitList(f.phones),
    home_address: nullable(f.home_address),
    shipping_address: nullable(f.shipping_address),
    claimed_location: nullable(f.claimed_location),
    time_zone: nullable(f.time_zone),
    role: nullable(f.role),
    vendor_id: c.vendor_id,
    applied_on: c.applied_on,
    application_ip: c.application_ip,
  };
}

export function EditCandidate({ candidate, onDone }: { candidate: Candidate; onDone: () => void }) {
  const [form, setForm] = useState<EditForm>(() => formOf(candidate));
  const save = useChange((fields: CandidateFields) => ({
    type: "update_candidate",
    id: candidate.id,
    candidate: fields,
  }));
  const refusal = save.error ? errorOf(save.error) : null;
  const bind = (name: keyof EditForm) => ({
    name,
    value: form[name],
    error: refusal?.field === name ? refusal.message : null,
    onChange: (e: { target: { value: string } }) => {
      setForm((f) => ({ ...f, [name]: e.target.value }));
      if (refusal) save.reset();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(fieldsOf(candidate, form), { onSuccess: onDone });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Edit candidate details">
      <fieldset className="field-grid">
        <legend>Candidate details</legend>
        <p className="muted small span-all">
          Each correction is recorded in the audit trail of every case of this candidate. A changed address or phone
          can raise red flags.
        </p>
        <Field label="Legal name" autoFocus {...bind("legal_name")} />
        <TextAreaField label="Other names" rows={2} {...bind("other_names")} />
        <TextAreaField label="Emails" hint="One per line." rows={2} {...bind("emails")} />
        <TextAreaField label="Phones" hint="One per line, with the country code." rows={2} {...bind("phones")} />
        <TextAreaField label="Home address" rows={2} {...bind("home_address")} />
        <TextAreaField label="Shipping address" rows={2} {...bind("shipping_address")} />
        <Field label="Claimed location" {...bind("claimed_location")} />
        <Field label="Time zone" {...bind("time_zone")} />
        <Field label="Role applied for" {...bind("role")} />
        {refusal && !refusal.field ? (
          <div className="span-all">
            <ErrorNote error={save.error} title="The details were not changed" />
          </div>
        ) : null}
        <div className="button-row span-all">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            Save details
          </Button>
          <Button onClick={onDone}>Cancel</Button>
        </div>
      </fieldset>
    </form>
  );
}
