// Webhooks: signed, at-least-once, never lost. Each event becomes one delivery row per
// subscribed endpoint plus a durable job, written in the same transaction as the change that
// caused it (the outbox). Delivery retries with exponential backoff and jitter for 24 hours on any
// node; receivers dedupe by event id. Targets on private networks are refused unless allowed.
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { BatonError, type WebhookEvent } from '@baton/shared';
import type { Logger } from '../log.js';
import type { Meter } from '../observability.js';
import type { Store } from '../store/types.js';

/** Deliveries are retried this long; an endpoint failing this long is disabled. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Receivers should refuse signatures older than this (replay window). */
export const REPLAY_WINDOW_S = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` — the convention Stripe uses. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** Next attempt after `attempt` failures: 10 s, 20 s, 40 s … capped at one hour, ±50 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.5 + random()));
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::1', 128],
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['100::', 64],
  ['64:ff9b:1::', 48], // NAT64 for local use
  ['2001::', 32], // Teredo: the IPv4 inside is obfuscated
  ['2001:db8::', 32],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** An IPv6 address as its eight 16-bit words (a dotted IPv4 tail included). */
function words(address: string): number[] {
  let a = address.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array<string>(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t].map((w) => Number.parseInt(w, 16));
}

const ipv4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * An IPv6 address that carries an IPv4 one reaches that IPv4 host: IPv4-mapped (::ffff:a.b.c.d,
 * in any spelling), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
function embeddedIpv4(address: string): string | null {
  const w = words(address);
  if (w.length !== 8 || w.some((x) => !Number.isInteger(x))) return null;
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (w[5] === 0xffff || (w[5] === 0 && (w[6]! > 0 || w[7]! > 1)))) return ipv4Of(w[6]!, w[7]!);
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return ipv4Of(w[6]!, w[7]!);
  if (w[0] === 0x2002) return ipv4Of(w[1]!, w[2]!);
  return null;
}

function isPrivate(address: string): boolean {
  if (isIP(address) !== 6) return PRIVATE.check(address, 'ipv4');
  const inner = embeddedIpv4(address);
  return (inner !== null && PRIVATE.check(inner, 'ipv4')) || PRIVATE.check(address.replace(/%.*$/, ''), 'ipv6');
}

/** A host's addresses (the system resolver; tests pass their own). */
export type Resolve = (host: string) => Promise<string[]>;
const systemResolve: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/**
 * The address a delivery connects to is the address that was checked: the connection's own DNS
 * lookup refuses private answers, so a name that resolved to a public address when checked and
 * to 127.0.0.1 a moment later (DNS rebinding) never reaches the internal network.
 */
function guardedLookup(resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 4);
        if (addresses.some(isPrivate)) return callback(new Error(`${hostname} resolves to a private, loopback or link-local address; refused`), '', 4);
        if (options.all) return (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, addresses.map((address) => ({ address, family: isIP(address) })));
        callback(null, addresses[0]!, isIP(addresses[0]!));
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
    );
  };
}

/** One POST; resolves with the response status (the body is not read). */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, lookupFn: LookupFunction | undefined): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, ...(lookupFn ? { lookup: lookupFn } : {}), signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume(); // drain and discard: receivers answer with a status
      resolvePromise(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Refuses URLs that are not http(s) or that resolve to a private, loopback or link-local address. */
export async function assertDeliverable(url: string, allowPrivate: boolean, resolve: Resolve = systemResolve): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BatonError('bad_request', 'url: not a valid URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new BatonError('bad_request', 'url: must be http(s).');
  if (parsed.username || parsed.password) throw new BatonError('bad_request', 'url: credentials in the URL are not allowed; use the signature.');
  if (allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => []);
  if (addresses.length === 0) throw new BatonError('bad_request', 'url: the host does not resolve.');
  if (addresses.some(isPrivate)) throw new BatonError('bad_request', 'url: private, loopback and link-local addresses are not allowed.');
}

/** Writes one delivery (and its job) per subscribed endpoint — call inside the change's transaction. */
export async function publish(tx: Store, input: { siteId: string; type: WebhookEvent; data: unknown; at: string; newId: (p: string) => string }): Promise<void> {
  const endpoints = (await tx.listWebhookEndpoints(input.siteId)).filter((e) => e.active && e.events.includes(input.type));
  if (endpoints.length === 0) return;
  const eventId = input.newId('evt');
  const payload = JSON.stringify({ id: eventId, type: input.type, createdAt: input.at, data: input.data });
  for (const endpoint of endpoints) {
    const id = input.newId('whd');
    await tx.insertWebhookDelivery({ id, endpointId: endpoint.id, eventId, eventType: input.type, payload, status: 'pending', createdAt: input.at });
    await tx.scheduleJob({ id: `webhook:${id}`, kind: 'webhook', runAt: input.at, data: { deliveryId: id, endpointId: endpoint.id } });
  }
}

export class WebhookDeliverer {
  constructor(
    private readonly deps: { store: Store; clock: () => Date; logger: Logger; meter: Meter; allowPrivate: boolean; timeoutMs?: number; random?: () => number; resolve?: Resolve },
  ) {}

  /** One attempt. Never throws: a failure reschedules the same job (a new token) or gives up after the window. */
  async attempt(deliveryId: string): Promise<void> {
    const { store, clock, logger } = this.deps;
    const delivery = await store.getWebhookDelivery(deliveryId);
    if (!delivery || delivery.status === 'delivered' || delivery.status === 'dead') return;
    const endpoint = await store.getWebhookEndpoint(delivery.endpointId);
    if (!endpoint || !endpoint.active) return;
    const now = clock();
    const attempts = delivery.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const resolve = this.deps.resolve ?? systemResolve;
      await assertDeliverable(endpoint.url, this.deps.allowPrivate, resolve);
      // Redirects are not followed (a 3xx is a failure): they could point anywhere.
      status = await post(
        endpoint.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Baton-Webhooks/1',
          'baton-event-id': delivery.eventId,
          'baton-event-type': delivery.eventType,
          'baton-signature': signature(endpoint.secret, delivery.payload, Math.floor(now.getTime() / 1000)),
        },
        delivery.payload,
        this.deps.timeoutMs ?? 10_000,
        this.deps.allowPrivate ? undefined : guardedLookup(resolve),
      );
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message.slice(0, 300);
    }
    const at = now.toISOString();
    if (!error) {
      this.deps.meter.webhookDelivery('ok');
      await store.updateWebhookDelivery(delivery.id, { status: 'delivered', attempts, lastStatusCode: status, lastError: null, updatedAt: at });
      if (endpoint.failingSince) await store.updateWebhookEndpoint(endpoint.id, { failingSince: null });
      return;
    }
    this.deps.meter.webhookDelivery('failed');
    const failingSince = endpoint.failingSince ?? at;
    const expired = now.getTime() - Date.parse(delivery.retryFrom) >= RETRY_WINDOW_MS;
    await store.updateWebhookDelivery(delivery.id, { status: expired ? 'dead' : 'failed', attempts, lastStatusCode: status, lastError: error, updatedAt: at });
    if (!endpoint.failingSince) await store.updateWebhookEndpoint(endpoint.id, { failingSince });
    if (now.getTime() - Date.parse(failingSince) >= RETRY_WINDOW_MS) {
      // Failing for a day: disabled, and the admins are told (audit log, console).
      await store.updateWebhookEndpoint(endpoint.id, { active: false, disabledReason: `Failing since ${failingSince}: ${error}` });
      await store.recordAudit({ siteId: endpoint.siteId, actorId: 'system', action: 'webhook.disabled', target: endpoint.id, data: { failingSince, lastError: error }, at });
      logger.warn({ endpoint: endpoint.id, failingSince }, 'webhook endpoint disabled after failing for a day');
      return;
    }
    if (!expired) {
      await store.scheduleJob({ id: `webhook:${delivery.id}`, kind: 'webhook', runAt: new Date(now.getTime() + backoffMs(attempts, this.deps.random)).toISOString(), data: { deliveryId: delivery.id, endpointId: endpoint.id } });
    }
  }

  /** The admin's "Resend": a fresh attempt now, with a fresh 24-hour retry window. */
  async resend(deliveryId: string): Promise<void> {
    const { store, clock } = this.deps;
    const at = clock().toISOString();
    const delivery = await store.getWebhookDelivery(deliveryId);
    await store.updateWebhookDelivery(deliveryId, { status: 'pending', retryFrom: at, updatedAt: at });
    await store.scheduleJob({ id: `webhook:${deliveryId}`, kind: 'webhook', runAt: at, data: { deliveryId, ...(delivery ? { endpointId: delivery.endpointId } : {}) } });
  }

  /**
   * An endpoint turned back on: what it missed while it was off (pending or still failing, not
   * given up) goes out now, oldest first, each with a fresh window. Receivers dedupe by event id.
   */
  async resume(endpointId: string): Promise<number> {
    const PAGE = 500;
    for (let offset = 0; ; offset += PAGE) {
      const batch = await this.deps.store.undeliveredWebhookDeliveries(endpointId, PAGE, offset);
      for (const d of batch) await this.resend(d.id);
      if (batch.length < PAGE) return offset + batch.length;
    }
  }
}
