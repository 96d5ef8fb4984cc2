// One export (or pack check) at a time per button: starts it under a fresh job id, follows
// the backend's export-progress events of that id, and can ask it to stop. What the job
// returns is kept for the result line; a failure is kept with the label of what failed.

import { useCallback, useEffect, useRef, useState } from "react";

import { backend, subscribe } from "../../backend";
import type { ExportProgress } from "../../bindings/ExportProgress";

export type JobState<R> =
  | { phase: "idle" }
  | {
      phase: "running";
      job: string;
      label: string;
      progress: ExportProgress | null;
      /** Bytes of an upload handed over so far (pack checks), with the file's size. */
      sent: { done: number; total: number } | null;
      cancelling: boolean;
    }
  | { phase: "done"; job: string; label: string; result: R }
  | { phase: "failed"; job: string; label: string; error: unknown; cancelled: boolean };

let counter = 0;

/** A job id the backend accepts (letters, digits, '-'), unique in this page. */
export function newJobId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export interface JobControls {
  /** Reports bytes handed to an upload (pack checks). */
  onSent: (done: number, total: number) => void;
  /** The upload session's token, so that cancelling can drop it. */
  onUploadToken: (token: string) => void;
}

export function useExportJob<R>() {
  const [state, setState] = useState<JobState<R>>({ phase: "idle" });
  const current = useRef<string | null>(null);
  const upload = useRef<string | null>(null);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    subscribe("export-progress", (p) => {
      if (p.job !== current.current) return;
      setState((s) => (s.phase === "running" && s.job === p.job ? { ...s, progress: p } : s));
    })
      .then((unlisten) => (gone ? unlisten() : (stop = unlisten)))
      .catch(() => {
        // No event bus outside the app: the bar then waits for the result.
      });
    return () => {
      gone = true;
      stop?.();
    };
  }, []);

  const run = useCallback(
    async (prefix: string, label: string, start: (job: string, controls: JobControls) => Promise<R>) => {
      const job = newJobId(prefix);
      current.current = job;
      upload.current = null;
      setState({ phase: "running", job, label, progress: null, sent: null, cancelling: false });
      const controls: JobControls = {
        onSent: (done, total) =>
          setState((s) => (s.phase === "running" && s.job === job ? { ...s, sent: { done, total } } : s)),
        onUploadToken: (token) => {
          upload.current = token;
        },
      };
      try {
        const result = await start(job, controls);
        setState({ phase: "done", job, label, result });
      } catch (error) {
        setState((s) => ({
          phase: "failed",
          job,
          label,
          error,
          cancelled: s.phase === "running" && s.job === job && s.cancelling,
        }));
      } finally {
        if (current.current === job) current.current = null;
        upload.current = null;
      }
    },
    [],
  );

  const cancel = useCallback(async () => {
    const job = current.current;
    if (!job) return;
    setState((s) => (s.phase === "running" && s.job === job ? { ...s, cancelling: true } : s));
    const running = await backend.exportCancel(job).catch(() => false);
    // Still uploading: the check has not started, so the upload itself is dropped.
    if (!running && upload.current) await backend.cancelUpload(upload.current).catch(() => false);
  }, []);

  const reset = useCallback(() => setState({ phase: "idle" }), []);

  return { state, run, cancel, reset };
}
