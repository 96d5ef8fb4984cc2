// The Details tab's correction form against a mocked backend: it sends the store's own
// `update_candidate` change and shows a refusal next to its field, or on its own when the store
// names no field (a decided case).

import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { BackendFailure, backend } from "../../backend";
import type { Candidate } from "../../bindings/Candidate";
import { user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { recorded } from "../verification/testing";
import { EditCandidate } from "./EditCandidate";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

const CANDIDATE: Candidate = {
  id: 7,
  external_id: "ATS-7",
  legal_name: "Bo Lind",
  other_names: [],
  emails: ["bo@example.com"],
  phones: ["+1 512 555 0100"],
  home_address: null,
  shipping_address: null,
  claimed_location: "Austin, TX",
  time_zone: null,
  role: null,
  vendor_id: 2,
  applied_on: "2026-10-01",
  application_ip: null,
  created_at: "2026-10-01T09:00:00.000Z",
  updated_at: "2026-10-01T09:00:00.000Z",
};


describe("EditCandidate", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("sends the whole candidate with the corrected fields through apply", async () => {
    b.apply.mockResolvedValue(recorded([]));
    const done = vi.fn();
    const events = userEvent.setup();
    renderAs(user(), <EditCandidate candidate={CANDIDATE} onDone={done} />);
    const phones = screen.getByLabelText("Phones", { exact: false });
    await events.clear(phones);
    await events.type(phones, "+1 646 555 0199");
    await events.type(screen.getByLabelText("Home address"), "1 Elm St, Austin, TX 78702");
    await events.click(screen.getByRole("button", { name: "Save details" }));

    expect(b.apply).toHaveBeenCalledWith({
      type: "update_candidate",
      id: 7,
      candidate: expect.objectContaining({
        external_id: "ATS-7",
        legal_name: "Bo Lind",
        phones: ["+1 646 555 0199"],
        home_address: "1 Elm St, Austin, TX 78702",
        vendor_id: 2,
        applied_on: "2026-10-01",
      }),
    });
    expect(done).toHaveBeenCalled();
  });

  it("shows the store's refusal at its field, or on its own", async () => {
    b.apply.mockRejectedValueOnce(
      new BackendFailure({ code: "invalid_input", message: 'phone "555-0199" has 8 digits', field: "phones" }),
    );
    const events = userEvent.setup();
    renderAs(user(), <EditCandidate candidate={CANDIDATE} onDone={() => {}} />);
    await events.click(screen.getByRole("button", { name: "Save details" }));
    expect(await screen.findByText('phone "555-0199" has 8 digits')).toBeTruthy();

    b.apply.mockRejectedValueOnce(
      new BackendFailure({ code: "conflict", message: "candidate 7: case 3 is decided; reopen it" }),
    );
    await events.click(screen.getByRole("button", { name: "Save details" }));
    expect((await screen.findByText(/case 3 is decided/)).textContent).toContain("reopen");
  });
});
