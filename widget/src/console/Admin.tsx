// Admin: the team (invite with a set-password link shown once, roles, teams, capacity,
// deactivate) and the site's settings (routing, capacity, hours, appearance, canned responses).
import type { AdminAgent, AgentPatchBody, AgentRole, AuditEntry, InviteInput, SitePatchBody } from '@baton/shared';
import { useEffect, useState } from 'preact/hooks';
import { adminApi as api } from './admin-api.js';
import { ApiKeys } from './ApiKeys.js';
import { Webhooks } from './Webhooks.js';

/** The settings the site form reads and sends (the site's own, as PATCH /api/admin/site takes them). */
type SiteSettings = NonNullable<SitePatchBody['settings']>;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hoursText = (h: SiteSettings['businessHours']) =>
  h ? DAYS.filter((d) => h.weekly[d]?.length).map((d) => `${d} ${h.weekly[d]!.map(([a, b]) => `${a}-${b}`).join(',')}`).join('\n') : '';
function parseHours(timeZone: string, text: string): SiteSettings['businessHours'] {
  if (!timeZone.trim() && !text.trim()) return null;
  const weekly: Record<string, Array<[string, string]>> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [day = '', spans = ''] = line.split(/\s+/, 2);
    weekly[day.toLowerCase()] = spans.split(',').map((s) => s.split('-') as [string, string]);
  }
  return { timeZone: timeZone.trim(), weekly };
}

/** "shortcut: text" per line; a line without the colon is refused, never guessed at. */
export function parseCanned(text: string): { ok: true; canned: Array<{ shortcut: string; body: string }> } | { ok: false; error: string } {
  const canned: Array<{ shortcut: string; body: string }> = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    const shortcut = colon < 0 ? '' : line.slice(0, colon).trim().replace(/^\//, '');
    const body = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (!shortcut || !body) return { ok: false, error: `Canned responses, line ${i + 1}: write it as "shortcut: text" (got "${line.slice(0, 60)}").` };
    canned.push({ shortcut, body });
  }
  return { ok: true, canned };
}

const ORIGIN = /^https?:\/\/[^/\s]+$/;
/** One origin per line; a trailing slash is dropped, anything else that is not an origin is refused. */
export function parseOrigins(text: string): { ok: true; origins: string[] } | { ok: false; error: string } {
  const origins: string[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim().replace(/\/+$/, '');
    if (!line) continue;
    if (!ORIGIN.test(line)) return { ok: false, error: `Allowed origins, line ${i + 1}: "${line.slice(0, 80)}" is not an origin such as https://shop.example or http://localhost:*.` };
    if (!origins.includes(line)) origins.push(line);
  }
  return { ok: true, origins };
}

