// Staffing vendors: who supplies candidates, whether they attest to screening, when they were
// last audited.

import { EmptyState } from "../../components";

export function VendorsPage() {
  return (
    <>
      <h1>Vendors</h1>
      <EmptyState title="No vendors yet">
        <p>
          Record the staffing agencies and subcontractors that supply candidates, whether they
          attest to verifying identity to your standard, and when you last audited them. Cases
          for their candidates then show the vendor beside each red flag.
        </p>
      </EmptyState>
    </>
  );
}
