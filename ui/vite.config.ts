// Vite builds the UI into dist/, which the Rust binary embeds at compile time. Vitest shares
// this file so that tests see the same React transform as the app.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  // Relative to the app's own origin (tauri://localhost); no dev server is ever used.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.50 on Debian 12 (and WebView2 / WKWebView elsewhere) run modern JS.
    target: "es2022",
    // Keep every asset a file: the CSP allows neither data: URLs nor inline code.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    // Worker threads start faster than forked processes; jsdom setup dominates these tests.
    pool: "threads",
  },
});
