// How values read in the UI: sizes, times, dates and the closed value sets of the core.

import type { CaseKind } from "./bindings/CaseKind";
import type { CaseStatus } from "./bindings/CaseStatus";
import type { Decision } from "./bindings/Decision";
import type { ItemResult } from "./bindings/ItemResult";
import type { Priority } from "./bindings/Priority";
import type { RiskBand } from "./bindings/RiskBand";
import type { Severity } from "./bindings/Severity";

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });

/** A recorded instant, in the user's time zone. */
export function when(timestamp: string): string {
  const d = new Date(timestamp);
  return Number.isNaN(d.getTime()) ? timestamp : dateTime.format(d);
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
const monthDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** A recorded instant in few characters: the time today, the day this year, else the date. */
export function shortWhen(timestamp: string, now: Date = new Date()): string {
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  if (d.toDateString() === now.toDateString()) return timeOnly.format(d);
  if (d.getFullYear() === now.getFullYear()) return monthDay.format(d);
  return dateOnlyLocal.format(d);
}

const dateOnlyLocal = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** A calendar date (`YYYY-MM-DD`), as a date with no time zone shift. */
export function day(date: string | null): string {
  if (!date) return "—";
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? date : dateOnly.format(d);
}

export const STATUS_LABELS: Record<CaseStatus, string> = {
  open: "Open",
  in_review: "In review",
  escalated: "Escalated",
  decided: "Decided",
  closed: "Closed",
};

export const DECISION_LABELS: Record<Decision, string> = {
  cleared: "Cleared",
  rejected: "Rejected",
  referred: "Referred to law enforcement",
};

export const RESULT_LABELS: Record<ItemResult, string> = {
  pending: "Pending",
  pass: "Pass",
  fail: "Fail",
  not_applicable: "Not applicable",
  waived: "Waived",
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  urgent: "Urgent",
};

export const KIND_LABELS: Record<CaseKind, string> = {
  pre_hire: "Pre-hire",
  reverification: "Re-verification",
  investigation: "Investigation",
  monitoring: "Monitoring",
};

export function statusText(status: CaseStatus, decision: Decision | null): string {
  return status === "decided" && decision ? `Decided: ${DECISION_LABELS[decision]}` : STATUS_LABELS[status];
}

export function statusTone(status: CaseStatus, decision: Decision | null) {
  if (status === "escalated") return "warn" as const;
  if (status === "decided") return decision === "cleared" ? ("good" as const) : ("bad" as const);
  if (status === "closed") return "muted" as const;
  if (status === "in_review") return "info" as const;
  return "neutral" as const;
}

export function resultTone(result: ItemResult) {
  switch (result) {
    case "pass":
      return "good" as const;
    case "fail":
      return "bad" as const;
    case "waived":
      return "warn" as const;
    case "not_applicable":
      return "muted" as const;
    default:
      return "neutral" as const;
  }
}

/** Today as `YYYY-MM-DD` in the user's calendar. */
export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Why `text` is not a calendar date as the store takes it (`YYYY-MM-DD`), or null. Dates are
 *  typed rather than picked: an empty date field in WebKitGTK shows a greyed date that reads
 *  like a value. */
export function dateProblem(text: string): string | null {
  const t = text.trim();
  if (t === "") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (!m) return `“${t}” is not a date written as YYYY-MM-DD, e.g. 2026-03-31.`;
  const d = new Date(`${t}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== t) return `${t} is not a date in the calendar.`;
  return null;
}

export const SEVERITY_LABELS: Record<Severity, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

export function severityTone(severity: Severity | RiskBand | null) {
  switch (severity) {
    case "critical":
    case "high":
      return "bad" as const;
    case "medium":
      return "warn" as const;
    case "low":
      return "info" as const;
    default:
      return "muted" as const;
  }
}
