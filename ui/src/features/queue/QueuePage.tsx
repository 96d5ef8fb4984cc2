// The case queue: every case of the view in one virtualised table, with full-text search
// through the core's index, filters, sortable columns and counts. The core answers the view
// (filters, search, order, its size and the counts per status) a page of rows at a time: the
// first page comes with the view, the others as their rows scroll into sight, so the queue is
// usable as soon as its first rows are, however many cases there are. It opens on "My active
// cases", keeps its filters, sort and search for the session, offers saved views, and assigns
// selected cases in bulk. Columns give way as the window narrows, least needed first, rather
// than cutting names. Until the first case exists it explains how vetting works in Vetdesk and
// where to begin.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";

import type { CaseStatus } from "../../bindings/CaseStatus";
import type { CaseSummary } from "../../bindings/CaseSummary";
import type { QueuePage as QueuePageData } from "../../bindings/QueuePage";
import { Badge, Button, EmptyState, ErrorNote, ProgressBar } from "../../components";
import {
  day,
  PRIORITY_LABELS,
  SEVERITY_LABELS,
  severityTone,
  shortWhen,
  STATUS_LABELS,
  statusText,
  statusTone,
  when,
} from "../../format";
import { caseHref, hrefFor, navigate } from "../../router";
import { backend } from "../../backend";
import { useActor, usePermissions } from "../../session/actor";
import { useCasePrefetch } from "../case/queries";
import { useUsers } from "../shell/queries";
import { ANYONE, DEFAULT_FILTER, forUser, isFiltered, ME, UNASSIGNED, type QueueFilter, type SortKey } from "./filter";
import { BulkAssign } from "./BulkAssign";
import { PAGE_SIZE, useFirstPage, useMorePages, useVendors, useViewIds, viewIdsQuery, viewQuery } from "./queries";
import { QueueViews } from "./QueueViews";
import { lastOpened, loadSession, loadViews, rememberOpened, saveSession, type QueueState, type QueueView } from "./views";
import "./queue.css";

const ROW_HEIGHT = 44;
/** The header row sits in the scrolling box (sticky), so header and rows share their widths. */
const HEADER_HEIGHT = 36;

/** Each column's class names it for the style sheet, which drops the least needed columns
 *  first as the queue narrows (queue.css). */
const COLUMNS: { key: SortKey; label: string }[] = [
  { key: "id", label: "Case" },
  { key: "candidate", label: "Candidate" },
  { key: "status", label: "Status" },
  { key: "flags", label: "Flags" },
  { key: "assignee", label: "Assignee" },
  { key: "vendor", label: "Vendor" },
  { key: "progress", label: "Checklist" },
  { key: "due", label: "Due" },
  { key: "priority", label: "Priority" },
  { key: "updated", label: "Updated" },
];

/** The decision alone: the badge's colour and its title say it is one. */
const DECISION_SHORT = { cleared: "Cleared", rejected: "Rejected", referred: "Referred" } as const;

const STATUS_CHOICES: { value: QueueFilter["status"]; label: string }[] = [
  { value: "", label: "All statuses" },
  { value: "active", label: "Active" },
  ...(["open", "in_review", "escalated", "decided", "closed"] as CaseStatus[]).map((s) => ({
    value: s,
    label: STATUS_LABELS[s],
  })),
];

/** "Load sample data": offered to an admin while the data directory holds nothing a sample
 *  could mix with (no cases, which is why this page shows, and no vendors); the store makes the
 *  final judgement and its refusal is shown as it gives it. */
