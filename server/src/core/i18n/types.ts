// The shape of one language's lines: the server's notices (queue, wait, offline, reply later)
// and the bot's own lines (handoff copy per trigger, the topic question, the "are you sure" question).
import { COPY_KEYS, type CopyKey, type Trigger } from '@baton/shared';

export type Channel = 'chat' | 'voice';
export type Variant = Record<Channel, string>;

export { COPY_KEYS, type CopyKey };

export interface BotTexts {
  /** The handoff line when a person takes over live, and per trigger. */
  escalate: Variant;
  escalateByTrigger: Record<Trigger, Variant>;
  /** Asked once when nothing was recognised. */
  clarifyTopic: Variant;
  topicOptions: string[];
  actionFailed: Variant;
  /** "Source" before a cited article's title. */
  source: string;
  /** Asked once when the reading is uncertain: should a person take over? */
  unsure: Variant;
  /** The two quick replies to that question: yes (a person), no (keep going with the bot). */
  unsureOptions: [string, string];
}

export interface LanguageTexts {
  /** {position}, {agent}, {site}, {team}, {opensAt}, {email} are filled in. */
  notices: Record<CopyKey, Variant>;
  bot: BotTexts;
}
