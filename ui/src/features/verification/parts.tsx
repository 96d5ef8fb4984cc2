// Pieces the verification forms share: evidence chosen by its thumbnail, a yes/no/… choice as
// radio buttons, what a save did (the red flags it raised), and the open flags about a record.

import { useId, type ReactNode } from "react";

import type { Evidence } from "../../bindings/Evidence";
import type { Flag } from "../../bindings/Flag";
import type { Recorded } from "../../bindings/Recorded";
import { Badge } from "../../components";
import { SEVERITY_LABELS, severityTone } from "../../format";
import { caseHref } from "../../router";
import { Thumbnail } from "../evidence/EvidenceGallery";

interface PickerBase {
  legend: string;
  evidence: Evidence[];
  hint?: string;
  error?: string | null;
  name: string;
}

/** Evidence of the case, chosen by its thumbnail: one (`value` a single id or null) or many. */
export function EvidencePicker(
  props: PickerBase &
    ({ multiple: true; value: number[]; onChange: (ids: number[]) => void } | { multiple?: false; value: number | null; onChange: (id: number | null) => void }),
) {
  const { legend, evidence, hint, error, name } = props;
  const hintId = useId();
  const errorId = useId();
  const chosen = (id: number) => (props.multiple ? props.value.includes(id) : props.value === id);
  const toggle = (id: number, on: boolean) => {
    if (props.multiple) props.onChange(on ? [...props.value, id] : props.value.filter((v) => v !== id));
    else props.onChange(on ? id : null);
  };
  return (
    <fieldset
      className={error ? "evidence-picker field-invalid" : "evidence-picker"}
      aria-describedby={[hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined}
    >
      <legend>{legend}</legend>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {evidence.length === 0 ? (
        <p className="muted small">No evidence on this case yet: add the files on the Evidence tab (or drop them here) first.</p>
      ) : (
        <div className="evidence-options">
          {props.multiple ? null : (
            <label className="evidence-option">
              <input type="radio" name={name} checked={props.value === null} onChange={() => props.onChange(null)} />
              <span className="thumb thumb-small thumb-none" aria-hidden="true">
                —
              </span>
              <span className="small">None</span>
            </label>
          )}
          {evidence.map((e) => (
            <label key={e.id} className={chosen(e.id) ? "evidence-option chosen" : "evidence-option"}>
              <input
                type={props.multiple ? "checkbox" : "radio"}
                name={name}
                value={e.id}
                checked={chosen(e.id)}
                onChange={(ev) => toggle(e.id, ev.target.checked)}
              />
              <Thumbnail evidence={e} size="small" />
              <span className="small evidence-option-name">
                {e.original_name} <span className="muted">#{e.id}</span>
              </span>
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A choice among a few answers, as radio buttons with a legend. */
export function Choice<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  error,
  disabled,
  hint,
}: {
  legend: string;
  name: string;
  options: readonly (readonly [T, string])[];
  /** `null` while nothing is chosen. */
  value: T | null;
  onChange: (v: T) => void;
  error?: string | null;
  disabled?: boolean;
  hint?: string | undefined;
}) {
  const errorId = useId();
  const hintId = useId();
  return (
    <fieldset
      className={error ? "choice field-invalid" : "choice"}
      disabled={disabled}
      aria-describedby={[hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined}
    >
      <legend>{legend}</legend>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {options.map(([v, label]) => (
        <label key={v} className="check">
          <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} /> {label}
        </label>
      ))}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** What a save did: recorded, and which red flags the store raised or cleared because of it. */
export function SavedNote({ what, recorded, caseId, children }: { what: string; recorded: Recorded; caseId?: number; children?: ReactNode }) {
  const here = recorded.raised.filter((f) => caseId === undefined || f.case_id === caseId);
  const elsewhere = recorded.raised.length - here.length;
  return (
    <div className="saved-note" role="status" data-testid="saved-note">
      <strong>{what}</strong> {children}
      {here.length > 0 ? (
        <>
          {" "}
          The rules raised {here.length === 1 ? "a red flag" : `${here.length} red flags`}:
          <ul className="raised">
            {here.map((f) => (
              <li key={`${f.case_id}-${f.rule}-${f.title}`} data-raised={f.rule}>
                <Badge tone={severityTone(f.severity)}>{SEVERITY_LABELS[f.severity]}</Badge> {f.title}
              </li>
            ))}
          </ul>
          {caseId !== undefined ? <a href={caseHref(caseId, "flags")}>See them on the Flags &amp; links tab</a> : null}
        </>
      ) : (
        <span className="muted"> No red flag raised.</span>
      )}
      {elsewhere > 0 ? <span className="muted"> {elsewhere} flag(s) raised on other cases that share it.</span> : null}
      {recorded.cleared > 0 ? <span className="muted"> {recorded.cleared} flag(s) no longer hold and were cleared.</span> : null}
    </div>
  );
}

/** Open flags about one record: the rules name it in the flag's subject (`document:3`,
 *  `interview:2`, `ip:2001:db8::1`, `everify:1:notify_employee`, or `documents:3:4` for two
 *  documents compared). */
export function flagsAbout(open: Flag[], kind: string, id: number | string): Flag[] {
  const key = `${kind}:${id}`;
  return open.filter((f) => {
    if (f.subject === key) return true;
    if (kind === "everify") return f.subject.startsWith(`${key}:`);
    if (kind === "document" && f.subject.startsWith("documents:")) return f.subject.split(":").slice(1).includes(String(id));
    return false;
  });
}

/** The open flags about a record, one line each, linking to the Flags & links tab. */
export function RecordFlags({ flags, caseId }: { flags: Flag[]; caseId: number }) {
  if (flags.length === 0) return null;
  return (
    <ul className="record-flags" aria-label="Red flags about this record">
      {flags.map((f) => (
        <li key={f.id} data-flag-rule={f.rule}>
          <Badge tone={severityTone(f.severity)}>{SEVERITY_LABELS[f.severity]}</Badge>{" "}
          <a href={caseHref(caseId, "flags")}>{f.title}</a>
          {f.facts.length > 0 ? <span className="muted small"> — {f.facts.join("; ")}</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** Thumbnails of evidence by id (images the store could preview; names for the rest). */
export function EvidenceThumbs({ ids, evidence }: { ids: number[]; evidence: ReadonlyMap<number, Evidence> }) {
  if (ids.length === 0) return null;
  return (
    <span className="record-thumbs">
      {ids.map((id) => {
        const e = evidence.get(id);
        return e ? (
          <span key={id} className="record-thumb" title={e.original_name}>
            <Thumbnail evidence={e} size="small" />
          </span>
        ) : (
          <span key={id} className="chip">
            #{id}
          </span>
        );
      })}
    </span>
  );
}