function SampleLoader({ onLoaded }: { onLoaded: () => void }) {
  const permissions = usePermissions();
  const vendors = useVendors();
  const client = useQueryClient();
  const load = useMutation({
    mutationFn: backend.loadSample,
    // Hundreds of records at once: read everything again rather than key by key.
    onSuccess: () => {
      onLoaded();
      return client.invalidateQueries();
    },
  });
  if (!permissions?.manage_users || vendors.data === undefined || vendors.data.length > 0) return null;
  return (
    <div className="sample-loader">
      <p>
        New to Vetdesk? Load a <strong>sample cohort</strong>: about forty fictitious candidates from three
        staffing vendors, with a facilitator ring, broken passport zones, VPN addresses, an E-Verify mismatch,
        evidence images, decisions and a signed-off case, and three hired workers watched through sign-in and
        device telemetry (one of them at a laptop farm, with an investigation opened from its alert), so that
        every screen has something to show.
      </p>
      <Button onClick={() => load.mutate()} disabled={load.isPending} data-action="load-sample">
        {load.isPending ? "Loading sample data…" : "Load sample data"}
      </Button>
      {load.error ? <ErrorNote error={load.error} title="The sample data could not be loaded" /> : null}
    </div>
  );
}

function FirstRun({ onSampleLoaded }: { onSampleLoaded: () => void }) {
  return (
    <EmptyState
      title="No cases yet"
      action={
        <div className="button-row">
          <a className="btn btn-primary" href={hrefFor({ name: "new-candidate" })}>
            Add a candidate
          </a>
          <a className="btn" href={hrefFor({ name: "import" })}>
            Import candidates from a CSV file
          </a>
        </div>
      }
    >
      <SampleLoader onLoaded={onSampleLoaded} />
      <p>
        Each candidate you vet gets a case. The case holds the verification checklist, the evidence you
        attach and every decision, in an audit trail that reports can prove.
      </p>
      <ol className="steps">
        <li>
          <strong>Add the people who work cases</strong> under Settings, each with a role: reviewer,
          investigator or compliance.
        </li>
        <li>
          <strong>Open a case</strong> for a candidate: their name, contact details and the staffing vendor,
          if any — one at a time, or many from your applicant-tracking system’s CSV export.
        </li>
        <li>
          <strong>Work the checklist</strong>: record each result and attach what it rests on (ID scans,
          call screenshots, E-Verify confirmations).
        </li>
      </ol>
      <p className="muted">Everything stays on this computer, in the data directory shown above.</p>
    </EmptyState>
  );
}

