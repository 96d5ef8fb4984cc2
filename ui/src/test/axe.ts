// Accessibility checks in component tests: axe-core run over what a test rendered, failing
// with each violation's rule, what it means and the elements it found. jsdom lays nothing
// out, so rules that need real rendering (colour contrast) are left to the e2e walk.

import { expect } from "vitest";
import { configureAxe } from "vitest-axe";

const axe = configureAxe({
  rules: {
    "color-contrast": { enabled: false },
    // A component is checked on its own, not as a whole page with landmarks and one h1.
    region: { enabled: false },
    "page-has-heading-one": { enabled: false },
    "landmark-one-main": { enabled: false },
  },
});

export async function expectAccessible(container: Element): Promise<void> {
  const results = await axe(container);
  const found = results.violations.map(
    (v) => `${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")} — ${n.failureSummary ?? ""}`).join("\n")}`,
  );
  expect(found, found.join("\n\n")).toEqual([]);
}
