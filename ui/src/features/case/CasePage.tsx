// One case: header, then the checklist, verification records, flags and links, evidence, notes,
// audit trail and details, each on its own tab (the tab is part of the URL). Files dropped anywhere on the case are attached to it.
//
// Opening a case renders its header and the tab asked for, nothing else: another tab's content
// is mounted the first time it is shown, and then kept (hidden while another tab is shown), so
// that what was being done there (a form half filled, a filter, an item being worked) is still
// there on coming back. The header and each tab render again only for what they show: the
// flags arriving after the case move the header's risk and the tab counts, not the checklist.

import { memo, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from "react";

import { EmptyState, ErrorNote, errorOf } from "../../components";
import { replaceHash } from "../../history";
import { caseHref, hrefFor, type CaseTab } from "../../router";
import { Checklist } from "../checklist/Checklist";
import { EvidenceGallery } from "../evidence/EvidenceGallery";
import { UploadList } from "../evidence/UploadList";
import { UploadsProvider, useUploads } from "../evidence/uploads";
import { FlagsPanel } from "../flags/FlagsPanel";
import { useCaseFlags } from "../flags/queries";
import { VerificationPanel } from "../verification/VerificationPanel";
import { AuditTimeline } from "./AuditTimeline";
import { CaseHeader } from "./CaseHeader";
import { DetailsPanel } from "./DetailsPanel";
import { NotesPanel } from "./NotesPanel";
import { useActor } from "../../session/actor";
import type { CaseDetail } from "../../bindings/CaseDetail";
import { useCaseDetail, useResultOptions } from "./queries";
import "./case.css";

function hasFiles(event: DragEvent): boolean {
  return [...event.dataTransfer.types].includes("Files");
}

function DropZone({ caseId, closed, children }: { caseId: number; closed: boolean; children: React.ReactNode }) {
  const { start } = useUploads();
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when the drag left.
  const depth = useRef(0);
  return (
    <div
      className={over ? "drop-zone dragging" : "drop-zone"}
      onDragEnter={(e) => {
        if (!hasFiles(e) || closed) return;
        depth.current += 1;
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!hasFiles(e) || closed) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e) || closed) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDrop={(e) => {
        if (!hasFiles(e) || closed) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length > 0) void start(files);
      }}
    >
      {over ? (
        <div className="drop-hint" aria-hidden="true">
          Drop to attach to case {caseId}
        </div>
      ) : null}
      {children}
    </div>
  );
}

const TABS: { tab: CaseTab; label: string }[] = [
  { tab: "checklist", label: "Checklist" },
  { tab: "verification", label: "Verification" },
  { tab: "flags", label: "Flags & links" },
  { tab: "evidence", label: "Evidence" },
  { tab: "notes", label: "Notes" },
  { tab: "audit", label: "Audit trail" },
  { tab: "details", label: "Details" },
];

/** The case's sections as a tablist: one Tab stop, ←/→ (Home/End) move to the next section and
 *  show it. Each tab stays a link, so that a section has its own address; a section reached
 *  with the arrows replaces the history entry rather than adding one per key press. */
function CaseTabs({ caseId, tab, counts }: { caseId: number; tab: CaseTab; counts: Partial<Record<CaseTab, number>> }) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = TABS.findIndex((t) => t.tab === tab);
    const next =
      event.key === "ArrowRight"
        ? (at + 1) % TABS.length
        : event.key === "ArrowLeft"
          ? (at - 1 + TABS.length) % TABS.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? TABS.length - 1
              : null;
    if (next === null || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const target = TABS[next];
    if (!target) return;
    replaceHash(caseHref(caseId, target.tab));
    list.current?.querySelector<HTMLElement>(`[data-tab="${target.tab}"]`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Case sections" ref={list} onKeyDown={onKeyDown}>
      {TABS.map((t) => (
        <a
          key={t.tab}
          role="tab"
          id={`tab-${t.tab}`}
          href={caseHref(caseId, t.tab)}
          aria-selected={t.tab === tab}
          aria-controls={t.tab === tab ? `tabpanel-${t.tab}` : undefined}
          tabIndex={t.tab === tab ? 0 : -1}
          data-tab={t.tab}
        >
          {t.label}
          {counts[t.tab] !== undefined ? <span className="tab-count"> {counts[t.tab]}</span> : null}
        </a>
      ))}
    </div>
  );
}

