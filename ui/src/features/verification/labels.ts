// How the closed value sets of verification read in the app: document kinds, interview
// answers, E-Verify results (named as the E-Verify User Manual names them), MRZ fields.

import type { AuditOutcome } from "../../bindings/AuditOutcome";
import type { CheckedField } from "../../bindings/CheckedField";
import type { DeadlineState } from "../../bindings/DeadlineState";
import type { DocumentKind } from "../../bindings/DocumentKind";
import type { EVerifyStatus } from "../../bindings/EVerifyStatus";
import type { IdMatch } from "../../bindings/IdMatch";
import type { IpContext } from "../../bindings/IpContext";
import type { MismatchAgency } from "../../bindings/MismatchAgency";
import type { MrzFieldName } from "../../bindings/MrzFieldName";
import type { Tolerance } from "../../bindings/Tolerance";

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  passport: "Passport",
  national_id: "National ID card",
  driver_licence: "Driver licence",
  residence_permit: "Residence permit",
  other: "Other document",
};

export const ID_MATCH_LABELS: Record<IdMatch, string> = {
  yes: "Yes: the ID matched the face and the name",
  no: "No: the ID did not match",
  unclear: "Unclear: could not be matched",
  not_shown: "No ID was held to the camera",
};

export const ID_MATCH_SHORT: Record<IdMatch, string> = {
  yes: "ID matched",
  no: "ID did not match",
  unclear: "ID match unclear",
  not_shown: "No ID shown",
};

export const EVERIFY_STATUS_LABELS: Record<EVerifyStatus, string> = {
  employment_authorized: "Employment Authorized",
  needs_more_time: "E-Verify Needs More Time",
  tentative_nonconfirmation: "Tentative Nonconfirmation (Mismatch)",
  case_in_continuance: "Case in Continuance",
  close_case_and_resubmit: "Close Case and Resubmit",
  final_nonconfirmation: "Final Nonconfirmation",
  closed: "Closed",
};

export const AGENCY_LABELS: Record<MismatchAgency, string> = {
  dhs: "DHS",
  ssa: "SSA",
  both: "DHS and SSA",
};

export const IP_CONTEXT_LABELS: Record<IpContext, string> = {
  application: "Application",
  interview: "Interview",
  onboarding_login: "Onboarding login",
  login: "Login",
  other: "Other",
};

export const AUDIT_OUTCOME_LABELS: Record<AuditOutcome, string> = {
  satisfactory: "Satisfactory: vets to our standard",
  findings: "Findings: gaps agreed to be fixed",
  unsatisfactory: "Unsatisfactory: does not vet to our standard",
};

export const AUDIT_OUTCOME_SHORT: Record<AuditOutcome, string> = {
  satisfactory: "Satisfactory",
  findings: "Findings",
  unsatisfactory: "Unsatisfactory",
};

export const DEADLINE_STATE_LABELS: Record<DeadlineState, string> = {
  met: "Met",
  met_late: "Met late",
  pending: "Open",
  overdue: "Overdue",
};

export const MRZ_FIELD_LABELS: Record<MrzFieldName, string> = {
  document_code: "Document code",
  issuing_state: "Issuing state",
  document_number: "Document number",
  document_number_check_digit: "Document number check digit",
  nationality: "Nationality",
  birth_date: "Date of birth",
  birth_date_check_digit: "Date of birth check digit",
  sex: "Sex",
  expiry_date: "Date of expiry",
  expiry_date_check_digit: "Date of expiry check digit",
  optional_data: "Optional data",
  optional_data_check_digit: "Optional data check digit",
  optional_data2: "Optional data (line 2)",
  composite_check_digit: "Composite check digit",
  name: "Name",
};

export const CHECKED_FIELD_LABELS: Record<CheckedField, string> = {
  document_number: "document number",
  birth_date: "date of birth",
  expiry_date: "date of expiry",
  optional_data: "optional data (personal number)",
  composite: "composite (the whole lower line)",
};

export function toleranceText(t: Tolerance): string {
  switch (t.kind) {
    case "case":
      return "letter case";
    case "accents":
      return "accents";
    case "transliteration":
      return "transliteration";
    case "punctuation":
      return "punctuation";
    case "mrz_format":
      return "MRZ format";
    case "surname_first_comma":
      return "surname written first";
    case "order":
      return "a different order";
    case "spacing":
      return "spacing";
    case "missing_middle_names":
      return `missing middle name${t.names.length === 1 ? "" : "s"} ${t.names.join(" ")}`;
  }
}
