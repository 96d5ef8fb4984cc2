// The frame around every page: sidebar navigation, a header that says who is acting and on
// which data directory, and the page for the current route.

import { CasePage } from "../case/CasePage";
import { QueuePage } from "../queue/QueuePage";
import { SettingsPage } from "../settings/SettingsPage";
import { VendorsPage } from "../vendors/VendorsPage";
import { hrefFor, useRoute, type Route } from "../../router";
import { useAppInfo } from "./queries";

const NAV: { route: Route; label: string }[] = [
  { route: { name: "queue" }, label: "Case queue" },
  { route: { name: "vendors" }, label: "Vendors" },
  { route: { name: "settings" }, label: "Settings" },
];

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case "queue":
      return <QueuePage />;
    case "case":
      return <CasePage caseId={route.caseId} />;
    case "vendors":
      return <VendorsPage />;
    case "settings":
      return <SettingsPage />;
  }
}

function DataDirectory() {
  const info = useAppInfo();
  if (info.isPending) return <span className="muted">Loading…</span>;
  if (info.isError) {
    return (
      <span className="error-text" role="alert">
        Could not reach the app backend: {info.error.message}
      </span>
    );
  }
  return (
    <span className="mono" data-testid="data-dir" title="Every case, file and audit record is kept here">
      {info.data.data_dir}
    </span>
  );
}

export function AppShell() {
  const route = useRoute();
  // A case page belongs to the queue section of the navigation.
  const section = route.name === "case" ? "queue" : route.name;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Vetdesk</div>
        <ul>
          {NAV.map(({ route: target, label }) => (
            <li key={target.name}>
              <a href={hrefFor(target)} aria-current={section === target.name ? "page" : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <header className="app-header">
        <div className="acting-as">
          <span className="label">Acting as</span>{" "}
          <span data-testid="acting-as" className="muted">
            no user chosen
          </span>
        </div>
        <div className="data-dir">
          <span className="label">Data directory</span> <DataDirectory />
        </div>
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Page route={route} />
      </main>
    </div>
  );
}
