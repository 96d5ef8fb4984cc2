// "Not applicable" for a whole section with one reason (a direct hire has no staffing vendor to
// audit; a contractor paid through a platform has no bank letter): every pending item of the
// section that may take it gets it, with the same reason, in one write (`apply_all`), so the
// section is either all marked or untouched. Items already worked are left as they are.

import { useState } from "react";

import type { ChecklistEntry } from "../../bindings/ChecklistEntry";
import { useCaseChange } from "../../changes";
import { Button, Dialog, ErrorNote, TextAreaField } from "../../components";

export function SectionNotApplicable({
  caseId,
  basedOn,
  title,
  targets,
}: {
  caseId: number;
  /** The case's chain head as the page read it: refused as stale when someone else recorded
   *  one of these items since. */
  basedOn?: string | undefined;
  title: string;
  /** The section's pending items that apply now and may take "not applicable". */
  targets: ChecklistEntry[];
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const mark = useCaseChange(caseId, basedOn, (why: string) =>
    targets.map((e) => ({
      type: "record_result" as const,
      case_id: caseId,
      item_id: e.item.id,
      result: "not_applicable" as const,
      note: why,
      evidence: [],
    })),
  );
  if (targets.length === 0) return null;
  const count = `${targets.length} pending item${targets.length === 1 ? "" : "s"}`;
  const submit = () => {
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    mark.mutate(reason.trim(), {
      onSuccess: () => {
        setOpen(false);
        setReason("");
      },
    });
  };
  return (
    <>
      <Button className="btn-small section-na" onClick={() => setOpen(true)} aria-label={`Mark ${title} not applicable`}>
        Not applicable…
      </Button>
      {open ? (
        <Dialog
          open={open}
          title={`${title}: not applicable`}
          onClose={() => setOpen(false)}
          actions={
            <>
              <Button variant="primary" onClick={submit} disabled={mark.isPending}>
                Mark {count} not applicable
              </Button>
              <Button onClick={() => setOpen(false)}>Cancel</Button>
            </>
          }
        >
          <p>
            {count} of this section will be recorded as not applicable, with the reason below in the audit trail. Items
            already worked keep their result.
          </p>
          <TextAreaField
            label="Why the section does not apply (required)"
            value={reason}
            error={missing && !reason.trim() ? "Say why: the reason is kept with each item." : null}
            onChange={(e) => setReason(e.target.value)}
          />
          {mark.isError ? <ErrorNote error={mark.error} title="Nothing was recorded" /> : null}
        </Dialog>
      ) : null}
    </>
  );
}
