// The lists every case is checked against, in Settings: indicator lists of CIDR ranges (a CSV
// imported through an upload session, all rows or none, bad rows shown by line), named VPN
// providers, and the VoIP numbers and prefixes. Investigators, compliance officers and admins
// change them; everyone sees them.

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { backend } from "../../backend";
import type { CsvProblem } from "../../bindings/CsvProblem";
import type { IpList } from "../../bindings/IpList";
import type { VoipEntry } from "../../bindings/VoipEntry";
import type { VpnProvider } from "../../bindings/VpnProvider";
import { Button, ErrorNote, Field, Table, type Column } from "../../components";
import { when } from "../../format";
import { usePermissions } from "../../session/actor";
import { FilePicker } from "../evidence/FilePicker";
import { fieldError, isFieldError, orNull } from "./form";
import { useChange } from "../../changes";
import type { Change } from "../../bindings/Change";
import { useIpLists, useVoipEntries, useVpnProviders } from "./queries";
import "./verification.css";

/** A list name from a file name: what the store accepts (letters, digits, space, - _ .). */
export function listNameFrom(fileName: string): string {
  return (fileName.split(/[\\/]/).pop() ?? "")
    .replace(/\.[^.]*$/, "")
    .replace(/[^A-Za-z0-9 ._-]+/g, "-")
    .replace(/^[-. ]+|[-. ]+$/g, "")
    .slice(0, 100);
}

/** A remove button that asks once more, inline (no browser dialogs in the app). */
function RemoveButton({ what, onRemove, busy }: { what: string; onRemove: () => void; busy: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button className="btn-small" onClick={() => setAsking(true)} aria-label={`Remove ${what}`}>
        Remove
      </Button>
    );
  }
  return (
    <span className="confirm">
      <span className="small">Remove {what}?</span>
      <Button className="btn-small" variant="danger" disabled={busy} onClick={onRemove}>
        Remove
      </Button>
      <Button className="btn-small" onClick={() => setAsking(false)}>
        Keep
      </Button>
    </span>
  );
}

