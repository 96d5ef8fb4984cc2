// The frame around every page: sidebar navigation, a header that says who is acting and on
// which data directory, and the page for the current route, behind the user gate.

import { memo } from "react";

import { CasePage } from "../case/CasePage";
import { ImportPage } from "../candidates/ImportPage";
import { MonitoringPage } from "../monitoring/MonitoringPage";
import { NewCandidatePage } from "../candidates/NewCandidatePage";
import { ReportsPage } from "../exports/ReportsPage";
import { QueuePage } from "../queue/QueuePage";
import { SettingsPage } from "../settings/SettingsPage";
import { VendorsPage } from "../vendors/VendorsPage";
import { goBack, goForward, useHistoryNavigation } from "../../history";
import { hrefFor, useRoute, type Route } from "../../router";
import { Button, ErrorNote } from "../../components";
import { ActorChoiceProvider, ROLE_LABELS, useActorChoice } from "../../session/actor";
import { useAppInfo, useUsers } from "./queries";
import { UserGate } from "./UserGate";
import { useShownRoute } from "./useShownRoute";
import { useStoreEvents } from "./useStoreEvents";
import "./shell.css";

const NAV: { route: Route; label: string }[] = [
  { route: { name: "queue" }, label: "Case queue" },
  { route: { name: "new-candidate" }, label: "New candidate" },
  { route: { name: "import" }, label: "Import candidates" },
  { route: { name: "monitoring" }, label: "Monitoring" },
  { route: { name: "vendors" }, label: "Vendors" },
  { route: { name: "reports" }, label: "Reports" },
  { route: { name: "settings" }, label: "Settings" },
];

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case "queue":
      return <QueuePage />;
    case "case":
      return <CasePage caseId={route.caseId} tab={route.tab} />;
    case "new-candidate":
      return <NewCandidatePage />;
    case "import":
      return <ImportPage />;
    case "vendors":
      return <VendorsPage />;
    case "reports":
      return <ReportsPage />;
    case "monitoring":
      return <MonitoringPage />;
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
  if (info.data.team_database) {
    return (
      <span className="mono" data-testid="data-dir" title="The shared team database: every case, file and audit record">
        {info.data.team_database}
      </span>
    );
  }
  return (
    <span className="mono" data-testid="data-dir" title="Every case, file and audit record is kept here">
      {info.data.data_dir}
    </span>
  );
}

function ActingAs() {
  const { chosen, choose, held } = useActorChoice();
  const users = useUsers();
  const info = useAppInfo();
  const user = held ? users.data?.find((u) => u.name === chosen && u.active) : undefined;
  if (info.data?.team_database) {
    // Team mode: the database login acts; nobody else can be chosen.
    return (
      <div className="acting-as">
        <span className="label">Signed in as</span>{" "}
        <strong data-testid="acting-as" title={user ? `${user.name} · ${ROLE_LABELS[user.role]}` : undefined}>
          {user?.display_name ?? chosen}
        </strong>{" "}
        {user ? (
          <span className="muted" data-testid="signed-in-login">
            ({user.name}, {ROLE_LABELS[user.role].toLowerCase()})
          </span>
        ) : null}
      </div>
    );
  }
  return (
    <div className="acting-as">
      <span className="label">Acting as</span>{" "}
      {user ? (
        <>
          <strong data-testid="acting-as" title={`${user.name} · ${ROLE_LABELS[user.role]}`}>
            {user.display_name}
          </strong>{" "}
          <span className="muted">
            ({user.name}, {ROLE_LABELS[user.role].toLowerCase()})
          </span>{" "}
          <Button className="btn-small" onClick={() => void choose(null)}>
            Switch user
          </Button>{" "}
          <span className="solo-note small muted" id="solo-note">
            Chosen on this computer, not signed in
          </span>
        </>
      ) : (
        <span data-testid="acting-as" className="muted">
          no user chosen
        </span>
      )}
    </div>
  );
}

/** Back and forward through the places visited in this window (also Alt+←/→ and the mouse's
 *  back and forward buttons). */
function HistoryButtons() {
  const { canBack, canForward } = useHistoryNavigation();
  return (
    <div className="history-nav" role="group" aria-label="History">
      <Button className="btn-small" disabled={!canBack} onClick={goBack} title="Back (Alt+←)" aria-keyshortcuts="Alt+ArrowLeft">
        <span aria-hidden="true">← </span>Back
      </Button>
      <Button className="btn-small" disabled={!canForward} onClick={goForward} title="Forward (Alt+→)" aria-keyshortcuts="Alt+ArrowRight">
        Forward<span aria-hidden="true"> →</span>
      </Button>
    </div>
  );
}

/** The page of a route; rendered again only when the route changes, not while the window
 *  waits on the page being left (`useShownRoute`). */
const RoutePage = memo(Page, (before, after) => hrefFor(before.route) === hrefFor(after.route));

function Layout() {
  const route = useShownRoute(useRoute());
  const info = useAppInfo();
  useStoreEvents();
  // Pages that belong to the queue section of the navigation.
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
        <HistoryButtons />
        <ActingAs />
        <div className="data-dir">
          <span className="label">{info.data?.team_database ? "Team database" : "Data directory"}</span>{" "}
          <DataDirectory />
        </div>
      </header>
      <main id="main" className={route.name === "queue" ? "content content-fill" : "content"} tabIndex={-1}>
        <UserGate>
          <RoutePage route={route} />
        </UserGate>
      </main>
    </div>
  );
}

export function AppShell() {
  const info = useAppInfo();
  if (info.isPending) return <p className="muted boot">Starting Vetdesk…</p>;
  if (info.isError) {
    return (
      <div className="boot">
        <h1>Vetdesk could not start</h1>
        <ErrorNote error={info.error} title="Could not reach the app backend" />
      </div>
    );
  }
  return (
    <ActorChoiceProvider preselect={info.data.default_user} acting={info.data.acting}>
      <Layout />
    </ActorChoiceProvider>
  );
}
