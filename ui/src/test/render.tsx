// Renders a component the way the app does: inside a fresh query client per test (so no
// cached answer leaks from one test into the next) that follows the backend's store-changed
// events, and, for pages behind the user gate, with an acting user.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";

import type { Permissions } from "../bindings/Permissions";
import type { User } from "../bindings/User";
import { useStoreEvents } from "../features/shell/useStoreEvents";
import { ActorChoiceProvider, ActorProvider } from "../session/actor";

/** What the app's layout does for every page: mark stale what a store change touched. */
function StoreEvents() {
  useStoreEvents();
  return null;
}

/** A query client as each test gets one, for a test that fills its cache before rendering. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

export function renderWithQueries(ui: ReactElement, client: QueryClient = testQueryClient()) {
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <StoreEvents />
        {ui}
      </QueryClientProvider>,
    ),
  };
}

/** Renders `ui` as `user` would see it, who may do what `permissions` says (nothing by
 *  default). */
export function renderAs(user: User, ui: ReactElement, permissions: Permissions | null = null, client?: QueryClient) {
  return renderWithQueries(
    <ActorChoiceProvider preselect={user.name}>
      <ActorProvider user={user} permissions={permissions}>
        {ui}
      </ActorProvider>
    </ActorChoiceProvider>,
    client,
  );
}
