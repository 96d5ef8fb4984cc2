// The evidence of a case: a thumbnail per file (served by the app's evidence: scheme from the
// content-addressed store), what it is and where it came from, and the full-size view.

import { useState } from "react";

import { evidenceUrl } from "../../backend";
import type { Evidence } from "../../bindings/Evidence";
import { Badge, Button, Dialog, EmptyState, Field } from "../../components";
import { bytes, when } from "../../format";
import { FilePicker } from "./FilePicker";
import { useUploads } from "./uploads";
import "./evidence.css";

const VIEWABLE_IMAGES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const VIEWABLE_VIDEO = new Set(["video/mp4", "video/webm"]);

function typeLabel(e: Evidence): string {
  const [major, minor] = e.media_type.split("/");
  if (e.media_type === "application/pdf") return "PDF";
  return (minor ?? major ?? "file").toUpperCase().slice(0, 6);
}

export function Thumbnail({ evidence, size = "large" }: { evidence: Evidence; size?: "large" | "small" }) {
  return evidence.has_thumbnail ? (
    <img
      className={`thumb thumb-${size}`}
      src={evidenceUrl("thumb", evidence.sha256)}
      alt={`Preview of ${evidence.original_name}`}
      loading="lazy"
      decoding="async"
    />
  ) : (
    <span className={`thumb thumb-${size} thumb-none`} aria-hidden="true">
      {typeLabel(evidence)}
    </span>
  );
}

function FullSize({ evidence, itemTitle, onClose }: { evidence: Evidence; itemTitle: string | null; onClose: () => void }) {
  const url = evidenceUrl("file", evidence.sha256);
  return (
    <Dialog open title={evidence.original_name} onClose={onClose} actions={<Button onClick={onClose}>Close</Button>}>
      <div className="full-size">
        {VIEWABLE_IMAGES.has(evidence.media_type) ? (
          <img src={url} alt={evidence.description ?? evidence.original_name} />
        ) : VIEWABLE_VIDEO.has(evidence.media_type) ? (
          <video src={url} controls />
        ) : (
          <p className="muted">
            {evidence.media_type} files are not shown in the app. Export a verified copy with{" "}
            <code>vetdesk evidence export {evidence.id} FILE</code>.
          </p>
        )}
      </div>
      <EvidenceFacts evidence={evidence} itemTitle={itemTitle} />
    </Dialog>
  );
}

function EvidenceFacts({ evidence: e, itemTitle }: { evidence: Evidence; itemTitle: string | null }) {
  return (
    <dl className="facts">
      <dt>Type</dt>
      <dd>{e.media_type}</dd>
      <dt>Size</dt>
      <dd>
        {bytes(e.size)} <span className="muted">({e.size.toLocaleString()} bytes)</span>
      </dd>
      <dt>SHA-256</dt>
      <dd className="mono sha" data-testid="evidence-sha">
        {e.sha256}
      </dd>
      <dt>Added</dt>
      <dd>
        by {e.added_by}, {when(e.added_at)}
      </dd>
      {itemTitle ? (
        <>
          <dt>For</dt>
          <dd>{itemTitle}</dd>
        </>
      ) : null}
      {e.description ? (
        <>
          <dt>Description</dt>
          <dd>{e.description}</dd>
        </>
      ) : null}
    </dl>
  );
}

export interface EvidenceGalleryProps {
  evidence: Evidence[];
  /** Checklist item titles by id, to say what a file supports. */
  itemTitles: ReadonlyMap<string, string>;
  closed: boolean;
}

export function EvidenceGallery({ evidence, itemTitles, closed }: EvidenceGalleryProps) {
  const { start } = useUploads();
  const [open, setOpen] = useState<Evidence | null>(null);
  const [description, setDescription] = useState("");
  const pick = (files: File[]) => {
    void start(files, { description });
    setDescription("");
  };
  return (
    <section aria-labelledby="evidence-heading" className="evidence">
      <div className="section-title">
        <h2 id="evidence-heading">Evidence</h2>
        {closed ? (
          <p className="muted">The case is closed; reopen it to add evidence.</p>
        ) : (
          <div className="evidence-add">
            <Field
              className="field-inline grow"
              label="Description (optional)"
              placeholder="e.g. Passport data page"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
            <FilePicker label="Add files…" onFiles={pick} variant="primary" testId="evidence-input" />
          </div>
        )}
      </div>
      {!closed ? <p className="muted small">Or drag files from your file manager and drop them anywhere on this case.</p> : null}
      {evidence.length === 0 ? (
        <EmptyState title="No evidence yet">
          <p>
            Attach what each result rests on: scans of identity documents (front and back), screenshots of
            the video interview with the ID held to the camera, the E-Verify confirmation, reference emails.
            Files are stored once under their SHA-256, read-only, and every addition is in the audit trail.
          </p>
        </EmptyState>
      ) : (
        <ul className="gallery" aria-label="Evidence files">
          {evidence.map((e) => (
            <li key={e.id} className="evidence-card" data-evidence={e.id}>
              <button
                type="button"
                className="thumb-button"
                onClick={() => setOpen(e)}
                aria-label={`Open ${e.original_name} full size`}
              >
                <Thumbnail evidence={e} />
              </button>
              <div className="evidence-body">
                <p className="evidence-name">
                  <strong>{e.original_name}</strong> <span className="muted small">#{e.id}</span>
                </p>
                {e.ingest_note ? (
                  <p className="ingest-note">
                    <Badge tone="warn">Note</Badge> {e.ingest_note}
                  </p>
                ) : null}
                <EvidenceFacts evidence={e} itemTitle={e.item_id ? (itemTitles.get(e.item_id) ?? e.item_id) : null} />
              </div>
            </li>
          ))}
        </ul>
      )}
      {open ? (
        <FullSize
          evidence={open}
          itemTitle={open.item_id ? (itemTitles.get(open.item_id) ?? open.item_id) : null}
          onClose={() => setOpen(null)}
        />
      ) : null}
    </section>
  );
}
