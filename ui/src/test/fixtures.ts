// Builders for the values the backend returns, with defaults a test overrides as it needs:
// typed by the generated bindings, so a change of a Rust type breaks the fixtures at compile
// time rather than silently.

import type { AppInfo } from "../bindings/AppInfo";
import type { AdverseAction } from "../bindings/AdverseAction";
import type { CaseDetail } from "../bindings/CaseDetail";
import type { CaseRetention } from "../bindings/CaseRetention";
import type { CaseFlags } from "../bindings/CaseFlags";
import type { Flag } from "../bindings/Flag";
import type { CaseSummary } from "../bindings/CaseSummary";
import type { ChecklistEntry } from "../bindings/ChecklistEntry";
import type { Evidence } from "../bindings/Evidence";
import type { Permissions } from "../bindings/Permissions";
import type { User } from "../bindings/User";

export const SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

export function appInfo(over: Partial<AppInfo> = {}): AppInfo {
  return {
    version: "0.1.0",
    data_dir: "/home/reviewer/.local/share/vetdesk",
    log_dir: "/home/reviewer/.local/share/vetdesk/logs",
    default_user: null,
    acting: null,
    team_database: null,
    evidence_max_bytes: 2 * 1024 * 1024 * 1024,
    upload_chunk_bytes: 4 * 1024 * 1024,
    retention: [
      {
        rule: "form_i9",
        who: "Hired workers",
        kept: "the later of 3 years after the start date or 1 year after termination",
        source: "8 CFR 274a.2, Verification of identity and employment authorization, (b)(2)(i)(A)",
      },
      {
        rule: "not_hired",
        who: "People not hired",
        kept: "2 year(s) after the decision",
        source: "29 CFR 1602.14, Preservation of records made or kept",
      },
      {
        rule: "referral",
        who: "Cases referred to law enforcement",
        kept: "until the referral is released, then 2 year(s)",
        source: "Vetdesk retention policy",
      },
    ],
    ...over,
  };
}

export function user(over: Partial<User> = {}): User {
  return {
    id: 1,
    name: "rita",
    display_name: "Rita Reviewer",
    role: "reviewer",
    active: true,
    created_at: "2026-11-02T09:00:00.000Z",
    switch_password: false,
    ...over,
  };
}

export function entry(id: string, over: Partial<ChecklistEntry> = {}): ChecklistEntry {
  return {
    phase_id: "pre_offer",
    phase_title: "Pre-offer vetting",
    section_id: "identity",
    section_title: "Identity documents",
    item: {
      id,
      title: `Title of ${id}`,
      guidance: `How to check ${id}`,
      source: "nydfs-fbi-2024",
      source_ref: `Section for ${id}`,
      requires: [],
      requires_reason: null,
      applies_when: null,
    },
    source_title: "NYDFS Industry Letter",
    state: {
      item_id: id,
      result: "pending",
      note: null,
      recorded_by: null,
      recorded_at: null,
      evidence: [],
    },
    blocked_by: [],
    applicable: true,
    due: null,
    ...over,
  };
}

export function evidence(id: number, over: Partial<Evidence> = {}): Evidence {
  return {
    id,
    case_id: 1,
    sha256: SHA,
    size: 123_456,
    original_name: `file-${id}.png`,
    media_type: "image/png",
    description: null,
    item_id: null,
    added_by: "rita",
    added_at: "2026-11-02T09:30:00.000Z",
    has_thumbnail: true,
    ingest_note: null,
    ...over,
  };
}

export function caseSummary(id: number, over: Partial<CaseSummary> = {}): CaseSummary {
  return {
    id,
    candidate_id: id,
    candidate_name: `Candidate ${id}`,
    external_id: `ATS-${id}`,
    vendor_id: null,
    vendor_name: null,
    kind: "pre_hire",
    status: "open",
    decision: null,
    assignee: null,
    priority: "normal",
    due_on: null,
    overdue: false,
    opened_at: "2026-11-02T09:00:00.000Z",
    updated_at: "2026-11-02T09:00:00.000Z",
    progress: { total: 10, done: 0, passed: 0, failed: 0 },
    open_flags: 0,
    top_severity: null,
    ...over,
  };
}

