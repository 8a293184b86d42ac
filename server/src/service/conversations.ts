// The conversation service: what happens when a visitor or an agent acts, and what the durable
// jobs do later. A facade over the modules in ./conversation/, one per kind of work, which share
// one context (dependencies and this node's bookkeeping). Transports, app.ts and tests call this.
import * as agent from './conversation/agent.js';
import { createContext, type Ctx, type ServiceDeps, settled, type Timing } from './conversation/context.js';
import * as lifecycle from './conversation/lifecycle.js';
import * as agentPresence from './conversation/agent-presence.js';
import * as queue from './conversation/queue.js';
import * as visitor from './conversation/visitor.js';
import * as voice from './conversation/voice.js';

export { DEFAULT_TIMING, type Notifier, type Presence, type ServiceDeps, type Timers, type Timing, type VisitorContext } from './conversation/context.js';
export type { PendingReplies } from './conversation/lifecycle.js';

/** A module function's arguments after the context. */
type Args<F> = F extends (ctx: Ctx, ...rest: infer R) => unknown ? R : never;

export class ConversationService {
  private readonly ctx: Ctx;
  readonly timing: Timing;

  constructor(deps: ServiceDeps) {
    this.ctx = createContext(deps);
    this.timing = this.ctx.timing;
  }

  /** Resolves when every bot turn has finished and no queue update is still owed (tests, shutdown). */
  idle(): Promise<void> {
    return settled(this.ctx.shared);
  }

  // visitors
  resume(...a: Args<typeof visitor.resume>) { return visitor.resume(this.ctx, ...a); }
  visitorSend(...a: Args<typeof visitor.visitorSend>) { return visitor.visitorSend(this.ctx, ...a); }
  replyLater(...a: Args<typeof visitor.replyLater>) { return visitor.replyLater(this.ctx, ...a); }
  visitorLeft(...a: Args<typeof visitor.visitorLeft>) { return visitor.visitorLeft(this.ctx, ...a); }
  identify(...a: Args<typeof visitor.identify>) { return visitor.identify(this.ctx, ...a); }
  rate(...a: Args<typeof visitor.rate>) { return visitor.rate(this.ctx, ...a); }
  visitorTyping(...a: Args<typeof visitor.visitorTyping>) { return visitor.visitorTyping(this.ctx, ...a); }

  // agents
  queue(...a: Args<typeof agent.queue>) { return agent.queue(this.ctx, ...a); }
  open(...a: Args<typeof agent.open>) { return agent.open(this.ctx, ...a); }
  claim(...a: Args<typeof agent.claim>) { return agent.claim(this.ctx, ...a); }
  agentSend(...a: Args<typeof agent.agentSend>) { return agent.agentSend(this.ctx, ...a); }
  handBack(...a: Args<typeof agent.handBack>) { return agent.handBack(this.ctx, ...a); }
  resolve(...a: Args<typeof agent.resolve>) { return agent.resolve(this.ctx, ...a); }
  transfer(...a: Args<typeof agent.transfer>) { return agent.transfer(this.ctx, ...a); }
  verdict(...a: Args<typeof agent.verdict>) { return agent.verdict(this.ctx, ...a); }
  markRepeated(...a: Args<typeof agent.markRepeated>) { return agent.markRepeated(this.ctx, ...a); }
  addNote(...a: Args<typeof agent.addNote>) { return agent.addNote(this.ctx, ...a); }
  markRead(...a: Args<typeof agent.markRead>) { return agent.markRead(this.ctx, ...a); }
  agentTyping(...a: Args<typeof agent.agentTyping>) { return agent.agentTyping(this.ctx, ...a); }

  // voice
  visitorVoiceMode(...a: Args<typeof voice.visitorVoiceMode>) { return voice.visitorVoiceMode(this.ctx, ...a); }
  openConversationOf(...a: Args<typeof voice.openConversationOf>) { return voice.openConversationOf(this.ctx, ...a); }
  joinCall(...a: Args<typeof voice.joinCall>) { return voice.joinCall(this.ctx, ...a); }
  agentSignal(...a: Args<typeof voice.agentSignal>) { return voice.agentSignal(this.ctx, ...a); }
  visitorSignal(...a: Args<typeof voice.visitorSignal>) { return voice.visitorSignal(this.ctx, ...a); }

  // agents' presence
  agents(...a: Args<typeof agentPresence.agents>) { return agentPresence.agents(this.ctx, ...a); }
  setPresence(...a: Args<typeof agentPresence.setPresence>) { return agentPresence.setPresence(this.ctx, ...a); }
  agentConnected(...a: Args<typeof agentPresence.agentConnected>) { return agentPresence.agentConnected(this.ctx, ...a); }
  agentDisconnected(...a: Args<typeof agentPresence.agentDisconnected>) { return agentPresence.agentDisconnected(this.ctx, ...a); }

  // the queue
  route(...a: Args<typeof queue.route>) { return queue.route(this.ctx, ...a); }
  queueMoved(...a: Args<typeof queue.queueMoved>) { return queue.queueMoved(this.ctx, ...a); }

  // jobs
  agentGone(...a: Args<typeof agentPresence.agentGone>) { return agentPresence.agentGone(this.ctx, ...a); }
  abandonIfGone(...a: Args<typeof lifecycle.abandonIfGone>) { return lifecycle.abandonIfGone(this.ctx, ...a); }
  agentSilent(...a: Args<typeof lifecycle.agentSilent>) { return lifecycle.agentSilent(this.ctx, ...a); }
  replyEmail(...a: Args<typeof lifecycle.replyEmail>) { return lifecycle.replyEmail(this.ctx, ...a); }
  replyEmailed(...a: Args<typeof lifecycle.replyEmailed>) { return lifecycle.replyEmailed(this.ctx, ...a); }
  contactToConfirm(...a: Args<typeof lifecycle.contactToConfirm>) { return lifecycle.contactToConfirm(this.ctx, ...a); }
  confirmContact(...a: Args<typeof lifecycle.confirmContact>) { return lifecycle.confirmContact(this.ctx, ...a); }
  applyRetention(...a: Args<typeof lifecycle.applyRetention>) { return lifecycle.applyRetention(this.ctx, ...a); }
  closeIdle(...a: Args<typeof lifecycle.closeIdle>) { return lifecycle.closeIdle(this.ctx, ...a); }
}
