// Default handoff copy (seed step 5): confirm the issue, explain the next step, reduce
// uncertainty. Sites override these through their playbook.
export interface CopyCatalog {
  queued(position: number): string;
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

export const DEFAULT_COPY: CopyCatalog = {
  queued: (position) =>
    position <= 1
      ? "You're next in line. A support specialist will join this chat — you can keep writing here in the meantime."
      : `You're number ${position} in line. A support specialist will join this chat — you can keep writing here in the meantime.`,
  agentJoined: (agentName, siteName) =>
    `**${agentName}** from ${siteName} joined the chat. They can see everything you've shared so far.`,
  handedBack: () => "You're back with the assistant. Everything you discussed with our team is still here.",
  resolved: () => 'This conversation was marked as resolved. If anything else comes up, just write here.',
  requeued: () =>
    "Your specialist had to step away, so you're back in the queue — the next available person will pick up right here, with everything you've shared.",
  transferred: (agentName) =>
    `I'm bringing in **${agentName}**, who is best placed to help with this. They can see the whole conversation, so there's no need to repeat anything.`,
  transferredToTeam: (team) =>
    `I'm passing this to our **${team}** team, who handle exactly this. You're at the front of their line, and they'll see the whole conversation — no need to repeat anything.`,
  unavailable: (kind, opensAt) =>
    kind === 'closed'
      ? `Our team is offline right now${opensAt ? ` and back ${opensAt}` : ''}. You can keep this chat open and wait, or choose **Reply later**: we'll answer right here in this chat — and by email if you leave one.`
      : kind === 'no_agents'
        ? "No one from our team is online right now. You can wait here, or choose **Reply later**: we'll answer right here in this chat — and by email if you leave one."
        : "Our team is busier than usual, so the wait may be long. You can wait here, or choose **Reply later**: we'll answer right here in this chat — and by email if you leave one.",
  replyLater: (email) =>
    email
      ? `Got it. We'll reply right here in this chat and send a copy to **${email}**. You can close this page — the conversation will be waiting when you come back.`
      : "Got it. We'll reply right here in this chat. You can close this page — the conversation will be waiting when you come back to this site.",
  requeuedSilent: () =>
    "Sorry for the silence — your specialist couldn't get back to you, so you're back in line and the next available person will continue right here, with everything you've shared.",
  botUnavailable: () =>
    "I couldn't finish that just now, so I'm handing this conversation to a support specialist. They'll see the details you already shared, so you won't need to repeat everything.",
};
