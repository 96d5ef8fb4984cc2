// After the hire: hired workers with open post-hire red flags, the most severe first and then
// the most recent; under each alert the rule, why it matters, the sign-in and device events
// behind it and the import file each came from; a telemetry export imported from here (its
// bytes stream through the shell's upload spool, no path is ever named); and from an alert,
// one click opens an investigation case with the alert's events and files attached.

import { useState } from "react";

import type { AlertEvent } from "../../bindings/AlertEvent";
import type { MonitoredEmployee } from "../../bindings/MonitoredEmployee";
import type { MonitoringAlert } from "../../bindings/MonitoringAlert";
import type { TelemetryFormat } from "../../bindings/TelemetryFormat";
import type { TelemetryOutcome } from "../../bindings/TelemetryOutcome";
import { Badge, Button, EmptyState, ErrorNote, ProgressBar, SelectField } from "../../components";
import { bytes, day, SEVERITY_LABELS, severityTone, when } from "../../format";
import { caseHref, navigate } from "../../router";
import { usePermissions } from "../../session/actor";
import { FilePicker } from "../evidence/FilePicker";
import { useImportTelemetry, useInvestigateAlert, useMonitoringBoard } from "./queries";
import "./monitoring.css";

const FORMATS: { value: TelemetryFormat | ""; label: string }[] = [
  { value: "", label: "Recognise from the content" },
  { value: "okta", label: "Okta System Log (JSON)" },
  { value: "entra", label: "Microsoft Entra ID sign-in logs (JSON)" },
  { value: "workspace", label: "Google Workspace login activities (JSON)" },
  { value: "osquery", label: "osquery results log" },
  { value: "csv", label: "CSV: time, account, ip, country, event, device, detail" },
];

const KIND_LABELS: Record<string, string> = {
  sign_in: "Sign-in",
  failed_sign_in: "Failed sign-in",
  other: "Event",
};

function ImportSummary({ outcome, name }: { outcome: TelemetryOutcome; name: string }) {
  const raised = outcome.raised.length;
  return (
    <p className="import-summary" role="status" data-testid="telemetry-outcome">
      <strong>{name}</strong> ({outcome.format}): {outcome.events} events read, {outcome.added} new, {outcome.matched}{" "}
      matched to employees, {outcome.unmatched} matched nobody.{" "}
      {outcome.added === 0 && outcome.events > 0
        ? "Every event was imported before; nothing changed."
        : raised === 0
          ? "No new red flag."
          : `${raised} red flag${raised === 1 ? "" : "s"} raised.`}
    </p>
  );
}

function TelemetryImport() {
  const permissions = usePermissions();
  const [format, setFormat] = useState<TelemetryFormat | "">("");
  const [file, setFile] = useState<{ name: string; size: number } | null>(null);
  const [sent, setSent] = useState(0);
  const run = useImportTelemetry(setSent);
  if (!permissions?.manage_lists) {
    return (
      <section className="monitoring-import" aria-labelledby="telemetry-heading">
        <h2 id="telemetry-heading">Import telemetry</h2>
        <p className="muted">Investigators, compliance officers and admins import sign-in and device exports.</p>
      </section>
    );
  }
  const pick = (files: File[]) => {
    const chosen = files[0];
    if (!chosen) return;
    setFile({ name: chosen.name, size: chosen.size });
    setSent(0);
    run.mutate({ file: chosen, format: format === "" ? null : format });
  };
  return (
    <section className="monitoring-import" aria-labelledby="telemetry-heading">
      <h2 id="telemetry-heading">Import telemetry</h2>
      <p className="muted small">
        An export from the identity provider or osquery. The whole file is imported or none of it, every bad record
        named; events already imported are skipped; the file is kept as evidence under its SHA-256.
      </p>
      <div className="inline-form">
        <SelectField
          label="Format"
          value={format}
          disabled={run.isPending}
          onChange={(e) => setFormat(e.target.value as TelemetryFormat | "")}
        >
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </SelectField>
        <FilePicker
          label="Import telemetry file…"
          multiple={false}
          variant="primary"
          disabled={run.isPending}
          onFiles={pick}
          testId="telemetry-file"
        />
      </div>
      {run.isPending && file ? (
        <div role="status" className="small">
          Importing {file.name}: {bytes(sent)} of {bytes(file.size)} sent{sent >= file.size ? ", reading events…" : ""}
          <ProgressBar value={sent} max={file.size} label={`Upload of ${file.name}`} />
        </div>
      ) : null}
      {run.isSuccess && file ? <ImportSummary outcome={run.data} name={file.name} /> : null}
      {run.error ? <ErrorNote error={run.error} title={`${file?.name ?? "The file"} was not imported`} /> : null}
    </section>
  );
}

function deviceOf(e: AlertEvent): string {
  return e.device ?? "—";
}