function Problems({ problems }: { problems: CsvProblem[] }) {
  return (
    <div className="error-note" role="alert" data-testid="list-problems">
      <strong>Nothing was imported: </strong>
      {problems.length} row{problems.length === 1 ? "" : "s"} of the file could not be read. Correct them and import the file again.
      <div className="table-scroll">
        <table className="table row-errors">
          <caption>Rows refused</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={`${p.line}-${p.column ?? ""}-${i}`} data-line={p.line}>
                <td>{p.line}</td>
                <td className="mono">{p.column ?? "—"}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function IndicatorLists({ canChange }: { canChange: boolean }) {
  const lists = useIpLists();
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [problems, setProblems] = useState<CsvProblem[] | null>(null);
  const [imported, setImported] = useState<IpList | null>(null);
  const replaces = lists.data?.find((l) => l.name === name.trim());
  const importList = useMutation({
    mutationFn: (args: { file: File; listName: string }) => backend.importIpList(args.file, { list_name: args.listName }),
    onSuccess: (result) => {
      if (result.outcome === "refused") {
        setProblems(result.problems);
        return;
      }
      setProblems(null);
      setImported(result.list);
      setFile(null);
      setName("");
      setSubmitted(false);
    },
  });
  const remove = useChange((listName: string) => ({ type: "remove_ip_list", name: listName }));
  const nameProblem = submitted && name.trim() === "" ? "Name the list, e.g. vpn-exits-2026-11." : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!file || name.trim() === "") return;
    setImported(null);
    importList.mutate({ file, listName: name.trim() });
  };
  const columns: Column<IpList>[] = [
    { key: "name", header: "List", cell: (l) => <strong>{l.name}</strong> },
    { key: "entries", header: "Ranges", cell: (l) => l.entries.toLocaleString() },
    {
      key: "file",
      header: "From file",
      cell: (l) => (
        <>
          {l.file_name} <span className="mono small muted" title={`SHA-256 ${l.file_sha256}`}>{l.file_sha256.slice(0, 12)}…</span>
        </>
      ),
    },
    { key: "by", header: "Imported", cell: (l) => <span className="small">{l.imported_by}, {when(l.imported_at)}</span> },
    {
      key: "remove",
      header: "",
      cell: (l) => (canChange ? <RemoveButton what={`list ${l.name}`} busy={remove.isPending} onRemove={() => remove.mutate(l.name)} /> : null),
    },
  ];
  return (
    <div aria-labelledby="ip-lists-heading">
      <h3 id="ip-lists-heading">Indicator lists (IP ranges)</h3>
      <p className="muted small">
        Ranges of VPN exits, hosting providers, Tor and proxies, or of a country. Every IP address recorded on a case is looked up
        in them (exact CIDR containment, IPv4 and IPv6); a VPN, hosting, Tor or proxy range raises a flag. A CSV file with the
        header <code>cidr,category,label</code>; the category is <code>vpn</code>, <code>hosting</code>, <code>tor</code>,{" "}
        <code>proxy</code> or a two-letter country code; lines starting with <code>#</code> are comments.
      </p>
      {lists.isError ? <ErrorNote error={lists.error} title="The lists could not be read" /> : null}
      {remove.error ? <ErrorNote error={remove.error} title="The list was not removed" /> : null}
      {lists.data ? (
        <Table caption="Indicator lists" columns={columns} rows={lists.data} rowKey={(l) => l.id} empty={<p className="muted">No indicator list imported yet.</p>} />
      ) : null}
      {imported ? (
        <p className="saved-note" role="status">
          Imported list <strong>{imported.name}</strong>: {imported.entries.toLocaleString()} ranges. Every case’s flags were
          brought up to date.
        </p>
      ) : null}
      {canChange ? (
        <form className="form inline-form" onSubmit={submit} noValidate aria-label="Import indicator list">
          <div className="field">
            <span className="field-label">CSV file</span>
            <span className="button-row">
              <FilePicker
                label={file ? "Choose another…" : "Choose file…"}
                multiple={false}
                accept=".csv,text/csv,text/plain"
                testId="ip-list-input"
                onFiles={(files) => {
                  const f = files[0] ?? null;
                  setFile(f);
                  setProblems(null);
                  if (f && name.trim() === "") setName(listNameFrom(f.name));
                }}
              />
              <span className="small" data-testid="ip-list-file">{file ? `${file.name} (${file.size.toLocaleString()} bytes)` : "none chosen"}</span>
            </span>
          </div>
          <Field
            label="List name"
            name="list_name"
            hint={replaces ? `Replaces the list of that name (${replaces.entries} ranges).` : "Letters, digits, spaces, - _ and ."}
            value={name}
            error={nameProblem ?? fieldError(importList.error, "list_name")}
            onChange={(e) => setName(e.target.value)}
          />
          <Button type="submit" variant="primary" disabled={!file || importList.isPending}>
            {importList.isPending ? "Importing…" : "Import list"}
          </Button>
        </form>
      ) : null}
      {problems ? <Problems problems={problems} /> : null}
      {importList.error && !isFieldError(importList.error, ["list_name"]) ? <ErrorNote error={importList.error} title="The list was not imported" /> : null}
    </div>
  );
}

