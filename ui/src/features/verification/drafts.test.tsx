// Forms keep drafts: a half-filled interview form survives going to another tab of the case
// (the panel is unmounted) and a reload, until it is recorded or discarded; a screenshot of
// the call is attached from within the form and ticked as one of the interview's.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import { expectAccessible } from "../../test/axe";
import { appInfo, caseDetail, evidence, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { NotesPanel } from "../case/NotesPanel";
import { UploadsProvider } from "../evidence/uploads";
import { recorded, verification } from "./testing";
import { VerificationPanel } from "./VerificationPanel";

vi.mock("../../backend", async (importOriginal) => (await import("../../test/backend")).mockBackendModule(importOriginal));

const b = vi.mocked(backend);
const rita = user();
const DETAIL = caseDetail({ evidence: [evidence(4, { original_name: "call-1.png" })] });

function renderPanel() {
  return renderAs(
    rita,
    <UploadsProvider caseId={1}>
      <VerificationPanel detail={DETAIL} />
    </UploadsProvider>,
  );
}

const interviewForm = async () => within(await screen.findByRole("form", { name: "Record interview" }));

// Typing whole forms takes a few seconds on a busy machine: a ceiling, not a speed check.
describe("drafts", { timeout: 20_000 }, () => {
  beforeEach(() => {
    b.appInfo.mockResolvedValue(appInfo());
    b.caseVerification.mockResolvedValue(verification());
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("keeps a half-filled interview across tabs and reloads until it is recorded", async () => {
    const first = renderPanel();
    await userEvent.click(await screen.findByRole("button", { name: "Record interview…" }));
    let form = await interviewForm();
    await userEvent.clear(form.getByLabelText("Date (required)"));
    await userEvent.type(form.getByLabelText("Date (required)"), "2026-10-30");
    await userEvent.type(form.getByLabelText("Started at"), "15:30");
    await userEvent.click(form.getByRole("radio", { name: "Audio only: asked for it, or joined without video" }));
    await userEvent.type(form.getByLabelText("Note"), "Asked to switch the camera off");
    // To the Evidence tab: the panel goes.
    first.unmount();

    // Back again (or the page reloaded): the form is open as it was left.
    const second = renderPanel();
    form = await interviewForm();
    expect(form.getByRole("status").textContent).toContain("unsaved draft");
    expect((form.getByLabelText("Date (required)") as HTMLInputElement).value).toBe("2026-10-30");
    expect((form.getByLabelText("Started at") as HTMLInputElement).value).toBe("15:30");
    expect((form.getByRole("radio", { name: /Audio only/ }) as HTMLInputElement).checked).toBe(true);
    expect((form.getByLabelText("Note") as HTMLTextAreaElement).value).toBe("Asked to switch the camera off");
    await expectAccessible(second.container);

    // Attached in place: stored through the case's upload path, ticked as a screenshot.
    b.uploadEvidence.mockResolvedValue(evidence(9, { original_name: "call-2.png" }));
    const file = new File(["png bytes"], "call-2.png", { type: "image/png" });
    await userEvent.upload(form.getByLabelText("Attach screenshots of the call to case 1"), file);
    expect(b.uploadEvidence).toHaveBeenCalledWith(file, { case_id: 1, item_id: null, description: "Screenshot of the interview call" }, expect.anything());
    await userEvent.click(form.getByRole("checkbox", { name: /call-1\.png/ }));

    b.apply.mockResolvedValue(recorded());
    await userEvent.click(form.getByRole("button", { name: "Record interview" }));
    await vi.waitFor(() => expect(b.apply).toHaveBeenCalledTimes(1));
    const change = b.apply.mock.calls[0]?.[0];
    const sent = change?.type === "record_interview" ? change.interview : undefined;
    expect(sent?.note).toBe("Asked to switch the camera off");
    expect(sent?.audio_only).toBe(true);
    expect(sent?.screenshots).toEqual([9, 4]);
    await screen.findByText("Interview recorded.");
    second.unmount();

    // Recorded: no draft left, the form stays closed.
    renderPanel();
    await screen.findByRole("button", { name: "Record interview…" });
    expect(screen.queryByRole("form", { name: "Record interview" })).toBeNull();
  });

  it("forgets a draft that is discarded or cancelled", async () => {
    const first = renderPanel();
    await userEvent.click(await screen.findByRole("button", { name: "Record interview…" }));
    await userEvent.type((await interviewForm()).getByLabelText("Note"), "half a thought");
    first.unmount();
    const second = renderPanel();
    const form = await interviewForm();
    await userEvent.click(form.getByRole("button", { name: "Discard draft" }));
    expect((form.getByLabelText("Note") as HTMLTextAreaElement).value).toBe("");
    expect(form.queryByRole("status")).toBeNull();
    await userEvent.type(form.getByLabelText("Note"), "again");
    await userEvent.click(form.getByRole("button", { name: "Cancel" }));
    second.unmount();
    renderPanel();
    await screen.findByRole("button", { name: "Record interview…" });
    expect(screen.queryByRole("form", { name: "Record interview" })).toBeNull();
  });

  it("keeps a note being written until it is added", async () => {
    const first = renderAs(rita, <NotesPanel caseId={1} notes={[]} />);
    await userEvent.type(screen.getByLabelText("New note"), "Reference call went to voicemail");
    first.unmount();
    renderAs(rita, <NotesPanel caseId={1} notes={[]} />);
    expect((screen.getByLabelText("New note") as HTMLTextAreaElement).value).toBe("Reference call went to voicemail");
    b.apply.mockResolvedValue(recorded());
    await userEvent.click(screen.getByRole("button", { name: "Add note" }));
    await vi.waitFor(() => expect((screen.getByLabelText("New note") as HTMLTextAreaElement).value).toBe(""));
    expect(b.apply).toHaveBeenCalledWith({ type: "add_note", id: null, case_id: 1, text: "Reference call went to voicemail" });
    // Another case's note box is its own.
    renderAs(rita, <NotesPanel caseId={2} notes={[]} />);
    expect((screen.getAllByLabelText("New note")[1] as HTMLTextAreaElement).value).toBe("");
  });
});