/** The content of one tab. */
const TabContent = memo(function TabContent({
  tab,
  detail: d,
  itemTitles,
}: {
  tab: CaseTab;
  detail: CaseDetail;
  itemTitles: ReadonlyMap<string, string>;
}) {
  const caseId = d.case.id;
  const closed = d.case.status === "closed";
  switch (tab) {
    case "checklist":
      return <Checklist caseId={caseId} entries={d.checklist} evidence={d.evidence} closed={closed} basedOn={d.chain_head} />;
    case "verification":
      return <VerificationPanel detail={d} />;
    case "flags":
      return <FlagsPanel caseId={caseId} evidence={d.evidence} closed={closed} basedOn={d.chain_head} />;
    case "evidence":
      return <EvidenceGallery evidence={d.evidence} itemTitles={itemTitles} closed={closed} />;
    case "notes":
      return <NotesPanel caseId={caseId} notes={d.notes} />;
    case "audit":
      return <AuditTimeline caseId={caseId} itemTitles={itemTitles} />;
    case "details":
      return <DetailsPanel detail={d} />;
  }
});

/** The tabs of `caseId` shown so far, `tab` among them. */
function useVisitedTabs(caseId: number, tab: CaseTab): ReadonlySet<CaseTab> {
  const [visited, setVisited] = useState(() => ({ caseId, tabs: new Set<CaseTab>([tab]) }));
  if (visited.caseId === caseId && visited.tabs.has(tab)) return visited.tabs;
  // Another case starts with only its tab; the same case adds the tab now shown.
  const next = { caseId, tabs: new Set<CaseTab>(visited.caseId === caseId ? [...visited.tabs, tab] : [tab]) };
  setVisited(next);
  return next.tabs;
}

const MemoHeader = memo(CaseHeader);

export function CasePage({ caseId, tab }: { caseId: number; tab: CaseTab }) {
  const actor = useActor();
  const detail = useCaseDetail(caseId);
  // Asked with the case, so that the checklist offers only what the store takes as it appears.
  const options = useResultOptions(caseId, actor.name);
  const flags = useCaseFlags(caseId);
  const visited = useVisitedTabs(caseId, tab);
  const itemTitles = useMemo(
    () => new Map((detail.data?.checklist ?? []).map((e) => [e.item.id, e.item.title])),
    [detail.data],
  );

  // Marks the moment the case is on screen, for the benchmark.
  useEffect(() => {
    if (detail.data) performance.mark(`vetdesk:case-shown:${caseId}`);
  }, [caseId, detail.data]);

  if (detail.isPending || (tab === "checklist" && options.isPending)) return <p className="muted">Loading case {caseId}…</p>;
  if (detail.isError) {
    return (
      <>
        <h1>Case {caseId}</h1>
        {errorOf(detail.error).code === "not_found" && errorOf(detail.error).message.includes("not visible to") ? (
          // Team mode: the database's row rules hide investigation and monitoring cases from
          // reviewers, who cannot tell a hidden case from a missing one; the message says so.
          <EmptyState title="This case is not visible to you">
            <p data-testid="case-not-visible">
              {errorOf(detail.error).message}. <a href={hrefFor({ name: "queue" })}>Back to the queue</a>
            </p>
          </EmptyState>
        ) : errorOf(detail.error).code === "not_found" ? (
          <EmptyState title="This case does not exist">
            <p>
              There is no case {caseId} in this data directory. <a href={hrefFor({ name: "queue" })}>Back to the queue</a>
            </p>
          </EmptyState>
        ) : (
          <ErrorNote error={detail.error} title={`Case ${caseId} could not be read`} />
        )}
      </>
    );
  }
  const d = detail.data;
  const closed = d.case.status === "closed";
  const counts: Partial<Record<CaseTab, number>> = {
    ...(flags.data ? { flags: flags.data.open.length } : {}),
    evidence: d.evidence.length,
    notes: d.notes.length,
    audit: d.audit_records,
  };
  return (
    <UploadsProvider caseId={caseId}>
      <DropZone caseId={caseId} closed={closed}>
        <div className="case-page" data-testid="case-page" data-case={caseId}>
          <MemoHeader detail={d} risk={flags.data?.risk ?? null} />
          <CaseTabs caseId={caseId} tab={tab} counts={counts} />
          <UploadList />
          {TABS.filter((t) => visited.has(t.tab)).map((t) => (
            <div
              key={`${caseId}:${t.tab}`}
              className="tab-panel"
              role="tabpanel"
              id={`tabpanel-${t.tab}`}
              aria-labelledby={`tab-${t.tab}`}
              hidden={t.tab !== tab}
              data-tab-panel={t.tab}
            >
              <TabContent tab={t.tab} detail={d} itemTitles={itemTitles} />
            </div>
          ))}
        </div>
      </DropZone>
    </UploadsProvider>
  );
}
