// One case: checklist, evidence, notes and audit trail. The page is a frame for now; its
// content arrives with the case store.

import { EmptyState } from "../../components";
import { hrefFor } from "../../router";

export function CasePage({ caseId }: { caseId: number }) {
  return (
    <>
      <h1>Case {caseId}</h1>
      <EmptyState title="This case is not available">
        <p>
          Case {caseId} could not be found. <a href={hrefFor({ name: "queue" })}>Back to the queue</a>
        </p>
      </EmptyState>
    </>
  );
}
