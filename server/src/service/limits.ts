// Abuse controls with rate-limiter-flexible: in memory on one node, in Redis when REDIS_URL is
// set so limits hold across nodes. A limit that trips answers `rate_limited` with retryAfterMs.
import { BatonError } from '@baton/shared';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LimitRule {
  /** Requests allowed per window. */
  points: number;
  /** Window in seconds. */
  duration: number;
  /** When exceeded, blocked for this many seconds (defaults to the rest of the window). */
  blockDuration?: number;
}

export interface LimitRules {
  /** Messages per visitor. */
  visitorMessage: LimitRule;
  /** New conversations per client IP. */
  conversationPerIp: LimitRule;
  /** New conversations per site (a flood from many IPs). */
  conversationPerSite: LimitRule;
  /** identify calls per visitor. */
  identify: LimitRule;
  /** Failed sign-ins per account (then locked for a while). */
  loginPerAccount: LimitRule;
  /** Sign-in attempts per IP. */
  loginPerIp: LimitRule;
  /** New visitors (connections without a visitor token) per client IP. */
  visitorPerIp: LimitRule;
  /** Other visitor requests (typing, resume, rating, reply-later) per visitor. */
  visitorEvent: LimitRule;
  /** Open visitor connections per client IP on one node (a count, not a rate: only `points` is read). */
  socketsPerIp: LimitRule;
  /** Image decoding per visitor, in millions of pixels (an upload costs what it asks the decoder to do). */
  imageMegapixels: LimitRule;
  /** Seconds of speech transcribed per speaker (a visitor, or an agent on a call). */
  voiceSeconds: LimitRule;
  /** Messages read aloud per visitor. */
  voiceSpeak: LimitRule;
}

export const DEFAULT_LIMITS: LimitRules = {
  visitorMessage: { points: 12, duration: 10 },
  conversationPerIp: { points: 60, duration: 3600 },
  conversationPerSite: { points: 600, duration: 60 },
  identify: { points: 10, duration: 60 },
  loginPerAccount: { points: 5, duration: 900, blockDuration: 900 },
  loginPerIp: { points: 50, duration: 900 },
  visitorPerIp: { points: 60, duration: 60 },
  visitorEvent: { points: 40, duration: 10 },
  socketsPerIp: { points: 200, duration: 1 },
  imageMegapixels: { points: 100, duration: 60 },
  voiceSeconds: { points: 120, duration: 60 },
  voiceSpeak: { points: 40, duration: 60 },
};

const MESSAGES: Record<keyof LimitRules, string> = {
  visitorMessage: "You're sending messages very quickly. Your message is kept and will be sent in a moment.",
  conversationPerIp: 'Too many new conversations from this network. Please try again later.',
  conversationPerSite: 'The chat is very busy right now. Please try again in a minute.',
  identify: 'Too many sign-in updates. Please try again in a minute.',
  loginPerAccount: 'Too many failed sign-ins. This account is locked for a while; try again later.',
  loginPerIp: 'Too many sign-in attempts from this network. Please try again later.',
  visitorPerIp: 'Too many new chats from this network. Please try again later.',
  visitorEvent: 'Too many requests. Please slow down.',
  socketsPerIp: 'Too many open chats from this network.',
  imageMegapixels: "You're sending many large images. Please wait a minute before the next one.",
  voiceSeconds: "You've talked a lot in the last minute. Please wait a moment, or type.",
  voiceSpeak: 'Too many messages read aloud. Please wait a moment.',
};

export class Limits {
  private readonly limiters: Record<keyof LimitRules, RateLimiterAbstract>;
  private readonly rules: LimitRules;
  /** Open visitor connections per IP on this node. */
  private readonly open = new Map<string, number>();

  constructor(
    rules: Partial<LimitRules> = {},
    private readonly redis?: Redis | null,
    /** Keeps one cluster's counters apart from another's on a shared Redis. */
    private readonly namespace = 'baton',
  ) {
    const all = { ...DEFAULT_LIMITS, ...rules };
    this.rules = all;
    this.limiters = Object.fromEntries(
      Object.entries(all).map(([name, rule]) => {
        const opts = { keyPrefix: `${namespace}:rl:${name}`, points: rule.points, duration: rule.duration, ...(rule.blockDuration ? { blockDuration: rule.blockDuration } : {}) };
        return [name, this.limiter(opts)];
      }),
    ) as Record<keyof LimitRules, RateLimiterAbstract>;
  }

  /** Redis-backed (shared by every node) with an in-memory stand-in while Redis is unreachable. */
  private limiter(opts: { keyPrefix: string; points: number; duration: number; blockDuration?: number }): RateLimiterAbstract {
    if (!this.redis) return new RateLimiterMemory(opts);
    return new RateLimiterRedis({ storeClient: this.redis, ...opts, insuranceLimiter: new RateLimiterMemory(opts) });
  }

  /** Takes one point; throws `rate_limited` when the limit is exceeded. */
  async consume(name: keyof LimitRules, key: string, points = 1): Promise<void> {
    try {
      await this.limiters[name].consume(key, points);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        throw new BatonError('rate_limited', MESSAGES[name], { retryAfterMs: Math.max(1, Math.round(error.msBeforeNext)) });
      }
      throw error; // neither Redis nor the in-memory stand-in answered: surfaces as internal, never as a silent pass
    }
  }

  /** Refuses without taking a point when the key is already over (locked accounts). */
  async check(name: keyof LimitRules, key: string): Promise<void> {
    const res = await this.limiters[name].get(key);
    const limiter = this.limiters[name];
    if (res && res.consumedPoints >= limiter.points) {
      throw new BatonError('rate_limited', MESSAGES[name], { retryAfterMs: Math.max(1, Math.round(res.msBeforeNext)) });
    }
  }

  private readonly custom = new Map<string, RateLimiterAbstract>();

  private customLimiter(name: keyof LimitRules, rule: LimitRule): RateLimiterAbstract {
    const id = `${name}:${rule.points}:${rule.duration}`;
    let limiter = this.custom.get(id);
    if (!limiter) {
      const opts = { keyPrefix: `${this.namespace}:rl:${id}`, points: rule.points, duration: rule.duration };
      limiter = this.limiter(opts);
      this.custom.set(id, limiter);
    }
    return limiter;
  }

  /** A site's own limit (e.g. visitor messages per 10 s from its settings). */
  async consumeWith(name: keyof LimitRules, key: string, rule: LimitRule): Promise<void> {
    const limiter = this.customLimiter(name, rule);
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new BatonError('rate_limited', MESSAGES[name], { retryAfterMs: Math.max(1, Math.round(error.msBeforeNext)) });
      throw error;
    }
  }

  /** Gives back a point taken by consume (or consumeWith, given the same rule): the request turned out not to count. */
  async refund(name: keyof LimitRules, key: string, rule?: LimitRule): Promise<void> {
    await (rule ? this.customLimiter(name, rule) : this.limiters[name]).reward(key, 1);
  }

  async reset(name: keyof LimitRules, key: string): Promise<void> {
    await this.limiters[name].delete(key);
  }

  /** Takes one of an address's open connections on this node; the returned function gives it back. */
  openSocket(ip: string): () => void {
    const count = this.open.get(ip) ?? 0;
    if (count >= this.rules.socketsPerIp.points) throw new BatonError('rate_limited', MESSAGES.socketsPerIp, { retryAfterMs: 10_000 });
    this.open.set(ip, count + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.open.get(ip) ?? 1) - 1;
      if (left > 0) this.open.set(ip, left);
      else this.open.delete(ip);
    };
  }
}
