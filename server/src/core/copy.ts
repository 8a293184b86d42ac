// Queue and handoff copy (seed step 5): confirm the issue, explain the next step, reduce
// uncertainty — for chat and for voice. Defaults ship here; a site overrides any line in its
// settings (`copy: { queued: { chat, voice }, … }`), with {placeholders} filled in.
import { en } from './i18n/en.js';
import { type Channel, COPY_KEYS, type CopyKey } from './i18n/types.js';

export { type Channel, COPY_KEYS, type CopyKey };
export type CopyOverrides = Partial<Record<CopyKey, { chat?: string; voice?: string }>>;
export const DEFAULT_TEXTS = en.notices;
export interface CopyCatalog {
  /** `live`: someone can answer live; otherwise the line says they will answer when available. */
  queued(position: number, live?: boolean): string;
  agentJoined(agentName: string, siteName: string): string;
  handedBack(): string;
  resolved(): string;
  requeued(): string;
  botUnavailable(): string;
  transferred(agentName: string): string;
  transferredToTeam(team: string): string;
  /** Said before the visitor waits, when nobody can answer live. */
  unavailable(kind: 'no_agents' | 'busy' | 'closed', opensAt: string | null): string;
  replyLater(email: string | null): string;
  requeuedSilent(): string;
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

/** The catalog for one site and channel: the site's lines where it has them, else the defaults. */
export function copyCatalog(overrides: CopyOverrides | undefined, channel: Channel = 'chat'): CopyCatalog {
  const t = (key: CopyKey, values: Record<string, string | number> = {}) => fill(overrides?.[key]?.[channel] || DEFAULT_TEXTS[key][channel], values);
  return {
    queued: (position, live = true) =>
      live ? (position <= 1 ? t('queuedFirst') : t('queued', { position })) : position <= 1 ? t('queuedLaterFirst') : t('queuedLater', { position }),
    agentJoined: (agent, site) => t('agentJoined', { agent, site }),
    handedBack: () => t('handedBack'),
    resolved: () => t('resolved'),
    requeued: () => t('requeued'),
    requeuedSilent: () => t('requeuedSilent'),
    botUnavailable: () => t('botUnavailable'),
    transferred: (agent) => t('transferred', { agent }),
    transferredToTeam: (team) => t('transferredToTeam', { team }),
    unavailable: (kind, opensAt) =>
      kind === 'closed' ? (opensAt ? t('unavailableClosedUntil', { opensAt }) : t('unavailableClosed')) : kind === 'no_agents' ? t('unavailableNoAgents') : t('unavailableBusy'),
    replyLater: (email) => (email ? t('replyLaterEmail', { email }) : t('replyLater')),
  };
}

export const DEFAULT_COPY: CopyCatalog = copyCatalog(undefined, 'chat');
