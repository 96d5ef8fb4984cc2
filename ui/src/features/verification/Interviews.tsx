// Live video interviews with the ID held to the camera: what happened on each call, the form
// that records one, and the hours at which the candidate is reachable (compared by the rules
// with where their IP addresses place them).

import { useRef, useState, type FormEvent } from "react";

import type { Evidence } from "../../bindings/Evidence";
import type { Flag } from "../../bindings/Flag";
import type { IdMatch } from "../../bindings/IdMatch";
import type { Interview } from "../../bindings/Interview";
import type { InterviewFields } from "../../bindings/InterviewFields";
import type { ReachableHours } from "../../bindings/ReachableHours";
import type { Recorded } from "../../bindings/Recorded";
import { Badge, Button, DraftNote, ErrorNote, Field, TextAreaField } from "../../components";
import { useDraft } from "../../drafts";
import { day, today, when } from "../../format";
import { useActor } from "../../session/actor";
import { dateCheck, fieldError, hhmm, isFieldError, localTimestamp, orNull, timeProblem } from "./form";
import { ID_MATCH_LABELS, ID_MATCH_SHORT } from "./labels";
import { Choice, EvidencePicker, EvidenceThumbs, RecordFlags, SavedNote, flagsAbout } from "./parts";
import { useChange } from "../../changes";
import { useOptionalUploads } from "../evidence/uploads";

type Video = "on" | "off_part" | "refused" | "audio_only";
type YesNo = "yes" | "no";
type Asked = "yes" | "no" | "not_asked";

const VIDEO: readonly (readonly [Video, string])[] = [
  ["on", "Video, camera on for the whole call"],
  ["off_part", "Video, but the camera was off for part of the call"],
  ["refused", "The candidate refused video"],
  ["audio_only", "Audio only: asked for it, or joined without video"],
];

const FIELDS = ["held_on", "started_at", "interviewer", "camera_on_throughout", "screenshots", "note"] as const;

