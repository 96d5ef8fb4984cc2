// Evidence uploads of one case: files picked with the file chooser or dropped on the case go
// through the same path, one after the other, as bytes streamed to the backend (no path ever
// leaves the page). Progress comes from the backend's upload-progress events: the bytes that
// are really on disk, not just sent.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { backend, BackendFailure, DEFAULT_CHUNK_BYTES, subscribe } from "../../backend";
import type { Evidence } from "../../bindings/Evidence";
import { bytes } from "../../format";
import { useAppInfo } from "../shell/queries";

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  itemId: string | null;
  token: string | null;
  /** Bytes handed to the backend. */
  sent: number;
  /** Bytes the backend has hashed and written. */
  stored: number;
  stage: "waiting" | "sending" | "recording" | "done" | "failed";
  evidence: Evidence | null;
  error: unknown;
}

export interface UploadTarget {
  itemId?: string | null;
  description?: string | null;
}

interface Uploads {
  items: UploadItem[];
  /** Uploads `files` one after the other; resolves with the evidence of those that were
   *  stored (a failed one is shown in the upload list). */
  start: (files: File[], target?: UploadTarget) => Promise<Evidence[]>;
  dismiss: (key: number) => void;
}

const UploadsContext = createContext<Uploads | null>(null);

let nextKey = 1;
const DONE_VISIBLE_MS = 8000;

export function UploadsProvider({ caseId, children }: { caseId: number; children: ReactNode }) {
  const info = useAppInfo();
  const [items, setItems] = useState<UploadItem[]>([]);
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const update = useCallback((key: number, patch: Partial<UploadItem>) => {
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...patch } : i)));
  }, []);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    subscribe("upload-progress", (p) => {
      setItems((all) =>
        all.map((i) =>
          i.token === p.token && i.stage !== "done" && i.stage !== "failed"
            ? { ...i, stored: p.received, stage: p.stage === "stored" ? "recording" : i.stage }
            : i,
        ),
      );
    })
      .then((unlisten) => (gone ? unlisten() : (stop = unlisten)))
      .catch(() => {
        // No event bus outside the app (component tests): progress then follows bytes sent.
      });
    return () => {
      gone = true;
      stop?.();
    };
  }, []);

  const limit = info.data?.evidence_max_bytes ?? Number.MAX_SAFE_INTEGER;
  const chunkBytes = info.data?.upload_chunk_bytes ?? DEFAULT_CHUNK_BYTES;

  const uploadOne = useCallback(
    async (file: File, key: number, target: UploadTarget): Promise<Evidence | null> => {
      if (file.size > limit) {
        update(key, {
          stage: "failed",
          error: new BackendFailure({
            code: "invalid_input",
            message: `${file.name} is ${bytes(file.size)}, more than the limit of ${bytes(limit)} set for this data directory (evidence_max_bytes in config.toml)`,
          }),
        });
        return null;
      }
      update(key, { stage: "sending" });
      try {
        const evidence = await backend.uploadEvidence(
          file,
          {
            case_id: caseId,
            item_id: target.itemId ?? null,
            description: target.description?.trim() ? target.description.trim() : null,
          },
          {
            chunkBytes,
            onStart: (token) => update(key, { token }),
            onSent: (sent) => update(key, { sent }),
          },
        );
        update(key, { stage: "done", evidence, stored: file.size, sent: file.size });
        // A finished upload shows in the gallery; its line here goes after a moment.
        setTimeout(() => setItems((all) => all.filter((i) => i.key !== key)), DONE_VISIBLE_MS);
        return evidence;
      } catch (error) {
        update(key, { stage: "failed", error });
        return null;
      }
    },
    [caseId, chunkBytes, limit, update],
  );

  const start = useCallback(
    (files: File[], target: UploadTarget = {}) => {
      const added = files.map((file) => ({ file, key: nextKey++ }));
      setItems((all) => [
        ...all,
        ...added.map(
          ({ file, key }): UploadItem => ({
            key,
            name: file.name,
            size: file.size,
            itemId: target.itemId ?? null,
            token: null,
            sent: 0,
            stored: 0,
            stage: "waiting",
            evidence: null,
            error: null,
          }),
        ),
      ]);
      // One upload at a time: the disk streams one file fast rather than several slowly.
      const run = queue.current.then(async () => {
        const stored: Evidence[] = [];
        for (const { file, key } of added) {
          const evidence = await uploadOne(file, key, target);
          if (evidence) stored.push(evidence);
        }
        return stored;
      });
      queue.current = run;
      return run;
    },
    [uploadOne],
  );

  const dismiss = useCallback((key: number) => setItems((all) => all.filter((i) => i.key !== key)), []);
  const value = useMemo(() => ({ items, start, dismiss }), [items, start, dismiss]);
  return <UploadsContext.Provider value={value}>{children}</UploadsContext.Provider>;
}

/** The uploads of the case, or null outside a case page (a form rendered on its own). */
export function useOptionalUploads(): Uploads | null {
  return useContext(UploadsContext);
}

export function useUploads(): Uploads {
  const value = useContext(UploadsContext);
  if (!value) throw new Error("useUploads outside UploadsProvider");
  return value;
}