// Memoised: while scrolling, rows that stay on screen keep their props and are not rendered
// again; only the rows coming into view are. A row is one stop for the keyboard (↑/↓ move,
// Enter opens, Space selects); its name is also a plain link, for screen readers and the mouse.
const Row = memo(function Row({
  c,
  index,
  top,
  focusable,
  selected,
  onSelect,
}: {
  c: CaseSummary;
  index: number;
  top: number;
  focusable: boolean;
  selected: boolean;
  onSelect: (id: number, on: boolean) => void;
}) {
  const p = c.progress;
  const status = statusText(c.status, c.decision);
  return (
    <div
      role="row"
      className={selected ? "queue-row selected" : "queue-row"}
      tabIndex={focusable ? 0 : -1}
      aria-selected={selected}
      aria-label={`Case ${c.id}, ${c.candidate_name}, ${status}`}
      data-index={index}
      data-case={c.id}
      aria-rowindex={index + 2}
      // Rows are placed through the CSSOM (allowed by the CSP), never a style attribute.
      ref={(el) => {
        if (el) el.style.transform = `translateY(${top}px)`;
      }}
    >
      <span role="gridcell" className="col-select">
        <input
          type="checkbox"
          tabIndex={-1}
          checked={selected}
          aria-label={`Select case ${c.id}`}
          onChange={(e) => onSelect(c.id, e.target.checked)}
          onClick={(e) => e.stopPropagation()}
        />
      </span>
      <span role="gridcell" className="mono col-id">
        {c.id}
      </span>
      <span role="gridcell" className="queue-candidate col-candidate">
        <a className="queue-name" href={caseHref(c.id)} tabIndex={-1} title={c.candidate_name}>
          {c.candidate_name}
        </a>
        {c.external_id ? <span className="muted small"> {c.external_id}</span> : null}
      </span>
      <span role="gridcell" className="col-status">
        <Badge tone={statusTone(c.status, c.decision)} title={status}>
          {c.status === "decided" && c.decision ? DECISION_SHORT[c.decision] : status}
        </Badge>
      </span>
      <span role="gridcell" className="col-flags">
        {c.open_flags > 0 && c.top_severity ? (
          <Badge tone={severityTone(c.top_severity)} title={`${c.open_flags} open red flag(s), the worst ${c.top_severity}`}>
            {c.open_flags} · {SEVERITY_LABELS[c.top_severity].toLowerCase()}
          </Badge>
        ) : (
          <span className="muted">—</span>
        )}
      </span>
      <span role="gridcell" className="col-assignee" title={c.assignee ?? "unassigned"}>
        {c.assignee ?? <span className="muted">unassigned</span>}
      </span>
      <span role="gridcell" className="ellipsis col-vendor" title={c.vendor_name ?? undefined}>
        {c.vendor_name ?? <span className="muted">—</span>}
      </span>
      <span role="gridcell" className="queue-progress col-progress">
        <ProgressBar value={p.done} max={p.total} label={`${p.done} of ${p.total} checklist items done`} />
        <span className="small">
          {p.done}/{p.total}
          {p.failed > 0 ? (
            <span className="fail-count" title={`${p.failed} item(s) failed`}>
              {" "}
              ✗{p.failed}
              <span className="visually-hidden"> failed</span>
            </span>
          ) : null}
        </span>
      </span>
      <span role="gridcell" className={c.overdue ? "overdue col-due" : "col-due"}>
        {day(c.due_on)}
        {c.overdue ? " · overdue" : ""}
      </span>
      <span role="gridcell" className="col-priority">
        {c.priority === "normal" ? (
          <span className="muted">Normal</span>
        ) : (
          <Badge tone={c.priority === "low" ? "muted" : "warn"}>{PRIORITY_LABELS[c.priority]}</Badge>
        )}
      </span>
      <span role="gridcell" className="small muted col-updated" title={when(c.updated_at)}>
        {shortWhen(c.updated_at)}
      </span>
    </div>
  );
});

/** A row whose page is still being read: it holds the row's place, nothing to act on. */
function PlaceholderRow({ top }: { top: number }) {
  return (
    <div
      role="row"
      className="queue-placeholder"
      aria-busy="true"
      ref={(el) => {
        if (el) el.style.transform = `translateY(${top}px)`;
      }}
    >
      <span role="gridcell" className="muted small">
        Loading…
      </span>
    </div>
  );
}

