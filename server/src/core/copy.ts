// Default handoff copy (seed step 5): confirm the issue, explain the next step, reduce
// uncertainty. Sites override these through their playbook.
export interface CopyCatalog {
  queued(position: number): string;
  agentJoined(agentName: string, siteName: string): string;
  handedBack(): string;
  resolved(): string;
  requeued(): string;
  botUnavailable(): string;
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
  botUnavailable: () =>
    "I couldn't finish that just now, so I'm handing this conversation to a support specialist. They'll see the details you already shared, so you won't need to repeat everything.",
};
