// The kit's accessibility wiring: what a screen reader announces is part of each component's
// contract, so it is tested like behaviour.

import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { Button, Dialog, Field, Table } from ".";

describe("Field", () => {
  it("labels its input and announces hint and error", () => {
    render(<Field label="Legal name" hint="As on the passport" error="Required" defaultValue="" />);

    const input = screen.getByLabelText("Legal name");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = (input.getAttribute("aria-describedby") ?? "").split(" ");
    const texts = described.map((id) => document.getElementById(id)?.textContent);
    expect(texts).toEqual(["As on the passport", "Required"]);
    expect(screen.getByRole("alert").textContent).toBe("Required");
  });

  it("is not marked invalid without an error", () => {
    render(<Field label="Email" />);

    const input = screen.getByLabelText("Email");
    expect(input.hasAttribute("aria-invalid")).toBe(false);
    expect(input.hasAttribute("aria-describedby")).toBe(false);
  });
});

describe("Table", () => {
  const columns = [{ key: "name", header: "Name", cell: (r: { name: string }) => r.name }];

  it("renders a captioned table with a header cell per column", () => {
    render(<Table caption="Vendors" columns={columns} rows={[{ name: "Acme" }]} rowKey={(r) => r.name} />);

    const table = screen.getByRole("table", { name: "Vendors" });
    expect(table.querySelectorAll("th[scope=col]")).toHaveLength(1);
    expect(screen.getByRole("cell", { name: "Acme" })).toBeTruthy();
  });

  it("shows the empty message instead of a header over nothing", () => {
    render(<Table caption="Vendors" columns={columns} rows={[]} rowKey={(r) => r.name} empty={<p>None yet</p>} />);

    expect(screen.queryByRole("table")).toBeNull();
    expect(screen.getByText("None yet")).toBeTruthy();
  });
});

describe("Dialog", () => {
  it("is named by its title and reports closing", () => {
    const onClose = vi.fn();
    const { rerender } = render(
      <Dialog open title="Sign off case 12" onClose={onClose} actions={<Button>Sign off</Button>}>
        <p>Body</p>
      </Dialog>,
    );

    const dialog = screen.getByRole("dialog", { name: "Sign off case 12" });
    expect(dialog.hasAttribute("open")).toBe(true);

    rerender(
      <Dialog open={false} title="Sign off case 12" onClose={onClose}>
        <p>Body</p>
      </Dialog>,
    );
    expect(dialog.hasAttribute("open")).toBe(false);
    fireEvent(dialog, new Event("close"));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe("Button", () => {
  it("never submits a form by accident", () => {
    render(<Button variant="danger">Delete</Button>);

    const button = screen.getByRole("button", { name: "Delete" });
    expect(button.getAttribute("type")).toBe("button");
    expect(button.className).toBe("btn btn-danger");
  });
});