function VpnProviders({ canChange }: { canChange: boolean }) {
  const providers = useVpnProviders();
  const [name, setName] = useState("");
  const [note, setNote] = useState("");
  const add = useChange((): Change => ({ type: "add_vpn_provider", id: null, name: name.trim(), note: orNull(note) }));
  const remove = useChange((id: number) => ({ type: "remove_vpn_provider", id }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(undefined, {
      onSuccess: () => {
        setName("");
        setNote("");
      },
    });
  };
  const columns: Column<VpnProvider>[] = [
    { key: "name", header: "Provider", cell: (p) => <strong>{p.name}</strong> },
    { key: "note", header: "Note", cell: (p) => p.note ?? <span className="muted">—</span> },
    { key: "by", header: "Added", cell: (p) => <span className="small">{p.added_by}, {when(p.added_at)}</span> },
    { key: "remove", header: "", cell: (p) => (canChange ? <RemoveButton what={p.name} busy={remove.isPending} onRemove={() => remove.mutate(p.id)} /> : null) },
  ];
  return (
    <div aria-labelledby="vpn-heading">
      <h3 id="vpn-heading">Named VPN providers</h3>
      <p className="muted small">
        A range whose label names one of these counts as a VPN whatever category its list gave it (VPN exits often sit in
        hosting ranges).
      </p>
      {providers.isError ? <ErrorNote error={providers.error} title="The VPN providers could not be read" /> : null}
      {remove.error ? <ErrorNote error={remove.error} title="The provider was not removed" /> : null}
      {providers.data ? (
        <Table caption="VPN providers" columns={columns} rows={providers.data} rowKey={(p) => p.id} empty={<p className="muted">No VPN provider named yet.</p>} />
      ) : null}
      {canChange ? (
        <form className="form inline-form" onSubmit={submit} noValidate aria-label="Name a VPN provider">
          <Field label="Provider" name="vpn_name" value={name} error={fieldError(add.error, "name")} onChange={(e) => setName(e.target.value)} />
          <Field label="Note" name="vpn_note" value={note} error={fieldError(add.error, "note")} onChange={(e) => setNote(e.target.value)} />
          <Button type="submit" variant="primary" disabled={add.isPending}>
            Add provider
          </Button>
        </form>
      ) : null}
      {add.error && !isFieldError(add.error, ["name", "note"]) ? <ErrorNote error={add.error} title="The provider was not added" /> : null}
    </div>
  );
}

function VoipList({ canChange }: { canChange: boolean }) {
  const entries = useVoipEntries();
  const [pattern, setPattern] = useState("");
  const [label, setLabel] = useState("");
  const add = useChange((): Change => ({ type: "add_voip_entry", id: null, pattern: pattern.trim(), label: label.trim() }));
  const remove = useChange((id: number) => ({ type: "remove_voip_entry", id }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(undefined, {
      onSuccess: () => {
        setPattern("");
        setLabel("");
      },
    });
  };
  const columns: Column<VoipEntry>[] = [
    {
      key: "pattern",
      header: "Number or prefix",
      cell: (e) => (
        <span className="mono">
          {e.e164}
          {e.prefix ? "*" : ""}
        </span>
      ),
    },
    { key: "label", header: "Known from", cell: (e) => e.label || <span className="muted">—</span> },
    { key: "by", header: "Added", cell: (e) => <span className="small">{e.added_by}, {when(e.added_at)}</span> },
    {
      key: "remove",
      header: "",
      cell: (e) => (canChange ? <RemoveButton what={`${e.e164}${e.prefix ? "*" : ""}`} busy={remove.isPending} onRemove={() => remove.mutate(e.id)} /> : null),
    },
  ];
  return (
    <div aria-labelledby="voip-heading">
      <h3 id="voip-heading">VoIP numbers and prefixes</h3>
      <p className="honest-note small" data-testid="voip-honest-note">
        A VoIP number cannot be told from a US number’s digits: VoIP services hand out ordinary geographic numbers, and numbers
        move between carriers. This list matches only what you put on it — numbers or prefixes a carrier lookup or an earlier case
        showed to be VoIP. A number that is not on it may still be VoIP.
      </p>
      {entries.isError ? <ErrorNote error={entries.error} title="The VoIP list could not be read" /> : null}
      {remove.error ? <ErrorNote error={remove.error} title="The entry was not removed" /> : null}
      {entries.data ? (
        <Table caption="VoIP numbers and prefixes" columns={columns} rows={entries.data} rowKey={(e) => e.id} empty={<p className="muted">The VoIP list is empty.</p>} />
      ) : null}
      {canChange ? (
        <form className="form inline-form" onSubmit={submit} noValidate aria-label="Add to the VoIP list">
          <Field
            label="Number or prefix"
            name="voip_pattern"
            placeholder="+1 650 555 0100 or +1650555*"
            hint="A prefix ends with *."
            value={pattern}
            error={fieldError(add.error, "pattern")}
            onChange={(e) => setPattern(e.target.value)}
          />
          <Field label="Known from" name="voip_label" placeholder="carrier lookup 2026-11" value={label} error={fieldError(add.error, "label")} onChange={(e) => setLabel(e.target.value)} />
          <Button type="submit" variant="primary" disabled={add.isPending}>
            Add to the list
          </Button>
        </form>
      ) : null}
      {add.error && !isFieldError(add.error, ["pattern", "label"]) ? <ErrorNote error={add.error} title="The entry was not added" /> : null}
    </div>
  );
}

export function ListsSettings() {
  const permissions = usePermissions();
  const canChange = permissions?.manage_lists ?? false;
  return (
    <section aria-labelledby="lists-heading" className="lists-section">
      <h2 id="lists-heading">Verification lists</h2>
      {permissions && !canChange ? <p className="muted">Investigators, compliance officers and admins change these lists; they apply to every case.</p> : null}
      <IndicatorLists canChange={canChange} />
      <VpnProviders canChange={canChange} />
      <VoipList canChange={canChange} />
    </section>
  );
}
