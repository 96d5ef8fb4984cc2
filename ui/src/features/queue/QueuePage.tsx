// The case queue: every open case, most urgent first. Until the first case exists it explains
// how vetting works in Vetdesk and where to begin.

import { EmptyState } from "../../components";

export function QueuePage() {
  return (
    <>
      <h1>Case queue</h1>
      <EmptyState title="No cases yet">
        <p>
          Each candidate you vet gets a case. The case holds the verification checklist, the
          evidence you attach and every decision, in an audit trail that reports can prove.
        </p>
        <ol className="steps">
          <li>
            <strong>Add the people who work cases</strong> under Settings, each with a role:
            reviewer, investigator or compliance.
          </li>
          <li>
            <strong>Open a case</strong> for a candidate: their name, contact details and the
            staffing vendor, if any.
          </li>
          <li>
            <strong>Work the checklist</strong>: record each result and attach what it rests on
            (ID scans, call screenshots, E-Verify confirmations).
          </li>
        </ol>
        <p className="muted">Everything stays on this computer, in the data directory shown above.</p>
      </EmptyState>
    </>
  );
}
