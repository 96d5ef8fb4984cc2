// The candidate form: its fields as typed, and what becomes of them in the request. The rules
// are the store's: the form asks it (`candidate_check`) while typing, so that a problem shows
// next to its field before anything is sent; only the typing of dates is checked here.

import type { CandidateFields } from "../../bindings/CandidateFields";
import type { FieldProblem } from "../../bindings/FieldProblem";
import { dateProblem } from "../../format";

export interface CandidateForm {
  legal_name: string;
  other_names: string;
  external_id: string;
  emails: string;
  phones: string;
  home_address: string;
  shipping_address: string;
  claimed_location: string;
  time_zone: string;
  role: string;
  vendor_id: string;
  applied_on: string;
  application_ip: string;
  open_case: boolean;
  kind: "pre_hire" | "reverification" | "investigation";
  assignee: string;
  priority: "low" | "normal" | "high" | "urgent";
  due_on: string;
}

export type FieldErrors = Partial<Record<keyof CandidateForm, string>>;

export const EMPTY_FORM: CandidateForm = {
  legal_name: "",
  other_names: "",
  external_id: "",
  emails: "",
  phones: "",
  home_address: "",
  shipping_address: "",
  claimed_location: "",
  time_zone: "",
  role: "",
  vendor_id: "",
  applied_on: "",
  application_ip: "",
  open_case: true,
  kind: "pre_hire",
  assignee: "",
  priority: "normal",
  due_on: "",
};

/** Several values in one box: one per line, or separated by commas or semicolons. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,;]/)
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** The form as the request the store judges: what `candidate_check` and `candidate_add` take. */
export function toCandidate(f: CandidateForm): CandidateFields {
  return {
    legal_name: f.legal_name,
    other_names: splitList(f.other_names),
    external_id: nullable(f.external_id),
    emails: splitList(f.emails),
    phones: splitList(f.phones),
    home_address: nullable(f.home_address),
    shipping_address: nullable(f.shipping_address),
    claimed_location: nullable(f.claimed_location),
    time_zone: nullable(f.time_zone),
    role: nullable(f.role),
    vendor_id: f.vendor_id === "" ? null : Number(f.vendor_id),
    applied_on: nullable(f.applied_on),
    application_ip: nullable(f.application_ip),
  };
}

export function nullable(text: string): string | null {
  return text.trim() === "" ? null : text.trim();
}

/** The candidate as the store is asked about it while typing: a date not yet typed as one is
 *  left out (it could not be sent), and its problem is `inputProblems`'. */
export function checkable(form: CandidateForm): CandidateFields {
  const candidate = toCandidate(form);
  return dateProblem(form.applied_on) ? { ...candidate, applied_on: null } : candidate;
}

/** What the form must settle before it can even ask the store: dates typed as YYYY-MM-DD
 *  (a request with another date does not reach the store's rules). */
export function inputProblems(form: CandidateForm): FieldErrors {
  const errors: FieldErrors = {};
  const applied = dateProblem(form.applied_on);
  if (applied) errors.applied_on = applied;
  const due = form.open_case ? dateProblem(form.due_on) : null;
  if (due) errors.due_on = due;
  return errors;
}

/** The store's problems, by the field they are about. */
export function byField(problems: FieldProblem[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const p of problems) {
    const field = p.field as keyof CandidateForm;
    errors[field] ??= p.message;
  }
  return errors;
}
