// Query keys of everything the UI caches, in one place, and which of them a recorded change
// makes stale. The backend's `store-changed` event names each change's chain and kind; this
// is where that becomes cache invalidation.

import type { QueryClient } from "@tanstack/react-query";

import type { StoreChanged } from "./bindings/StoreChanged";

export const keys = {
  appInfo: ["app", "info"] as const,
  /** Whether the encrypted data directory is still locked; under "app", never made stale. */
  lockStatus: ["app", "lock"] as const,
  users: ["users"] as const,
  /** Under `users`: a change of role or of who is active changes what a user may do. */
  permissions: (actor: string) => ["users", "permissions", actor] as const,
  vendors: ["vendors"] as const,
  cases: ["cases"] as const,
  search: (query: string) => ["search", query] as const,
  /** Prefix of everything about one case. */
  case: (caseId: number) => ["case", caseId] as const,
  caseDetail: (caseId: number) => ["case", caseId, "detail"] as const,
  caseAudit: (caseId: number) => ["case", caseId, "audit"] as const,
  statusMoves: (caseId: number, actor: string) => ["case", caseId, "moves", actor] as const,
  resultOptions: (caseId: number, actor: string) => ["case", caseId, "options", actor] as const,
  /** The store's problems with a candidate form as typed (nothing recorded). */
  candidateCheck: (fields: unknown) => ["candidate-check", fields] as const,
  caseFlags: (caseId: number) => ["case", caseId, "flags"] as const,
  caseLinks: (caseId: number) => ["case", caseId, "links"] as const,
  caseCluster: (caseId: number) => ["case", caseId, "cluster"] as const,
  /** Retention standing and legal hold of the case's person. */
  caseRetention: (caseId: number) => ["case", caseId, "retention"] as const,
  // verification records, vendor audits and the indicator lists
  caseVerification: (caseId: number) => ["case", caseId, "verification"] as const,
  mrz: (text: string) => ["mrz", text] as const,
  /** Under `vendors`, so that every vendor change refreshes the audit standing too. */
  vendorAudits: ["vendors", "audits"] as const,
  /** Prefix of the indicator lists, VPN providers and VoIP entries. */
  lists: ["lists"] as const,
  ipLists: ["lists", "ip"] as const,
  vpnProviders: ["lists", "vpn"] as const,
  voipEntries: ["lists", "voip"] as const,
  /** Hired workers with open post-hire flags: moved by any case's flags and by imports. */
  monitoring: ["monitoring"] as const,
};

/** Changes that add, move or remove an identifier candidates can share (a phone, an address,
 *  a reference's email, a bank account, an IP): the links of every case may change. */
const LINK_KINDS = new Set([
  "add_candidate",
  "update_candidate",
  "add_reference",
  "update_reference",
  "record_payment",
  "record_observed_ip",
]);

/** Global-chain changes and the cached data each makes stale. */
const GLOBAL_EFFECTS: Record<string, readonly (readonly unknown[])[]> = {
  add_user: [keys.users],
  set_user_role: [keys.users, ["case"]],
  set_user_active: [keys.users, ["case"]],
  add_vendor: [keys.vendors],
  // A vendor's name shows in the queue and in cases of its candidates.
  update_vendor: [keys.vendors, keys.cases, ["case"]],
  add_candidate: [keys.cases, ["search"]],
  // Indicator lists change what the flag rules find on every case.
  import_ip_list: [["case"], keys.lists, keys.monitoring],
  remove_ip_list: [["case"], keys.lists, keys.monitoring],
  add_vpn_provider: [["case"], keys.lists, keys.monitoring],
  remove_vpn_provider: [["case"], keys.lists, keys.monitoring],
  // A telemetry import moves the flags of every monitoring case (recorded in their chains).
  import_telemetry: [keys.cases, ["case"], keys.monitoring],
  add_voip_entry: [["case"], keys.lists],
  remove_voip_entry: [["case"], keys.lists],
  record_vendor_audit: [keys.vendors, ["case"]],
  update_candidate: [keys.cases, ["case"], ["search"]],
  // An erasure empties the person's cases, their search entries and the monitoring board.
  erase_person: [keys.cases, ["case"], ["search"], keys.monitoring],
};

/** Marks stale what the changes touched; queries on screen refetch at once. */
export function invalidateFor(client: QueryClient, changed: StoreChanged): void {
  if (changed.more) {
    void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== keys.appInfo[0] });
    return;
  }
  const stale = new Map<string, readonly unknown[]>();
  const mark = (key: readonly unknown[]) => stale.set(JSON.stringify(key), key);
  for (const record of changed.records) {
    if (record.chain.kind === "case") {
      mark(keys.case(record.chain.case_id));
      mark(keys.cases);
      mark(keys.monitoring);
      if (record.kind === "add_note" || record.kind === "attach_evidence") mark(["search"]);
    } else {
      for (const key of GLOBAL_EFFECTS[record.kind] ?? [keys.cases]) mark(key);
    }
  }
  for (const queryKey of stale.values()) void client.invalidateQueries({ queryKey });
  if (changed.records.some((r) => LINK_KINDS.has(r.kind))) {
    void client.invalidateQueries({ predicate: (q) => q.queryKey[0] === "case" && q.queryKey[2] === "links" });
  }
}
