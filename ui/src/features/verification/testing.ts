// Builders for what the verification commands return, for the component tests: typed by the
// generated bindings, with defaults a test overrides as it needs.

import type { CaseVerification } from "../../bindings/CaseVerification";
import type { CheckedField } from "../../bindings/CheckedField";
import type { DocumentView } from "../../bindings/DocumentView";
import type { EVerifyView } from "../../bindings/EVerifyView";
import type { MrzReport } from "../../bindings/MrzReport";
import type { RaisedFlag } from "../../bindings/RaisedFlag";
import type { Recorded } from "../../bindings/Recorded";
import { caseFlags } from "../../test/fixtures";

export const LINE_1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
export const LINE_2 = "L898902C36UTO7408123F3404159ZE184226B<<<<<16";

const DIGITS: { field: CheckedField; position: number; covers: string; found: string; expected: string }[] = [
  { field: "document_number", position: 10, covers: "L898902C3", found: "6", expected: "6" },
  { field: "birth_date", position: 20, covers: "740812", found: "2", expected: "2" },
  { field: "expiry_date", position: 28, covers: "340415", found: "9", expected: "9" },
  { field: "optional_data", position: 43, covers: "ZE184226B<<<<<", found: "1", expected: "1" },
  { field: "composite", position: 44, covers: "L898902C3674081223404159ZE184226B<<<<<1", found: "6", expected: "6" },
];

/** A TD3 report of the specimen passport; `failing` check digits hold a wrong digit. */
export function mrzReport(failing: CheckedField[] = [], over: Partial<MrzReport> = {}): MrzReport {
  return {
    layout: "td3",
    lines: [LINE_1, LINE_2],
    normalisation: [],
    document_code: "P",
    issuing_state: "UTO",
    document_number: "L898902C3",
    document_number_extended: false,
    nationality: "UTO",
    birth_date: { raw: "740812", date: "1974-08-12" },
    sex: "female",
    expiry_date: { raw: "340415", date: "2034-04-15" },
    primary_identifier: "ERIKSSON",
    secondary_identifier: "ANNA MARIA",
    name_possibly_truncated: false,
    optional_data: "ZE184226B",
    optional_data_2: null,
    fields: [],
    check_digits: DIGITS.map((d) => ({
      field: d.field,
      line: 2,
      position: d.position,
      covers: d.covers,
      found: failing.includes(d.field) ? String((Number(d.expected) + 1) % 10) : d.found,
      expected: d.expected,
      passed: !failing.includes(d.field),
      note: null,
    })),
    problems: [],
    valid: failing.length === 0,
    source: { document: "ICAO Doc 9303", section: "Part 4, 4.2" },
    ...over,
  };
}

export function recorded(raised: Partial<RaisedFlag>[] = [], over: Partial<Recorded> = {}): Recorded {
  return {
    id: 1,
    record: {
      id: 40,
      chain: { kind: "case", case_id: 1 },
      seq: 7,
      at: "2026-11-02T09:00:00.000Z",
      actor: "rita",
      change: {},
      prev_hash: "0".repeat(64),
      hash: "1".repeat(64),
    },
    raised: raised.map((r) => ({ case_id: 1, rule: "document.mrz_check_failed", severity: "high", title: "The document's machine-readable zone fails its checks", ...r })),
    cleared: 0,
    ...over,
  };
}

export function documentView(id: number, over: Partial<DocumentView["document"]> = {}, view: Partial<DocumentView> = {}): DocumentView {
  return {
    document: {
      id,
      case_id: 1,
      recorded_by: "rita",
      recorded_at: "2026-11-02T09:30:00.000Z",
      updated_at: "2026-11-02T09:30:00.000Z",
      kind: "passport",
      issuing_country: "UTO",
      number: "L898902C3",
      holder_name: "ERIKSSON, Anna María",
      birth_date: "1974-08-12",
      expiry_date: "2034-04-15",
      mrz: `${LINE_1}\n${LINE_2}`,
      front_evidence: null,
      back_evidence: null,
      note: null,
      ...over,
    },
    mrz: mrzReport(["birth_date", "composite"]),
    name_check: {
      left: "ERIKSSON, Anna María",
      right: "Anna Maria Eriksson",
      result: { result: "equivalent", reasons: [{ kind: "case" }, { kind: "accents" }, { kind: "surname_first_comma" }] },
      source: { document: "ICAO Doc 9303", section: "Part 3" },
    },
    ...view,
  };
}

export function everifyView(over: Partial<EVerifyView> = {}): EVerifyView {
  return {
    everify: {
      id: 1,
      case_id: 1,
      recorded_by: "rita",
      recorded_at: "2026-11-02T09:30:00.000Z",
      updated_at: "2026-11-02T09:30:00.000Z",
      case_number: "2026301123456AB",
      created_on: "2026-10-26",
      status: "tentative_nonconfirmation",
      agency: "ssa",
      mismatch_on: "2026-10-26",
      notice_given_on: null,
      decision_recorded_on: null,
      employee_contests: null,
      referred_on: null,
      agency_contacted_on: null,
      continuance_since: null,
      followed_up_on: null,
      evidence: [],
      note: null,
    },
    deadlines: [
      {
        kind: "notify_employee",
        description: "Notify the employee of the mismatch",
        counted_from: "2026-10-26",
        working_days: 10,
        due: "2026-11-09",
        done_on: null,
        state: "overdue",
        overdue: true,
        working_days_left: -3,
        source: { document: "E-Verify User Manual", section: "3.4" },
      },
      {
        kind: "employee_decision",
        description: "Record the employee's decision",
        counted_from: "2026-10-26",
        working_days: 10,
        due: "2026-11-20",
        done_on: null,
        state: "pending",
        overdue: false,
        working_days_left: 4,
        source: { document: "E-Verify User Manual", section: "3.4" },
      },
    ],
    ...over,
  };
}

export function verification(over: Partial<CaseVerification> = {}): CaseVerification {
  return {
    case_id: 1,
    candidate_id: 1,
    documents: [],
    interviews: [],
    reachable_hours: null,
    everify: [],
    references: [],
    payments: [],
    observed_ips: [],
    application_ip: null,
    vendor: null,
    flags: caseFlags([]),
    links: [],
    ...over,
  };
}
