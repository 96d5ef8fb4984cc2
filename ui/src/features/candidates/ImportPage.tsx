// Candidates from an applicant-tracking export (CSV): the file's bytes go to the backend, which
// parses them with the core's importer and returns a preview with every problem by line;
// nothing is written until the user confirms, and then all rows go in or none.

import { useMutation } from "@tanstack/react-query";
import { useState, type DragEvent } from "react";

import { backend } from "../../backend";
import type { ImportPreview } from "../../bindings/ImportPreview";
import type { RowError } from "../../bindings/RowError";
import { Badge, Button, EmptyState, ErrorNote } from "../../components";
import { day } from "../../format";
import { caseHref, hrefFor } from "../../router";
import { FilePicker } from "../evidence/FilePicker";
import "./candidates.css";

const PREVIEW_ROWS = 200;
const COLUMNS_HELP =
  "external_id, full_name, email, phone, home_address, shipping_address, claimed_location, ip_address, vendor, role, applied_on";

function RowErrors({ errors, caption }: { errors: RowError[]; caption: string }) {
  return (
    <table className="table row-errors">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Line</th>
          <th scope="col">Problem</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e) => (
          <tr key={`${e.line}-${e.message}`}>
            <td className="mono">{e.line}</td>
            <td>{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Preview({ preview, onDone }: { preview: ImportPreview; onDone: () => void }) {
  const [openCases, setOpenCases] = useState(true);
  const commit = useMutation({
    mutationFn: (token: string) => backend.commitImport({ token, open_cases: openCases }),
  });
  const result = commit.data;
  const updatedLines = new Set((preview.plan?.updated ?? []).map((row) => Number(row.line)));

  const chooseAgain = (
    <div className="button-row">
      <Button variant="primary" onClick={onDone}>
        Choose another file
      </Button>
    </div>
  );
  if (preview.problem) {
    return (
      <>
        <div className="error-note" role="alert">
          <strong>{preview.name} cannot be read as a candidate file: </strong>
          {preview.problem}. The header row names the columns; the known ones are: {COLUMNS_HELP}.
        </div>
        {chooseAgain}
      </>
    );
  }
  if (preview.errors.length > 0) {
    return (
      <>
        <p className="error-text" role="alert">
          {preview.name}: {preview.errors.length} row(s) have problems, so nothing can be imported. Correct them in
          the file and choose it again.
        </p>
        <RowErrors errors={preview.errors} caption="Rows with problems" />
        {chooseAgain}
      </>
    );
  }
  if (result?.outcome === "imported") {
    const r = result.result;
    return (
      <section aria-live="polite" className="import-done">
        <h2>Imported</h2>
        <p>
          {r.created.length} new candidate(s), {r.updated.length} updated, {r.unchanged.length} unchanged.
        </p>
        {r.created.some((row) => row.case_id !== null) ? (
          <p>
            Cases opened:{" "}
            {r.created
              .filter((row) => row.case_id !== null)
              .slice(0, 20)
              .map((row) => (
                <a key={row.line} className="related" href={caseHref(row.case_id ?? 0)}>
                  case {row.case_id}
                </a>
              ))}
            {r.created.length > 20 ? "…" : ""}
          </p>
        ) : null}
        <div className="button-row">
          <a className="btn btn-primary" href={hrefFor({ name: "queue" })}>
            Go to the queue
          </a>
          <Button onClick={onDone}>Import another file</Button>
        </div>
      </section>
    );
  }
  return (
    <>
      <p>
        <strong>{preview.name}</strong>: {preview.rows.length} row(s), columns {preview.columns.join(", ")}. Rows whose
        external id is already known update that candidate; the others are added.
      </p>
      {preview.unknown_vendors.length > 0 ? (
        <p className="warning" role="alert">
          <Badge tone="warn">Unknown vendor</Badge> {preview.unknown_vendors.join(", ")}: add{" "}
          {preview.unknown_vendors.length === 1 ? "it" : "them"} under <a href={hrefFor({ name: "vendors" })}>Vendors</a>{" "}
          first, or the rows naming {preview.unknown_vendors.length === 1 ? "it" : "them"} will be refused.
        </p>
      ) : null}
      {preview.refusals.length > 0 && result === undefined ? (
        <>
          <p className="error-text" role="alert">
            {preview.refusals.length} row(s) would be refused as things stand; the import goes in whole or not at all.
          </p>
          <RowErrors errors={preview.refusals} caption="Rows that would be refused" />
        </>
      ) : null}
      {preview.plan && preview.plan.updated.length > 0 ? (
        <table className="table import-changes">
          <caption>Known candidates this file changes</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Field</th>
              <th scope="col">Now</th>
              <th scope="col">After the import</th>
            </tr>
          </thead>
          <tbody>
            {preview.plan.updated.flatMap((row) =>
              row.changes.map((c) => (
                <tr key={`${row.line}-${c.field}`}>
                  <td className="mono">{row.line}</td>
                  <td>{c.field.replace(/_/g, " ")}</td>
                  <td>{c.before || <span className="muted">—</span>}</td>
                  <td>{c.after || <span className="muted">—</span>}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      ) : null}
      {preview.plan && preview.plan.raised.length > 0 ? (
        <p className="warning" role="alert">
          <Badge tone="warn">Red flags</Badge> Importing would raise:{" "}
          {preview.plan.raised.map((f) => `${f.title} (case ${f.case_id})`).join("; ")}.
        </p>
      ) : null}
      {result?.outcome === "refused" ? (
        <>
          <p className="error-text" role="alert">
            Nothing was imported: {result.errors.length} row(s) were refused. Fix them (in the file, or add what they
            name) and try again.
          </p>
          <RowErrors errors={result.errors} caption="Refused rows" />
        </>
      ) : null}
      {commit.error ? <ErrorNote error={commit.error} title="Nothing was imported" /> : null}
      <div className="table-scroll">
        <table className="table preview">
          <caption className="visually-hidden">Rows to import</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">External id</th>
              <th scope="col">Full name</th>
              <th scope="col">Emails</th>
              <th scope="col">Phones</th>
              <th scope="col">Vendor</th>
              <th scope="col">Role</th>
              <th scope="col">Applied on</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.slice(0, PREVIEW_ROWS).map((row) => (
              <tr key={row.line}>
                <td className="mono">
                  {row.line}
                  {updatedLines.has(row.line) ? (
                    <>
                      {" "}
                      <Badge tone="warn">update</Badge>
                    </>
                  ) : null}
                </td>
                <td>{row.external_id}</td>
                <td>{row.full_name}</td>
                <td>{row.emails.join(", ")}</td>
                <td>{row.phones.join(", ")}</td>
                <td>{row.vendor ?? ""}</td>
                <td>{row.role ?? ""}</td>
                <td>{row.applied_on ? day(row.applied_on) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.rows.length > PREVIEW_ROWS ? (
        <p className="muted">…and {preview.rows.length - PREVIEW_ROWS} more rows.</p>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={openCases} onChange={(e) => setOpenCases(e.target.checked)} /> Open a pre-hire
        case for each new candidate
      </label>
      <div className="button-row">
        <Button
          variant="primary"
          disabled={commit.isPending || preview.token === null}
          onClick={() => preview.token && commit.mutate(preview.token)}
        >
          Import {preview.rows.length} row(s)
        </Button>
        <Button onClick={onDone}>Choose another file</Button>
      </div>
    </>
  );
}

export function ImportPage() {
  const [sent, setSent] = useState<{ name: string; sent: number; size: number } | null>(null);
  const read = useMutation({
    mutationFn: (file: File) =>
      backend.previewImport(file, { onSent: (n) => setSent({ name: file.name, sent: n, size: file.size }) }),
  });
  const choose = (files: File[]) => {
    const file = files[0];
    if (!file) return;
    setSent({ name: file.name, sent: 0, size: file.size });
    read.mutate(file);
  };
  const onDrop = (e: DragEvent) => {
    if (![...e.dataTransfer.types].includes("Files")) return;
    e.preventDefault();
    choose([...e.dataTransfer.files]);
  };
  return (
    <div
      onDragOver={(e) => {
        if ([...e.dataTransfer.types].includes("Files")) e.preventDefault();
      }}
      onDrop={onDrop}
    >
      <h1>Import candidates</h1>
      {read.data ? (
        <Preview preview={read.data} onDone={() => read.reset()} />
      ) : (
        <EmptyState
          title="Choose a CSV file"
          action={
            <FilePicker
              label={read.isPending ? "Reading…" : "Choose file…"}
              multiple={false}
              accept=".csv,text/csv"
              variant="primary"
              disabled={read.isPending}
              onFiles={choose}
              testId="import-input"
            />
          }
        >
          <p>
            Export the candidates from your applicant-tracking system as CSV with a header row. The columns, in any
            order: <code>{COLUMNS_HELP}</code>. <code>external_id</code> and <code>full_name</code> are required;
            several emails or phones in one cell are separated by “;”.
          </p>
          <p>
            You see every row before anything is written, and a file with a bad row imports nothing. Importing the
            same file again changes nothing. You can also drop the file here.
          </p>
          {read.isPending && sent ? (
            <p className="muted" aria-live="polite">
              Reading {sent.name}…
            </p>
          ) : null}
          {read.error ? <ErrorNote error={read.error} title="The file could not be read" /> : null}
        </EmptyState>
      )}
    </div>
  );
}
