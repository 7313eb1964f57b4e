// Keys (admin): who may read what. Create a key (its secret shown once), see every key's scopes,
// collections and groups, and revoke one after confirming.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { api } from "../api/client";
import type { ApiKey, Reach, Scope } from "../api/types";
import { ConfirmButton } from "../ui/confirm-button";
import { ErrorAlert } from "../ui/error-alert";

/** "*" for everything, else a list from a comma-separated field (empty: `empty`). */
export function reachField(value: string, empty: Reach): Reach {
  const trimmed = value.trim();
  if (trimmed === "*") return "*";
  const list = trimmed
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return list.length === 0 ? empty : list;
}

const showReach = (reach: Reach, none: string) =>
  reach === "*" ? "all" : reach.length === 0 ? none : reach.join(", ");
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "–");

export function KeysPage() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [collections, setCollections] = useState("*");
  const [groups, setGroups] = useState("");
  const [expires, setExpires] = useState("");
  const [createError, setCreateError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState("");
  const [revokeError, setRevokeError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setKeys((await api<{ keys: ApiKey[] }>("/api/v1/keys")).keys);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const toggleScope = (scope: Scope) =>
    setScopes((current) =>
      current.includes(scope) ? current.filter((entry) => entry !== scope) : [...current, scope],
    );

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreateError(null);
    setCopied("");
    try {
      const body = await api<{ key: ApiKey; secret: string }>("/api/v1/keys", {
        body: {
          name: name.trim(),
          scopes,
          collections: reachField(collections, "*"),
          groups: reachField(groups, []),
          ...(expires.trim() ? { expires: expires.trim() } : {}),
        },
      });
      setCreated({ name: body.key.name, secret: body.secret });
      setName("");
      await load();
    } catch (failure) {
      setCreateError(failure);
    }
  };

  const revoke = async (key: ApiKey) => {
    setRevokeError(null);
    try {
      await api(`/api/v1/keys/${encodeURIComponent(key.id)}`, { method: "DELETE" });
      await load();
    } catch (failure) {
      setRevokeError(failure);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied("Copied.");
    } catch {
      setCopied("The browser refused the clipboard; select the key and copy it.");
    }
  };

  return (
    <section aria-labelledby="keys-title" className="keys">
      <h1 id="keys-title">Keys</h1>
      <form className="card" aria-label="Create key" onSubmit={create}>
        <h2>Create key</h2>
        <div className="row">
          <div className="field">
            <label htmlFor="key-name">Name</label>
            <input
              id="key-name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              required
              maxLength={100}
            />
          </div>
          <fieldset>
            <legend>Scopes</legend>
            {(["read", "write", "admin"] as const).map((scope) => (
              <label key={scope} className="check">
                <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggleScope(scope)} />
                {scope}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="key-collections">Collections</label>
            <input
              id="key-collections"
              value={collections}
              onChange={(event) => setCollections(event.target.value)}
              aria-describedby="key-collections-help"
            />
            <small id="key-collections-help">* for all, or names separated by commas</small>
          </div>
          <div className="field">
            <label htmlFor="key-groups">Groups</label>
            <input
              id="key-groups"
              value={groups}
              onChange={(event) => setGroups(event.target.value)}
              aria-describedby="key-groups-help"
            />
            <small id="key-groups-help">Empty: only documents without groups; * for every group</small>
          </div>
          <div className="field">
            <label htmlFor="key-expires">Expires</label>
            <input
              id="key-expires"
              value={expires}
              onChange={(event) => setExpires(event.target.value)}
              placeholder="90d, 12h or 2027-01-31"
              aria-describedby="key-expires-help"
            />
            <small id="key-expires-help">Empty: never</small>
          </div>
        </div>
        <button type="submit" disabled={scopes.length === 0}>
          Create
        </button>
        <ErrorAlert error={createError} title="The key was not created" />
      </form>
      {created ? (
        <section aria-label="New key" className="card new-key">
          <h2>New key for {created.name}</h2>
          <p>This is the only time the key is shown. Copy it now and keep it somewhere safe.</p>
          <code className="secret">{created.secret}</code>
          <div className="row">
            <button type="button" onClick={copy}>
              Copy
            </button>
            <span role="status">{copied}</span>
          </div>
        </section>
      ) : null}
      <ErrorAlert error={error} title="Keys could not be listed" />
      <ErrorAlert error={revokeError} title="The key was not revoked" />
      <div className="table-scroll">
        <table aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scopes</th>
              <th scope="col">Collections</th>
              <th scope="col">Groups</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys?.map((key) => (
              <tr key={key.id}>
                <td title={key.id}>{key.name}</td>
                <td>{key.scopes.join(", ")}</td>
                <td>{showReach(key.collections, "none")}</td>
                <td>{showReach(key.groups, "none (ungrouped documents only)")}</td>
                <td>{day(key.createdAt)}</td>
                <td>{key.expiresAt ? day(key.expiresAt) : "never"}</td>
                <td>{day(key.lastUsedAt)}</td>
                <td>
                  {key.revokedAt ? (
                    `revoked ${day(key.revokedAt)}`
                  ) : (
                    <ConfirmButton
                      label={`Revoke ${key.name}`}
                      confirmLabel="Confirm revoke"
                      onConfirm={() => void revoke(key)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
