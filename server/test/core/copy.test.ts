import { describe, expect, it } from 'vitest';
import { COPY_KEYS, copyCatalog, DEFAULT_TEXTS } from '../../src/core/copy.js';

describe('queue and handoff copy', () => {
  it('every situation has a chat and a voice line', () => {
    for (const key of COPY_KEYS) {
      expect(DEFAULT_TEXTS[key].chat.length, key).toBeGreaterThan(20);
      expect(DEFAULT_TEXTS[key].voice.length, key).toBeGreaterThan(20);
      // Voice is read aloud: no Markdown.
      expect(DEFAULT_TEXTS[key].voice, key).not.toMatch(/\*\*/);
    }
  });

  it('fills placeholders, picks the channel, and lets a site override single lines', () => {
    const chat = copyCatalog(undefined, 'chat');
    const voice = copyCatalog(undefined, 'voice');
    expect(chat.queued(3)).toContain('number 3 in line');
    expect(chat.queued(1)).toContain('next in line');
    expect(voice.agentJoined('Maria', 'Demo Shop')).toBe("You're now speaking with Maria from Demo Shop, who has the details you've shared so far.");
    expect(chat.unavailable('closed', 'Monday 09:00 (Europe/Berlin)')).toContain('back Monday 09:00 (Europe/Berlin)');
    expect(chat.replyLater('ada@example.com')).toContain('**ada@example.com**');
    const site = copyCatalog({ queued: { chat: 'Platz {position} — gleich geht es weiter.' }, agentJoined: { voice: '{agent} ist jetzt da.' } }, 'chat');
    expect(site.queued(2)).toBe('Platz 2 — gleich geht es weiter.');
    // Lines the site did not write, and channels it did not write, fall back to the defaults.
    expect(site.queued(1)).toContain('next in line');
    expect(site.agentJoined('Maria', 'Shop')).toContain('**Maria** from Shop joined');
    expect(copyCatalog({ agentJoined: { voice: '{agent} ist jetzt da.' } }, 'voice').agentJoined('Maria', 'Shop')).toBe('Maria ist jetzt da.');
  });
});
