// What a store-changed event makes stale: exactly the cached data the changes touched.

import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import type { StoreChanged } from "./bindings/StoreChanged";
import { invalidateFor, keys } from "./keys";

const CACHED = [
  keys.appInfo,
  keys.users,
  keys.vendors,
  keys.cases,
  keys.search("anna"),
  keys.caseDetail(1),
  keys.caseAudit(1),
  keys.statusMoves(1, "rita"),
  keys.caseDetail(2),
  keys.caseVerification(1),
  keys.vendorAudits,
  keys.ipLists,
];

function staleAfter(changed: StoreChanged): string[] {
  const client = new QueryClient();
  for (const key of CACHED) client.setQueryData(key, "cached");
  invalidateFor(client, changed);
  return client
    .getQueryCache()
    .getAll()
    .filter((q) => q.state.isInvalidated)
    .map((q) => JSON.stringify(q.queryKey))
    .sort();
}

const record = (kind: string, chain: StoreChanged["records"][number]["chain"]) => ({ id: 1, chain, kind, actor: "rita" });

describe("invalidateFor", () => {
  it.each<[string, StoreChanged, (readonly unknown[])[]]>([
    ["a result on case 1", { records: [record("record_result", { kind: "case", case_id: 1 })], more: false }, [keys.cases, keys.caseAudit(1), keys.caseDetail(1), keys.statusMoves(1, "rita"), keys.caseVerification(1)]],
    ["a note on case 2", { records: [record("add_note", { kind: "case", case_id: 2 })], more: false }, [keys.cases, keys.caseDetail(2), keys.search("anna")]],
    ["a new user", { records: [record("add_user", { kind: "global" })], more: false }, [keys.users]],
    ["a renamed vendor", { records: [record("update_vendor", { kind: "global" })], more: false }, [keys.cases, keys.caseAudit(1), keys.caseDetail(1), keys.caseDetail(2), keys.statusMoves(1, "rita"), keys.caseVerification(1), keys.vendors, keys.vendorAudits]],
    ["a vendor audit", { records: [record("record_vendor_audit", { kind: "global" })], more: false }, [keys.caseAudit(1), keys.caseDetail(1), keys.caseDetail(2), keys.statusMoves(1, "rita"), keys.caseVerification(1), keys.vendors, keys.vendorAudits]],
    ["an indicator list imported (here or with the CLI)", { records: [record("import_ip_list", { kind: "global" })], more: false }, [keys.caseAudit(1), keys.caseDetail(1), keys.caseDetail(2), keys.statusMoves(1, "rita"), keys.caseVerification(1), keys.ipLists]],
    ["an IP seen on case 1", { records: [record("record_observed_ip", { kind: "case", case_id: 1 })], more: false }, [keys.cases, keys.caseAudit(1), keys.caseDetail(1), keys.statusMoves(1, "rita"), keys.caseVerification(1)]],
    ["too many to list", { records: [], more: true }, CACHED.filter((k) => k !== keys.appInfo)],
  ])("%s", (_, changed, expected) => {
    expect(staleAfter(changed)).toEqual(expected.map((k) => JSON.stringify(k)).sort());
  });
});
