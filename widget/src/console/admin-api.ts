// Calls to the admin API from the console (the session cookie authenticates them).
export type AdminResult<T> = ({ ok: true } & T) | { ok: false; error: { message: string } };

export async function adminApi<T>(method: string, path: string, body?: unknown): Promise<AdminResult<T>> {
  try {
    const res = await fetch(`/api/admin${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as AdminResult<T>;
  } catch {
    return { ok: false, error: { message: 'The server cannot be reached.' } };
  }
}
