// Queries of the exports feature: where files go by default, and who someone is by login.

import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";

import { backend } from "../../backend";
import { useUsers } from "../shell/queries";

export const exportKeys = {
  folder: ["exports", "folder"] as const,
};

export function useExportFolder() {
  return useQuery({ queryKey: exportKeys.folder, queryFn: backend.exportFolder });
}

/** "Display Name (login)" for a login, or the login while the users are not loaded. */
export function useWhoName(): (login: string) => string {
  const users = useUsers();
  return useCallback(
    (login: string) => {
      const u = users.data?.find((x) => x.name === login);
      return u ? `${u.display_name} (${u.name})` : login;
    },
    [users.data],
  );
}
