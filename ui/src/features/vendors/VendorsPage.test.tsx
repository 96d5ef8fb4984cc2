// The vendor form: the name is required, the last audit is a real date not in the future, and
// a refusal of the store (a name already taken) is shown in the form.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { permissions, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { VendorsPage } from "./VendorsPage";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const cora = user({ name: "cora", display_name: "Cora", role: "compliance" });

describe("VendorsPage", () => {
  beforeEach(() => {
    b.vendors.mockResolvedValue([]);
    b.vendorAudits.mockResolvedValue([]);
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("says what vendors are for when there are none, and who may add them", async () => {
    renderAs(user(), <VendorsPage />, permissions(user()));
    expect(await screen.findByRole("heading", { name: "No vendors yet" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Add vendor" })).toBeNull();
    expect(screen.getByText("Compliance officers and admins add and change vendors and record their audits.")).toBeTruthy();
  });

  it("checks the form, then shows a refusal of the store in it", async () => {
    const events = userEvent.setup();
    b.apply.mockRejectedValue(
      new BackendFailure({ code: "conflict", message: 'a vendor named "Acme Staffing" already exists (vendor 1)' }),
    );
    renderAs(cora, <VendorsPage />, permissions(cora, "decide", "sign_off", "reopen", "waive", "manage_vendors", "audit_vendors", "manage_lists"));
    await events.click(await screen.findByRole("button", { name: "Add vendor" }));
    const form = within(screen.getByRole("form", { name: "Add vendor" }));

    await events.type(form.getByLabelText("Last audit"), "2999-01-01");
    await events.click(form.getByRole("button", { name: "Add vendor" }));
    expect(form.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "Enter the vendor’s name.",
      "The last audit cannot be in the future.",
    ]);
    expect(b.apply).not.toHaveBeenCalled();

    await events.type(form.getByLabelText("Name (required)"), "Acme Staffing");
    await events.clear(form.getByLabelText("Last audit"));
    await events.type(form.getByLabelText("Last audit"), "2026-06-30");
    await events.click(form.getByLabelText(/attests that it verifies identity/));
    await events.click(form.getByRole("button", { name: "Add vendor" }));
    expect(b.apply).toHaveBeenCalledWith({
      type: "add_vendor",
      id: null,
      vendor: {
        name: "Acme Staffing",
        contact: "",
        screening_attested: true,
        attestation_note: null,
        last_audit_on: "2026-06-30",
      },
    });
    expect((await form.findByRole("alert")).textContent).toContain("already exists");
  });
});
