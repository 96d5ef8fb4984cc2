// The Details tab shows the FCRA adverse-action steps the store read from the case's chain,
// and nothing of them on a case without a pre-adverse notice.

import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import { adverseSteps, caseDetail, caseRetention, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { DetailsPanel } from "./DetailsPanel";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

// The Retention section reads its own standing.
beforeEach(() => vi.mocked(backend).caseRetention.mockResolvedValue(caseRetention()));

describe("DetailsPanel", () => {
  it("lists the adverse-action steps with the waiting period and the next step", () => {
    const detail = caseDetail({
      adverse_action: adverseSteps(),
    });
    renderAs(user(), <DetailsPanel detail={detail} />);
    expect(screen.getByRole("heading", { name: "FCRA adverse action" })).toBeTruthy();
    expect(screen.getByText(/Lakeshore Screening, 400 Harbor Drive/)).toBeTruthy();
    expect(screen.getByText(/5 business days, to/)).toBeTruthy();
    expect(screen.getByText(/runs to 2026-11-17 \(from/)).toBeTruthy();
  });

  it("shows no such section without a pre-adverse notice", () => {
    renderAs(user(), <DetailsPanel detail={caseDetail()} />);
    expect(screen.queryByRole("heading", { name: "FCRA adverse action" })).toBeNull();
  });
});
