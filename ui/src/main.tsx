// Entry point: one query client for the whole app, the unlock screen of an encrypted data
// directory, then the shell.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

// The shared base first: every feature's styles come after it.
import "./styles/base.css";
import { AppShell } from "./features/shell/AppShell";
import { UnlockGate } from "./features/shell/UnlockGate";

const queryClient = new QueryClient({
  defaultOptions: {
    // Local IPC does not flake like a network: a failure is real, show it at once.
    queries: { retry: false, refetchOnWindowFocus: false },
  },
});

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <UnlockGate>
          <AppShell />
        </UnlockGate>
      </QueryClientProvider>
    </StrictMode>,
  );
}
