// Every string the visitor sees, in one catalog per language.
export const catalogs = {
  en: {
    openChat: 'Open chat',
    closeChat: 'Close chat',
    message: 'Message',
    send: 'Send',
    placeholder: 'Write a message…',
    you: 'You',
    visitor: 'Visitor',
    bot: 'Assistant',
    sending: 'Sending…',
    notSent: 'Not sent',
    transcript: 'Conversation',
    online: 'We typically reply in a few minutes',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting… your messages are kept and sent when we are back.',
    unavailable: 'Chat is unavailable on this page.',
    queuedFirst: "You're next in line for a specialist",
    queued: (n: number) => `You're number ${n} in line for a specialist`,
    withAgent: (name: string) => `You're chatting with ${name}`,
    withBot: 'Automated assistant — a person can take over any time',
    resolved: 'This conversation is resolved',
    typing: (name: string) => `${name} is typing…`,
  },
  de: {
    openChat: 'Chat öffnen',
    closeChat: 'Chat schließen',
    message: 'Nachricht',
    send: 'Senden',
    placeholder: 'Nachricht schreiben…',
    you: 'Sie',
    visitor: 'Besucher',
    bot: 'Assistent',
    sending: 'Wird gesendet…',
    notSent: 'Nicht gesendet',
    transcript: 'Unterhaltung',
    online: 'Wir antworten meist innerhalb weniger Minuten',
    connecting: 'Verbinde…',
    reconnecting: 'Verbindung wird wiederhergestellt… Ihre Nachrichten bleiben erhalten.',
    unavailable: 'Der Chat ist auf dieser Seite nicht verfügbar.',
    queuedFirst: 'Sie sind als Nächstes an der Reihe',
    queued: (n: number) => `Sie sind Nummer ${n} in der Warteschlange`,
    withAgent: (name: string) => `Sie chatten mit ${name}`,
    withBot: 'Automatischer Assistent — eine Person kann jederzeit übernehmen',
    resolved: 'Diese Unterhaltung ist abgeschlossen',
    typing: (name: string) => `${name} schreibt…`,
  },
};

export type Strings = (typeof catalogs)['en'];

export function pickLocale(requested: string | null | undefined): Strings {
  const lang = (requested ?? '').toLowerCase().slice(0, 2);
  return lang === 'de' ? catalogs.de : catalogs.en;
}
