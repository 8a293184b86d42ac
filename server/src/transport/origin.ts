// Which pages may act as the console: the console's own origin only, that is PUBLIC_URL's origin
// or the scheme and Host the request itself came to. A browser always names the page in Origin
// on cross-site requests and WebSocket handshakes, so a foreign page riding on an agent's cookie
// is refused here (cross-site WebSocket hijacking, CSRF). Clients without an Origin (servers,
// scripts) are not browsers and authenticate on their own.
import proxyaddr from 'proxy-addr';

export interface ConsoleOrigins {
  /** True when `origin` is the console's own, for a request to `host` over `protocol`. */
  allowed(origin: string, host: string | undefined, protocol: string): boolean;
  /** The scheme a socket handshake came in over: X-Forwarded-Proto from a trusted proxy, else the connection's. */
  socketProtocol(handshake: { headers: Record<string, string | string[] | undefined>; address: string; secure: boolean }): string;
}

export function consoleOrigins(options: { publicUrl?: string | undefined; trustProxy: string[] }): ConsoleOrigins {
  const own = options.publicUrl ? new URL(options.publicUrl).origin : null;
  const trust = proxyaddr.compile(options.trustProxy);
  return {
    allowed(origin, host, protocol) {
      if (own && origin === own) return true;
      return Boolean(host) && origin === `${protocol}://${host}`;
    },
    socketProtocol({ headers, address, secure }) {
      const forwarded = headers['x-forwarded-proto'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first && (first === 'http' || first === 'https') && trust(address, 0)) return first;
      return secure ? 'https' : 'http';
    },
  };
}