function EventsTable({ alert }: { alert: MonitoringAlert }) {
  if (alert.events.length === 0) {
    return <p className="small muted">No telemetry event behind this flag: it follows from the hire record.</p>;
  }
  return (
    <>
      <table className="table alert-events">
        <caption className="visually-hidden">Events behind: {alert.flag.title}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Account</th>
            <th scope="col">IP</th>
            <th scope="col">Country</th>
            <th scope="col">Device</th>
            <th scope="col">From file</th>
          </tr>
        </thead>
        <tbody>
          {alert.events.map((e) => (
            <tr key={`${e.format} ${e.event_id}`}>
              <td className="nowrap">{when(e.time)}</td>
              <td>
                {KIND_LABELS[e.kind] ?? e.kind}{" "}
                <span className="mono small muted" title={`${e.format} event ${e.event_id}`}>
                  {e.event_id.length > 14 ? `${e.event_id.slice(0, 12)}…` : e.event_id}
                </span>
              </td>
              <td>{e.account ?? "—"}</td>
              <td className="mono nowrap">{e.ip ?? "—"}</td>
              <td>{e.country ?? "—"}</td>
              <td>{deviceOf(e)}</td>
              <td title={`SHA-256 ${e.file_sha256}`}>
                {e.file_name} <span className="small muted">(import {e.import_id})</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {alert.event_count > alert.events.length ? (
        <p className="small muted">
          {alert.events.length} of {alert.event_count} events shown; an investigation gets them all.
        </p>
      ) : null}
    </>
  );
}

function Alert({ worker, alert }: { worker: MonitoredEmployee; alert: MonitoringAlert }) {
  const investigate = useInvestigateAlert();
  const f = alert.flag;
  return (
    <li className={`flag flag-${f.severity}`} data-testid="monitoring-alert">
      <div className="alert-head">
        <Badge tone={severityTone(f.severity)}>{SEVERITY_LABELS[f.severity]}</Badge> <strong>{f.title}</strong>
        {f.subject ? <span className="chip">{f.subject}</span> : null}
        <span className="small muted">
          {" "}
          raised {when(f.raised_at)} · rule <span className="mono">{f.rule}</span>
        </span>
      </div>
      <p className="flag-why">
        <span className="label">Why:</span> {f.why}
      </p>
      {f.facts.length > 0 ? (
        <ul className="flag-facts small">
          {f.facts.map((fact) => (
            <li key={fact}>{fact}</li>
          ))}
        </ul>
      ) : null}
      <p className="small muted">
        Source: {f.source.document}, {f.source.section}
      </p>
      <EventsTable alert={alert} />
      <div className="alert-actions">
        <Button
          variant="primary"
          className="btn-small"
          disabled={investigate.isPending}
          onClick={() =>
            investigate.mutate(
              { caseId: worker.case_id, flagId: f.id },
              { onSuccess: (opened) => navigate({ name: "case", caseId: opened.case_id, tab: "notes" }) },
            )
          }
        >
          {investigate.isPending ? "Opening…" : "Open investigation"}
        </Button>
        {investigate.error ? <ErrorNote error={investigate.error} title="No investigation was opened" /> : null}
      </div>
    </li>
  );
}

function Worker({ worker }: { worker: MonitoredEmployee }) {
  const count = worker.alerts.length;
  return (
    <article className="monitored" aria-labelledby={`worker-${worker.employee_id}`} data-testid="monitored-employee">
      <header className="monitored-head">
        <h2 id={`worker-${worker.employee_id}`}>
          <a href={caseHref(worker.case_id, "flags")}>{worker.name}</a>
        </h2>
        <Badge tone={severityTone(worker.severity)}>{SEVERITY_LABELS[worker.severity]}</Badge>
        <span className="small muted">
          {count} open alert{count === 1 ? "" : "s"}, latest {when(worker.latest)} · started {day(worker.start_on)} ·
          monitoring case {worker.case_id}
          {worker.accounts.length > 0 ? ` · ${worker.accounts.join(", ")}` : ""}
        </span>
      </header>
      <ul className="flags">
        {worker.alerts.map((a) => (
          <Alert key={a.flag.id} worker={worker} alert={a} />
        ))}
      </ul>
    </article>
  );
}

function Board() {
  const board = useMonitoringBoard();
  if (board.isPending) return <p className="muted">Loading…</p>;
  if (board.isError) return <ErrorNote error={board.error} title="The monitoring board could not be read" />;
  if (board.data.length === 0) {
    return (
      <EmptyState title="No open post-hire alerts">
        <p>
          Hired workers are watched through their monitoring cases (<span className="mono">vetdesk hire</span>). When
          imported sign-in or device telemetry shows a sign of the scheme (a sign-in from abroad, an anonymising
          address, shared egress, a remote-access tool, an IP-KVM or a mouse jiggler), the worker appears here.
        </p>
      </EmptyState>
    );
  }
  const alerts = board.data.reduce((n, w) => n + w.alerts.length, 0);
  return (
    <div className="monitoring-board">
      <p className="muted" data-testid="board-summary">
        {board.data.length} worker{board.data.length === 1 ? "" : "s"} with {alerts} open alert{alerts === 1 ? "" : "s"},
        the most severe first.
      </p>
      {board.data.map((w) => (
        <Worker key={w.employee_id} worker={w} />
      ))}
    </div>
  );
}

export function MonitoringPage() {
  return (
    <div className="monitoring-page">
      <div className="page-title">
        <h1>Monitoring</h1>
      </div>
      <TelemetryImport />
      <Board />
    </div>
  );
}
