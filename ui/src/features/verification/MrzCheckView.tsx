// The live check of a machine-readable zone as it is typed or pasted: every field read from it,
// every check digit with what it should be, the failing field named in words, and where the
// zone disagrees with what was typed from the printed page.

import type { DocumentFields } from "../../bindings/DocumentFields";
import type { MrzReport } from "../../bindings/MrzReport";
import { Badge, ErrorNote } from "../../components";
import { CHECKED_FIELD_LABELS, MRZ_FIELD_LABELS } from "./labels";
import { useMrzCheck } from "./queries";

/** Characters of the zone, the failing check digits marked. */
function ZoneLines({ report }: { report: MrzReport }) {
  const bad = new Set(report.check_digits.filter((c) => !c.passed).map((c) => `${c.line}:${c.position}`));
  return (
    <pre className="mrz-lines" aria-label="The zone as read">
      {report.lines.map((line, l) => (
        <span key={l} className="mrz-line">
          {[...line].map((ch, i) =>
            bad.has(`${l + 1}:${i + 1}`) ? (
              <mark key={i} className="mrz-bad" title="This check digit fails">
                {ch}
              </mark>
            ) : (
              ch
            ),
          )}
          {"\n"}
        </span>
      ))}
    </pre>
  );
}

function plain(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** Where the zone says something else than the typed fields (the store flags the same after
 *  saving, as `document.mrz_mismatch`). */
export function typedDifferences(report: MrzReport, typed: Pick<DocumentFields, "number" | "birth_date" | "expiry_date" | "issuing_country">): string[] {
  const out: string[] = [];
  if (typed.number.trim() && plain(typed.number) !== plain(report.document_number)) {
    out.push(`document number: typed ${typed.number.trim()}, the zone says ${report.document_number}`);
  }
  if (typed.birth_date && report.birth_date.date && typed.birth_date !== report.birth_date.date) {
    out.push(`date of birth: typed ${typed.birth_date}, the zone says ${report.birth_date.date}`);
  }
  if (typed.expiry_date && report.expiry_date.date && typed.expiry_date !== report.expiry_date.date) {
    out.push(`date of expiry: typed ${typed.expiry_date}, the zone says ${report.expiry_date.date}`);
  }
  const state = plain(typed.issuing_country);
  if (state.length === 3 && state !== report.issuing_state.replace(/</g, "")) {
    out.push(`issuing state: typed ${state}, the zone says ${report.issuing_state}`);
  }
  return out;
}

export function MrzReportView({ report, typed }: { report: MrzReport; typed?: Parameters<typeof typedDifferences>[1] }) {
  const failed = report.check_digits.filter((c) => !c.passed);
  const problems = report.problems.filter((p) => p.outcome !== "pass");
  const differences = typed ? typedDifferences(report, typed) : [];
  const dateText = (d: { raw: string; date: string | null }) => (d.date ? `${d.date} (${d.raw})` : `${d.raw} — not a date`);
  return (
    <div className="mrz-report" data-valid={report.valid}>
      <p className="mrz-verdict">
        <Badge tone={report.valid ? "good" : "bad"}>{report.valid ? "All checks pass" : "Fails"}</Badge>{" "}
        <span className="muted small">
          {report.layout.toUpperCase()} · {report.source.document}, {report.source.section}
        </span>
      </p>
      {failed.length > 0 ? (
        <ul className="mrz-failures" aria-label="Failing check digits">
          {failed.map((c) => (
            <li key={c.field} data-failed={c.field}>
              The <strong>{CHECKED_FIELD_LABELS[c.field]}</strong> check digit fails: line {c.line}, position {c.position} holds{" "}
              <code>{c.found}</code>, but <code>{c.covers}</code> gives <code>{c.expected}</code>.
              {c.note ? <span className="muted small"> {c.note}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {problems.length > 0 ? (
        <ul className="mrz-problems" aria-label="Other findings">
          {problems.map((p) => (
            <li key={`${p.check}-${p.field}`} className={p.outcome === "fail" ? "error-text" : undefined}>
              {MRZ_FIELD_LABELS[p.field]}: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      {differences.length > 0 ? (
        <div className="warning">
          The zone disagrees with what you typed from the printed page (saved, this raises a red flag):
          <ul>
            {differences.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ZoneLines report={report} />
      <div className="mrz-tables">
        <table className="table mrz-fields">
          <caption>Fields read</caption>
          <tbody>
            <tr>
              <th scope="row">Document code</th>
              <td className="mono">{report.document_code}</td>
            </tr>
            <tr>
              <th scope="row">Issuing state</th>
              <td className="mono">{report.issuing_state}</td>
            </tr>
            <tr>
              <th scope="row">Document number</th>
              <td className="mono">
                {report.document_number}
                {report.document_number_extended ? <span className="muted small"> (longer than 9: continued in the optional data)</span> : null}
              </td>
            </tr>
            <tr>
              <th scope="row">Name</th>
              <td>
                <span className="mono">{report.primary_identifier}</span>, <span className="mono">{report.secondary_identifier}</span>
                {report.name_possibly_truncated ? <span className="muted small"> (may be cut short)</span> : null}
              </td>
            </tr>
            <tr>
              <th scope="row">Nationality</th>
              <td className="mono">{report.nationality}</td>
            </tr>
            <tr>
              <th scope="row">Date of birth</th>
              <td className="mono">{dateText(report.birth_date)}</td>
            </tr>
            <tr>
              <th scope="row">Sex</th>
              <td>{report.sex}</td>
            </tr>
            <tr>
              <th scope="row">Date of expiry</th>
              <td className="mono">{dateText(report.expiry_date)}</td>
            </tr>
            <tr>
              <th scope="row">Optional data</th>
              <td className="mono">{report.optional_data || "—"}</td>
            </tr>
          </tbody>
        </table>
        <table className="table mrz-digits">
          <caption>Check digits (weights 7, 3, 1)</caption>
          <thead>
            <tr>
              <th scope="col">Over</th>
              <th scope="col">Where</th>
              <th scope="col">Found</th>
              <th scope="col">Computed</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {report.check_digits.map((c) => (
              <tr key={c.field} className={c.passed ? undefined : "row-bad"} data-check={c.field}>
                <td>{CHECKED_FIELD_LABELS[c.field]}</td>
                <td className="small">
                  line {c.line}, pos. {c.position}
                </td>
                <td className="mono">{c.found}</td>
                <td className="mono">{c.expected}</td>
                <td>{c.passed ? <Badge tone="good">Pass</Badge> : <Badge tone="bad">Fail</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.normalisation.length > 0 ? <p className="muted small">Read after: {report.normalisation.join("; ")}.</p> : null}
      <p className="muted small">
        Check digits catch misreadings and careless forgeries, not careful ones: anyone can compute them. A zone that passes is
        internally consistent, no more.
      </p>
    </div>
  );
}

/** The live check under the MRZ field of the document form. */
export function MrzLiveCheck({ text, typed }: { text: string; typed: Parameters<typeof typedDifferences>[1] }) {
  const check = useMrzCheck(text);
  if (text.trim() === "") {
    return (
      <p className="muted small mrz-live" aria-live="polite">
        Paste or type the two or three lines at the foot of the data page; each field and check digit is read and checked as you type.
      </p>
    );
  }
  return (
    <div className="mrz-live" aria-live="polite" data-testid="mrz-live">
      {check.isError ? <ErrorNote error={check.error} title="The zone could not be checked" /> : null}
      {check.data?.outcome === "unreadable" ? (
        <p className="mrz-unreadable" data-testid="mrz-unreadable">
          <Badge tone="warn">Not read yet</Badge> {check.data.message}
        </p>
      ) : null}
      {check.data?.outcome === "read" ? <MrzReportView report={check.data.report} typed={typed} /> : null}
    </div>
  );
}
