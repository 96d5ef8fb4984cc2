// The candidate form's own checks: the same rules the store applies (which stays the judge),
// run while typing so that a problem shows next to its field before anything is sent.

import { dateProblem, today } from "../../format";

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

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIp(text: string): boolean {
  if (IPV4.test(text)) return true;
  // IPv6: hex groups and colons, at most one "::" (the store checks it exactly).
  return /^[0-9a-fA-F:.]+$/.test(text) && text.includes(":") && (text.match(/::/g) ?? []).length <= 1;
}

export function validate(form: CandidateForm): FieldErrors {
  const errors: FieldErrors = {};
  if (form.legal_name.trim() === "") errors.legal_name = "Enter the candidate’s legal name, as on their identity documents.";
  else if (form.legal_name.trim().length > 300) errors.legal_name = "At most 300 characters.";
  const badEmail = splitList(form.emails).find((e) => !/^[^@\s]+@[^@\s]+$/.test(e));
  if (badEmail) errors.emails = `“${badEmail}” is not an email address (name@example.com).`;
  const badPhone = splitList(form.phones).find(
    (p) => (p.match(/\d/g) ?? []).length < 4 || !/^[\d\s+\-().x/A-Za-z]+$/.test(p),
  );
  if (badPhone) errors.phones = `“${badPhone}” is not a phone number; include the country code, e.g. +1 312 555 0100.`;
  const ip = form.application_ip.trim();
  if (ip && !isIp(ip)) errors.application_ip = `“${ip}” is not an IPv4 or IPv6 address.`;
  const tz = form.time_zone.trim();
  if (tz && tz !== "UTC" && !(tz.includes("/") && /^[A-Za-z0-9/_+-]+$/.test(tz))) {
    errors.time_zone = "Use an IANA time zone name such as America/Chicago or Europe/Berlin.";
  }
  const appliedProblem = dateProblem(form.applied_on);
  if (appliedProblem) errors.applied_on = appliedProblem;
  else if (form.applied_on.trim() && form.applied_on.trim() > today()) {
    errors.applied_on = "The application date cannot be in the future.";
  }
  const dueProblem = form.open_case ? dateProblem(form.due_on) : null;
  if (dueProblem) errors.due_on = dueProblem;
  return errors;
}
