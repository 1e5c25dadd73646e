/**
 * A small fetch wrapper: adds the bearer token, turns the API's error body
 * (`{ error: { code, message, remedy } }`) into an ApiError the pages can show word for word.
 */
import type { ApiErrorBody } from "./types.js";

const tokenKey = "lifeboat.token";

/** The token lives in sessionStorage: closing the tab logs out, no other tab sees it. */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(tokenKey),
  set: (token: string) => sessionStorage.setItem(tokenKey, token),
  clear: () => sessionStorage.removeItem(tokenKey),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly remedy?: string,
  ) {
    super(message);
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return typeof body === "object" && body !== null && "error" in body;
}

/** Base of the API; the dashboard is served by the API server itself. */
const base = new URL("./", window.location.href);

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = tokenStore.get();
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  let response: Response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ""), base), { ...init, headers });
  } catch (cause) {
    throw new ApiError(
      0,
      "LB_UI_UNREACHABLE",
      `The Lifeboat server did not answer (${String(cause)}).`,
      "Check that `lifeboat serve` is running.",
    );
  }
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    if (isErrorBody(body)) {
      throw new ApiError(response.status, body.error.code, body.error.message, body.error.remedy);
    }
    throw new ApiError(
      response.status,
      `HTTP_${response.status}`,
      response.statusText || "Request failed",
    );
  }
  return body as T;
}

export const post = <T>(path: string, body: unknown = {}) =>
  api<T>(path, { method: "POST", body: JSON.stringify(body) });

export const enc = encodeURIComponent;
