// Query keys and hooks for what the shell itself shows. Keys live beside their hooks so that a
// backend event can invalidate exactly the data it changed.

import { useQuery } from "@tanstack/react-query";

import { backend } from "../../backend";

export const shellKeys = {
  appInfo: ["app", "info"] as const,
};

export function useAppInfo() {
  // Fixed for the life of the process.
  return useQuery({ queryKey: shellKeys.appInfo, queryFn: backend.appInfo, staleTime: Infinity });
}