export function QueuePage() {
  const actor = useActor();
  const vendors = useVendors();
  const users = useUsers();
  const client = useQueryClient();
  // Kept for the session, per user: back from a case, the queue is as it was left.
  const [state, setState] = useState<QueueState>(() => loadSession(actor.name));
  const [saved, setSaved] = useState<QueueView[]>(() => loadViews(actor.name));
  useEffect(() => saveSession(actor.name, state), [actor.name, state]);
  const { filter, query } = state;
  const setFilter = (update: (f: QueueFilter) => QueueFilter) => setState((s) => ({ ...s, filter: update(s.filter) }));
  const setQuery = (q: string) => setState((s) => ({ ...s, query: q }));
  const deferredQuery = useDeferredValue(query);
  const effective = useMemo(() => forUser(filter, actor.name), [filter, actor.name]);
  // The view as the core answers it: filters, search and order; the rows come a page at a time.
  const view = useMemo(() => viewQuery(effective, deferredQuery), [effective, deferredQuery]);
  const first = useFirstPage(view);
  // The last view answered stays on screen while a failed one's error shows above it.
  const lastGood = useRef<QueuePageData | undefined>(undefined);
  if (first.data) lastGood.current = first.data;
  const page0 = first.data ?? lastGood.current;
  const total = page0?.total ?? 0;
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  // Only what is in the view can be acted on: a selection hidden by a filter (or changed by
  // someone else out of the view) is left out. The view's case numbers are read only while
  // something is selected.
  const viewIds = useViewIds(view, selected.size > 0);
  const selectedShown = useMemo(
    () => (viewIds.data ? viewIds.data.filter((id) => selected.has(id)) : [...selected]),
    [viewIds.data, selected],
  );
  const onSelect = useMemo(
    () => (id: number, on: boolean) =>
      setSelected((all) => {
        const next = new Set(all);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const selectAll = async (on: boolean) => {
    if (!on) {
      setSelected(new Set());
      return;
    }
    setSelected(new Set(await client.fetchQuery(viewIdsQuery(view))));
  };

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: HEADER_HEIGHT,
    initialRect: { width: 1000, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  // The pages the rows on screen fall in, after the first (which comes with the view).
  const firstPage = Math.floor((items[0]?.index ?? 0) / PAGE_SIZE);
  const lastPage = Math.floor((items[items.length - 1]?.index ?? 0) / PAGE_SIZE);
  const pages: number[] = [];
  for (let p = Math.max(1, firstPage); p <= lastPage; p++) pages.push(p);
  const more = useMorePages(view, pages);
  const rowAt = (index: number): CaseSummary | undefined => {
    const page = Math.floor(index / PAGE_SIZE);
    const data = page === 0 ? page0 : more[pages.indexOf(page)]?.data;
    return data?.cases[index - page * PAGE_SIZE];
  };

  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  // A row moved to with the keyboard gets focus once it is rendered (it may be scrolled into
  // view, and its page read, first); nothing else takes focus away from where the user put it.
  // "restore" (back from a case) gives way to wherever the user has put focus since.
  const focusPending = useRef<"keys" | "restore" | null>(null);
  const prefetchCase = useCasePrefetch();
  const restoreCase = useRef<number | null>(null);
  const open = (caseId: number, index: number) => {
    rememberOpened(actor.name, caseId, index);
    navigate({ name: "case", caseId, tab: "checklist" });
  };

  // Back from a case: the row it was opened from is scrolled to, and the case's row has focus
  // again once its page is read (if the case is still in the view).
  const returned = useRef(false);
  const answered = first.data !== undefined && !first.isPlaceholderData;
  useEffect(() => {
    if (returned.current || !answered) return;
    returned.current = true;
    const opened = lastOpened(actor.name);
    if (opened === null || total === 0) return;
    const index = Math.min(opened.index, total - 1);
    virtualizer.scrollToIndex(index, { align: "center" });
    focusPending.current = "restore";
    restoreCase.current = opened.caseId;
    setFocusIndex(index);
  }, [answered, total, actor.name, virtualizer]);

  useEffect(() => {
    if (focusPending.current === null || focusIndex === null) return;
    const body = bodyRef.current;
    let row = body?.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`) ?? null;
    // Not rendered yet, or its page not read yet: try again on the next render.
    if (!row) return;
    if (focusPending.current === "restore" && restoreCase.current !== null && row.dataset.case !== String(restoreCase.current)) {
      // The list has changed since: the case's row, if it is among those rendered.
      row = body?.querySelector<HTMLElement>(`[data-case="${restoreCase.current}"]`) ?? null;
      if (row) setFocusIndex(Number(row.dataset.index));
    }
    const free = document.activeElement === null || document.activeElement === document.body || document.activeElement.id === "main";
    if (row && (focusPending.current === "keys" || free)) row.focus();
    focusPending.current = null;
    restoreCase.current = null;
  });

  // Marks the moment the queue can be used, for the start-up benchmark: the view's first page
  // is on screen, with its size and counts; the rows further down are read as they scroll in.
  const marked = useRef(false);
  useEffect(() => {
    if (answered && !marked.current) {
      marked.current = true;
      performance.mark("vetdesk:queue-interactive");
    }
  }, [answered]);

  const set = (patch: Partial<QueueFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const sortBy = (key: SortKey) =>
    setFilter((f) => ({
      ...f,
      sort: key,
      descending: f.sort === key ? !f.descending : key === "id" || key === "updated" || key === "flags",
    }));
  const clear = () => setState((s) => ({ filter: { ...DEFAULT_FILTER, sort: s.filter.sort, descending: s.filter.descending }, query: "" }));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target.getAttribute("role") !== "row") return;
    const current = Number(target.dataset.index);
    if (Number.isNaN(current)) return;
    const c = rowAt(current);
    if (event.key === "Enter" && c) {
      event.preventDefault();
      open(c.id, current);
      return;
    }
    if (event.key === " " && c) {
      event.preventDefault();
      onSelect(c.id, !selected.has(c.id));
      return;
    }
    const move = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, j: 1, k: -1 }[event.key];
    let next: number | null = null;
    if (move !== undefined) next = Math.min(total - 1, Math.max(0, current + move));
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = total - 1;
    if (next === null) return;
    event.preventDefault();
    virtualizer.scrollToIndex(next, { align: "auto" });
    focusPending.current = "keys";
    setFocusIndex(next);
  };

  if (page0 === undefined) {
    if (first.isError) return <ErrorNote error={first.error} title="The cases could not be read" />;
    return <p className="muted">Loading cases…</p>;
  }
  if (page0.cases_in_store === 0) {
    return (
      <>
        <h1>Case queue</h1>
        {/* The sample's cases are assigned to its own people: show them all, not "my" cases. */}
        <FirstRun onSampleLoaded={() => setState({ filter: DEFAULT_FILTER, query: "" })} />
      </>
    );
  }
  const counts = page0.counts;
  const reading = first.isPlaceholderData;

  const filtered = isFiltered(effective) || view.search !== null;
  const allShownSelected = total > 0 && selectedShown.length === total;
  // The row that Tab reaches: the last one focused, else the first.
  const tabRow = focusIndex !== null && focusIndex < total ? focusIndex : 0;
  return (
    <div className="queue-page">
      <div className="page-title">
        <h1>Case queue</h1>
        <div className="button-row">
          <a className="btn btn-primary" href={hrefFor({ name: "new-candidate" })}>
            New candidate
          </a>
          <a className="btn" href={hrefFor({ name: "import" })}>
            Import CSV
          </a>
        </div>
      </div>
      <QueueViews
        user={actor.name}
        state={state}
        saved={saved}
        onSaved={setSaved}
        onChoose={(view) => setState({ filter: view.filter, query: view.query })}
      />
      <form className="queue-filters" role="search" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
        <div className="field field-inline grow">
          <label htmlFor="queue-search">Search</label>
          <input
            id="queue-search"
            type="search"
            placeholder="Name, email, phone, address, notes, file descriptions…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby="queue-count"
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="queue-status">Status</label>
          <select id="queue-status" value={filter.status} onChange={(e) => set({ status: e.target.value as QueueFilter["status"] })}>
            {STATUS_CHOICES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label} ({counts[s.value === "" ? "all" : s.value]})
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="queue-assignee">Assignee</label>
          <select id="queue-assignee" value={filter.assignee} onChange={(e) => set({ assignee: e.target.value })}>
            <option value={ANYONE}>Anyone</option>
            <option value={ME}>Me ({actor.name})</option>
            <option value={UNASSIGNED}>Unassigned</option>
            {(users.data ?? [])
              .filter((u) => u.name !== actor.name)
              .map((u) => (
                <option key={u.name} value={u.name}>
                  {u.display_name} ({u.name})
                </option>
              ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="queue-vendor">Vendor</label>
          <select id="queue-vendor" value={filter.vendor} onChange={(e) => set({ vendor: e.target.value })}>
            <option value="">Any vendor</option>
            <option value="none">No vendor (direct hire)</option>
            {(vendors.data ?? []).map((v) => (
              <option key={v.id} value={String(v.id)}>
                {v.name}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input type="checkbox" checked={filter.overdue} onChange={(e) => set({ overdue: e.target.checked })} /> Overdue
          only
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="flagged"
            checked={filter.flagged}
            onChange={(e) => set({ flagged: e.target.checked })}
          />{" "}
          With red flags
        </label>
        {filtered ? (
          <Button className="btn-small" onClick={clear}>
            Clear filters
          </Button>
        ) : null}
      </form>
      <p id="queue-count" className="queue-count" aria-live="polite">
        {total === page0.cases_in_store
          ? `${total.toLocaleString()} cases`
          : `${total.toLocaleString()} of ${page0.cases_in_store.toLocaleString()} cases`}
        {reading ? (view.search !== null ? " · searching…" : " · reading…") : ""}
      </p>
      {first.isError ? (
        <ErrorNote error={first.error} title={view.search !== null ? "Search failed" : "The cases could not be read"} />
      ) : null}
      {selectedShown.length > 0 ? <BulkAssign selected={selectedShown} onClear={() => setSelected(new Set())} /> : null}
      <div
        className="queue-table"
        role="grid"
        aria-label="Cases"
        aria-rowcount={total + 1}
        aria-multiselectable="true"
        data-testid="queue"
        data-ready="true"
      >
        <div className="queue-scroll" ref={scrollRef}>
          <div role="rowgroup" className="queue-head">
            <div role="row" className="queue-row queue-header" aria-rowindex={1}>
              <span role="columnheader" className="col-select">
                <input
                  type="checkbox"
                  aria-label="Select every case shown"
                  checked={allShownSelected}
                  disabled={total === 0}
                  onChange={(e) => void selectAll(e.target.checked)}
                />
              </span>
              {COLUMNS.map((col) => (
                <span
                  role="columnheader"
                  key={col.key}
                  className={`col-${col.key === "id" ? "id" : col.key}`}
                  aria-sort={filter.sort === col.key ? (filter.descending ? "descending" : "ascending") : undefined}
                >
                  <button type="button" className="sort-button" onClick={() => sortBy(col.key)}>
                    {col.label}
                    {filter.sort === col.key ? (filter.descending ? " ▾" : " ▴") : ""}
                  </button>
                </span>
              ))}
            </div>
          </div>
          {total === 0 ? (
            <div className="queue-empty" role="rowgroup">
              <div role="row">
                <div role="gridcell">
                  <p>No case matches these filters.</p>
                  <Button onClick={() => setState({ filter: DEFAULT_FILTER, query: "" })}>Show all cases</Button>
                </div>
              </div>
            </div>
          ) : (
            <div
              role="rowgroup"
              className="queue-body"
              {...prefetchCase}
              ref={(el) => {
                bodyRef.current = el;
                if (el) el.style.height = `${virtualizer.getTotalSize()}px`;
              }}
              onKeyDown={onKeyDown}
              onFocus={(e) => {
                const index = Number((e.target as HTMLElement).closest<HTMLElement>("[data-index]")?.dataset.index);
                if (!Number.isNaN(index) && index !== focusIndex) setFocusIndex(index);
              }}
              onClick={(e) => {
                // A click anywhere on a row opens its case, as its name's link does.
                const target = e.target as HTMLElement;
                if (target.closest("input, button")) return;
                const index = Number(target.closest<HTMLElement>("[data-index]")?.dataset.index);
                const c = Number.isNaN(index) ? undefined : rowAt(index);
                if (!c) return;
                if (target.closest("a")) rememberOpened(actor.name, c.id, index);
                else open(c.id, index);
              }}
            >
              {items.map((v) => {
                const c = rowAt(v.index);
                return c ? (
                  <Row
                    key={c.id}
                    c={c}
                    index={v.index}
                    top={v.start - HEADER_HEIGHT}
                    focusable={v.index === tabRow}
                    selected={selected.has(c.id)}
                    onSelect={onSelect}
                  />
                ) : (
                  <PlaceholderRow key={`row-${v.index}`} top={v.start - HEADER_HEIGHT} />
                );
              })}
            </div>
          )}
        </div>
      </div>
      <p className="muted small">↑/↓ or j/k move between rows, Enter opens a case, Space selects it.</p>
    </div>
  );
}
