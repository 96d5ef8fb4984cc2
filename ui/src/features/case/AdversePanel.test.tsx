// The FCRA panel of the Details tab against a mocked backend: the pre-adverse-action notice
// given from two files the case holds (ids, not paths), the waiting period and its end shown,
// the adverse-action notice once the case is decided on the report, the notices opened
// through the `evidence:` scheme; nothing offered to someone who may not decide.

import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import { SHA, adverseSteps, caseDetail, caseRetention, evidence, permissions, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { DetailsPanel } from "./DetailsPanel";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const ivan = user({ name: "ivan", display_name: "Ivan Investigator", role: "investigator" });


const files = [
  evidence(3, { original_name: "background-report.pdf", media_type: "application/pdf" }),
  evidence(4, { original_name: "summary-of-rights.pdf", media_type: "application/pdf" }),
  evidence(5, { original_name: "pre-adverse-action-notice-case-1.pdf", media_type: "application/pdf", sha256: SHA }),
];

// The Retention section beside it reads its own standing.
beforeEach(() => b.caseRetention.mockResolvedValue(caseRetention()));
afterEach(() => vi.clearAllMocks());

describe("AdversePanel", () => {
  it("gives the pre-adverse-action notice with the report and the summary the case holds", async () => {
    const events = userEvent.setup();
    b.adversePreNotice.mockResolvedValue(adverseSteps());
    b.caseGet.mockResolvedValue(caseDetail({ evidence: files }));
    renderAs(ivan, <DetailsPanel detail={caseDetail({ evidence: files })} />, permissions(ivan, "decide"));
    expect(screen.getByText(/No pre-adverse-action notice/)).toBeTruthy();
    await events.click(screen.getByRole("button", { name: "Give pre-adverse-action notice…" }));
    const give = screen.getByRole("button", { name: "Give pre-adverse-action notice" });
    expect((give as HTMLButtonElement).disabled).toBe(true);
    await events.type(screen.getByLabelText("Consumer reporting agency"), "Lakeshore Screening");
    await events.type(screen.getByLabelText("Agency address"), "400 Harbor Drive, Duluth, MN");
    await events.type(screen.getByLabelText("Agency phone"), "+1 800 555 0142");
    await events.selectOptions(screen.getByLabelText("Copy of the report"), "background-report.pdf");
    // One file cannot be both.
    await events.selectOptions(screen.getByLabelText("Summary of rights"), "background-report.pdf");
    expect((give as HTMLButtonElement).disabled).toBe(true);
    await events.selectOptions(screen.getByLabelText("Summary of rights"), "summary-of-rights.pdf");
    await events.click(give);
    await waitFor(() => expect(b.adversePreNotice).toHaveBeenCalledTimes(1));
    expect(b.adversePreNotice).toHaveBeenCalledWith({
      case_id: 1,
      agency: { name: "Lakeshore Screening", address: "400 Harbor Drive, Duluth, MN", phone: "+1 800 555 0142" },
      report: 3,
      summary_of_rights: 4,
    });
  });

  it("shows the waiting period and the notice's PDF through the evidence scheme", () => {
    renderAs(
      ivan,
      <DetailsPanel detail={caseDetail({ evidence: files, adverse_action: adverseSteps() })} />,
      permissions(ivan, "decide"),
    );
    expect(screen.getByText(/5 business days, to .*decision from/)).toBeTruthy();
    expect(screen.getByText(/runs to 2026-11-17 \(from/)).toBeTruthy();
    const link = screen.getByRole("link", { name: /Notice PDF/ });
    expect(link.getAttribute("href")).toBe(`evidence://localhost/file/${SHA}`);
    expect(link.getAttribute("download")).toBe("pre-adverse-action-notice-case-1.pdf");
    // Not decided yet: no adverse-action notice to give.
    expect(screen.queryByRole("button", { name: "Give adverse-action notice" })).toBeNull();
  });

  it("gives the adverse-action notice once the case is decided on the report", async () => {
    const events = userEvent.setup();
    b.adverseNotice.mockResolvedValue(adverseSteps({ decided_on: "2026-11-18", notice: { notice: 6, sent_on: "2026-11-18" } }));
    b.caseGet.mockResolvedValue(caseDetail());
    const detail = caseDetail({
      evidence: files,
      adverse_action: adverseSteps({ decided_on: "2026-11-18", next_step: "adverse-action notice due", due_on: "2026-11-18" }),
    });
    detail.case.status = "decided";
    detail.case.decision = "rejected";
    renderAs(ivan, <DetailsPanel detail={detail} />, permissions(ivan, "decide"));
    await events.click(screen.getByRole("button", { name: "Give adverse-action notice" }));
    await waitFor(() => expect(b.adverseNotice).toHaveBeenCalledWith(1));
  });

  it("offers nothing to someone who may not decide", () => {
    const rita = user();
    renderAs(rita, <DetailsPanel detail={caseDetail({ evidence: files })} />, permissions(rita));
    expect(screen.queryByRole("heading", { name: "FCRA adverse action" })).toBeNull();
    renderAs(
      rita,
      <DetailsPanel detail={caseDetail({ evidence: files, adverse_action: adverseSteps({ decided_on: "2026-11-18" }) })} />,
      permissions(rita),
    );
    expect(screen.getByRole("heading", { name: "FCRA adverse action" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Give adverse-action notice" })).toBeNull();
  });
});
