// English: the lines every other language translates.
import type { LanguageTexts } from './types.js';

const LATER = "we'll answer right here in this chat — and by email if you leave one.";

export const en: LanguageTexts = {
  notices: {
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
  callBack: {
    chat: "Got it. We'll call you back on **{phone}** as soon as someone is free, and reply here too.",
    voice: "Got it. We'll call you back on {phone} as soon as someone is free.",
  },
  replyLaterEmail: {
    chat: "Got it. We'll reply right here in this chat and send a copy to **{email}**. You can close this page — the conversation will be waiting when you come back.",
    voice: "Got it. We'll get back to you, and send a copy to {email}.",
  },
    escalatedLater: {
      chat: "I've captured the issue and passed this conversation to our team, with everything you've shared — you won't need to repeat it.",
      voice: "I've passed your case to our team, with everything you've told me.",
    },
    escalatedLaterUrgent: {
      chat: "I'm sorry this is happening. I've noted everything you said and passed it to our team, marked urgent — you won't need to explain it again.",
      voice: "I'm sorry this is happening. I've passed everything you said to our team, marked urgent.",
    },
  },
  bot: {
    escalate: {
      chat: "I've captured the issue and I'm handing this conversation to a support specialist now. They'll see the details you already shared, so you won't need to repeat everything.",
      voice: "I'm transferring you to a team member who can help with this case. I'll pass along the details we've already covered so the next person can continue from here.",
    },
    escalateByTrigger: {
      visitor_request: {
        chat: "Of course — I'm bringing in a person from our team now. They'll see everything you've shared, so you won't need to repeat it.",
        voice: "Of course. I'm transferring you to a person from our team and passing along what you've told me.",
      },
      emotional_urgency: {
        chat: "I'm sorry this is happening. I've noted everything you said and I'm getting a person from our team into this chat right away — you won't need to explain it again.",
        voice: "I'm sorry this is happening. I'm getting a person from our team on the line right away and passing along everything you said.",
      },
      accuracy_risk: {
        chat: "This needs someone who can check the details and decide, so I'm handing this conversation to a support specialist now. They'll see what you've shared, so you won't need to repeat it.",
        voice: "This needs someone who can check the details and decide, so I'm transferring you to a specialist with what you've told me.",
      },
      high_value_intent: {
        chat: "That's something our sales team handles personally. I'm bringing in a specialist now — they'll see what you've told me, so you can pick up right where we are.",
        voice: "Our sales team handles this personally. I'm connecting you now and passing along what you've told me.",
      },
      workflow_failure: {
        chat: "I couldn't complete that myself, so I'm handing this conversation to a support specialist. They'll see what we tried and the details you shared, so you won't need to repeat them.",
        voice: "I couldn't complete that myself, so I'm transferring you to a specialist and passing along what we tried.",
      },
    },
    clarifyTopic: {
      chat: "I want to get this right. Which of these is it about? If none fits, describe it in a sentence and I'll bring in a person if I can't help.",
      voice: 'I want to get this right. Is it about an order, shipping, a return, payment, or your account?',
    },
    topicOptions: ['Order status', 'Shipping', 'Returns', 'Payment', 'My account'],
    actionFailed: { chat: "I couldn't look that up just now.", voice: "I couldn't look that up just now." },
    source: 'Source',
    unsure: {
      chat: 'I want to make sure I understand: would you like a person from our team to take over, or shall I keep helping?',
      voice: 'Would you like a person from our team to take over, or shall I keep helping?',
    },
    unsureOptions: ['Talk to a person', 'Keep chatting here'],
  },
};
