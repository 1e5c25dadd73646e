import { useEffect, useState } from "react";

/**
 * Hash routes (`#/environments/shop`): the server needs no fallback for deep links, and a
 * reload keeps the page.
 */
export type Route =
  | { page: "environments" }
  | { page: "environment"; name: string }
  | { page: "run"; id: string }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: "environments" };
  if (parts[0] === "environments" && parts[1] && parts.length === 2) {
    return { page: "environment", name: parts[1] };
  }
  if (parts[0] === "runs" && parts[1] && parts.length === 2) return { page: "run", id: parts[1] };
  return { page: "not-found", path: parts.join("/") };
}

export const hrefs = {
  environments: () => "#/",
  environment: (name: string) => `#/environments/${encodeURIComponent(name)}`,
  run: (id: string) => `#/runs/${encodeURIComponent(id)}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
