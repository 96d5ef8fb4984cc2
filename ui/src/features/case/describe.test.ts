// Audit records as sentences: one row per kind of change a case records.

import { describe, expect, it } from "vitest";

import type { AuditRecord } from "../../bindings/AuditRecord";
import { day } from "../../format";
import { describe as phrase } from "./describe";

const TITLES = new Map([["id-two-documents", "Two identity documents"]]);

function record(change: Record<string, unknown>): AuditRecord {
  return { id: 1, chain: { kind: "case", case_id: 1 }, seq: 1, at: "2026-11-02T09:00:00.000Z", actor: "rita", change, prev_hash: "0", hash: "1" };
}

describe("audit sentences", () => {
  it.each<[Record<string, unknown>, string, string | null]>([
    [
      { type: "open_case", id: 1, candidate_id: 1, kind: "pre_hire", assignee: "rita", priority: "high", due_on: null, template: { id: "remote-it-worker", version: 1 } },
      "opened the case (Pre-hire, priority high, assigned to rita) with checklist remote-it-worker v1",
      null,
    ],
    [{ type: "assign_case", case_id: 1, assignee: null }, "unassigned the case", null],
    [
      {
        type: "record_pre_adverse_notice",
        case_id: 1,
        agency: { name: "Lakeshore Screening", address: "400 Harbor Drive", phone: "+1 800 555 0142" },
        report: 3,
        summary_of_rights: 4,
        notice: 5,
        sent_on: "2026-11-09",
        wait_days: 5,
        wait_ends_on: "2026-11-17",
      },
      "gave the FCRA pre-adverse-action notice (evidence 5) with the report and the summary of rights",
      `Lakeshore Screening; waiting period of 5 business days to ${day("2026-11-17")}`,
    ],
    [
      { type: "record_adverse_notice", case_id: 1, notice: 6, sent_on: "2026-11-18" },
      "gave the FCRA adverse-action notice (evidence 6)",
      null,
    ],
    [{ type: "assign_case", case_id: 1, assignee: "ivan" }, "assigned the case to ivan", null],
    [{ type: "set_priority", case_id: 1, priority: "urgent" }, "set the priority to urgent", null],
    [{ type: "set_due_date", case_id: 1, due_on: null }, "removed the due date", null],
    [
      { type: "set_status", case_id: 1, status: "escalated", decision: null, reason: "shared phone" },
      "changed the status to escalated",
      "Reason: shared phone",
    ],
    [
      { type: "set_status", case_id: 1, status: "decided", decision: "referred", reason: "laptop farm" },
      "decided the case: Referred to law enforcement",
      "Reason: laptop farm",
    ],
    [
      { type: "record_result", case_id: 1, item_id: "id-two-documents", result: "fail", note: "photo differs", evidence: [3, 4] },
      "recorded Fail for “Two identity documents” (evidence #3, #4)",
      "photo differs",
    ],
    [
      { type: "record_result", case_id: 1, item_id: "unknown-item", result: "not_applicable", note: null, evidence: [] },
      "recorded Not applicable for “unknown-item”",
      null,
    ],
    [
      {
        type: "attach_evidence",
        id: 3,
        case_id: 1,
        file: { sha256: "ab", size: 2048, media_type: "image/jpeg", has_thumbnail: true, ingest_note: null },
        original_name: "id.jpg",
        description: "front",
        item_id: "id-two-documents",
      },
      "attached id.jpg (image/jpeg, 2.0 KB) for “Two identity documents”",
      "front · SHA-256 ab",
    ],
    [{ type: "add_note", id: 1, case_id: 1, text: "called the reference" }, "added a note", "called the reference"],
    [
      {
        type: "flag_raised",
        id: 4,
        case_id: 1,
        flag: { rule: "phone.shared", subject: "", severity: "high", title: "Another candidate gives the same phone number", why: "", source: { document: "", section: "" }, facts: ["phone +1 is also candidate 2's"], evidence: [], candidates: [2] },
      },
      "raised a high red flag: Another candidate gives the same phone number",
      "phone +1 is also candidate 2's",
    ],
    [{ type: "flag_cleared", case_id: 1, flag_id: 4, reason: "the other candidate changed their phone" }, "cleared red flag #4", "the other candidate changed their phone"],
  ])("%j", (change, text, detail) => {
    expect(phrase(record(change), TITLES)).toEqual({ text, detail });
  });
});
