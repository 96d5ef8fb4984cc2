// Staffing vendors: who supplies candidates, whether they attest to screening, when they were
// last audited and when the next audit is due. Compliance officers and admins add and change
// them and record audits; everyone sees them.

import { useState, type FormEvent } from "react";

import { useChange } from "../../changes";
import type { Vendor } from "../../bindings/Vendor";
import type { VendorFields } from "../../bindings/VendorFields";
import { Badge, Button, Dialog, EmptyState, ErrorNote, Field, Table, TextAreaField, type Column } from "../../components";
import { dateProblem, day, today } from "../../format";
import { usePermissions } from "../../session/actor";
import { useVendors } from "../queue/queries";
import type { Recorded } from "../../bindings/Recorded";
import { AuditForm, LastAudit, NextAudit } from "../verification/VendorAudits";
import { useVendorAudits } from "../verification/queries";

const EMPTY: VendorFields = { name: "", contact: "", screening_attested: false, attestation_note: null, last_audit_on: null };

export function vendorProblems(v: VendorFields): Partial<Record<keyof VendorFields, string>> {
  const problems: Partial<Record<keyof VendorFields, string>> = {};
  if (v.name.trim() === "") problems.name = "Enter the vendor’s name.";
  const dateIssue = dateProblem(v.last_audit_on ?? "");
  if (dateIssue) problems.last_audit_on = dateIssue;
  else if (v.last_audit_on && v.last_audit_on > today()) problems.last_audit_on = "The last audit cannot be in the future.";
  return problems;
}

export function VendorForm({ initial, onSaved, id }: { initial: VendorFields; onSaved: () => void; id: number | null }) {
  const [v, setV] = useState<VendorFields>(initial);
  const [submitted, setSubmitted] = useState(false);
  const save = useChange((vendor: VendorFields) =>
    id === null ? { type: "add_vendor", id: null, vendor } : { type: "update_vendor", id, vendor },
  );
  const problems = submitted ? vendorProblems(v) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(vendorProblems(v)).length === 0) {
      save.mutate({ ...v, attestation_note: v.attestation_note?.trim() ? v.attestation_note : null }, { onSuccess: onSaved });
    }
  };
  return (
    <form className="form narrow" onSubmit={submit} noValidate aria-label={id === null ? "Add vendor" : "Edit vendor"}>
      <Field label="Name (required)" name="name" value={v.name} error={problems.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
      <Field
        label="Contact"
        name="contact"
        hint="Person, email, phone."
        value={v.contact}
        onChange={(e) => setV({ ...v, contact: e.target.value })}
      />
      <label className="check">
        <input
          type="checkbox"
          name="screening_attested"
          checked={v.screening_attested}
          onChange={(e) => setV({ ...v, screening_attested: e.target.checked })}
        />{" "}
        The vendor attests that it verifies identity to our standard
      </label>
      <TextAreaField
        label="Attestation note"
        rows={2}
        value={v.attestation_note ?? ""}
        onChange={(e) => setV({ ...v, attestation_note: e.target.value })}
      />
      <Field
        label="Last audit"
        placeholder="YYYY-MM-DD"
        inputMode="numeric"
        value={v.last_audit_on ?? ""}
        error={problems.last_audit_on}
        onChange={(e) => setV({ ...v, last_audit_on: e.target.value.trim() === "" ? null : e.target.value.trim() })}
      />
      {save.error ? <ErrorNote error={save.error} title="The vendor was not saved" /> : null}
      <Button type="submit" variant="primary" disabled={save.isPending}>
        {id === null ? "Add vendor" : "Save changes"}
      </Button>
    </form>
  );
}

