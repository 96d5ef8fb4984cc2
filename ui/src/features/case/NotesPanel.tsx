// Notes of a case: free-text findings in the order they were written; they are part of the
// audit trail and of the full-text search.

import { useState, type FormEvent } from "react";

import { useChange } from "../../changes";
import type { Note } from "../../bindings/Note";
import { Button, DraftNote, EmptyState, ErrorNote, TextAreaField } from "../../components";
import { useDraft } from "../../drafts";
import { when } from "../../format";

export function NotesPanel({ caseId, notes }: { caseId: number; notes: Note[] }) {
  // A note being written survives other tabs and a reload, until added or discarded.
  const draft = useDraft(`case:${caseId}:note`);
  const [text, setText] = draft.field("text", "");
  const [problem, setProblem] = useState<string | null>(null);
  const add = useChange((body: string) => ({ type: "add_note", id: null, case_id: caseId, text: body }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === "") {
      setProblem("Write the note first.");
      return;
    }
    add.mutate(text, { onSuccess: () => draft.discard() });
  };
  return (
    <section aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      {notes.length === 0 ? (
        <EmptyState title="No notes yet">
          <p>
            Write down what you observed and why it matters: how the video call went, what a reference said, an
            inconsistency you noticed. Notes are signed with your name and cannot be edited afterwards.
          </p>
        </EmptyState>
      ) : (
        <ol className="notes">
          {notes.map((n) => (
            <li key={n.id} className="note">
              <p className="note-meta muted small">
                <strong>{n.author}</strong> · {when(n.created_at)}
              </p>
              <p className="note-text">{n.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form className="form" onSubmit={submit} noValidate aria-label="Add a note">
        <DraftNote restored={draft.restored} onDiscard={draft.discard} />
        <TextAreaField
          label="New note"
          rows={4}
          value={text}
          error={problem}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(null);
          }}
        />
        {add.error ? <ErrorNote error={add.error} title="The note was not added" /> : null}
        <Button type="submit" variant="primary" disabled={add.isPending}>
          Add note
        </Button>
      </form>
    </section>
  );
}