export function InterviewForm({
  caseId,
  evidence,
  onSaved,
  onCancel,
}: {
  caseId: number;
  evidence: Evidence[];
  onSaved: (r: Recorded) => void;
  onCancel: () => void;
}) {
  const actor = useActor();
  // Kept as a draft: going to the Evidence tab (or anywhere else) and back finds the form as
  // it was left, until it is recorded or discarded.
  const draft = useDraft(interviewDraftKey(caseId));
  const [heldOn, setHeldOn] = draft.field("held_on", today());
  const [startedAt, setStartedAt] = draft.field("started_at", "");
  const [interviewer, setInterviewer] = draft.field("interviewer", actor.display_name || actor.name);
  const [video, setVideo] = draft.field<Video>("video", "on");
  const [idMatch, setIdMatch] = draft.field<IdMatch>("id_match", "yes");
  const [liveness, setLiveness] = draft.field<YesNo>("liveness", "yes");
  const [location, setLocation] = draft.field<Asked>("location", "not_asked");
  const [screenshots, setScreenshots] = draft.field<number[]>("screenshots", []);
  const [note, setNote] = draft.field("note", "");
  const [submitted, setSubmitted] = useState(false);
  const save = useChange((interview: InterviewFields) => ({ type: "record_interview", id: null, case_id: caseId, interview }));
  const withVideo = video === "on" || video === "off_part";

  const problems: Partial<Record<(typeof FIELDS)[number], string>> = {};
  if (submitted) {
    const d = dateCheck(heldOn, { required: true, notAfterToday: true });
    if (d) problems.held_on = d;
    const t = timeProblem(startedAt);
    if (t) problems.started_at = t;
    if (interviewer.trim() === "") problems.interviewer = "Enter who held the interview.";
  }
  const err = (f: (typeof FIELDS)[number]) => problems[f] ?? fieldError(save.error, f);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (dateCheck(heldOn, { required: true, notAfterToday: true }) || timeProblem(startedAt) || interviewer.trim() === "") return;
    save.mutate(
      {
        held_on: heldOn.trim(),
        started_at: startedAt.trim() ? localTimestamp(heldOn, startedAt) : null,
        interviewer: interviewer.trim(),
        camera_on_throughout: video === "on",
        refused_video: video === "refused",
        audio_only: video === "audio_only",
        // Without video nothing could be held to a camera or prompted.
        id_match: withVideo ? idMatch : "not_shown",
        liveness_done: withVideo && liveness === "yes",
        location_consistent: location === "not_asked" ? null : location === "yes",
        screenshots,
        note: orNull(note),
      },
      {
        onSuccess: (r) => {
          draft.discard();
          onSaved(r);
        },
      },
    );
  };
  return (
    <form className="form record-form" onSubmit={submit} noValidate aria-label="Record interview">
      <DraftNote restored={draft.restored} onDiscard={draft.discard} />
      <div className="field-grid">
        <Field label="Date (required)" name="held_on" placeholder="YYYY-MM-DD" inputMode="numeric" value={heldOn} error={err("held_on")} onChange={(e) => setHeldOn(e.target.value)} />
        <Field
          label="Started at"
          name="started_at"
          placeholder="HH:MM"
          hint="Your local time; compared with the candidate’s time zone."
          value={startedAt}
          error={err("started_at")}
          onChange={(e) => setStartedAt(e.target.value)}
        />
        <Field label="Interviewer (required)" name="interviewer" value={interviewer} error={err("interviewer")} onChange={(e) => setInterviewer(e.target.value)} />
      </div>
      <Choice legend="Video" name="video" options={VIDEO} value={video} onChange={setVideo} error={err("camera_on_throughout")} />
      <Choice
        legend="ID held to the camera: did it match the face and the name?"
        name="id_match"
        options={(Object.keys(ID_MATCH_LABELS) as IdMatch[]).map((k) => [k, ID_MATCH_LABELS[k]] as const)}
        value={withVideo ? idMatch : "not_shown"}
        onChange={setIdMatch}
        disabled={!withVideo}
        hint={withVideo ? undefined : "No video: nothing could be held to a camera."}
      />
      <Choice
        legend="Liveness prompts done (a hand passed in front of the face, the room shown …)"
        name="liveness"
        options={[
          ["yes", "Yes"],
          ["no", "No"],
        ]}
        value={withVideo ? liveness : "no"}
        onChange={setLiveness}
        disabled={!withVideo}
      />
      <Choice
        legend="Answers about where the candidate is were consistent"
        name="location"
        options={[
          ["yes", "Yes"],
          ["no", "No: they contradicted each other or the application"],
          ["not_asked", "Not asked"],
        ]}
        value={location}
        onChange={setLocation}
      />
      <EvidencePicker
        legend="Screenshots of the call"
        name="screenshots"
        multiple
        evidence={evidence}
        value={screenshots}
        onChange={setScreenshots}
        error={err("screenshots")}
      />
      <AttachScreenshots caseId={caseId} onStored={(ids) => setScreenshots((chosen) => [...chosen, ...ids.filter((id) => !chosen.includes(id))])} />
      <TextAreaField label="Note" name="note" rows={2} value={note} error={err("note")} onChange={(e) => setNote(e.target.value)} />
      {save.error && !isFieldError(save.error, FIELDS) ? <ErrorNote error={save.error} title="The interview was not recorded" /> : null}
      <div className="button-row">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Record interview
        </Button>
        <Button
          onClick={() => {
            draft.discard();
            onCancel();
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** Where the interview form of a case keeps its draft. */
export function interviewDraftKey(caseId: number): string {
  return `case:${caseId}:interview`;
}

/** Attaches screenshots of the call to the case from within the form (through the case's one
 *  upload path) and ticks them as the interview's screenshots once stored. */
function AttachScreenshots({ caseId, onStored }: { caseId: number; onStored: (ids: number[]) => void }) {
  const uploads = useOptionalUploads();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  if (!uploads) return null;
  return (
    <div className="attach-in-place">
      <Button className="btn-small" disabled={busy} onClick={() => input.current?.click()}>
        {busy ? "Attaching…" : "Attach screenshots of the call…"}
      </Button>
      <input
        ref={input}
        type="file"
        multiple
        accept="image/*"
        className="file-input"
        tabIndex={-1}
        aria-label={`Attach screenshots of the call to case ${caseId}`}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = "";
          if (files.length === 0) return;
          setBusy(true);
          void uploads
            .start(files, { description: "Screenshot of the interview call" })
            .then((stored) => {
              if (stored.length > 0) onStored(stored.map((s) => s.id));
            })
            .finally(() => setBusy(false));
        }}
      />
      <span className="muted small"> Stored as evidence of the case and ticked above; progress shows at the top of the case.</span>
    </div>
  );
}

function startedText(i: Interview): string {
  if (!i.started_at) return "";
  const d = new Date(i.started_at);
  return Number.isNaN(d.getTime()) ? "" : ` at ${d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
}

export function InterviewCard({
  interview: i,
  caseId,
  evidence,
  open,
}: {
  interview: Interview;
  caseId: number;
  evidence: ReadonlyMap<number, Evidence>;
  open: Flag[];
}) {
  const withVideo = !i.refused_video && !i.audio_only;
  return (
    <li className="record-card" data-interview={i.id}>
      <div className="record-head">
        <strong>
          {day(i.held_on)}
          {startedText(i)} · {i.interviewer}
        </strong>
        {i.refused_video ? <Badge tone="bad">Refused video</Badge> : null}
        {i.audio_only ? <Badge tone="bad">Audio only</Badge> : null}
        {withVideo ? (
          i.camera_on_throughout ? (
            <Badge tone="good">Camera on throughout</Badge>
          ) : (
            <Badge tone="warn">Camera off part of the call</Badge>
          )
        ) : null}
        {withVideo ? <Badge tone={i.id_match === "yes" ? "good" : i.id_match === "no" ? "bad" : "warn"}>{ID_MATCH_SHORT[i.id_match]}</Badge> : null}
        {withVideo ? <Badge tone={i.liveness_done ? "good" : "warn"}>{i.liveness_done ? "Liveness done" : "No liveness prompts"}</Badge> : null}
        {i.location_consistent === null ? null : (
          <Badge tone={i.location_consistent ? "good" : "bad"}>{i.location_consistent ? "Location consistent" : "Location inconsistent"}</Badge>
        )}
      </div>
      <EvidenceThumbs ids={i.screenshots} evidence={evidence} />
      <RecordFlags flags={flagsAbout(open, "interview", i.id)} caseId={caseId} />
      {i.note ? <p className="small">{i.note}</p> : null}
      <p className="muted small">
        Recorded by {i.recorded_by}, {when(i.recorded_at)}
      </p>
    </li>
  );
}

/** Time zones the webview knows, for the time-zone field's suggestions. */
function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}

export function ReachableHoursBlock({ caseId, hours, closed }: { caseId: number; hours: ReachableHours | null; closed: boolean }) {
  const [editing, setEditing] = useState(false);
  const [from, setFrom] = useState(hours ? hhmm(hours.from) : "09:00");
  const [to, setTo] = useState(hours ? hhmm(hours.to) : "17:00");
  const [zone, setZone] = useState(hours?.time_zone ?? "");
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState<Recorded | null>(null);
  const save = useChange((h: ReachableHours | null) => ({ type: "set_reachable_hours", case_id: caseId, hours: h }));
  const problems = submitted
    ? {
        from: from.trim() === "" ? "Enter the start, HH:MM." : timeProblem(from),
        to: to.trim() === "" ? "Enter the end, HH:MM." : timeProblem(to),
        time_zone: zone.trim() === "" ? "Enter the time zone, e.g. America/Chicago." : null,
      }
    : { from: null, to: null, time_zone: null };
  const seconds = (t: string) => {
    const [h, m] = t.trim().split(":");
    return `${(h ?? "").padStart(2, "0")}:${m ?? "00"}:00`;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (from.trim() === "" || to.trim() === "" || timeProblem(from) || timeProblem(to) || zone.trim() === "") return;
    save.mutate(
      { from: seconds(from), to: seconds(to), time_zone: zone.trim() },
      {
        onSuccess: (r) => {
          setSaved(r);
          setEditing(false);
          setSubmitted(false);
        },
      },
    );
  };
  const zones = timeZones();
  return (
    <div className="reachable" aria-labelledby="reachable-heading">
      <h3 id="reachable-heading">Hours the candidate is reachable</h3>
      {saved ? <SavedNote what="Reachable hours saved." recorded={saved} caseId={caseId} /> : null}
      {!editing ? (
        <p>
          {hours ? (
            <>
              <strong>
                {hhmm(hours.from)}–{hhmm(hours.to)}
              </strong>{" "}
              {hours.time_zone}{" "}
            </>
          ) : (
            <span className="muted">Not recorded. </span>
          )}
          {!closed ? (
            <>
              <Button
                className="btn-small"
                onClick={() => {
                  // From what is recorded now (it may have changed since this block was drawn).
                  setFrom(hours ? hhmm(hours.from) : "09:00");
                  setTo(hours ? hhmm(hours.to) : "17:00");
                  setZone(hours?.time_zone ?? "");
                  setSaved(null);
                  setEditing(true);
                }}
              >
                {hours ? "Change…" : "Set…"}
              </Button>{" "}
              {hours ? (
                <Button className="btn-small" disabled={save.isPending} onClick={() => save.mutate(null, { onSuccess: setSaved })}>
                  Remove
                </Button>
              ) : null}
            </>
          ) : null}
        </p>
      ) : (
        <form className="form inline-form" onSubmit={submit} noValidate aria-label="Reachable hours">
          <Field label="From" name="from" placeholder="HH:MM" value={from} error={problems.from ?? fieldError(save.error, "from")} onChange={(e) => setFrom(e.target.value)} />
          <Field label="To" name="to" placeholder="HH:MM" value={to} error={problems.to ?? fieldError(save.error, "to")} onChange={(e) => setTo(e.target.value)} />
          <Field
            label="Time zone"
            name="time_zone"
            placeholder="America/Chicago"
            list="time-zones"
            value={zone}
            error={problems.time_zone ?? fieldError(save.error, "time_zone")}
            onChange={(e) => setZone(e.target.value)}
          />
          <datalist id="time-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <Button type="submit" variant="primary" disabled={save.isPending}>
            Save hours
          </Button>
          <Button onClick={() => setEditing(false)}>Cancel</Button>
        </form>
      )}
      {save.error && !isFieldError(save.error, ["from", "to", "time_zone"]) ? <ErrorNote error={save.error} title="The hours were not saved" /> : null}
      <p className="muted small">
        A window past midnight is written with the start after the end (22:00–06:00). The rules compare it with the hours
        at which the candidate’s IP addresses were seen.
      </p>
    </div>
  );
}
