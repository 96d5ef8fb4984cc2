// What every verification form shares: refusals of the store placed next to the field they
// name (with what to do next), and the typed dates and times the store takes.

import { errorOf, nextStep } from "../../components";
import { dateProblem, today } from "../../format";

/** The message for `field` when `error` is a refusal about it; null otherwise. */
export function fieldError(error: unknown, field: string): string | null {
  if (error === null || error === undefined) return null;
  const e = errorOf(error);
  return e.field === field ? `${e.message}. ${nextStep(e.code)}` : null;
}

/** Whether `error` names one of `fields` (then it shows there, not at the foot of the form). */
export function isFieldError(error: unknown, fields: readonly string[]): boolean {
  if (error === null || error === undefined) return false;
  const field = errorOf(error).field;
  return field !== undefined && fields.includes(field);
}

/** Trimmed text, or null when blank (the store's optional fields). */
export function orNull(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/** A typed date's problem: its form, or `notAfterToday` for dates that cannot be ahead. */
export function dateCheck(text: string, { required = false, notAfterToday = false } = {}): string | null {
  const t = text.trim();
  if (t === "") return required ? "Enter the date, written YYYY-MM-DD." : null;
  const problem = dateProblem(t);
  if (problem) return problem;
  if (notAfterToday && t > today()) return "This date is in the future.";
  return null;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Now, in the user's calendar and clock, as typed in the forms: `YYYY-MM-DD HH:MM`. */
export function nowLocal(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

/** `HH:MM` (24-hour), or why not. */
export function timeProblem(text: string): string | null {
  const t = text.trim();
  if (t === "") return null;
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return `“${t}” is not a time written HH:MM (24-hour), e.g. 14:30.`;
  return null;
}

/** A local date and time typed by the user, as the store's UTC timestamp; null if unreadable. */
export function localTimestamp(date: string, time: string): string | null {
  if (dateProblem(date) || timeProblem(time) || date.trim() === "" || time.trim() === "") return null;
  const [h, m] = time.trim().split(":");
  const d = new Date(`${date.trim()}T${pad(Number(h))}:${m}:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** `YYYY-MM-DD HH:MM` in local time, as the store's UTC timestamp; or why not. */
export function parseLocalDateTime(text: string): { value: string } | { problem: string } {
  const m = /^(\S+)\s+(\S+)$/.exec(text.trim());
  const problem = "Write the date and time as YYYY-MM-DD HH:MM, e.g. 2026-11-02 14:30.";
  if (!m) return { problem };
  const value = localTimestamp(m[1] ?? "", m[2] ?? "");
  return value === null ? { problem } : { value };
}

/** `HH:MM` of a stored time of day (`09:00:00` → `09:00`). */
export function hhmm(time: string): string {
  return time.slice(0, 5);
}