export function Admin() {
  const [agents, setAgents] = useState<AdminAgent[]>([]);
  const [settings, setSettings] = useState<SiteSettings>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ email: string; name: string; role: AgentRole; teams: string }>({ email: '', name: '', role: 'agent', teams: '' });
  const [link, setLink] = useState<string | null>(null);
  const [zone, setZone] = useState('');
  const [hours, setHours] = useState('');
  const [canned, setCanned] = useState('');
  const [origins, setOrigins] = useState('');
  const [audit, setAudit] = useState<AuditEntry[]>([]);

  async function load() {
    const [a, s, log] = await Promise.all([
      api<{ agents: AdminAgent[] }>('GET', '/agents'),
      api<{ site: { settings: SiteSettings; allowedOrigins: string[] } }>('GET', '/site'),
      api<{ entries: AuditEntry[] }>('GET', '/audit'),
    ]);
    if (a.ok) setAgents(a.agents);
    if (log.ok) setAudit(log.entries.slice(0, 50));
    if (s.ok) {
      setSettings(s.site.settings);
      setOrigins(s.site.allowedOrigins.join('\n'));
      setZone(s.site.settings.businessHours?.timeZone ?? '');
      setHours(hoursText(s.site.settings.businessHours));
      setCanned((s.site.settings.cannedResponses ?? []).map((c) => `${c.shortcut}: ${c.body}`).join('\n'));
    }
  }
  useEffect(() => {
    void load();
  }, []);

  const done = (r: { ok: boolean; error?: { message: string } }, ok: string) => {
    if (r.ok) {
      setMessage(ok);
      setError(null);
    } else {
      setError(r.error?.message ?? 'Failed.');
      setMessage(null);
    }
    return r.ok;
  };

  async function sendInvite(e: Event) {
    e.preventDefault();
    const teams = invite.teams.split(',').map((t) => t.trim()).filter(Boolean);
    const r = await api<{ setPasswordUrl: string }>('POST', '/agents', { email: invite.email, name: invite.name, role: invite.role, teams } satisfies InviteInput);
    if (done(r, `Invited ${invite.name}.`) && r.ok) {
      setLink(r.setPasswordUrl);
      setInvite({ email: '', name: '', role: 'agent', teams: '' });
      void load();
    }
  }

  async function patchAgent(id: string, patch: AgentPatchBody) {
    const r = await api('PATCH', `/agents/${id}`, patch);
    if (done(r, 'Saved.')) void load();
  }

  async function saveSettings(e: Event) {
    e.preventDefault();
    const cannedResponses = parseCanned(canned);
    const allowedOrigins = parseOrigins(origins);
    // Refused before anything is sent: the server would take neither half of a bad form.
    if (!allowedOrigins.ok) return void done({ ok: false, error: { message: allowedOrigins.error } }, '');
    if (!cannedResponses.ok) return void done({ ok: false, error: { message: cannedResponses.error } }, '');
    const r = await api<{ site: { allowedOrigins: string[] } }>('PATCH', '/site', {
      allowedOrigins: allowedOrigins.origins,
      settings: {
        routing: settings.routing ?? 'pick',
        agentCapacity: Number(settings.agentCapacity ?? 3),
        agentSilentSeconds: Number(settings.agentSilentSeconds ?? 180),
        maxWaiting: Number(settings.maxWaiting ?? 10),
        ...(settings.color ? { color: settings.color } : {}),
        ...(settings.greeting !== undefined ? { greeting: settings.greeting } : {}),
        ...(settings.launcherLabel !== undefined ? { launcherLabel: settings.launcherLabel } : {}),
        position: settings.position ?? 'right',
        businessHours: parseHours(zone, hours),
        cannedResponses: cannedResponses.canned,
      },
    } satisfies SitePatchBody);
    if (done(r, 'Settings saved.') && r.ok) setOrigins(r.site.allowedOrigins.join('\n'));
  }

  const set = (k: keyof SiteSettings, v: unknown) => setSettings({ ...settings, [k]: v });
  return (
    <section class="admin" aria-label="Team and settings">
      <h2>Team</h2>
      {message && <p class="ok" role="status">{message}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <table aria-label="Agents">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Teams</th>
            <th>Capacity</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr class={a.active ? '' : 'inactive'}>
              <td>{a.name}</td>
              <td>{a.email}</td>
              <td>
                <select aria-label={`Role of ${a.name}`} value={a.role} onChange={(e) => patchAgent(a.id, { role: (e.target as HTMLSelectElement).value as AgentRole })}>
                  <option value="agent">agent</option>
                  <option value="admin">admin</option>
                </select>
              </td>
              <td>{a.teams.join(', ') || '—'}</td>
              <td>{a.capacity ?? 'site default'}</td>
              <td>{a.active ? a.presence : 'deactivated'}</td>
              <td>
                <button type="button" onClick={() => patchAgent(a.id, { active: !a.active })}>
                  {a.active ? 'Deactivate' : 'Reactivate'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="invite" aria-label="Invite an agent" onSubmit={sendInvite}>
        <input aria-label="Invite email" type="email" placeholder="Email" required value={invite.email} onInput={(e) => setInvite({ ...invite, email: (e.target as HTMLInputElement).value })} />
        <input aria-label="Invite name" placeholder="Name" required value={invite.name} onInput={(e) => setInvite({ ...invite, name: (e.target as HTMLInputElement).value })} />
        <select aria-label="Invite role" value={invite.role} onChange={(e) => setInvite({ ...invite, role: (e.target as HTMLSelectElement).value as AgentRole })}>
          <option value="agent">agent</option>
          <option value="admin">admin</option>
        </select>
        <input aria-label="Invite teams" placeholder="Teams (comma-separated)" value={invite.teams} onInput={(e) => setInvite({ ...invite, teams: (e.target as HTMLInputElement).value })} />
        <button type="submit" class="primary">
          Invite
        </button>
      </form>
      {link && (
        <p class="invite-link">
          Send this link to the new agent; it is shown only now and works once, for 72 hours: <code>{link}</code>
        </p>
      )}

      <h2>Site settings</h2>
      <form class="settings" aria-label="Site settings" onSubmit={saveSettings}>
        <label>
          Routing
          <select value={settings.routing ?? 'pick'} onChange={(e) => set('routing', (e.target as HTMLSelectElement).value)}>
            <option value="pick">Agents pick from the queue</option>
            <option value="auto">Auto-assign (least busy, round-robin, teams)</option>
          </select>
        </label>
        <label>
          Conversations per agent
          <input type="number" min={1} max={50} value={settings.agentCapacity ?? 3} onInput={(e) => set('agentCapacity', Number((e.target as HTMLInputElement).value))} />
        </label>
        <label>
          Silent agent timeout (seconds)
          <input type="number" min={30} value={settings.agentSilentSeconds ?? 180} onInput={(e) => set('agentSilentSeconds', Number((e.target as HTMLInputElement).value))} />
        </label>
        <label>
          Offer a reply later when this many wait
          <input type="number" min={0} value={settings.maxWaiting ?? 10} onInput={(e) => set('maxWaiting', Number((e.target as HTMLInputElement).value))} />
        </label>
        <label>
          Colour
          <input type="color" value={settings.color ?? '#4f46e5'} onInput={(e) => set('color', (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Greeting
          <input value={settings.greeting ?? ''} maxLength={300} onInput={(e) => set('greeting', (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Launcher label (empty: icon only)
          <input value={settings.launcherLabel ?? ''} maxLength={40} onInput={(e) => set('launcherLabel', (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Launcher side
          <select value={settings.position ?? 'right'} onChange={(e) => set('position', (e.target as HTMLSelectElement).value)}>
            <option value="right">Right</option>
            <option value="left">Left</option>
          </select>
        </label>
        <label>
          Business hours time zone (empty: always open)
          <input placeholder="Europe/Berlin" value={zone} onInput={(e) => setZone((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Opening hours, one day per line
          <textarea rows={4} placeholder={'mon 09:00-17:00\ntue 09:00-12:00,13:00-17:00'} value={hours} onInput={(e) => setHours((e.target as HTMLTextAreaElement).value)} />
        </label>
        <label>
          Allowed origins: pages where the chat may run, one per line (https://shop.example, http://localhost:*)
          <textarea rows={3} value={origins} onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)} />
        </label>
        <label>
          Canned responses, one per line as "shortcut: text"
          <textarea rows={5} value={canned} onInput={(e) => setCanned((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" class="primary">
          Save settings
        </button>
      </form>

      <Webhooks />

      <ApiKeys />

      <h2>Audit log</h2>
      <table aria-label="Audit log">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>On</th>
          </tr>
        </thead>
        <tbody>
          {audit.map((e) => (
            <tr>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{agents.find((a) => a.id === e.actorId)?.name ?? e.actorId}</td>
              <td>{e.action}</td>
              <td>{e.target ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
