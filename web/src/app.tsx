import { useEffect, useState } from "react";
import { Logo } from "./components/logo.js";
import { api, tokenStore } from "./api/client.js";
import type { WhoAmI } from "./api/types.js";
import { EnvironmentPage } from "./pages/environment-page.js";
import { EnvironmentsPage } from "./pages/environments-page.js";
import { LoginPage } from "./pages/login-page.js";
import { RunPage } from "./pages/run-page.js";
import { hrefs, useRoute, type Route } from "./hooks/use-route.js";

/** Signed in (a token in this tab that /whoami accepts) or the login form; then the routed page. */
export function App() {
  const [who, setWho] = useState<WhoAmI | null>();
  const route = useRoute();

  useEffect(() => {
    if (!tokenStore.get()) return setWho(null);
    api<WhoAmI>("/api/v1/whoami").then(setWho, () => {
      tokenStore.clear();
      setWho(null);
    });
  }, []);

  useEffect(() => {
    document.title = `${titleOf(route)} · Lifeboat`;
  }, [route]);

  if (who === undefined) return null;
  if (who === null) return <LoginPage onLogin={setWho} />;
  const logout = () => {
    tokenStore.clear();
    setWho(null);
  };
  return (
    <>
      <header className="topbar">
        <a className="brand" href={hrefs.environments()}>
          <Logo />
          Lifeboat
        </a>
        <span className="who" data-testid="whoami">
          {who.name} · {who.tenant} · <strong>{who.role}</strong>
        </span>
        <button type="button" className="link" onClick={logout}>
          Sign out
        </button>
      </header>
      <main className="page">
        <Page route={route} who={who} />
      </main>
    </>
  );
}

function Page({ route, who }: { route: Route; who: WhoAmI }) {
  switch (route.page) {
    case "environments":
      return <EnvironmentsPage />;
    case "environment":
      return <EnvironmentPage name={route.name} who={who} />;
    case "run":
      return <RunPage id={route.id} who={who} />;
    case "not-found":
      return (
        <p className="empty">
          Nothing at “{route.path}”. <a href={hrefs.environments()}>All environments</a>
        </p>
      );
  }
}

/** Tab titles that tell several open dashboards apart. */
function titleOf(route: Route): string {
  switch (route.page) {
    case "environments":
      return "Environments";
    case "environment":
      return route.name;
    case "run":
      return `Run ${route.id.slice(0, 8)}`;
    case "not-found":
      return "Not found";
  }
}
