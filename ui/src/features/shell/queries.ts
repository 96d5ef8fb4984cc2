// Query hooks for what the shell itself shows: the app's facts and the local users.

import { useQuery } from "@tanstack/react-query";

import { backend } from "../../backend";
import { keys } from "../../keys";

export function useAppInfo() {
  // Fixed for the life of the process.
  return useQuery({ queryKey: keys.appInfo, queryFn: backend.appInfo, staleTime: Infinity });
}

export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: backend.users });
}
