// Keeps the query cache in step with the store: every `store-changed` event from the backend
// (changes by this window, the CLI, or another process) marks the data it touched stale.

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { subscribe } from "../../backend";
import { invalidateFor } from "../../keys";

export function useStoreEvents(): void {
  const client = useQueryClient();
  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let gone = false;
    subscribe("store-changed", (changed) => invalidateFor(client, changed))
      .then((stop) => {
        if (gone) stop();
        else unlisten = stop;
      })
      .catch(() => {
        // Outside the app (component tests) there is no event bus; nothing to follow.
      });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, [client]);
}
