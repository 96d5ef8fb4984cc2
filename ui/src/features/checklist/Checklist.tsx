// The checklist of a case, by phase and section: each item with its guidance and source, its
// result, note and the evidence it rests on. It is worked from the keyboard as well as the
// mouse: j/k or ↑/↓ move between items, p/f/n/w record pass, fail, not applicable or waived,
// u resets to pending, Enter opens the note, e attaches a file to the item. After p, f or n the
// next item has focus. Only the item being worked is in the Tab order (with its buttons and
// guidance); why a result is not offered is written out, not left to a tooltip.
//
// Above it, a filter shows all items, those still to do, the failed ones or those that do not
// apply now; each phase folds away, and the phases the case has not reached start folded. The
// keyboard moves among the items shown. Both are kept per case for the session (view.ts).
//
// A case is opened far more often than its checklist changes, so its first paint is kept
// cheap: the first screenful of items is rendered at once and the rest straight after, without
// holding up the paint (`useDeferredValue`); an item renders again only when what it shows
// changes (its result, whether it is the one worked, its note editor, its error), not on every
// change of the page around it; and the file chooser of "Attach file" is one for the whole
// checklist, pointed at the item it attaches to.

import { memo, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";

import type { ChecklistEntry } from "../../bindings/ChecklistEntry";
import type { Evidence } from "../../bindings/Evidence";
import type { ItemOptions } from "../../bindings/ItemOptions";
import type { ItemResult } from "../../bindings/ItemResult";
import type { ResultOption } from "../../bindings/ResultOption";
import { Badge, Button, ErrorNote } from "../../components";
import { day, RESULT_LABELS, resultTone, when } from "../../format";
import { useActor } from "../../session/actor";
import { useCaseChange } from "../../changes";
import { useResultOptions } from "../case/queries";
import { Thumbnail } from "../evidence/EvidenceGallery";
import { useUploads } from "../evidence/uploads";
import { FILTERS, loadView, notReached, saveView, shows, type ChecklistFilter, type ChecklistView } from "./view";
import { SectionNotApplicable } from "./SectionNotApplicable";
import "./checklist.css";

const KEY_RESULTS: Record<string, ItemResult> = { p: "pass", f: "fail", n: "not_applicable", w: "waived", u: "pending" };
const BUTTONS: ItemResult[] = ["pass", "fail", "not_applicable", "waived"];
const ADVANCE: ReadonlySet<string> = new Set(["p", "f", "n"]);
const SHORTCUT: Record<ItemResult, string> = { pass: "P", fail: "F", not_applicable: "N", waived: "W", pending: "U" };
/** What the buttons say: the action, where the badge says the state. */
const ACTION_LABELS: Record<ItemResult, string> = {
  pass: "Pass",
  fail: "Fail",
  not_applicable: "Not applicable",
  waived: "Waive",
  pending: "Reset",
};
/** Items rendered in the first paint of a checklist (more than a window shows); the others
 *  follow at once, after that paint. */
export const FIRST_PAINT_ITEMS = 12;

interface Group {
  phaseId: string;
  phaseTitle: string;
  /** Every item of the phase, in order. */
  entries: ChecklistEntry[];
  sections: { sectionId: string; sectionTitle: string; entries: ChecklistEntry[] }[];
}

function groupEntries(entries: ChecklistEntry[]): Group[] {
  const groups: Group[] = [];
  entries.forEach((entry) => {
    let phase = groups[groups.length - 1];
    if (!phase || phase.phaseId !== entry.phase_id) {
      phase = { phaseId: entry.phase_id, phaseTitle: entry.phase_title, entries: [], sections: [] };
      groups.push(phase);
    }
    phase.entries.push(entry);
    let section = phase.sections[phase.sections.length - 1];
    if (!section || section.sectionId !== entry.section_id) {
      section = { sectionId: entry.section_id, sectionTitle: entry.section_title, entries: [] };
      phase.sections.push(section);
    }
    section.entries.push(entry);
  });
  return groups;
}

/** "n of m done" over the items of the phase that apply now. */
function progress(phase: Group): string {
  const applicable = phase.entries.filter((e) => e.applicable);
  if (applicable.length === 0) return "not reached";
  const done = applicable.filter((e) => e.state.result !== "pending").length;
  return `${done} of ${applicable.length} done`;
}

/** What the store answers about each result of each item for the acting user, by item. */
type Options = ReadonlyMap<string, ReadonlyMap<ItemResult, ResultOption>>;

function byItem(items: ItemOptions[] | undefined): Options {
  return new Map((items ?? []).map((i) => [i.item_id, new Map(i.options.map((o) => [o.result, o]))]));
}

/** Why the store would refuse this result now, if it would (and it has said); the buttons say
 *  so beforehand. The store stays the judge when the result is sent. */
function refusal(options: Options, entry: ChecklistEntry, result: ItemResult): string | null {
  return options.get(entry.item.id)?.get(result)?.refused ?? null;
}

/** Whether the store takes this result only with a note saying why (a waiver). */
function needsNote(options: Options, entry: ChecklistEntry, result: ItemResult): boolean {
  return options.get(entry.item.id)?.get(result)?.needs_note ?? result === "waived";
}

/** Refusals the store gave for the same result on several items, for the same reason (a
 *  role that may not waive, a closed case): said once, above the checklist, not on each item.
 *  Keyed `result reason`. */
type Common = ReadonlyMap<string, [ItemResult, string]>;
const commonKey = (result: ItemResult, reason: string) => `${result}\u0000${reason}`;

function commonRefusals(options: Options, entries: ChecklistEntry[]): Common {
  const seen = new Map<string, number>();
  for (const entry of entries) {
    for (const result of BUTTONS) {
      const reason = refusal(options, entry, result);
      if (reason !== null) seen.set(commonKey(result, reason), (seen.get(commonKey(result, reason)) ?? 0) + 1);
    }
  }
  const common = new Map<string, [ItemResult, string]>();
  for (const [key, count] of seen) {
    const [result, reason] = key.split("\u0000") as [ItemResult, string];
    if (count > 1) common.set(key, [result, reason]);
  }
  return common;
}

/** Results that share a reason, together. */
function byReason(refusals: Iterable<[ItemResult, string]>): [ItemResult[], string][] {
  const grouped = new Map<string, ItemResult[]>();
  for (const [result, reason] of refusals) grouped.set(reason, [...(grouped.get(reason) ?? []), result]);
  return [...grouped].map(([reason, results]) => [results, reason]);
}

/** This item's own refusals (beyond the common ones), results that share a reason together. */
function ownRefusals(options: Options, entry: ChecklistEntry, common: Common): [ItemResult[], string][] {
  const own: [ItemResult, string][] = [];
  for (const result of BUTTONS) {
    const reason = refusal(options, entry, result);
    if (reason !== null && !common.has(commonKey(result, reason))) own.push([result, reason]);
  }
  return byReason(own);
}

interface RecordArgs {
  entry: ChecklistEntry;
  result: ItemResult;
  note: string | null;
  evidence: number[];
}

export interface ChecklistProps {
  caseId: number;
  entries: ChecklistEntry[];
  evidence: Evidence[];
  closed: boolean;
  /** The case's chain head as the page read it: a result recorded over someone else's newer
   *  result of the same item is refused (`stale`), and the case is read again. */
  basedOn?: string;
}

export const Checklist = memo(function Checklist({ caseId, entries, evidence, closed, basedOn }: ChecklistProps) {
  const actor = useActor();
  const { start } = useUploads();
  const resultOptions = useResultOptions(caseId, actor.name);
  const options = useMemo(() => byItem(resultOptions.data), [resultOptions.data]);
  // The item being worked, by id: it stays the one in the Tab order while the filter changes.
  const [activeId, setActive] = useState<string | null>(null);
  const [viewState, setViewState] = useState<{ caseId: number; view: ChecklistView }>(() => ({ caseId, view: loadView(caseId) }));
  const view = viewState.caseId === caseId ? viewState.view : loadView(caseId);
  const setView = (next: ChecklistView) => {
    setViewState({ caseId, view: next });
    saveView(caseId, next);
  };
  const setFilter = (filter: ChecklistFilter) => setView({ ...view, filter });
  // `result: null` edits the note under whatever result the item has by the time it is saved.
  const [editing, setEditing] = useState<{ itemId: string; result: ItemResult | null } | null>(null);
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const itemRefs = useRef(new Map<string, HTMLElement>());
  const groups = useMemo(() => groupEntries(entries), [entries]);
  const counts = useMemo(
    () => Object.fromEntries(FILTERS.map((f) => [f.id, entries.filter((e) => shows(f.id, e)).length])) as Record<ChecklistFilter, number>,
    [entries],
  );
  const isOpen = (phase: Group) => view.open[phase.phaseId] ?? !notReached(phase.entries);
  // The items shown, in order: those the filter keeps, in the phases that are open. The
  // keyboard moves among these only.
  const visible = groups.filter(isOpen).flatMap((phase) => phase.entries.filter((e) => shows(view.filter, e)));
  // The first screenful of them in the first paint, all of them right after.
  const renderLimit = useDeferredValue(Number.POSITIVE_INFINITY, FIRST_PAINT_ITEMS);
  const rendered = useMemo(
    () => (renderLimit >= visible.length ? null : new Set(visible.slice(0, renderLimit).map((e) => e.item.id))),
    [renderLimit, visible],
  );
  // Where the item being worked was among those shown: when it leaves them (its new result no
  // longer matches the filter), the item now in its place takes over.
  const lastPosition = useRef(0);
  const activePosition = visible.findIndex((e) => e.item.id === activeId);
  if (activePosition >= 0) lastPosition.current = activePosition;
  const active = activePosition >= 0 ? activeId : (visible[Math.min(lastPosition.current, visible.length - 1)]?.item.id ?? null);
  const activeGone = activeId !== null && activePosition < 0;
  useEffect(() => {
    if (!activeGone || active === null) return;
    // Focus went with the item: give it to the one in its place, so the keyboard carries on.
    if (document.activeElement === null || document.activeElement === document.body) itemRefs.current.get(active)?.focus();
    setActive(active);
  }, [activeGone, active]);
  const common = useMemo(() => commonRefusals(options, entries), [options, entries]);
  const evidenceById = useMemo(() => new Map(evidence.map((e) => [e.id, e])), [evidence]);

  const record = useCaseChange(caseId, basedOn, ({ entry, result, note, evidence: ids }: RecordArgs) => ({
    type: "record_result" as const,
    case_id: caseId,
    item_id: entry.item.id,
    result,
    note,
    evidence: ids,
  }));

  /** Focuses the item at `position` among the items shown (clamped to them). */
  const focusItem = (position: number) => {
    const entry = visible[Math.max(0, Math.min(visible.length - 1, position))];
    if (!entry) return;
    setActive(entry.item.id);
    const el = itemRefs.current.get(entry.item.id);
    el?.focus();
    el?.scrollIntoView?.({ block: "nearest" });
  };
  const positionOf = (entry: ChecklistEntry) => visible.findIndex((e) => e.item.id === entry.item.id);

  const setError = (itemId: string, error: unknown) => setErrors((all) => ({ ...all, [itemId]: error }));

  /** Records `result`; false when it was not sent (refused beforehand, or a reason is asked
   *  for first). */
  const submit = (entry: ChecklistEntry, result: ItemResult, note: string | null, ids: number[]): boolean => {
    const refused = refusal(options, entry, result);
    if (refused) {
      setError(entry.item.id, new Error(refused));
      return false;
    }
    if (needsNote(options, entry, result) && !note?.trim()) {
      // A waiver needs its reason: ask for it first.
      setEditing({ itemId: entry.item.id, result });
      return false;
    }
    setError(entry.item.id, null);
    record.mutate(
      { entry, result, note, evidence: ids },
      {
        onSuccess: () => {
          if (editing?.itemId === entry.item.id) {
            setEditing(null);
            // Back to the item the note was for, so the keyboard carries on from there.
            itemRefs.current.get(entry.item.id)?.focus();
          }
        },
        onError: (error) => setError(entry.item.id, error),
      },
    );
    return true;
  };

  const setResult = (entry: ChecklistEntry, result: ItemResult) =>
    submit(entry, result, entry.state.note, entry.state.evidence);

  // One file chooser for every item: "Attach file" (or e) points it at its item, then opens it.
  const fileInput = useRef<HTMLInputElement>(null);
  const attachTo = useRef<string | null>(null);
  const attach = (entry: ChecklistEntry) => {
    if (closed || !fileInput.current) return;
    attachTo.current = entry.item.id;
    fileInput.current.setAttribute("aria-label", `Attach files to ${entry.item.title}`);
    fileInput.current.click();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>, entry: ChecklistEntry) => {
    // Keys typed into the note editor are text, not commands.
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key;
    const index = positionOf(entry);
    if (key === "j" || key === "ArrowDown") focusItem(index + 1);
    else if (key === "k" || key === "ArrowUp") focusItem(index - 1);
    else if (key === "Home") focusItem(0);
    else if (key === "End") focusItem(visible.length - 1);
    else if (key === "Enter") setEditing({ itemId: entry.item.id, result: null });
    else if (key === "e") attach(entry);
    else if (KEY_RESULTS[key]) {
      // Pass, fail and not applicable finish an item: the keyboard goes on to the next one.
      if (setResult(entry, KEY_RESULTS[key]) && ADVANCE.has(key)) focusItem(index + 1);
    } else return;
    event.preventDefault();
  };

  // What the items call back, as one object that never changes (so that an item renders again
  // only for its own props), always reaching this render's handlers.
  const latest = useRef<Omit<ItemActions, "register" | "focus"> | null>(null);
  useLayoutEffect(() => {
    latest.current = {
      keyDown: onKeyDown,
      result: (entry, result) => setResult(entry, result),
      edit: (entry) => setEditing({ itemId: entry.item.id, result: null }),
      cancelEdit: (entry) => {
        setEditing(null);
        focusItem(positionOf(entry));
      },
      save: (entry, result, note, ids) => submit(entry, result, note, ids),
      attach,
    };
  });
  const actions = useMemo<ItemActions>(
    () => ({
      // Called while the items are committed, before any effect: it needs nothing of a render.
      register: (itemId, el) => {
        if (el) itemRefs.current.set(itemId, el);
        else itemRefs.current.delete(itemId);
      },
      focus: (entry) => setActive(entry.item.id),
      keyDown: (event, entry) => latest.current?.keyDown(event, entry),
      result: (entry, result) => latest.current?.result(entry, result),
      edit: (entry) => latest.current?.edit(entry),
      cancelEdit: (entry) => latest.current?.cancelEdit(entry),
      save: (entry, result, note, ids) => latest.current?.save(entry, result, note, ids),
      attach: (entry) => latest.current?.attach(entry),
    }),
    [],
  );

  return (
    <section className="checklist" aria-labelledby="checklist-heading">
      <div className="section-title">
        <h2 id="checklist-heading">Checklist</h2>
        <p className="muted small keys-help">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>p</kbd> pass · <kbd>f</kbd> fail · <kbd>n</kbd> not applicable ·{" "}
          <kbd>w</kbd> waive · <kbd>u</kbd> reset · <kbd>Enter</kbd> note · <kbd>e</kbd> attach file
        </p>
      </div>
      {common.size > 0 ? (
        <ul className="refusals-common" id="checklist-refusals">
          {byReason(common.values()).map(([results, reason]) => (
            <li key={reason}>
              <strong>{results.map((r) => ACTION_LABELS[r]).join(", ")}</strong> not offered: {reason}
            </li>
          ))}
        </ul>
      ) : null}
      <fieldset className="checklist-filter">
        <legend>Show</legend>
        {FILTERS.map((f) => (
          <label key={f.id} className="filter-option">
            <input
              type="radio"
              className="visually-hidden"
              name={`checklist-filter-${caseId}`}
              value={f.id}
              checked={view.filter === f.id}
              onChange={() => setFilter(f.id)}
            />
            <span className="filter-label">
              {f.label} <span className="filter-count">{counts[f.id]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {counts[view.filter] === 0 ? (
        <div className="checklist-empty" role="status">
          <p>{emptyText(view.filter)}</p>
          <Button className="btn-small" onClick={() => setFilter("all")}>
            Show all items
          </Button>
        </div>
      ) : null}
      {closed ? null : (
        <input
          ref={fileInput}
          type="file"
          multiple
          className="file-input"
          tabIndex={-1}
          aria-label="Attach files to a checklist item"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = "";
            const itemId = attachTo.current;
            if (files.length > 0 && itemId !== null) void start(files, { itemId });
          }}
        />
      )}
      {groups.map((phase) => {
        const shown = phase.entries.filter((e) => shows(view.filter, e));
        // Under a filter, a phase with nothing to show is left out.
        if (view.filter !== "all" && shown.length === 0) return null;
        const open = isOpen(phase);
        const itemsId = `phase-${phase.phaseId}-items`;
        return (
          <div key={phase.phaseId} className="phase" data-phase={phase.phaseId}>
            <h3>
              <button
                type="button"
                className="phase-toggle"
                aria-expanded={open}
                aria-controls={itemsId}
                onClick={() => setView({ ...view, open: { ...view.open, [phase.phaseId]: !open } })}
              >
                <span className="phase-name">{phase.phaseTitle}</span>{" "}
                <span className="phase-progress">{progress(phase)}</span>
              </button>
            </h3>
            <div id={itemsId} hidden={!open}>
              {open
                ? phase.sections.map((section) => {
                    const matching = section.entries.filter((e) => shows(view.filter, e));
                    if (matching.length === 0) return null;
                    const items = rendered ? matching.filter((e) => rendered.has(e.item.id)) : matching;
                    return (
                      <div key={section.sectionId} className="check-section">
                        <div className="section-head">
                          <h4>{section.sectionTitle}</h4>
                          {closed ? null : (
                            <SectionNotApplicable
                              caseId={caseId}
                              basedOn={basedOn}
                              title={section.sectionTitle}
                              targets={section.entries.filter(
                                (e) => e.applicable && e.state.result === "pending" && !refusal(options, e, "not_applicable"),
                              )}
                            />
                          )}
                        </div>
                        <ol className="check-items">
                          {items.map((entry) => (
                            <ChecklistItem
                              key={entry.item.id}
                              entry={entry}
                              active={entry.item.id === active}
                              editing={editing?.itemId === entry.item.id ? editing.result : undefined}
                              error={errors[entry.item.id] ?? null}
                              evidence={evidence}
                              evidenceById={evidenceById}
                              options={options}
                              common={common}
                              closed={closed}
                              busy={record.isPending && record.variables?.entry.item.id === entry.item.id}
                              actions={actions}
                            />
                          ))}
                        </ol>
                      </div>
                    );
                  })
                : null}
            </div>
          </div>
        );
      })}
    </section>
  );
});

/** What the empty list says, by filter. */
function emptyText(filter: ChecklistFilter): string {
  switch (filter) {
    case "all":
      return "This checklist has no items.";
    case "todo":
      return "Nothing is left to do now.";
    case "failed":
      return "No item has failed.";
    case "not_applicable_now":
      return "Every item applies now.";
  }
}

/** What an item asks of its checklist. */
interface ItemActions {
  register: (itemId: string, el: HTMLElement | null) => void;
  focus: (entry: ChecklistEntry) => void;
  keyDown: (event: KeyboardEvent<HTMLElement>, entry: ChecklistEntry) => void;
  result: (entry: ChecklistEntry, result: ItemResult) => void;
  edit: (entry: ChecklistEntry) => void;
  cancelEdit: (entry: ChecklistEntry) => void;
  save: (entry: ChecklistEntry, result: ItemResult, note: string | null, evidence: number[]) => void;
  attach: (entry: ChecklistEntry) => void;
}

interface ItemProps {
  entry: ChecklistEntry;
  active: boolean;
  /** Undefined when the note editor is closed. */
  editing: ItemResult | null | undefined;
  error: unknown;
  evidence: Evidence[];
  evidenceById: ReadonlyMap<number, Evidence>;
  options: Options;
  /** Refusals that hold for several items, said once above the checklist. */
  common: Common;
  closed: boolean;
  busy: boolean;
  /** The same object on every render of the checklist. */
  actions: ItemActions;
}

const ChecklistItem = memo(function ChecklistItem(props: ItemProps) {
  const { entry, active, editing, error, evidence, evidenceById, options, common, closed, busy, actions } = props;
  // Only the item being worked is in the Tab order: its buttons and guidance with it.
  const tab = active ? 0 : -1;
  const own = ownRefusals(options, entry, common);
  const { item, state } = entry;
  const register = useCallback((el: HTMLElement | null) => actions.register(item.id, el), [actions, item.id]);
  const titleId = `item-${item.id}-title`;
  const linked = [
    ...new Set([...state.evidence, ...evidence.filter((e) => e.item_id === item.id).map((e) => e.id)]),
  ]
    .map((id) => evidenceById.get(id))
    .filter((e): e is Evidence => e !== undefined);
  return (
    <li
      ref={register}
      className={`check-item result-${state.result}${active ? " active" : ""}${entry.applicable ? "" : " not-applicable-now"}`}
      tabIndex={active ? 0 : -1}
      aria-labelledby={titleId}
      aria-describedby={`item-${item.id}-result`}
      data-item={item.id}
      onFocus={() => {
        if (!active) actions.focus(entry);
      }}
      onKeyDown={(event) => actions.keyDown(event, entry)}
    >
      <div className="check-head">
        <h5 id={titleId} className="check-title">
          {item.title}
        </h5>
        <span id={`item-${item.id}-result`}>
          <Badge tone={resultTone(state.result)}>{RESULT_LABELS[state.result]}</Badge>
          {entry.applicable ? null : (
            <>
              {" "}
              <Badge tone="muted">Does not apply now</Badge>
            </>
          )}
          {entry.due ? (
            <>
              {" "}
              {entry.due.missed ? (
                <Badge tone="bad" title="Its date passed with no result: a post-hire red flag is open">
                  {`Missed: due ${day(entry.due.due_on)}`}
                </Badge>
              ) : (
                <Badge>{`Due ${day(entry.due.due_on)}`}</Badge>
              )}
            </>
          ) : null}
        </span>
      </div>
      <div className="check-actions" role="group" aria-label={`Result of ${item.title}`}>
        {BUTTONS.map((result) => {
          const refused = refusal(options, entry, result);
          return (
            <Button
              key={result}
              className={`btn-small result-button result-button-${result}`}
              aria-pressed={state.result === result}
              disabled={refused !== null || busy}
              title={refused ?? `${ACTION_LABELS[result]} (${SHORTCUT[result]})`}
              aria-keyshortcuts={SHORTCUT[result].toLowerCase()}
              aria-describedby={refused !== null && common.has(commonKey(result, refused)) ? "checklist-refusals" : undefined}
              tabIndex={tab}
              onClick={() => actions.result(entry, result)}
            >
              {ACTION_LABELS[result]}
            </Button>
          );
        })}
        {state.result !== "pending" ? (
          <Button
            className="btn-small"
            tabIndex={tab}
            disabled={refusal(options, entry, "pending") !== null || busy}
            onClick={() => actions.result(entry, "pending")}
          >
            Reset
          </Button>
        ) : null}
        <Button className="btn-small" tabIndex={tab} disabled={closed} onClick={() => actions.edit(entry)}>
          {state.note ? "Edit note" : "Add note"}
        </Button>
        {!closed ? (
          <Button className="btn-small" tabIndex={tab} aria-keyshortcuts="e" onClick={() => actions.attach(entry)}>
            Attach file
          </Button>
        ) : null}
      </div>
      {own.length > 0 && entry.blocked_by.length === 0 ? (
        <p className="refusals small">
          {own.map(([results, reason]) => (
            <span key={reason}>
              {results.map((r) => ACTION_LABELS[r]).join(", ")} not offered: {reason}{" "}
            </span>
          ))}
        </p>
      ) : null}
      {entry.blocked_by.length > 0 ? (
        <p className="blocked small">
          Waiting for {entry.blocked_by.join(" and ")} to pass. {item.requires_reason}
        </p>
      ) : null}
      {state.note && editing === undefined ? <p className="check-note">{state.note}</p> : null}
      {state.recorded_by && state.recorded_at ? (
        <p className="muted small">
          {RESULT_LABELS[state.result]} recorded by {state.recorded_by}, {when(state.recorded_at)}
        </p>
      ) : null}
      {linked.length > 0 ? (
        <ul className="linked-evidence" aria-label={`Evidence for ${item.title}`}>
          {linked.map((e) => (
            <li key={e.id} title={e.original_name}>
              <Thumbnail evidence={e} size="small" />
              <span className="small">{e.original_name}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <ErrorNote error={error} title="Not recorded" /> : null}
      {editing !== undefined ? (
        <NoteEditor
          entry={entry}
          result={editing}
          evidence={evidence}
          busy={busy}
          onCancel={() => actions.cancelEdit(entry)}
          onSave={(result, note, ids) => actions.save(entry, result, note, ids)}
        />
      ) : null}
      <details className="guidance">
        <summary tabIndex={tab}>Guidance and source</summary>
        <p>{item.guidance}</p>
        <p className="muted small">
          Source: {entry.source_title}
          {item.source_ref ? ` — ${item.source_ref}` : ""}
        </p>
      </details>
    </li>
  );
});

interface NoteEditorProps {
  entry: ChecklistEntry;
  /** The result to record with the note; null keeps the item's current one. */
  result: ItemResult | null;
  evidence: Evidence[];
  busy: boolean;
  onCancel: () => void;
  onSave: (result: ItemResult, note: string | null, evidence: number[]) => void;
}

function NoteEditor({ entry, result, evidence, busy, onCancel, onSave }: NoteEditorProps) {
  const [note, setNote] = useState(entry.state.note ?? "");
  const [chosen, setChosen] = useState<number[]>(entry.state.evidence);
  const [chosenResult, setChoice] = useState<ItemResult | null>(result);
  // Until the user picks one, follow the item's result (a key pressed just before may still
  // be on its way).
  const choice = chosenResult ?? entry.state.result;
  const [problem, setProblem] = useState<string | null>(null);
  const noteId = `note-${entry.item.id}`;
  const save = () => {
    if (choice === "waived" && note.trim() === "") {
      setProblem("A waiver needs its reason: write why this check is not done.");
      return;
    }
    onSave(choice, note.trim() === "" ? null : note, chosen);
  };
  return (
    <div
      className="note-editor"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          save();
        }
      }}
    >
      <div className="field">
        <label htmlFor={`${noteId}-result`}>Result</label>
        <select id={`${noteId}-result`} value={choice} onChange={(e) => setChoice(e.target.value as ItemResult)}>
          {(["pending", ...BUTTONS] as ItemResult[]).map((r) => (
            <option key={r} value={r}>
              {RESULT_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div className={problem ? "field field-invalid" : "field"}>
        <label htmlFor={noteId}>{choice === "waived" ? "Reason for the waiver (required)" : "Note"}</label>
        <textarea
          id={noteId}
          rows={3}
          autoFocus
          value={note}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${noteId}-problem` : undefined}
          onChange={(e) => {
            setNote(e.target.value);
            setProblem(null);
          }}
        />
        {problem ? (
          <p id={`${noteId}-problem`} className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
      {evidence.length > 0 ? (
        <fieldset className="evidence-choice">
          <legend>Rests on evidence</legend>
          {evidence.map((e) => (
            <label key={e.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(e.id)}
                onChange={(ev) =>
                  setChosen((all) => (ev.target.checked ? [...all, e.id] : all.filter((id) => id !== e.id)))
                }
              />{" "}
              {e.original_name} <span className="muted small">#{e.id}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="button-row">
        <Button variant="primary" onClick={save} disabled={busy}>
          Save
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
        <span className="muted small">Ctrl+Enter saves, Escape cancels</span>
      </div>
    </div>
  );
}
