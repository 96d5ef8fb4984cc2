// The CSV import against a mocked backend: the file goes up as an upload, the preview shows
// the rows or every problem by line, and confirming imports all rows or shows why none were.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import type { ImportPreview } from "../../bindings/ImportPreview";
import { user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { ImportPage } from "./ImportPage";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const FILE = new File(["external_id,full_name\n"], "ats.csv", { type: "text/csv" });

function preview(over: Partial<ImportPreview> = {}): ImportPreview {
  return {
    token: "u7",
    name: "ats.csv",
    columns: ["external_id", "full_name", "vendor"],
    rows: [
      {
        line: 2,
        external_id: "ATS-1",
        full_name: "Jane Roe",
        emails: ["jane@example.com"],
        phones: [],
        home_address: null,
        shipping_address: null,
        claimed_location: null,
        ip_address: null,
        vendor: "Acme Staffing",
        role: null,
        applied_on: null,
      },
    ],
    problem: null,
    errors: [],
    unknown_vendors: [],
    plan: null,
    refusals: [],
    ...over,
  };
}

async function choose() {
  const events = userEvent.setup();
  renderAs(user(), <ImportPage />);
  await events.upload(screen.getByTestId("import-input"), FILE);
  return events;
}

describe("ImportPage", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("lists every bad row by line and offers no import", async () => {
    b.previewImport.mockResolvedValue(
      preview({
        token: null,
        rows: [],
        errors: [
          { line: 3, message: "full_name is empty" },
          { line: 9, message: 'applied_on "someday" is not a date like 2026-03-31' },
        ],
      }),
    );
    await choose();

    expect(b.previewImport).toHaveBeenCalledWith(FILE, expect.anything());
    expect((await screen.findByRole("alert")).textContent).toContain("2 row(s) have problems, so nothing can be imported");
    const rows = within(screen.getByRole("table", { name: "Rows with problems" })).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(["3full_name is empty", '9applied_on "someday" is not a date like 2026-03-31']);
    expect(screen.queryByRole("button", { name: /^Import/ })).toBeNull();

    // Another file can be chosen at once.
    await userEvent.click(screen.getByRole("button", { name: "Choose another file" }));
    expect(screen.getByTestId("import-input")).toBeTruthy();
  });

  it("marks the rows that update known candidates, with what they change and the flags they raise", async () => {
    b.previewImport.mockResolvedValue(
      preview({
        plan: {
          created: [],
          updated: [
            {
              line: 2,
              candidate_id: 4,
              case_id: null,
              changes: [{ field: "phones", before: "+1 512 555 0100", after: "+1 646 555 0199" }],
            },
          ],
          unchanged: [],
          raised: [{ case_id: 4, rule: "phone.shared", severity: "high", title: "Another candidate gives the same phone number" }],
          cleared: 0,
        },
        refusals: [{ line: 3, message: 'email "ana.silva@example" is not an email address' }],
      }),
    );
    await choose();

    const changes = await screen.findByRole("table", { name: "Known candidates this file changes" });
    const rows = within(changes).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(["2phones+1 512 555 0100+1 646 555 0199"]);
    expect(screen.getByText("update")).toBeTruthy();
    expect(screen.getByText(/Importing would raise/).textContent).toContain("Another candidate gives the same phone number (case 4)");
    const refused = screen.getByRole("table", { name: "Rows that would be refused" });
    expect(refused.textContent).toContain("ana.silva@example");
  });

  it("explains a file that is not a candidate file at all", async () => {
    b.previewImport.mockResolvedValue(preview({ token: null, rows: [], problem: 'unknown column(s) "Name"' }));
    await choose();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain('unknown column(s) "Name"');
    expect(alert.textContent).toContain("external_id, full_name, email");
  });

  it("warns about unknown vendors, shows refused rows, and imports on a second try", async () => {
    b.previewImport.mockResolvedValue(preview({ unknown_vendors: ["Acme Staffing"] }));
    b.commitImport
      .mockResolvedValueOnce({ outcome: "refused", errors: [{ line: 2, message: 'vendor "Acme Staffing" is not known' }] })
      .mockResolvedValueOnce({
        outcome: "imported",
        result: { created: [{ line: 2, candidate_id: 5, case_id: 6, changes: [] }], updated: [], unchanged: [], raised: [], cleared: 0 },
      });
    const events = await choose();

    expect((await screen.findByText(/Unknown vendor/)).closest("p")?.textContent).toContain("Acme Staffing: add it under Vendors first");
    expect(screen.getByRole("cell", { name: "Jane Roe" })).toBeTruthy();
    await events.click(screen.getByRole("button", { name: "Import 1 row(s)" }));
    expect(b.commitImport).toHaveBeenLastCalledWith({ token: "u7", open_cases: true });
    expect(await screen.findByRole("table", { name: "Refused rows" })).toBeTruthy();

    await events.click(screen.getByRole("checkbox", { name: /Open a pre-hire case/ }));
    await events.click(screen.getByRole("button", { name: "Import 1 row(s)" }));
    expect(b.commitImport).toHaveBeenLastCalledWith({ token: "u7", open_cases: false });
    expect(await screen.findByRole("heading", { name: "Imported" })).toBeTruthy();
    expect(screen.getByText("1 new candidate(s), 0 updated, 0 unchanged.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "case 6" }).getAttribute("href")).toBe("#/cases/6");
  });
});
