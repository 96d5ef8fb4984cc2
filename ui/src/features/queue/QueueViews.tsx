// The queue's views: the built-in ones ("My active cases" first) and those the user saved by
// name, chosen from one list; the current filters saved as a view, or a saved view deleted.

import { useState, type FormEvent } from "react";

import { Button } from "../../components";
import { BUILT_IN_VIEWS, storeViews, viewNameProblem, viewOf, withView, type QueueState, type QueueView } from "./views";

export function QueueViews({
  user,
  state,
  saved,
  onSaved,
  onChoose,
}: {
  user: string;
  state: QueueState;
  saved: QueueView[];
  onSaved: (views: QueueView[]) => void;
  onChoose: (view: QueueView) => void;
}) {
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const all = [...BUILT_IN_VIEWS, ...saved];
  const current = viewOf(state, all);

  const save = (e: FormEvent) => {
    e.preventDefault();
    const why = viewNameProblem(name);
    if (why) {
      setProblem(why);
      return;
    }
    const views = withView(saved, name, state);
    if (!storeViews(user, views)) {
      setProblem("This window could not keep the view (its storage is full or turned off).");
      return;
    }
    onSaved(views);
    setNaming(false);
    setName("");
    setProblem(null);
  };

  const remove = (view: QueueView) => {
    const views = saved.filter((v) => v.id !== view.id);
    storeViews(user, views);
    onSaved(views);
  };

  return (
    <div className="queue-views">
      <div className="field field-inline">
        <label htmlFor="queue-view">View</label>
        <select
          id="queue-view"
          value={current?.id ?? ""}
          onChange={(e) => {
            const view = all.find((v) => v.id === e.target.value);
            if (view) onChoose(view);
          }}
        >
          {current === null ? <option value="">Custom filters</option> : null}
          <optgroup label="Built in">
            {BUILT_IN_VIEWS.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </optgroup>
          {saved.length > 0 ? (
            <optgroup label="Saved">
              {saved.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </div>
      {current?.id.startsWith("saved:") ? (
        <Button className="btn-small" onClick={() => remove(current)}>
          Delete view “{current.name}”
        </Button>
      ) : null}
      {naming ? (
        <form className="queue-view-name" onSubmit={save} noValidate aria-label="Save the view">
          <div className={problem ? "field field-inline field-invalid" : "field field-inline"}>
            <label htmlFor="queue-view-name">Name</label>
            <input
              id="queue-view-name"
              value={name}
              autoFocus
              maxLength={80}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? "queue-view-problem" : undefined}
              onChange={(e) => {
                setName(e.target.value);
                setProblem(null);
              }}
              onKeyDown={(e) => {
                if (e.key === "Escape") setNaming(false);
              }}
            />
          </div>
          <Button type="submit" variant="primary" className="btn-small">
            Save view
          </Button>
          <Button className="btn-small" onClick={() => setNaming(false)}>
            Cancel
          </Button>
          {problem ? (
            <p id="queue-view-problem" className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
        </form>
      ) : current === null ? (
        <Button className="btn-small" onClick={() => setNaming(true)}>
          Save as view…
        </Button>
      ) : null}
    </div>
  );
}
