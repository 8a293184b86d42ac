// The console's session cookie (the sessions themselves are service/sessions.ts).
export const SESSION_COOKIE = 'baton_session';
