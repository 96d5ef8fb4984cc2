// The Verification tab of a case: what was checked about the candidate, one section per kind of
// record (identity documents, interviews, E-Verify, references, payment details, IP addresses),
// each listing what is recorded with the store's checks and offering the form to add more.
// Every save is one change through the store; the flags it raises show at once, here, on the
// Flags & links tab and in the header.

import { useState, type ReactNode } from "react";

import type { CaseDetail } from "../../bindings/CaseDetail";
import type { DocumentView } from "../../bindings/DocumentView";
import type { EVerifyView } from "../../bindings/EVerifyView";
import type { PaymentRecorded } from "../../bindings/PaymentRecorded";
import type { Recorded } from "../../bindings/Recorded";
import type { Reference } from "../../bindings/Reference";
import { Button, ErrorNote } from "../../components";
import { hasDraft } from "../../drafts";
import { useActor } from "../../session/actor";
import { DocumentCard, DocumentForm, EMPTY_DOCUMENT } from "./Documents";
import { EMPTY_EVERIFY, EVerifyCard, EVerifyForm, PrerequisitesNote, missingPrerequisites } from "./EVerify";
import { InterviewCard, InterviewForm, interviewDraftKey, ReachableHoursBlock } from "./Interviews";
import { ipDraftKey, ObservedIpForm, ObservedIpTable } from "./ObservedIps";
import { SavedNote } from "./parts";
import { PaymentForm, PaymentList } from "./Payments";
import { useCaseVerification } from "./queries";
import { EMPTY_REFERENCE, ReferenceForm, ReferenceList } from "./References";
import "./verification.css";

type SectionId = "documents" | "interviews" | "everify" | "references" | "payments" | "ips";

type Editing =
  | { section: "documents"; doc: DocumentView | null }
  | { section: "everify"; view: EVerifyView | null }
  | { section: "references"; reference: Reference | null }
  | { section: "interviews" | "payments" | "ips" };

type Saved = { section: SectionId; what: string; recorded: Recorded; extra?: string };

const TITLES: Record<SectionId, string> = {
  documents: "Identity documents",
  interviews: "Live video interviews",
  everify: "E-Verify",
  references: "References",
  payments: "Payment details",
  ips: "IP addresses",
};

function Section({
  id,
  count,
  addLabel,
  onAdd,
  intro,
  children,
}: {
  id: SectionId;
  count: number;
  addLabel: string | null;
  onAdd: () => void;
  intro: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="vsection" id={`v-${id}`} aria-labelledby={`v-${id}-heading`} data-section={id}>
      <div className="section-title">
        <h2 id={`v-${id}-heading`}>
          {TITLES[id]} <span className="tab-count">{count}</span>
        </h2>
        {addLabel ? (
          <Button className="btn-small" onClick={onAdd} data-add={id}>
            {addLabel}
          </Button>
        ) : null}
      </div>
      <p className="muted small section-intro">{intro}</p>
      {children}
    </section>
  );
}

