// Audit records as sentences a reader follows: "recorded Pass for ‘Two identity documents…’".
// The record keeps the change exactly as applied; this only phrases it.

import type { AuditRecord } from "../../bindings/AuditRecord";
import type { Change } from "../../bindings/Change";
import { bytes, day, DECISION_LABELS, KIND_LABELS, PRIORITY_LABELS, RESULT_LABELS, STATUS_LABELS } from "../../format";

export interface Described {
  /** What happened, starting with a verb: "<actor> <text>". */
  text: string;
  /** The reason, note or text that came with it. */
  detail: string | null;
}

function quote(text: string): string {
  return `“${text}”`;
}

export function describe(record: AuditRecord, itemTitles: ReadonlyMap<string, string>): Described {
  // The log stores the change as the tagged value the generated `Change` type describes.
  const change = record.change as unknown as Change;
  const item = (id: string | null) => (id ? quote(itemTitles.get(id) ?? id) : null);
  switch (change.type) {
    case "open_case":
      return {
        text: `opened the case (${KIND_LABELS[change.kind]}, priority ${PRIORITY_LABELS[change.priority].toLowerCase()}${
          change.assignee ? `, assigned to ${change.assignee}` : ""
        }) with checklist ${change.template ? `${change.template.id} v${change.template.version}` : ""}`.trim(),
        detail: null,
      };
    case "assign_case":
      return { text: change.assignee ? `assigned the case to ${change.assignee}` : "unassigned the case", detail: null };
    case "set_priority":
      return { text: `set the priority to ${PRIORITY_LABELS[change.priority].toLowerCase()}`, detail: null };
    case "set_due_date":
      return { text: change.due_on ? `set the due date to ${day(change.due_on)}` : "removed the due date", detail: null };
    case "set_status":
      return {
        text:
          change.status === "decided" && change.decision
            ? `decided the case: ${DECISION_LABELS[change.decision]}`
            : `changed the status to ${STATUS_LABELS[change.status].toLowerCase()}`,
        detail: `Reason: ${change.reason}`,
      };
    case "record_result": {
      const evidence = change.evidence.length > 0 ? ` (evidence ${change.evidence.map((id) => `#${id}`).join(", ")})` : "";
      return {
        text: `recorded ${RESULT_LABELS[change.result]} for ${item(change.item_id)}${evidence}`,
        detail: change.note,
      };
    }
    case "attach_evidence":
      return {
        text: `attached ${change.original_name} (${change.file.media_type}, ${bytes(change.file.size)})${
          change.item_id ? ` for ${item(change.item_id)}` : ""
        }`,
        detail: [change.description, `SHA-256 ${change.file.sha256}`].filter(Boolean).join(" · "),
      };
    case "add_note":
      return { text: "added a note", detail: change.text };
    case "flag_raised":
      return {
        text: `raised a ${change.flag.severity} red flag: ${change.flag.title}`,
        detail: change.flag.facts.join(" ") || null,
      };
    case "flag_cleared":
      return { text: `cleared red flag #${change.flag_id}`, detail: change.reason };
    case "candidate_changed":
      return {
        text: `changed the candidate’s ${change.changes.map((c) => c.field.replace(/_/g, " ")).join(", ")}`,
        detail: change.changes.map((c) => `${c.field.replace(/_/g, " ")}: ${quote(c.before)} → ${quote(c.after)}`).join("; "),
      };
    case "set_legal_hold":
      return { text: change.held ? "put the case on legal hold" : "lifted the legal hold", detail: change.reason };
    case "release_referral":
      return { text: "recorded that law enforcement released the referral", detail: change.reason };
    case "record_pre_adverse_notice":
      return {
        text: `gave the FCRA pre-adverse-action notice (evidence ${change.notice}) with the report and the summary of rights`,
        detail: `${change.agency.name}; waiting period of ${change.wait_days} business days to ${day(change.wait_ends_on)}`,
      };
    case "record_adverse_notice":
      return { text: `gave the FCRA adverse-action notice (evidence ${change.notice})`, detail: null };
    case "record_disclosure":
      return { text: `exported or viewed the case (${change.what.replace(/_/g, " ")})`, detail: change.detail };
    default:
      return { text: `made a change (${change.type.replace(/_/g, " ")})`, detail: null };
  }
}
