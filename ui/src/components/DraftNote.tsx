// Says that a form was opened on an unsaved draft, and offers to throw the draft away.

import { Button } from "./Button";

export function DraftNote({ restored, onDiscard }: { restored: boolean; onDiscard: () => void }) {
  if (!restored) return null;
  return (
    <p className="draft-note" role="status">
      This is your unsaved draft from earlier: it stays until you save it or discard it.{" "}
      <Button className="btn-small" onClick={onDiscard}>
        Discard draft
      </Button>
    </p>
  );
}
