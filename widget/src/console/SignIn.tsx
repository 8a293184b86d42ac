import type { Agent } from '@baton/shared';
import { useState } from 'preact/hooks';

export function SignIn({ onSignedIn }: { onSignedIn: (agent: Agent) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/agent/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ email, password }),
      });
      const body = (await res.json()) as { ok: boolean; agent?: Agent; error?: { message: string } };
      if (body.ok && body.agent) onSignedIn(body.agent);
      else setError(body.error?.message ?? 'Sign-in failed.');
    } catch {
      setError('The server cannot be reached. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <form class="card" onSubmit={submit}>
        <h1>Baton console</h1>
        <p class="muted">Sign in to answer visitors.</p>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

/** /console/set-password#TOKEN: from an invitation or a reset link an admin created. */
export function SetPassword({ token, onDone }: { token: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const res = await fetch('/api/agent/set-password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password }) });
      const body = (await res.json()) as { ok: boolean; error?: { message: string } };
      if (body.ok) setDone(true);
      else setError(body.error?.message ?? 'Could not set the password.');
    } catch {
      setError('The server cannot be reached. Check your connection and try again.');
    }
  }
  return (
    <main class="signin">
      <form class="card" onSubmit={submit}>
        <h1>Choose your password</h1>
        {done ? (
          <>
            <p>Your password is set.</p>
            <button type="button" class="primary" onClick={onDone}>
              Go to sign in
            </button>
          </>
        ) : (
          <>
            <label>
              New password
              <input type="password" autoComplete="new-password" minLength={10} required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
            </label>
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="primary">
              Set password
            </button>
          </>
        )}
      </form>
    </main>
  );
}
