// The dark theme and the focus ring, in the real webview: the app follows the desktop's
// colour preference (GTK_THEME=Adwaita:dark makes WebKitGTK report prefers-color-scheme: dark).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchApp } from "./harness.mjs";

let app;

before(async () => {
  app = await launchApp({ env: { GTK_THEME: "Adwaita:dark" } });
  await app.session.textOf('[data-testid="data-dir"]', 30_000);
});

after(async () => {
  await app?.close();
});

/** Relative luminance (0 black … 1 white) of a computed `rgb(r, g, b)` colour. */
const LUMINANCE = `
  const lum = (css) => {
    const [r, g, b] = css.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
`;

test("the dark theme gives dark surfaces and light text", async () => {
  const [dark, background, text] = await app.session.execute(`${LUMINANCE}
    const style = getComputedStyle(document.body);
    return [matchMedia("(prefers-color-scheme: dark)").matches, lum(style.backgroundColor), lum(style.color)];
  `);
  assert.equal(dark, true);
  assert.ok(background < 0.05, `background luminance ${background}`);
  assert.ok(text > 0.7, `text luminance ${text}`);
  // WCAG contrast ratio of body text on the background: at least 4.5:1.
  assert.ok((text + 0.05) / (background + 0.05) >= 4.5);
  await app.screenshot("50-dark-first-run");
});

test("keyboard focus is visible", async () => {
  const outline = await app.session.execute(`
    const link = document.querySelector('nav a[href="#/settings"]');
    link.focus();
    const style = getComputedStyle(link);
    return [link.matches(":focus-visible"), style.outlineStyle, parseFloat(style.outlineWidth)];
  `);
  assert.deepEqual(outline.slice(0, 2), [true, "solid"]);
  assert.ok(outline[2] >= 2, `outline width ${outline[2]}`);
  await app.screenshot("51-dark-focus");
});
