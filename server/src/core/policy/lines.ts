// What the bot says, in the visitor's language: the site's own lines in that language where the
// playbook has them, the site's lines when the visitor speaks the playbook's language, and
// Baton's translations of its default lines otherwise.
import type { Trigger } from '@baton/shared';
import { textsFor } from '../i18n/index.js';
import type { Channel } from '../i18n/types.js';
import type { Playbook, PlaybookAction } from './playbook.js';

export interface Lines {
  language: string;
  escalate(trigger: Trigger, channel: Channel): string;
  clarifyTopic(channel: Channel): string;
  topicOptions: string[];
  ask(detail: string): string;
  action(name: string): PlaybookAction | undefined;
  source: string;
  unsure(channel: Channel): string;
  unsureOptions: [string, string];
}

export function linesFor(playbook: Playbook, language: string): Lines {
  const own = language === playbook.language;
  const pack = own ? undefined : playbook.languages[language as keyof Playbook['languages']];
  const builtin = textsFor(own ? playbook.language : language).bot;
  const copy = own ? playbook.copy : { ...pack?.copy };
  return {
    language,
    // The site's line for the trigger, its general line, then Baton's own for the trigger.
    escalate: (trigger, channel) => (copy.escalateByTrigger?.[trigger] ?? copy.escalate ?? builtin.escalateByTrigger[trigger])[channel],
    clarifyTopic: (channel) => (copy.clarifyTopic ?? builtin.clarifyTopic)[channel],
    topicOptions: copy.topicOptions ?? (own ? playbook.copy.topicOptions : builtin.topicOptions),
    ask: (detail) => pack?.details[detail] ?? playbook.details[detail]?.ask ?? detail,
    action: (name) => {
      const action = playbook.actions[name];
      const translatedAction = pack?.actions[name];
      return action && translatedAction ? { ...action, ...translatedAction } : action;
    },
    source: builtin.source,
    unsure: (channel) => builtin.unsure[channel],
    unsureOptions: builtin.unsureOptions,
  };
}
