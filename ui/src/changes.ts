// How the page records a change: the typed `Change` the core applies, sent through the one
// `apply` command; the acting user is the app's session, never named here. Nothing in the
// cache is touched on success: the `store-changed` event every write brings (this window's as
// promptly as the answer, the CLI's and other processes' too) marks stale what it touched
// (`keys.ts`), so each change refreshes the page once.

import { useMutation } from "@tanstack/react-query";

import { backend } from "./backend";
import type { Change } from "./bindings/Change";

/** A mutation that records the change `build` makes of its argument. */
export function useChange<A>(build: (args: A) => Change) {
  return useMutation({ mutationFn: (args: A) => backend.apply(build(args)) });
}
