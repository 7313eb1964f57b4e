// Sign-in with an API key: checked against the server before it is kept (in sessionStorage, so it
// goes when the tab closes); a refused key shows the server's reason.
import { type FormEvent, useState } from "react";
import { api, storeKey } from "../api/client";
import type { Session } from "../api/types";
import { ErrorAlert } from "./error-alert";

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const trimmed = key.trim();
      const session = await api<Session>("/api/v1/session", { key: trimmed });
      storeKey(trimmed);
      onSignedIn(session);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p>This server needs an API key. Ask an admin for one (verity keys create).</p>
      {notice ? <p className="notice">{notice}</p> : null}
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="current-password"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          required
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorAlert error={error} />
    </section>
  );
}
