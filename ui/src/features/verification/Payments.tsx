// Payment details. The routing and account numbers are typed into password fields that React
// does not hold (uncontrolled inputs): read once on submit, cleared from the page at once, sent
// once, and never shown again. The store keeps only the masks and a keyed hash, which is
// enough to find the same account on another candidate and not enough to read it back.

import { useMutation } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent, type RefObject } from "react";

import { backend } from "../../backend";
import type { PaymentRecord } from "../../bindings/PaymentRecord";
import type { PaymentRecorded } from "../../bindings/PaymentRecorded";
import { Button, ErrorNote, Field, TextAreaField } from "../../components";
import { when } from "../../format";
import { fieldError, isFieldError, orNull } from "./form";

const FIELDS = ["routing_number", "account_number", "bank_name", "account_holder", "note"] as const;

function digitsOf(text: string): string {
  return text.replace(/[\s-]/g, "");
}

/** Why a routing number cannot be right: nine digits whose weighted sum (3, 7, 1) ends in 0. */
export function routingProblem(text: string): string | null {
  const d = digitsOf(text);
  if (!/^\d{9}$/.test(d)) return "A routing number is 9 digits (spaces and dashes allowed).";
  const weights = [3, 7, 1];
  const sum = [...d].reduce((s, c, i) => s + Number(c) * (weights[i % 3] ?? 0), 0);
  return sum % 10 === 0 ? null : "This routing number fails its check digit: look for a typo.";
}

export function accountProblem(text: string): string | null {
  const d = digitsOf(text);
  return /^\d{4,17}$/.test(d) ? null : "An account number is 4 to 17 digits (spaces and dashes allowed).";
}

/** A password field the page does not hold in state: its value lives in the input alone. */
function SecretField({
  inputRef,
  label,
  name,
  hint,
  error,
  onInput,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  label: string;
  name: string;
  hint?: string | undefined;
  error?: string | null | undefined;
  onInput: () => void;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={error ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      <input
        ref={inputRef}
        id={id}
        name={name}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        onInput={onInput}
      />
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function PaymentForm({ caseId, onSaved, onCancel }: { caseId: number; onSaved: (p: PaymentRecorded) => void; onCancel: () => void }) {
  const routing = useRef<HTMLInputElement>(null);
  const account = useRef<HTMLInputElement>(null);
  const [bankName, setBankName] = useState("");
  const [holder, setHolder] = useState("");
  const [note, setNote] = useState("");
  const [problems, setProblems] = useState<{ routing_number?: string | undefined; account_number?: string | undefined }>({});
  const [cleared, setCleared] = useState(false);
  // No variables: the numbers are read from the inputs inside the call, so the mutation cache
  // never holds them.
  const save = useMutation({
    mutationFn: (request: () => Parameters<typeof backend.paymentRecord>[0]) => backend.paymentRecord(request()),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = routing.current;
    const a = account.current;
    if (!r || !a) return;
    const found = { routing_number: routingProblem(r.value) ?? undefined, account_number: accountProblem(a.value) ?? undefined };
    setProblems(found);
    if (found.routing_number || found.account_number) return;
    let routingNumber = r.value;
    let accountNumber = a.value;
    // Off the page before the request even starts.
    r.value = "";
    a.value = "";
    setCleared(true);
    save.mutate(
      () => {
        const request = {
          case_id: caseId,
          routing_number: routingNumber,
          account_number: accountNumber,
          bank_name: orNull(bankName),
          account_holder: orNull(holder),
          note: orNull(note),
        };
        routingNumber = "";
        accountNumber = "";
        return request;
      },
      { onSuccess: (r) => onSaved(r) },
    );
  };
  const err = (f: (typeof FIELDS)[number]) => (f === "routing_number" || f === "account_number" ? problems[f] : undefined) ?? fieldError(save.error, f);
  const retype = cleared && save.isError ? "The numbers were cleared when sent: type them again." : undefined;
  return (
    <form className="form record-form" onSubmit={submit} noValidate aria-label="Record payment details" autoComplete="off">
      <p className="muted small">
        Only the last four digits are kept, with a keyed hash that finds the same account on another candidate. The numbers
        themselves are never stored, logged or shown again, and this page forgets them as soon as they are sent.
      </p>
      <div className="field-grid">
        <SecretField
          inputRef={routing}
          label="Routing number (required)"
          name="routing_number"
          hint={retype}
          error={err("routing_number")}
          onInput={() => setProblems((p) => ({ ...p, routing_number: undefined }))}
        />
        <SecretField
          inputRef={account}
          label="Account number (required)"
          name="account_number"
          error={err("account_number")}
          onInput={() => setProblems((p) => ({ ...p, account_number: undefined }))}
        />
        <Field label="Bank" name="bank_name" value={bankName} error={err("bank_name")} onChange={(e) => setBankName(e.target.value)} />
        <Field label="Account holder" name="account_holder" value={holder} error={err("account_holder")} onChange={(e) => setHolder(e.target.value)} />
      </div>
      <TextAreaField label="Note" name="note" rows={2} value={note} error={err("note")} onChange={(e) => setNote(e.target.value)} />
      {save.error && !isFieldError(save.error, FIELDS) ? <ErrorNote error={save.error} title="The payment details were not recorded" /> : null}
      <div className="button-row">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Record payment details
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

export function PaymentList({ payments }: { payments: PaymentRecord[] }) {
  return (
    <table className="table">
      <caption className="visually-hidden">Payment details</caption>
      <thead>
        <tr>
          <th scope="col">Bank</th>
          <th scope="col">Holder</th>
          <th scope="col">Routing</th>
          <th scope="col">Account</th>
          <th scope="col">Recorded</th>
        </tr>
      </thead>
      <tbody>
        {payments.map((p) => (
          <tr key={p.id} data-payment={p.id}>
            <td>{p.bank_name ?? <span className="muted">—</span>}</td>
            <td>{p.account_holder ?? <span className="muted">—</span>}</td>
            <td className="mono">{p.routing_masked}</td>
            <td className="mono">{p.account_masked}</td>
            <td className="small">
              {p.recorded_by}, {when(p.recorded_at)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