export function VendorsPage() {
  const vendors = useVendors();
  const [editing, setEditing] = useState<Vendor | null>(null);
  const [adding, setAdding] = useState(false);
  const [auditing, setAuditing] = useState<Vendor | null>(null);
  const [audited, setAudited] = useState<{ vendor: string; recorded: Recorded } | null>(null);
  const audits = useVendorAudits();
  const statusOf = (v: Vendor) => audits.data?.find((s) => s.vendor_id === v.id);
  const permissions = usePermissions();
  const canManage = permissions?.manage_vendors ?? false;
  const canAudit = permissions?.audit_vendors ?? false;
  const columns: Column<Vendor>[] = [
    { key: "name", header: "Vendor", cell: (v) => <strong>{v.name}</strong> },
    { key: "contact", header: "Contact", cell: (v) => v.contact || <span className="muted">—</span> },
    {
      key: "attested",
      header: "Screening",
      cell: (v) => (
        <>
          {v.screening_attested ? <Badge tone="good">Attested</Badge> : <Badge tone="warn">Not attested</Badge>}
          {v.attestation_note ? <span className="muted small"> {v.attestation_note}</span> : null}
        </>
      ),
    },
    { key: "audit", header: "Last audit", cell: (v) => (audits.data ? <LastAudit status={statusOf(v)} /> : day(v.last_audit_on)) },
    { key: "next", header: "Next audit due", cell: (v) => <NextAudit status={statusOf(v)} /> },
    {
      key: "edit",
      header: "",
      cell: (v) =>
        canManage || canAudit ? (
          <span className="button-row">
            {canManage ? (
              <Button className="btn-small" onClick={() => setEditing(v)} aria-label={`Edit ${v.name}`}>
                Edit
              </Button>
            ) : null}
            {canAudit ? (
              <Button className="btn-small" onClick={() => setAuditing(v)} aria-label={`Record audit of ${v.name}`}>
                Record audit…
              </Button>
            ) : null}
          </span>
        ) : null,
    },
  ];
  return (
    <>
      <div className="page-title">
        <h1>Vendors</h1>
        {canManage ? (
          <Button variant="primary" onClick={() => setAdding(true)}>
            Add vendor
          </Button>
        ) : null}
      </div>
      {permissions && !canManage ? <p className="muted">Compliance officers and admins add and change vendors and record their audits.</p> : null}
      {vendors.isError ? <ErrorNote error={vendors.error} title="The vendors could not be read" /> : null}
      {audits.isError ? <ErrorNote error={audits.error} title="The vendor audits could not be read" /> : null}
      {audited ? (
        <p className="saved-note" role="status">
          Audit of {audited.vendor} recorded.
          {audited.recorded.cleared > 0 ? ` ${audited.recorded.cleared} flag(s) on its candidates no longer hold and were cleared.` : ""}
          {audited.recorded.raised.length > 0 ? ` ${audited.recorded.raised.length} flag(s) raised on its candidates.` : ""}
        </p>
      ) : null}
      {vendors.data ? (
        <Table
          caption="Vendors"
          columns={columns}
          rows={vendors.data}
          rowKey={(v) => v.id}
          empty={
            <EmptyState title="No vendors yet">
              <p>
                Record the staffing agencies and subcontractors that supply candidates, whether they attest to verifying
                identity to your standard, and when you last audited them. Candidates can then be linked to their
                vendor, and the queue filtered by it.
              </p>
            </EmptyState>
          }
        />
      ) : null}
      <Dialog open={adding} title="Add vendor" onClose={() => setAdding(false)}>
        {adding ? <VendorForm initial={EMPTY} id={null} onSaved={() => setAdding(false)} /> : null}
      </Dialog>
      <Dialog open={auditing !== null} title={`Record an audit of ${auditing?.name ?? "the vendor"}`} onClose={() => setAuditing(null)}>
        {auditing ? (
          <AuditForm
            key={auditing.id}
            vendor={auditing}
            status={statusOf(auditing)}
            onSaved={(recorded) => {
              setAudited({ vendor: auditing.name, recorded });
              setAuditing(null);
            }}
            onCancel={() => setAuditing(null)}
          />
        ) : null}
      </Dialog>
      <Dialog open={editing !== null} title={`Edit ${editing?.name ?? "vendor"}`} onClose={() => setEditing(null)}>
        {editing ? (
          <VendorForm
            key={editing.id}
            id={editing.id}
            initial={{
              name: editing.name,
              contact: editing.contact,
              screening_attested: editing.screening_attested,
              attestation_note: editing.attestation_note,
              last_audit_on: editing.last_audit_on,
            }}
            onSaved={() => setEditing(null)}
          />
        ) : null}
      </Dialog>
    </>
  );
}
