// Queue and handoff copy (seed step 5): confirm the issue, explain the next step, reduce
// uncertainty — for chat and for voice. Defaults ship here; a site overrides any line in its
// settings (`copy: { queued: { chat, voice }, … }`), with {placeholders} filled in.
import { en } from './i18n/en.js';
import { textsFor } from './i18n/index.js';
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
  /** The visitor asked to be called back (voice, nobody could join the call live). */
  callBack(phone: string): string;
  requeuedSilent(): string;
  /** The handoff line when nobody can answer live: no promise of "now". */
  escalatedLater(urgent: boolean): string;
}

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

/**
 * The catalog for one site, channel and visitor language: the site's lines where it has them
 * (written in English, so for English-speaking visitors), else Baton's lines in that language.
 */
export function copyCatalog(overrides: CopyOverrides | undefined, channel: Channel = 'chat', language = 'en'): CopyCatalog {
  const texts = textsFor(language).notices;
  const own = language === 'en' ? overrides : undefined;
  const t = (key: CopyKey, values: Record<string, string | number> = {}) => fill(own?.[key]?.[channel] || texts[key][channel], values);
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
    callBack: (phone) => t('callBack', { phone }),
    escalatedLater: (urgent) => (urgent ? t('escalatedLaterUrgent') : t('escalatedLater')),
  };
}

export const DEFAULT_COPY: CopyCatalog = copyCatalog(undefined, 'chat');
