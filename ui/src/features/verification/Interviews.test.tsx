// The interview form and the reachable hours against a mocked backend: the answers become the
// store's fields (no video means nothing held to a camera), dates and times are checked before
// sending, and refusals of the store land next to their field.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { evidence, user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { InterviewForm, ReachableHoursBlock } from "./Interviews";
import { recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);

function renderForm(onSaved = vi.fn()) {
  renderAs(user(), <InterviewForm caseId={1} evidence={[evidence(4, { original_name: "call-1.png" }), evidence(5, { original_name: "call-2.png" })]} onSaved={onSaved} onCancel={() => {}} />);
  return within(screen.getByRole("form", { name: "Record interview" }));
}

describe("InterviewForm", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("records a refused video as such: no camera, no ID held up, no liveness prompts", async () => {
    const events = userEvent.setup();
    const saved = recorded([{ rule: "interview.video_refused", title: "The candidate refused video or asked for audio only" }]);
    b.apply.mockResolvedValue(saved);
    const onSaved = vi.fn();
    const form = renderForm(onSaved);
    await events.clear(form.getByLabelText("Date (required)"));
    await events.type(form.getByLabelText("Date (required)"), "2026-10-30");
    await events.click(form.getByRole("radio", { name: "The candidate refused video" }));
    // The camera questions do not apply any more.
    expect(form.getByRole("radio", { name: "Yes: the ID matched the face and the name" }).matches(":disabled")).toBe(true);
    await events.click(form.getByRole("radio", { name: "No: they contradicted each other or the application" }));
    await events.click(form.getByRole("checkbox", { name: /call-2\.png/ }));
    await events.click(form.getByRole("button", { name: "Record interview" }));
    expect(b.apply).toHaveBeenCalledWith({
      type: "record_interview",
      id: null,
      case_id: 1,
      interview: {
        held_on: "2026-10-30",
        started_at: null,
        interviewer: "Rita Reviewer",
        camera_on_throughout: false,
        refused_video: true,
        audio_only: false,
        id_match: "not_shown",
        liveness_done: false,
        location_consistent: false,
        screenshots: [5],
        note: null,
      },
    });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
  });

  it("turns a local start time into the store's UTC timestamp", async () => {
    const events = userEvent.setup();
    b.apply.mockResolvedValue(recorded());
    const form = renderForm();
    await events.clear(form.getByLabelText("Date (required)"));
    await events.type(form.getByLabelText("Date (required)"), "2026-10-30");
    await events.type(form.getByLabelText("Started at"), "15:30");
    await events.click(form.getByRole("radio", { name: "Unclear: could not be matched" }));
    await events.click(form.getByRole("button", { name: "Record interview" }));
    const change = b.apply.mock.calls[0]?.[0];
    const sent = change?.type === "record_interview" ? change.interview : undefined;
    expect(sent?.started_at).toBe(new Date(2026, 9, 30, 15, 30).toISOString());
    expect([sent?.camera_on_throughout, sent?.id_match, sent?.liveness_done, sent?.location_consistent]).toEqual([true, "unclear", true, null]);
  });

  it("checks dates and times first, then shows the store's refusal under its field", async () => {
    const events = userEvent.setup();
    const form = renderForm();
    await events.clear(form.getByLabelText("Date (required)"));
    await events.type(form.getByLabelText("Date (required)"), "2999-01-01");
    await events.type(form.getByLabelText("Started at"), "25:00");
    await events.clear(form.getByLabelText("Interviewer (required)"));
    await events.click(form.getByRole("button", { name: "Record interview" }));
    expect(form.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "This date is in the future.",
      "“25:00” is not a time written HH:MM (24-hour), e.g. 14:30.",
      "Enter who held the interview.",
    ]);
    expect(b.apply).not.toHaveBeenCalled();

    b.apply.mockRejectedValue(
      new BackendFailure({ code: "invalid_input", field: "started_at", message: "interview start 2026-10-31T02:30:00.000Z is not on the interview date 2026-10-29" }),
    );
    await events.clear(form.getByLabelText("Date (required)"));
    await events.type(form.getByLabelText("Date (required)"), "2026-10-29");
    await events.clear(form.getByLabelText("Started at"));
    await events.type(form.getByLabelText("Started at"), "10:00");
    await events.type(form.getByLabelText("Interviewer (required)"), "rita");
    await events.click(form.getByRole("button", { name: "Record interview" }));
    expect((await form.findByRole("alert")).textContent).toBe(
      "interview start 2026-10-31T02:30:00.000Z is not on the interview date 2026-10-29. Correct what the message names and try again.",
    );
  });
});

describe("ReachableHoursBlock", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("sets the hours with their time zone, and shows a bad zone next to it", async () => {
    const events = userEvent.setup();
    b.apply.mockRejectedValueOnce(
      new BackendFailure({ code: "invalid_input", field: "time_zone", message: 'time zone "Chicago" is not an IANA time zone name such as America/Chicago' }),
    );
    renderAs(user(), <ReachableHoursBlock caseId={1} hours={null} closed={false} />);
    expect(screen.getByText("Not recorded.")).toBeTruthy();
    await events.click(screen.getByRole("button", { name: "Set…" }));
    const form = within(screen.getByRole("form", { name: "Reachable hours" }));
    await events.click(form.getByRole("button", { name: "Save hours" }));
    expect(form.getByRole("alert").textContent).toBe("Enter the time zone, e.g. America/Chicago.");
    await events.type(form.getByLabelText("Time zone"), "Chicago");
    await events.click(form.getByRole("button", { name: "Save hours" }));
    expect((await form.findByRole("alert")).textContent).toContain("is not an IANA time zone name");
    expect(b.apply).toHaveBeenCalledWith({
      type: "set_reachable_hours",
      case_id: 1,
      hours: { from: "09:00:00", to: "17:00:00", time_zone: "Chicago" },
    });
  });

  it("removes hours that were set", async () => {
    const events = userEvent.setup();
    b.apply.mockResolvedValue(recorded([], { id: null }));
    renderAs(user(), <ReachableHoursBlock caseId={1} hours={{ from: "22:00:00", to: "06:00:00", time_zone: "Asia/Seoul" }} closed={false} />);
    expect(screen.getByText("22:00–06:00")).toBeTruthy();
    await events.click(screen.getByRole("button", { name: "Remove" }));
    expect(b.apply).toHaveBeenCalledWith({ type: "set_reachable_hours", case_id: 1, hours: null });
    expect(await screen.findByText("Reachable hours saved.")).toBeTruthy();
  });
});
