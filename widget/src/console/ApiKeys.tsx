// API keys for admins: the site owners' REST API (docs/api.md). A key is shown once, when it is
// created; afterwards only its prefix, scopes and last use. Revoking takes effect at once.
import type { ApiKeyBody, ApiKeyView, ApiScope } from '@baton/shared';
import { useEffect, useState } from 'preact/hooks';
import { adminApi } from './admin-api.js';

const SCOPES: Array<[ApiScope, string]> = [
  ['conversations:read', 'Read conversations and export them'],
  ['metrics:read', 'Read the handoff-quality metrics'],
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKeyView[]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>(['conversations:read']);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    const r = await adminApi<{ keys: ApiKeyView[] }>('GET', '/api-keys');
    if (r.ok) setKeys(r.keys);
    else setError(r.error.message);
  };
  useEffect(() => {
    void load();
  }, []);

  return (
    <section aria-label="API keys">
      <h2>API keys</h2>
      <p class="muted">
        For your own systems: <code>Authorization: Bearer bk_…</code> on <code>/api/v1</code> (see <a href="/api/openapi.json">the OpenAPI document</a>).
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {keys.length > 0 && (
        <table aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  {k.revokedAt ? (
                    `revoked ${when(k.revokedAt)}`
                  ) : (
                    <button
                      type="button"
                      aria-label={`Revoke ${k.name}`}
                      onClick={async () => {
                        if (!window.confirm(`Revoke "${k.name}"? Systems using it lose access at once.`)) return;
                        const r = await adminApi('DELETE', `/api-keys/${k.id}`);
                        setError(r.ok ? null : r.error.message);
                        void load();
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        class="invite"
        aria-label="Create an API key"
        onSubmit={async (ev) => {
          ev.preventDefault();
          const r = await adminApi<{ key: string; apiKey: ApiKeyView }>('POST', '/api-keys', { name: name.trim(), scopes } satisfies ApiKeyBody);
          if (r.ok) {
            setCreated({ name: r.apiKey.name, key: r.key });
            setName('');
            setError(null);
            void load();
          } else setError(r.error.message);
        }}
      >
        <input aria-label="Key name" placeholder="BI export" required maxLength={80} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        {SCOPES.map(([scope, label]) => (
          <label>
            <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => setScopes((e.target as HTMLInputElement).checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))} /> {label}
          </label>
        ))}
        <button type="submit" class="primary" disabled={scopes.length === 0 || !name.trim()}>
          Create key
        </button>
      </form>
      {created && (
        <p class="invite-link" aria-live="polite">
          Key for {created.name} (shown only now; copy it): <code>{created.key}</code>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.key)}>
            Copy
          </button>
        </p>
      )}
    </section>
  );
}
