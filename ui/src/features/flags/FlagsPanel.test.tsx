// The flags and links of a case against a mocked backend: each flag with its severity, facts,
// reason and source; the risk summary; links with what is shared and where to click through;
// and what a first-time user reads when there is nothing.

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { caseFlags, evidence, flag, permissions, user } from "../../test/fixtures";
import { recorded } from "../verification/testing";
import { renderAs } from "../../test/render";
import { FlagsPanel } from "./FlagsPanel";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

const LINK = {
  candidate_id: 2,
  candidate_name: "Bob Shared",
  cases: [{ case_id: 5, status: "escalated" as const }],
  shared: [
    { kind: "phone" as const, value: "+13125550101", ours: "phone" as const, theirs: "phone" as const, our_record: null, their_record: null },
    {
      kind: "address" as const,
      value: "500 OAK AVE PMB 12 DOVER DE 19901",
      ours: "shipping_address" as const,
      theirs: "home_address" as const,
      our_record: null,
      their_record: null,
    },
  ],
};

describe("FlagsPanel", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("shows each open flag with its severity, facts, reason, source, evidence and who it involves", async () => {
    b.caseFlags.mockResolvedValue(
      caseFlags([
        flag(3, { evidence: [7] }),
        flag(4, {
          rule: "address.shipping_differs",
          severity: "medium",
          title: "Equipment is to be shipped somewhere other than the home address",
          facts: ['equipment is to go to "PMB 12"'],
          candidates: [],
        }),
      ], {
        cleared: [flag(1, { rule: "document.expiring_soon", severity: "low", title: "A document expires soon", cleared_at: "2026-11-03T09:00:00.000Z", cleared_by: "rita", cleared_reason: "renewed passport recorded", candidates: [] })],
      }),
    );
    b.caseLinks.mockResolvedValue([LINK]);
    renderAs(user(), <FlagsPanel caseId={1} evidence={[evidence(7, { original_name: "call.png" })]} closed={false} />);

    const open = await screen.findByRole("list", { name: "Open red flags" });
    const cards = within(open).getAllByRole("listitem").filter((li) => li.dataset.flag);
    expect(cards.map((c) => c.dataset.flag)).toEqual(["phone.shared", "address.shipping_differs"]);
    const shared = within(cards[0] as HTMLElement);
    expect(shared.getByText("High")).toBeTruthy();
    expect(shared.getByText("phone +13125550101 is also the phone of candidate 2")).toBeTruthy();
    expect(shared.getByText(/Operators and their facilitators share numbers/)).toBeTruthy();
    expect(shared.getByText("Source: Chafetz 2025 — Tactic 5, Shared Phone Numbers")).toBeTruthy();
    expect(shared.getByText("call.png")).toBeTruthy();
    // The other candidate, by name, linked to their case.
    expect(shared.getByRole("link", { name: "Bob Shared" }).getAttribute("href")).toBe("#/cases/5/flags");
    expect(screen.getByText(/^Risk 64 \(high\)/)).toBeTruthy();
    expect(screen.getByText(/2 open: 0 critical, 1 high, 1 medium, 0 low/)).toBeTruthy();
    expect(screen.getByText("Cleared flags (1)")).toBeTruthy();
    expect(screen.getByText(/cleared .* by rita: renewed passport recorded/)).toBeTruthy();
  });

  it("lists linked candidates with what they share, where, and their cases", async () => {
    b.caseFlags.mockResolvedValue(caseFlags([]));
    b.caseLinks.mockResolvedValue([LINK]);
    renderAs(user(), <FlagsPanel caseId={1} evidence={[]} closed={false} />);

    const links = await screen.findByRole("list", { name: "Linked candidates" });
    expect(within(links).getByRole("link", { name: "case 5 (escalated)" }).getAttribute("href")).toBe("#/cases/5/flags");
    const rows = within(links).getAllByRole("row").slice(1).map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([
      ["phone", "+13125550101", "phone", "phone"],
      ["address", "500 OAK AVE PMB 12 DOVER DE 19901", "shipping address", "home address"],
    ]);
  });

  it("walks the cluster only when asked, nearest first, with whom and what joins each", async () => {
    const events = userEvent.setup();
    b.caseFlags.mockResolvedValue(caseFlags([]));
    b.caseLinks.mockResolvedValue([LINK]);
    b.caseCluster.mockResolvedValue({
      case_id: 1,
      truncated: false,
      members: [
        { candidate_id: 1, candidate_name: "Ann Here", hops: 0, cases: [{ case_id: 1, status: "open" }], joined_to: null, through: [] },
        {
          candidate_id: 2,
          candidate_name: "Bob Shared",
          hops: 1,
          cases: [{ case_id: 5, status: "decided", decision: "rejected" }],
          joined_to: 1,
          through: [{ kind: "phone", value: "+13125550101" }],
        },
        {
          candidate_id: 9,
          candidate_name: "Cy Further",
          hops: 2,
          cases: [],
          joined_to: 2,
          through: [{ kind: "bank_account", value: "****6789" }],
        },
      ],
    });
    renderAs(user(), <FlagsPanel caseId={1} evidence={[]} closed={false} />);

    const show = await screen.findByRole("button", { name: "Show everyone joined through others" });
    expect(b.caseCluster).not.toHaveBeenCalled();
    await events.click(show);
    const table = await screen.findByTestId("cluster");
    expect(b.caseCluster).toHaveBeenCalledWith(1);
    const rows = within(table).getAllByRole("row").slice(1).map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([
      ["this one", "Ann Here candidate 1", "case 1 (open)", "—"],
      ["1", "Bob Shared candidate 2", "case 5 (decided: rejected)", "phone +13125550101 with Ann Here"],
      ["2", "Cy Further candidate 9", "", "bank account ****6789 with Bob Shared"],
    ]);
    expect(within(table).getByRole("link", { name: "case 5 (decided: rejected)" }).getAttribute("href")).toBe("#/cases/5/flags");
  });

  it("explains what flags and links are when there are none", async () => {
    b.caseFlags.mockResolvedValue(caseFlags([]));
    b.caseLinks.mockResolvedValue([]);
    renderAs(user(), <FlagsPanel caseId={1} evidence={[]} closed={false} />);

    expect(await screen.findByRole("heading", { name: "No open red flags" })).toBeTruthy();
    expect(await screen.findByRole("heading", { name: "No links to other candidates" })).toBeTruthy();
  });

  it("offers to re-evaluate when the rules would find something else today, and says when that fails", async () => {
    const events = userEvent.setup();
    b.caseFlags.mockResolvedValue(caseFlags([], { refresh_due: true }));
    b.caseLinks.mockResolvedValue([]);
    b.refreshFlags.mockRejectedValue(new BackendFailure({ code: "conflict", message: "case 1 is closed; its flags stay as they were signed off" }));
    renderAs(user(), <FlagsPanel caseId={1} evidence={[]} closed={false} />);

    await events.click(await screen.findByRole("button", { name: "Re-evaluate the flags now" }));
    expect(b.refreshFlags).toHaveBeenCalledWith(1);
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("its flags stay as they were signed off"));
  });

  it("lets an investigator triage an open flag, a false positive only with a reason", async () => {
    const events = userEvent.setup();
    const ivan = user({ name: "ivan", display_name: "Ivan", role: "investigator" });
    b.caseFlags.mockResolvedValue(
      caseFlags([
        flag(3),
        flag(4, { rule: "address.shared", triage: "acknowledged", triaged_by: "cora", triaged_at: "2026-11-03T09:00:00.000Z" }),
      ]),
    );
    b.caseLinks.mockResolvedValue([]);
    b.applyAll.mockResolvedValue([recorded()]);
    // A triage is made on the case as shown: it goes with the chain head the page read.
    const head = "d1".repeat(32);
    renderAs(ivan, <FlagsPanel caseId={1} evidence={[]} closed={false} basedOn={head} />, permissions(ivan, "triage", "decide"));

    const open = await screen.findByRole("list", { name: "Open red flags" });
    const [first, second] = within(open).getAllByRole("listitem").filter((li) => li.classList.contains("flag"));
    expect(first?.textContent).toContain("Not triaged yet.");
    expect(first?.textContent).toContain("by rule phone.shared");
    expect(second?.textContent).toContain("Acknowledged by cora");

    const controls = within(first as HTMLElement).getByRole("group", { name: /^Triage:/ });
    await events.click(within(controls).getByRole("button", { name: "False positive…" }));
    const record = within(controls).getByRole("button", { name: "Record false positive" });
    expect((record as HTMLButtonElement).disabled).toBe(true);
    await events.type(within(controls).getByLabelText(/Why is it a false positive/), "Same household.");
    await events.click(record);
    expect(b.applyAll).toHaveBeenCalledWith(
      1,
      [{ type: "triage_flag", case_id: 1, flag_id: 3, triage: "false_positive", reason: "Same household." }],
      head,
    );
    await events.click(within(controls).getByRole("button", { name: "Confirm" }));
    expect(b.applyAll).toHaveBeenLastCalledWith(1, [{ type: "triage_flag", case_id: 1, flag_id: 3, triage: "confirmed", reason: null }], head);
  });

  it("offers no triage to a reviewer or on a closed case", async () => {
    const rita = user({ name: "rita", display_name: "Rita", role: "reviewer" });
    b.caseFlags.mockResolvedValue(caseFlags([flag(3)]));
    b.caseLinks.mockResolvedValue([]);
    renderAs(rita, <FlagsPanel caseId={1} evidence={[]} closed={false} />, permissions(rita));
    await screen.findByRole("list", { name: "Open red flags" });
    expect(screen.queryByRole("group", { name: /^Triage:/ })).toBeNull();
  });
});