export function VerificationPanel({ detail }: { detail: CaseDetail }) {
  const caseId = detail.case.id;
  const closed = detail.case.status === "closed";
  const v = useCaseVerification(caseId);
  const actor = useActor();
  // A form left with an unsaved draft (another tab, a reload) opens again where it was.
  const [editing, setEditing] = useState<Editing | null>(() =>
    closed
      ? null
      : hasDraft(actor.name, interviewDraftKey(caseId))
        ? { section: "interviews" }
        : hasDraft(actor.name, ipDraftKey(caseId))
          ? { section: "ips" }
          : null,
  );
  const [saved, setSaved] = useState<Saved | null>(null);
  const evidence = detail.evidence;
  const byId = new Map(evidence.map((e) => [e.id, e]));

  if (v.isPending) return <p className="muted">Loading what was verified…</p>;
  if (v.isError) return <ErrorNote error={v.error} title="The verification records could not be read" />;
  const data = v.data;
  const open = data.flags.open;
  const done = (section: SectionId, what: string) => (recorded: Recorded) => {
    setSaved({ section, what, recorded });
    setEditing(null);
  };
  const start = (e: Editing) => {
    setSaved(null);
    setEditing(e);
  };
  const add = (label: string) => (closed ? null : label);
  const note = (section: SectionId) =>
    saved?.section === section ? (
      <SavedNote what={saved.what} recorded={saved.recorded} caseId={caseId}>
        {saved.extra}
      </SavedNote>
    ) : null;
  const isEditing = (section: SectionId) => editing?.section === section;
  const missing = missingPrerequisites(detail.checklist);
  const cancel = () => setEditing(null);

  const counts: Record<SectionId, number> = {
    documents: data.documents.length,
    interviews: data.interviews.length,
    everify: data.everify.length,
    references: data.references.length,
    payments: data.payments.length,
    ips: data.observed_ips.length + (data.application_ip ? 1 : 0),
  };

  return (
    <div className="verification-panel" data-testid="verification-panel">
      <nav className="section-jump" aria-label="Verification sections">
        {(Object.keys(TITLES) as SectionId[]).map((s) => (
          <Button key={s} className="btn-small" onClick={() => document.getElementById(`v-${s}`)?.scrollIntoView({ block: "start" })}>
            {TITLES[s]} ({counts[s]})
          </Button>
        ))}
      </nav>
      {closed ? (
        <p className="warning">This case is closed: what was recorded stays as it was signed off. A compliance officer can reopen it to record more.</p>
      ) : null}

      <Section
        id="documents"
        count={counts.documents}
        addLabel={add("Record document…")}
        onAdd={() => start({ section: "documents", doc: null })}
        intro="At least two independent documents (of different kinds, not expired). Each is compared with the candidate’s names, the others’ dates of birth and its own machine-readable zone."
      >
        {note("documents")}
        {editing?.section === "documents" ? (
          <DocumentForm
            key={editing.doc?.document.id ?? "new"}
            caseId={caseId}
            evidence={evidence}
            id={editing.doc?.document.id ?? null}
            initial={editing.doc?.document ?? EMPTY_DOCUMENT}
            onSaved={done("documents", editing.doc ? "Document corrected." : "Document recorded.")}
            onCancel={cancel}
          />
        ) : null}
        {data.documents.length > 0 ? (
          <ul className="records">
            {data.documents.map((d) => (
              <DocumentCard key={d.document.id} view={d} caseId={caseId} evidence={byId} open={open} onEdit={closed ? null : () => start({ section: "documents", doc: d })} />
            ))}
          </ul>
        ) : !isEditing("documents") ? (
          <p className="muted">No identity document recorded yet.</p>
        ) : null}
      </Section>

      <Section
        id="interviews"
        count={counts.interviews}
        addLabel={add("Record interview…")}
        onAdd={() => start({ section: "interviews" })}
        intro="A live video call with the ID held to the camera. Refusing video, asking for audio only, an ID that does not match and inconsistent answers about location each raise a flag."
      >
        {note("interviews")}
        {isEditing("interviews") ? (
          <InterviewForm caseId={caseId} evidence={evidence} onSaved={done("interviews", "Interview recorded.")} onCancel={cancel} />
        ) : null}
        {data.interviews.length > 0 ? (
          <ul className="records">
            {data.interviews.map((i) => (
              <InterviewCard key={i.id} interview={i} caseId={caseId} evidence={byId} open={open} />
            ))}
          </ul>
        ) : !isEditing("interviews") ? (
          <p className="muted">No interview recorded yet.</p>
        ) : null}
        <ReachableHoursBlock caseId={caseId} hours={data.reachable_hours} closed={closed} />
      </Section>

      <Section
        id="everify"
        count={counts.everify}
        addLabel={add("Record E-Verify case…")}
        onAdd={() => start({ section: "everify", view: null })}
        intro="Onboarding only. Deadlines are counted in federal working days (weekends and federal holidays, with their observed dates, excluded)."
      >
        {missing.length > 0 && data.everify.length === 0 && !isEditing("everify") ? <PrerequisitesNote caseId={caseId} missing={missing} /> : null}
        {note("everify")}
        {editing?.section === "everify" ? (
          <EVerifyForm
            key={editing.view?.everify.id ?? "new"}
            caseId={caseId}
            evidence={evidence}
            checklist={detail.checklist}
            id={editing.view?.everify.id ?? null}
            initial={editing.view?.everify ?? EMPTY_EVERIFY}
            onSaved={done("everify", editing.view ? "E-Verify case updated." : "E-Verify case recorded.")}
            onCancel={cancel}
          />
        ) : null}
        {data.everify.length > 0 ? (
          <ul className="records">
            {data.everify.map((e) => (
              <EVerifyCard key={e.everify.id} view={e} caseId={caseId} evidence={byId} open={open} onEdit={closed ? null : () => start({ section: "everify", view: e })} />
            ))}
          </ul>
        ) : null}
      </Section>

      <Section
        id="references"
        count={counts.references}
        addLabel={add("Add reference…")}
        onAdd={() => start({ section: "references", reference: null })}
        intro="A reference whose email or phone is the candidate’s own, another candidate’s or another reference’s raises a flag, as does a free-mail address for a company role."
      >
        {note("references")}
        {editing?.section === "references" ? (
          <ReferenceForm
            key={editing.reference?.id ?? "new"}
            caseId={caseId}
            id={editing.reference?.id ?? null}
            initial={editing.reference ?? EMPTY_REFERENCE}
            onSaved={done("references", editing.reference ? "Reference corrected." : "Reference added.")}
            onCancel={cancel}
          />
        ) : null}
        {data.references.length > 0 ? (
          <ReferenceList references={data.references} caseId={caseId} open={open} onEdit={closed ? null : (r) => start({ section: "references", reference: r })} />
        ) : !isEditing("references") ? (
          <p className="muted">No reference recorded yet.</p>
        ) : null}
      </Section>

      <Section
        id="payments"
        count={counts.payments}
        addLabel={add("Record payment details…")}
        onAdd={() => start({ section: "payments" })}
        intro="An account used by another candidate, or bank details changed after onboarding, raise a flag."
      >
        {saved?.section === "payments" ? note("payments") : null}
        {isEditing("payments") ? (
          <PaymentForm
            caseId={caseId}
            onSaved={(p: PaymentRecorded) => {
              setSaved({
                section: "payments",
                what: "Payment details recorded.",
                recorded: p.recorded,
                extra: `Kept: routing ${p.routing_masked}, account ${p.account_masked}.`,
              });
              setEditing(null);
            }}
            onCancel={cancel}
          />
        ) : null}
        {data.payments.length > 0 ? <PaymentList payments={data.payments} /> : !isEditing("payments") ? <p className="muted">No payment details recorded yet.</p> : null}
      </Section>

      <Section
        id="ips"
        count={counts.ips}
        addLabel={add("Record IP address…")}
        onAdd={() => start({ section: "ips" })}
        intro="Each address is looked up in the indicator lists (Settings). A VPN, hosting, Tor or proxy range raises a flag; country ranges are compared with the claimed location."
      >
        {note("ips")}
        {isEditing("ips") ? <ObservedIpForm caseId={caseId} onSaved={done("ips", "IP address recorded.")} onCancel={cancel} /> : null}
        {counts.ips > 0 ? (
          <ObservedIpTable ips={data.observed_ips} application={data.application_ip} caseId={caseId} open={open} />
        ) : !isEditing("ips") ? (
          <p className="muted">No IP address recorded yet.</p>
        ) : null}
      </Section>
    </div>
  );
}
