// A new candidate, and the case to open for them, in one step. Problems show next to their
// field while typing, as the store judges the form (`candidate_check`); what it can only tell
// on adding (a vendor removed meanwhile, an assignee) comes back from it and is shown next to
// the field it is about.

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { backend } from "../../backend";
import type { CandidateAdd } from "../../bindings/CandidateAdd";
import type { CandidateFields } from "../../bindings/CandidateFields";
import { Button, ErrorNote, Field, SelectField, TextAreaField, errorOf } from "../../components";
import { KIND_LABELS, PRIORITY_LABELS } from "../../format";
import { keys } from "../../keys";
import { hrefFor, navigate } from "../../router";
import { useActor } from "../../session/actor";
import { useVendors } from "../queue/queries";
import { useUsers } from "../shell/queries";
import { useSettled } from "../verification/queries";
import { byField, checkable, EMPTY_FORM, inputProblems, nullable, toCandidate, type CandidateForm, type FieldErrors } from "./validate";

function toRequest(f: CandidateForm): CandidateAdd {
  return {
    candidate: toCandidate(f),
    case: f.open_case
      ? { kind: f.kind, assignee: nullable(f.assignee), priority: f.priority, due_on: nullable(f.due_on) }
      : null,
  };
}

export function NewCandidatePage() {
  const actor = useActor();
  const vendors = useVendors();
  const users = useUsers();
  const [form, setForm] = useState<CandidateForm>({ ...EMPTY_FORM, assignee: actor.name });
  const [touched, setTouched] = useState<Partial<Record<keyof CandidateForm, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const add = useMutation({
    mutationFn: (request: CandidateAdd) => backend.candidateAdd(request),
    onSuccess: (added) => {
      if (added.case_id !== null) navigate({ name: "case", caseId: added.case_id, tab: "checklist" });
      else navigate({ name: "queue" });
    },
    onError: (error) => {
      // Take the user to the field the store refused, wherever it is on the page.
      const field = errorOf(error).field;
      if (field) document.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
    },
  });

  // The store's judgement of the form, asked a moment after typing stops (the last answer kept
  // meanwhile so that messages do not flicker).
  const input = inputProblems(form);
  const typed = useSettled(JSON.stringify(checkable(form)), 150);
  const check = useQuery({
    queryKey: keys.candidateCheck(typed),
    queryFn: () => backend.candidateCheck(JSON.parse(typed) as CandidateFields),
    placeholderData: keepPreviousData,
  });
  const [checked, setChecked] = useState<FieldErrors | null>(null);
  const local: FieldErrors = { ...(checked ?? byField(check.data ?? [])), ...input };
  const server = add.error ? errorOf(add.error) : null;
  const serverField = server?.field as keyof CandidateForm | undefined;
  const errorFor = (name: keyof CandidateForm): string | null => {
    if (serverField === name && server) return server.message;
    return touched[name] || submitted ? (local[name] ?? null) : null;
  };
  const bind = (name: keyof CandidateForm) => ({
    name,
    value: String(form[name]),
    error: errorFor(name),
    onChange: (e: { target: { value: string } }) => {
      setForm((f) => ({ ...f, [name]: e.target.value }));
      setChecked(null);
      if (serverField === name) add.reset();
    },
    onBlur: () => setTouched((t) => ({ ...t, [name]: true })),
  });

  /** Takes the user to the first field with a problem, in the form's order. */
  const focusFirst = (problems: FieldErrors): boolean => {
    const first = (Object.keys(EMPTY_FORM) as (keyof CandidateForm)[]).find((k) => problems[k] !== undefined);
    if (first) document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
    return first !== undefined;
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    // What the store would refuse, asked now for the form as it is: nothing is sent while
    // there is any problem, and the first in the form gets the focus.
    let problems: FieldErrors;
    try {
      problems = byField(await backend.candidateCheck(checkable(form)));
    } catch {
      // The check itself failed: the store still judges what is sent.
      problems = {};
    }
    setChecked(problems);
    if (focusFirst({ ...problems, ...input })) return;
    add.mutate(toRequest(form));
  };

  return (
    <>
      <h1>New candidate</h1>
      <p className="muted">
        Enter the candidate as your applicant-tracking system knows them. Several emails or phones go one per
        line. Many candidates at once? <a href={hrefFor({ name: "import" })}>Import a CSV file</a>.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="New candidate">
        <fieldset className="field-grid">
          <legend>Candidate</legend>
          <Field label="Legal name (required)" autoFocus {...bind("legal_name")} />
          <TextAreaField label="Other names" hint="Aliases, former names, other spellings." rows={2} {...bind("other_names")} />
          <Field label="External id" hint="The candidate’s id in your applicant-tracking system." {...bind("external_id")} />
          <TextAreaField label="Emails" rows={2} {...bind("emails")} />
          <TextAreaField label="Phones" hint="With the country code, e.g. +1 312 555 0100." rows={2} {...bind("phones")} />
          <TextAreaField label="Home address" rows={2} {...bind("home_address")} />
          <TextAreaField
            label="Shipping address"
            hint="Where company equipment would be sent, if not home."
            rows={2}
            {...bind("shipping_address")}
          />
          <Field label="Claimed location" hint="Where the candidate says they live and work." {...bind("claimed_location")} />
          <Field label="Time zone" hint="IANA name, e.g. America/Chicago." {...bind("time_zone")} />
          <Field label="Role applied for" {...bind("role")} />
          <SelectField label="Vendor" hint="The staffing agency that supplied the candidate, if any." {...bind("vendor_id")}>
            <option value="">None (direct applicant)</option>
            {(vendors.data ?? []).map((v) => (
              <option key={v.id} value={String(v.id)}>
                {v.name}
              </option>
            ))}
          </SelectField>
          <Field label="Applied on" placeholder="YYYY-MM-DD" inputMode="numeric" {...bind("applied_on")} />
          <Field label="Application IP address" hint="As recorded by the applicant-tracking system." {...bind("application_ip")} />
        </fieldset>
        <fieldset className="field-grid">
          <legend>Case</legend>
          <label className="check span-all">
            <input
              type="checkbox"
              checked={form.open_case}
              onChange={(e) => setForm((f) => ({ ...f, open_case: e.target.checked }))}
            />{" "}
            Open a case for this candidate now
          </label>
          {form.open_case ? (
            <>
              <SelectField label="Kind" {...bind("kind")}>
                {(Object.keys(KIND_LABELS) as CandidateForm["kind"][]).map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </SelectField>
              <SelectField label="Assignee" {...bind("assignee")}>
                <option value="">Unassigned</option>
                {(users.data ?? [])
                  .filter((u) => u.active)
                  .map((u) => (
                    <option key={u.name} value={u.name}>
                      {u.display_name} ({u.name})
                    </option>
                  ))}
              </SelectField>
              <SelectField label="Priority" {...bind("priority")}>
                {(Object.keys(PRIORITY_LABELS) as CandidateForm["priority"][]).map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </SelectField>
              <Field
                label="Due"
                placeholder="YYYY-MM-DD"
                inputMode="numeric"
                hint="When a decision is needed, e.g. before the planned start."
                {...bind("due_on")}
              />
            </>
          ) : null}
          {server && !serverField ? (
            <div className="span-all">
              <ErrorNote error={add.error} title="The candidate was not added" />
            </div>
          ) : null}
          <div className="button-row span-all">
            <Button type="submit" variant="primary" disabled={add.isPending}>
              {form.open_case ? "Add candidate and open case" : "Add candidate"}
            </Button>
            <a className="btn" href={hrefFor({ name: "queue" })}>
              Cancel
            </a>
          </div>
        </fieldset>
      </form>
    </>
  );
}