export function caseDetail(over: Partial<CaseDetail> = {}): CaseDetail {
  return {
    case: {
      id: 1,
      candidate_id: 1,
      kind: "pre_hire",
      status: "open",
      decision: null,
      decision_reason: null,
      decided_by: null,
      decided_at: null,
      assignee: "rita",
      priority: "normal",
      due_on: null,
      template_id: "remote-it-worker",
      template_version: 1,
      opened_by: "rita",
      opened_at: "2026-11-02T09:00:00.000Z",
      updated_at: "2026-11-02T09:00:00.000Z",
      closed_at: null,
    },
    overdue: false,
    candidate: {
      id: 1,
      created_at: "2026-11-02T09:00:00.000Z",
      updated_at: "2026-11-02T09:00:00.000Z",
      external_id: "ATS-1",
      legal_name: "Anna Maria Eriksson",
      other_names: [],
      emails: ["anna@example.com"],
      phones: [],
      home_address: null,
      shipping_address: null,
      claimed_location: null,
      time_zone: null,
      role: null,
      vendor_id: null,
      applied_on: null,
      application_ip: null,
    },
    vendor: null,
    template_title: "Remote IT worker",
    checklist: [entry("id-two-documents")],
    progress: { total: 1, done: 0, passed: 0, failed: 0 },
    notes: [],
    evidence: [],
    chain_head: "a".repeat(64),
    audit_records: 1,
    related_cases: [],
    adverse_action: null,
    ...over,
  };
}

export function flag(id: number, over: Partial<Flag> = {}): Flag {
  return {
    id,
    case_id: 1,
    rule: "phone.shared",
    subject: "+13125550101",
    severity: "high",
    title: "Another candidate gives the same phone number",
    why: "Operators and their facilitators share numbers across devices and candidates.",
    source: { document: "Chafetz 2025", section: "Tactic 5, Shared Phone Numbers" },
    facts: ["phone +13125550101 is also the phone of candidate 2"],
    evidence: [],
    candidates: [2],
    raised_at: "2026-11-02T09:00:00.000Z",
    raised_by: "rule phone.shared",
    cleared_at: null,
    cleared_by: null,
    cleared_reason: null,
    triage: null,
    triage_reason: null,
    triaged_by: null,
    triaged_at: null,
    ...over,
  };
}

export function caseFlags(open: Flag[], over: Partial<CaseFlags> = {}): CaseFlags {
  const count = (s: Flag["severity"]) => open.filter((f) => f.severity === s).length;
  return {
    case_id: 1,
    risk: {
      score: open.length === 0 ? 0 : 64,
      band: open.length === 0 ? "none" : "high",
      open_flags: open.length,
      low: count("low"),
      medium: count("medium"),
      high: count("high"),
      critical: count("critical"),
    },
    open,
    cleared: [],
    refresh_due: false,
    ...over,
  };
}

type Allowed = keyof Omit<Permissions, "user" | "role">;

/** What the store says `u` may do: only `allowed`. */
export function permissions(u: User, ...allowed: Allowed[]): Permissions {
  const all: Allowed[] = ["decide", "sign_off", "reopen", "waive", "triage", "override_gate", "manage_users", "manage_vendors", "audit_vendors", "manage_lists"];
  return { user: u.name, role: u.role, ...Object.fromEntries(all.map((a) => [a, allowed.includes(a)])) } as Permissions;
}

/** The retention standing of case 1's person: not hired, due two years after the decision. */
export function caseRetention(over: Partial<CaseRetention> = {}): CaseRetention {
  return {
    case_id: 1,
    candidate_id: 1,
    legal_hold: false,
    erased: false,
    assessment: { rule: "not_hired", due_on: "2028-11-18", held_by: null },
    due: false,
    source: "29 CFR 1602.14, Preservation of records made or kept, applications and other hiring records",
    ...over,
  };
}

/** Case 1's FCRA steps: a pre-adverse-action notice given, the waiting period running. */
export function adverseSteps(over: Partial<AdverseAction> = {}): AdverseAction {
  return {
    case_id: 1,
    pre_notice: {
      agency: { name: "Lakeshore Screening", address: "400 Harbor Drive, Duluth, MN", phone: "+1 800 555 0142" },
      report: 3,
      summary_of_rights: 4,
      notice: 5,
      sent_on: "2026-11-09",
      wait_days: 5,
      wait_ends_on: "2026-11-17",
      decide_from: "2026-11-18",
    },
    decided_on: null,
    notice: null,
    next_step: "waiting period of 5 business days runs to 2026-11-17",
    due_on: "2026-11-18",
    ...over,
  };
}
