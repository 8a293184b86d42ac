// Webhooks for admins: endpoints (the signing secret is shown once), their delivery log, Resend.
import type { WebhookBody, WebhookDeliveryView, WebhookEndpointView, WebhookEvent } from '@baton/shared';
import { useEffect, useState } from 'preact/hooks';
import { adminApi } from './admin-api.js';

const EVENTS: WebhookEvent[] = ['conversation.created', 'conversation.escalated', 'conversation.assigned', 'message.created', 'conversation.resolved', 'csat.submitted'];

const call = <T,>(method: string, path: string, body?: unknown) => adminApi<T>(method, `/webhooks${path}`, body);

export function Webhooks() {
  const [endpoints, setEndpoints] = useState<WebhookEndpointView[]>([]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['conversation.escalated']);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [log, setLog] = useState<{ id: string; deliveries: WebhookDeliveryView[] } | null>(null);

  const load = async () => {
    const r = await call<{ webhooks: WebhookEndpointView[] }>('GET', '');
    if (r.ok) setEndpoints(r.webhooks);
  };
  useEffect(() => {
    void load();
  }, []);
  const showLog = async (id: string) => {
    const r = await call<{ deliveries: WebhookDeliveryView[] }>('GET', `/${id}/deliveries`);
    if (r.ok) setLog({ id, deliveries: r.deliveries });
  };

  return (
    <section aria-label="Webhooks">
      <h2>Webhooks</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="webhooks">
        {endpoints.map((e) => (
          <li>
            <code>{e.url}</code> — {e.events.join(', ')} — {e.active ? (e.failingSince ? `failing since ${new Date(e.failingSince).toLocaleString()}` : 'active') : `disabled${e.disabledReason ? `: ${e.disabledReason}` : ''}`}{' '}
            <button type="button" onClick={() => showLog(e.id)}>
              Deliveries
            </button>{' '}
            <button
              type="button"
              onClick={async () => {
                const r = await call('PATCH', `/${e.id}`, { active: !e.active });
                if (!r.ok) setError(r.error.message);
                void load();
              }}
            >
              {e.active ? 'Disable' : 'Enable'}
            </button>
          </li>
        ))}
      </ul>
      <form
        class="invite"
        aria-label="Add a webhook"
        onSubmit={async (ev) => {
          ev.preventDefault();
          const r = await call<{ secret: string }>('POST', '', { url, events } satisfies WebhookBody);
          if (r.ok) {
            setSecret(r.secret);
            setUrl('');
            setError(null);
            void load();
          } else setError(r.error.message);
        }}
      >
        <input aria-label="Webhook URL" type="url" placeholder="https://example.com/baton" required value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
        {EVENTS.map((name) => (
          <label>
            <input type="checkbox" checked={events.includes(name)} onChange={(e) => setEvents((e.target as HTMLInputElement).checked ? [...events, name] : events.filter((x) => x !== name))} /> {name}
          </label>
        ))}
        <button type="submit" class="primary" disabled={events.length === 0}>
          Add webhook
        </button>
      </form>
      {secret && (
        <p class="invite-link">
          Signing secret (shown only now): <code>{secret}</code>
        </p>
      )}
      {log && (
        <table aria-label="Deliveries">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Response</th>
              <th>When</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {log.deliveries.map((d) => (
              <tr>
                <td>{d.type}</td>
                <td>{d.status}</td>
                <td>{d.attempts}</td>
                <td>{d.lastStatusCode ?? d.lastError ?? ''}</td>
                <td>{new Date(d.updatedAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    onClick={async () => {
                      await call('POST', `/${log.id}/deliveries/${d.id}/resend`);
                      void showLog(log.id);
                    }}
                  >
                    Resend
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
