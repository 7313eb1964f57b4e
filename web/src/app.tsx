// The shell: who is signed in (GET /api/v1/session; a 401 asks for a key), the main navigation, the
// dark mode toggle, and the page the hash names. Pages other than Ask load when first opened.
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { ApiError, api, onUnauthorized, storedKey, storeKey } from "./api/client";
import type { Session } from "./api/types";
import { AskPage } from "./ask/ask-page";
import { ErrorAlert } from "./ui/error-alert";
import { ErrorBoundary } from "./ui/error-boundary";
import { type Page, useHashRoute } from "./ui/hash-route";
import { SignIn } from "./ui/sign-in";
import { useDarkMode } from "./ui/theme";

const LibraryPage = lazy(() =>
  import("./library/library-page").then((module) => ({ default: module.LibraryPage })),
);
const DashboardPage = lazy(() =>
  import("./dashboard/dashboard-page").then((module) => ({ default: module.DashboardPage })),
);
const KeysPage = lazy(() => import("./keys/keys-page").then((module) => ({ default: module.KeysPage })));

type SessionState =
  | { state: "loading" }
  | { state: "signed-in"; session: Session }
  | { state: "needs-key"; message?: string }
  | { state: "failed"; error: unknown };

const titles: Record<Page, string> = { ask: "Ask", library: "Library", dashboard: "Dashboard", keys: "Keys" };

export function App() {
  const page = useHashRoute();
  const [dark, toggleDark] = useDarkMode();
  const [session, setSession] = useState<SessionState>({ state: "loading" });

  const check = useCallback(async () => {
    try {
      setSession({ state: "signed-in", session: await api<Session>("/api/v1/session") });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        if (storedKey()) storeKey(null);
        setSession({ state: "needs-key" });
      } else setSession({ state: "failed", error });
    }
  }, []);
  useEffect(() => {
    void check();
  }, [check]);
  useEffect(
    () =>
      onUnauthorized(() => {
        storeKey(null);
        setSession({ state: "needs-key", message: "The server no longer accepts this key; sign in again." });
      }),
    [],
  );
  useEffect(() => {
    document.title = `${titles[page]} · Verity`;
  }, [page]);

  const signedIn = session.state === "signed-in" ? session.session : null;
  const isAdmin =
    signedIn?.scopes.includes("admin") && signedIn.collections === "*" && signedIn.groups === "*";
  const signOut = () => {
    storeKey(null);
    setSession({ state: "loading" });
    void check();
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Verity</span>
        {signedIn ? (
          <nav aria-label="Main">
            <ul>
              {(["ask", "library", "dashboard", "keys"] as const)
                .filter((name) => name !== "keys" || isAdmin)
                .map((name) => (
                  <li key={name}>
                    <a href={`#/${name}`} aria-current={page === name ? "page" : undefined}>
                      {titles[name]}
                    </a>
                  </li>
                ))}
            </ul>
          </nav>
        ) : null}
        <div className="topbar-actions">
          {signedIn?.key ? <span className="who">{signedIn.key.name}</span> : null}
          <button type="button" aria-pressed={dark} onClick={toggleDark}>
            Dark mode
          </button>
          {signedIn?.keyRequired ? (
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {session.state === "loading" ? <p aria-live="polite">Loading…</p> : null}
        {session.state === "failed" ? (
          <ErrorAlert error={session.error} title="The server did not answer" />
        ) : null}
        {session.state === "needs-key" ? (
          <SignIn
            {...(session.message ? { notice: session.message } : {})}
            onSignedIn={(next) => setSession({ state: "signed-in", session: next })}
          />
        ) : null}
        {signedIn ? (
          <ErrorBoundary key={page}>
            <Suspense fallback={<p aria-live="polite">Loading…</p>}>
              {page === "ask" ? <AskPage /> : null}
              {page === "library" ? (
                <LibraryPage canWrite={signedIn.scopes.some((s) => s !== "read")} />
              ) : null}
              {page === "dashboard" ? <DashboardPage /> : null}
              {page === "keys" ? (
                isAdmin ? (
                  <KeysPage />
                ) : (
                  <div role="alert" className="alert">
                    Managing API keys needs an admin key that reads every collection and group.
                  </div>
                )
              ) : null}
            </Suspense>
          </ErrorBoundary>
        ) : null}
      </main>
    </div>
  );
}
