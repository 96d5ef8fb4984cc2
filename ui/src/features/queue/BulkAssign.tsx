// Assigning the selected cases at once: one `assign_case` change per case through the one
// door (each in the case's own audit chain, each judged by the store), and what was refused is
// listed by case rather than hidden behind the ones that went through.

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { backend } from "../../backend";
import { Button, errorOf } from "../../components";
import { useUsers } from "../shell/queries";

interface Outcome {
  assigned: number[];
  refused: { caseId: number; message: string }[];
}

export function BulkAssign({ selected, onClear }: { selected: number[]; onClear: () => void }) {
  const users = useUsers();
  const [assignee, setAssignee] = useState("");
  const assign = useMutation({
    mutationFn: async ({ ids, to }: { ids: number[]; to: string | null }): Promise<Outcome> => {
      const outcome: Outcome = { assigned: [], refused: [] };
      for (const caseId of ids) {
        try {
          await backend.apply({ type: "assign_case", case_id: caseId, assignee: to });
          outcome.assigned.push(caseId);
        } catch (error) {
          outcome.refused.push({ caseId, message: errorOf(error).message });
        }
      }
      return outcome;
    },
  });
  const count = selected.length;
  const result = assign.data;
  return (
    <div className="bulk-bar" role="region" aria-label="Selected cases">
      <span aria-live="polite">
        {count} case{count === 1 ? "" : "s"} selected
      </span>
      <div className="field field-inline">
        <label htmlFor="bulk-assignee">Assign to</label>
        <select id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">Nobody (unassign)</option>
          {(users.data ?? [])
            .filter((u) => u.active)
            .map((u) => (
              <option key={u.name} value={u.name}>
                {u.display_name} ({u.name})
              </option>
            ))}
        </select>
      </div>
      <Button
        variant="primary"
        className="btn-small"
        disabled={count === 0 || assign.isPending}
        onClick={() => assign.mutate({ ids: selected, to: assignee === "" ? null : assignee })}
      >
        {assignee === "" ? `Unassign ${count}` : `Assign ${count}`}
      </Button>
      <Button className="btn-small" onClick={onClear} disabled={assign.isPending}>
        Clear selection
      </Button>
      {assign.isPending ? <span className="muted">Assigning…</span> : null}
      {result && !assign.isPending ? (
        <div className="bulk-result" role="status">
          {result.assigned.length} of {result.assigned.length + result.refused.length} assigned.
          {result.refused.length > 0 ? (
            <ul className="bulk-refused">
              {result.refused.map((r) => (
                <li key={r.caseId}>
                  Case {r.caseId}: {r.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
