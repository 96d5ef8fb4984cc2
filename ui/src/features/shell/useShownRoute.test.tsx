// Going to a case keeps the page being left until the case is read (or a short wait is over),
// so that the case appears in one paint; other places are shown at once.

import { act, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { backend } from "../../backend";
import type { CaseDetail } from "../../bindings/CaseDetail";
import { hrefFor, useRoute } from "../../router";
import { caseDetail, caseFlags } from "../../test/fixtures";
import { renderWithQueries } from "../../test/render";
import { useShownRoute } from "./useShownRoute";

vi.mock("../../backend", async (importOriginal) => (await import("../../test/backend")).mockBackendModule(importOriginal));

const b = vi.mocked(backend);

function Shown() {
  const route = useShownRoute(useRoute());
  return <p data-testid="shown">{hrefFor(route)}</p>;
}

const shown = () => screen.getByTestId("shown").textContent;
const go = (hash: string) =>
  act(() => {
    window.location.hash = hash;
  });

describe("useShownRoute", () => {
  beforeEach(() => {
    window.location.hash = "#/queue";
    b.caseFlags.mockResolvedValue(caseFlags([]));
  });
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("keeps the page being left while the case is read, then shows the case", async () => {
    let answer: (detail: CaseDetail) => void = () => {};
    b.caseGet.mockReturnValue(new Promise((done) => (answer = done)));
    renderWithQueries(<Shown />);
    expect(shown()).toBe("#/queue");
    go("#/cases/3");
    // Read from here (nothing had read it), and the queue stays meanwhile.
    await waitFor(() => expect(b.caseGet).toHaveBeenCalledWith(3));
    expect(shown()).toBe("#/queue");
    act(() => answer(caseDetail()));
    await waitFor(() => expect(shown()).toBe("#/cases/3"));
    // Another tab of the case it has read: at once.
    go("#/cases/3/notes");
    await waitFor(() => expect(shown()).toBe("#/cases/3/notes"));
  });

  it("shows the case loading when its answer takes longer than the wait", async () => {
    b.caseGet.mockReturnValue(new Promise(() => {}));
    renderWithQueries(<Shown />);
    go("#/cases/4");
    expect(shown()).toBe("#/queue");
    await waitFor(() => expect(shown()).toBe("#/cases/4"), { timeout: 2000 });
  });

  it("shows any other place at once", async () => {
    renderWithQueries(<Shown />);
    go("#/vendors");
    await waitFor(() => expect(shown()).toBe("#/vendors"));
    expect(b.caseGet).not.toHaveBeenCalled();
  });
});
