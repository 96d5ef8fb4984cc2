// Query hooks of the Monitoring page: the board of hired workers with open post-hire flags,
// telemetry imports and investigations opened from alerts.

import { useMutation, useQuery } from "@tanstack/react-query";

import { backend } from "../../backend";
import type { TelemetryFormat } from "../../bindings/TelemetryFormat";
import { keys } from "../../keys";

export function useMonitoringBoard() {
  return useQuery({ queryKey: keys.monitoring, queryFn: backend.monitoringBoard });
}

/** Uploads and imports one telemetry file; what it raised arrives as store changes. */
export function useImportTelemetry(onSent: (sent: number) => void) {
  return useMutation({
    mutationFn: ({ file, format }: { file: File; format: TelemetryFormat | null }) =>
      backend.importTelemetry(file, format, { onSent }),
  });
}

export function useInvestigateAlert() {
  return useMutation({
    mutationFn: ({ caseId, flagId }: { caseId: number; flagId: number }) => backend.investigateAlert(caseId, flagId),
  });
}
