// The evidence gallery against a mocked backend: what each file shows (thumbnail from the
// evidence: scheme, type, size, SHA-256, who added it and when), the full-size view, and the
// upload path from the file chooser, including its failures.

import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import type { Evidence } from "../../bindings/Evidence";
import { appInfo, evidence, SHA, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { EvidenceGallery } from "./EvidenceGallery";
import { UploadList } from "./UploadList";
import { UploadsProvider } from "./uploads";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const TITLES = new Map([["id-two-documents", "At least two independent identity documents"]]);

function renderGallery(files: Evidence[], closed = false) {
  return renderAs(
    user(),
    <UploadsProvider caseId={1}>
      <UploadList />
      <EvidenceGallery evidence={files} itemTitles={TITLES} closed={closed} />
    </UploadsProvider>,
  );
}

function card(id: number): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-evidence="${id}"]`);
  if (!el) throw new Error(`no card ${id}`);
  return el;
}

function picker(): HTMLInputElement {
  return screen.getByTestId("evidence-input") as HTMLInputElement;
}

describe("EvidenceGallery", () => {
  beforeEach(() => {
    b.appInfo.mockResolvedValue(appInfo({ evidence_max_bytes: 1000 }));
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("tells a first-time user what to attach when there is nothing yet", () => {
    renderGallery([]);
    expect(screen.getByRole("heading", { name: "No evidence yet" })).toBeTruthy();
    expect(screen.getByText(/scans of identity documents/)).toBeTruthy();
  });

  it("shows each file with its thumbnail and facts", () => {
    renderGallery([
      evidence(1, {
        original_name: "passport.png",
        description: "Passport data page",
        item_id: "id-two-documents",
        size: 2_500_000,
      }),
      evidence(2, { original_name: "e-verify.pdf", media_type: "application/pdf", has_thumbnail: false, sha256: "b".repeat(64) }),
      evidence(3, { original_name: "scan.jpg", media_type: "application/pdf", has_thumbnail: false, ingest_note: "named .jpg but is a PDF" }),
    ]);

    const first = within(card(1));
    const img = first.getByRole("img", { name: "Preview of passport.png" });
    expect(img.getAttribute("src")).toBe(`evidence://localhost/thumb/${SHA}`);
    expect(first.getByText("image/png")).toBeTruthy();
    expect(first.getByText("2.4 MB")).toBeTruthy();
    expect(first.getByTestId("evidence-sha").textContent).toBe(SHA);
    expect(first.getByText(/by rita/)).toBeTruthy();
    expect(first.getByText("Passport data page")).toBeTruthy();
    expect(first.getByText("At least two independent identity documents")).toBeTruthy();

    // No preview: the type stands in, and no image is requested.
    expect(within(card(2)).queryByRole("img")).toBeNull();
    expect(within(card(2)).getByText("PDF")).toBeTruthy();
    // What the store noticed on ingest is shown.
    expect(within(card(3)).getByText("named .jpg but is a PDF")).toBeTruthy();
  });

  it("opens an image full size, and says how to get other files out", async () => {
    const events = userEvent.setup();
    renderGallery([evidence(1, { original_name: "passport.png" }), evidence(2, { original_name: "letter.pdf", media_type: "application/pdf", has_thumbnail: false })]);

    await events.click(screen.getByRole("button", { name: "Open passport.png full size" }));
    const dialog = screen.getByRole("dialog", { name: "passport.png" });
    expect(within(dialog).getByRole("img").getAttribute("src")).toBe(`evidence://localhost/file/${SHA}`);
    await events.click(within(dialog).getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).toBeNull();

    await events.click(screen.getByRole("button", { name: "Open letter.pdf full size" }));
    const pdf = screen.getByRole("dialog", { name: "letter.pdf" });
    expect(within(pdf).queryByRole("img")).toBeNull();
    expect(within(pdf).getByText("vetdesk evidence export 2 FILE")).toBeTruthy();
  });

  it("uploads picked files with the description, one after the other", async () => {
    const events = userEvent.setup();
    b.uploadEvidence.mockImplementation(async (file) => evidence(9, { original_name: file.name }));
    renderGallery([]);
    await waitFor(() => expect(b.appInfo).toHaveBeenCalled());

    await events.type(screen.getByLabelText("Description (optional)"), "Driving licence, both sides");
    const front = new File(["front"], "front.png", { type: "image/png" });
    const back = new File(["back"], "back.png", { type: "image/png" });
    await events.upload(picker(), [front, back]);

    await waitFor(() => expect(b.uploadEvidence).toHaveBeenCalledTimes(2));
    expect(b.uploadEvidence.mock.calls.map(([file, target]) => [file.name, target])).toEqual([
      ["front.png", { case_id: 1, item_id: null, description: "Driving licence, both sides" }],
      ["back.png", { case_id: 1, item_id: null, description: "Driving licence, both sides" }],
    ]);
    const uploads = screen.getByRole("region", { name: "Uploads" });
    await waitFor(() => expect(within(uploads).getAllByText("attached")).toHaveLength(2));
    // The description applied to those files; the next ones start without one.
    expect((screen.getByLabelText("Description (optional)") as HTMLInputElement).value).toBe("");
  });

  it("shows why an upload failed and what to do, and refuses too large a file without sending it", async () => {
    const events = userEvent.setup();
    b.uploadEvidence.mockRejectedValue(
      new BackendFailure({ code: "conflict", message: "case 1 is closed; a compliance officer must reopen it first" }),
    );
    renderGallery([]);
    await waitFor(() => expect(b.appInfo).toHaveBeenCalled());

    await events.upload(picker(), new File(["x"], "note.png", { type: "image/png" }));
    const failed = await screen.findByRole("alert");
    expect(failed.textContent).toContain("note.png was not attached");
    expect(failed.textContent).toContain("must reopen it first");

    fireEvent.change(picker(), { target: { files: [new File([new Uint8Array(1001)], "video.mp4")] } });
    await waitFor(() => expect(screen.getAllByRole("alert")).toHaveLength(2));
    expect(screen.getAllByRole("alert")[1]?.textContent).toContain("more than the limit of 1000 B");
    expect(b.uploadEvidence).toHaveBeenCalledTimes(1);
  });

  it("offers no upload on a closed case", () => {
    renderGallery([evidence(1)], true);
    expect(screen.queryByTestId("evidence-input")).toBeNull();
    expect(screen.getByText("The case is closed; reopen it to add evidence.")).toBeTruthy();
  });
});
