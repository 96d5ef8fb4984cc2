// Payment details against a mocked backend: the numbers are checked on the page (length, ABA
// check digit) without being echoed, sent exactly once, cleared from the inputs as they go,
// and kept nowhere: not in the page, not in React state, not in the mutation cache.

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { backend, BackendFailure } from "../../backend";
import { user } from "../../test/fixtures";
import { renderAs } from "../../test/render";
import { PaymentForm, accountProblem, routingProblem } from "./Payments";
import { recorded } from "./testing";

vi.mock("../../backend", async (importOriginal) =>
  (await import("../../test/backend")).mockBackendModule(importOriginal),
);

const b = vi.mocked(backend);
const ROUTING = "021000021";
const ACCOUNT = "000123456789";

function renderForm(onSaved = vi.fn()) {
  const rendered = renderAs(user(), <PaymentForm caseId={1} onSaved={onSaved} onCancel={() => {}} />);
  return { ...rendered, form: within(screen.getByRole("form", { name: "Record payment details" })) };
}

/** Every trace the page could keep of the numbers: its markup and the query client's cache. */
function traces(client: ReturnType<typeof renderForm>["client"]): string {
  const mutations = client.getMutationCache().getAll().map((m) => {
    const variables = m.state.variables as unknown;
    // The mutation's variable is a function handing out the request once; ask it again.
    return JSON.stringify([typeof variables === "function" ? (variables as () => unknown)() : variables, m.state.data]);
  });
  return document.body.innerHTML + mutations.join("");
}

describe("PaymentForm", () => {
  afterEach(() => {
    vi.resetAllMocks();
  });

  it("checks the numbers on the page without echoing them", async () => {
    const events = userEvent.setup();
    const { form, client } = renderForm();
    expect(form.getByLabelText("Routing number (required)").getAttribute("type")).toBe("password");
    expect(form.getByLabelText("Account number (required)").getAttribute("type")).toBe("password");
    await events.type(form.getByLabelText("Routing number (required)"), "021000022");
    await events.type(form.getByLabelText("Account number (required)"), "12");
    await events.click(form.getByRole("button", { name: "Record payment details" }));
    expect(form.getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "This routing number fails its check digit: look for a typo.",
      "An account number is 4 to 17 digits (spaces and dashes allowed).",
    ]);
    expect(b.paymentRecord).not.toHaveBeenCalled();
    // Still in the inputs to be corrected, and in nothing else.
    expect((form.getByLabelText("Routing number (required)") as HTMLInputElement).value).toBe("021000022");
    expect(traces(client)).not.toContain("021000022");
  });

  it("sends the numbers once, clears them at once, and shows only the masks that come back", async () => {
    const events = userEvent.setup();
    b.paymentRecord.mockResolvedValue({ recorded: recorded([], { id: 1 }), routing_masked: "•••••0021", account_masked: "••••••••6789" });
    const onSaved = vi.fn();
    const { form, client } = renderForm(onSaved);
    await events.type(form.getByLabelText("Routing number (required)"), "021-000-021");
    await events.type(form.getByLabelText("Account number (required)"), ACCOUNT);
    await events.type(form.getByLabelText("Bank"), "First Example Bank");
    await events.click(form.getByRole("button", { name: "Record payment details" }));
    expect(b.paymentRecord).toHaveBeenCalledTimes(1);
    expect(b.paymentRecord).toHaveBeenCalledWith({
      case_id: 1,
      routing_number: "021-000-021",
      account_number: ACCOUNT,
      bank_name: "First Example Bank",
      account_holder: null,
      note: null,
    });
    await vi.waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(onSaved.mock.calls[0]?.[0].account_masked).toBe("••••••••6789");
    expect((form.getByLabelText("Routing number (required)") as HTMLInputElement).value).toBe("");
    expect((form.getByLabelText("Account number (required)") as HTMLInputElement).value).toBe("");
    const kept = traces(client);
    for (const secret of [ROUTING, "021-000-021", ACCOUNT, "123456789"]) expect(kept).not.toContain(secret);
  });

  it("names the refused field and asks for the numbers again: they were cleared when sent", async () => {
    const events = userEvent.setup();
    b.paymentRecord.mockRejectedValue(
      new BackendFailure({ code: "unknown_user", message: 'there is no active user named "rita": choose who is acting with "Switch user" at the top of the window' }),
    );
    const { form, client } = renderForm();
    await events.type(form.getByLabelText("Routing number (required)"), ROUTING);
    await events.type(form.getByLabelText("Account number (required)"), ACCOUNT);
    await events.click(form.getByRole("button", { name: "Record payment details" }));
    expect((await form.findByRole("alert")).textContent).toContain("The payment details were not recorded");
    expect(form.getByText("The numbers were cleared when sent: type them again.")).toBeTruthy();
    expect(traces(client)).not.toContain(ROUTING);
  });
});

describe("bank number checks", () => {
  it.each([
    ["021000021", null],
    ["0210 0002 1", null],
    ["011000015", null],
    ["021000022", "This routing number fails its check digit: look for a typo."],
    ["02100002", "A routing number is 9 digits (spaces and dashes allowed)."],
    ["02100002x", "A routing number is 9 digits (spaces and dashes allowed)."],
  ])("routing %s", (text, problem) => {
    expect(routingProblem(text)).toBe(problem);
  });

  it.each([
    ["1234", null],
    ["12345678901234567", null],
    ["123", "An account number is 4 to 17 digits (spaces and dashes allowed)."],
    ["123456789012345678", "An account number is 4 to 17 digits (spaces and dashes allowed)."],
  ])("account %s", (text, problem) => {
    expect(accountProblem(text)).toBe(problem);
  });
});
