// An error as the user needs it: what went wrong (the backend's message) and what to do next
// (from its code). Shown next to what failed, announced to screen readers.

import { BackendFailure, type BackendError } from "../backend";

const NEXT_STEP: Record<BackendError["code"], string> = {
  invalid_input: "Correct what the message names and try again.",
  not_found: "It may have been removed or never existed: go back to the queue and look it up again.",
  conflict: "The data changed or does not allow this now; the view shows the current state. Check it and try again.",
  permission_denied: "Ask someone with the right role to do this, or switch to a user who has it.",
  unknown_user: "Choose who is acting with “Switch user” at the top of the window.",
  storage: "Check that the data directory is reachable and has free space, then try again. The log file has details.",
  internal: "This is a fault in Vetdesk. Try again; if it persists, report it with the log file (Settings shows where it is).",
  stale: "The case was read again and now shows their change: check it, then make yours again if it still applies.",
  locked: "Unlock the data directory with its passphrase: restart Vetdesk to see the unlock screen again.",
  ipc: "The app refused the request. Restart Vetdesk; if it persists, report it with the log file.",
};

export function errorOf(error: unknown): BackendError {
  if (error instanceof BackendFailure) return error.error;
  return { code: "internal", message: error instanceof Error ? error.message : String(error) };
}

export function nextStep(code: BackendError["code"]): string {
  return NEXT_STEP[code];
}

export interface ErrorNoteProps {
  error: unknown;
  /** What was being done, e.g. "Recording the result failed". */
  title?: string;
  id?: string;
}

export function ErrorNote({ error, title, id }: ErrorNoteProps) {
  if (error === null || error === undefined) return null;
  const e = errorOf(error);
  return (
    <div className="error-note" role="alert" id={id} data-code={e.code}>
      {title ? <strong>{title}: </strong> : null}
      <span className="error-message">{e.message}</span>
      <span className="error-next"> {nextStep(e.code)}</span>
    </div>
  );
}
