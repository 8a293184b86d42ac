// Queue and handoff copy (seed step 5): confirm the issue, explain the next step, reduce
// uncertainty — for chat and for voice. Defaults ship here; a site overrides any line in its
// settings (`copy: { queued: { chat, voice }, … }`), with {placeholders} filled in.
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

export type Channel = 'chat' | 'voice';
export const COPY_KEYS = [
  'queued',
  'queuedFirst',
  'queuedLater',
  'queuedLaterFirst',
  'agentJoined',
  'handedBack',
  'resolved',
  'requeued',
  'requeuedSilent',
  'botUnavailable',
  'transferred',
  'transferredToTeam',
  'unavailableNoAgents',
  'unavailableBusy',
  'unavailableClosed',
  'unavailableClosedUntil',
  'replyLater',
  'replyLaterEmail',
] as const;
export type CopyKey = (typeof COPY_KEYS)[number];
export type CopyOverrides = Partial<Record<CopyKey, { chat?: string; voice?: string }>>;

const LATER = "we'll answer right here in this chat — and by email if you leave one.";

/** {position}, {agent}, {site}, {team}, {opensAt}, {email} are filled in. */
export const DEFAULT_TEXTS: Record<CopyKey, Record<Channel, string>> = {
  queued: {
    chat: "You're number {position} in line. A support specialist will join this chat — you can keep writing here in the meantime.",
    voice: "You're number {position} in line. Please stay on the line; a specialist will be with you shortly.",
  },
  queuedFirst: {
    chat: "You're next in line. A support specialist will join this chat — you can keep writing here in the meantime.",
    voice: "You're next in line. Please stay on the line; a specialist will be with you in a moment.",
  },
  queuedLater: {
    chat: "You're number {position} in line. As soon as someone from our team is available, they'll answer right here, with everything you've shared.",
    voice: "You're number {position} in line. The next person available will have everything you've shared.",
  },
  queuedLaterFirst: {
    chat: "You're next in line. As soon as someone from our team is available, they'll answer right here, with everything you've shared.",
    voice: "You're next in line. The next person available will have everything you've shared.",
  },
  agentJoined: {
    chat: '**{agent}** from {site} joined the chat. They can see everything you\'ve shared so far.',
    voice: "You're now speaking with {agent} from {site}, who has the details you've shared so far.",
  },
  handedBack: {
    chat: "You're back with the assistant. Everything you discussed with our team is still here.",
    voice: "You're back with the automated assistant. Everything you discussed with our team has been kept.",
  },
  resolved: {
    chat: 'This conversation was marked as resolved. If anything else comes up, just write here.',
    voice: 'This call is marked as resolved. Thank you for calling.',
  },
  requeued: {
    chat: "Your specialist had to step away, so you're back in the queue — the next available person will pick up right here, with everything you've shared.",
    voice: 'Your specialist had to step away. The next available person will continue with everything you have shared.',
  },
  requeuedSilent: {
    chat: "Sorry for the silence — your specialist couldn't get back to you, so you're back in line and the next available person will continue right here, with everything you've shared.",
    voice: "Sorry for the wait — your specialist couldn't get back to you, so I'm passing you to the next available person with everything you've shared.",
  },
  botUnavailable: {
    chat: "I couldn't finish that just now, so I'm handing this conversation to a support specialist. They'll see the details you already shared, so you won't need to repeat everything.",
    voice: "I couldn't finish that just now, so I'm transferring you to a specialist and passing along what you've told me.",
  },
  transferred: {
    chat: "I'm bringing in **{agent}**, who is best placed to help with this. They can see the whole conversation, so there's no need to repeat anything.",
    voice: "I'm transferring you to {agent}, who is best placed to help and has the details of this call.",
  },
  transferredToTeam: {
    chat: "I'm passing this to our **{team}** team, who handle exactly this. You're at the front of their line, and they'll see the whole conversation — no need to repeat anything.",
    voice: "I'm transferring you to our {team} team, who handle exactly this. You're at the front of their line.",
  },
  unavailableNoAgents: {
    chat: `No one from our team is online right now. You can wait here, or choose **Reply later**: ${LATER}`,
    voice: 'No one from our team is available right now. You can hold, or we can call you back.',
  },
  unavailableBusy: {
    chat: `Our team is busier than usual, so the wait may be long. You can wait here, or choose **Reply later**: ${LATER}`,
    voice: 'Our team is busier than usual, so the wait may be long. You can hold, or we can call you back.',
  },
  unavailableClosed: {
    chat: `Our team is offline right now. You can keep this chat open and wait, or choose **Reply later**: ${LATER}`,
    voice: 'Our team is offline right now. Please leave a message and we will call you back.',
  },
  unavailableClosedUntil: {
    chat: `Our team is offline right now and back {opensAt}. You can keep this chat open and wait, or choose **Reply later**: ${LATER}`,
    voice: 'Our team is offline right now and back {opensAt}. Please leave a message and we will call you back.',
  },
  replyLater: {
    chat: "Got it. We'll reply right here in this chat. You can close this page — the conversation will be waiting when you come back to this site.",
    voice: "Got it. We'll get back to you as soon as someone is available.",
  },
  replyLaterEmail: {
    chat: "Got it. We'll reply right here in this chat and send a copy to **{email}**. You can close this page — the conversation will be waiting when you come back.",
    voice: "Got it. We'll get back to you, and send a copy to {email}.",
  },
};

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
