// The session token's cookie. Sessions themselves are a service (service/sessions.ts), re-exported
// here for the composition root, which imports them from this file.
export const SESSION_COOKIE = 'baton_session';
export { Sessions, SESSION_TTL_MS } from '../service/sessions.js';
