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
    rateTitle: 'How did we do?',
    rate: 'Rate this conversation',
    stars: (n: number) => `${n} out of 5`,
    comment: 'Add a comment (optional)',
    thanks: 'Thank you for your feedback!',
    newMessageTitle: 'New message',
    delivered: 'Delivered',
    read: 'Read',
    waitRange: (low: number, high: number) => `about ${low}–${high} minutes`,
    waitSoon: 'a specialist should join in about a minute',
    waitUnknown: "we can't estimate the wait yet — we'll reply right here",
    noAgents: "No one from our team is online right now. Leave your message — we'll reply right here.",
    busy: 'Our team is busier than usual — the wait may be long.',
    slowDown: "You're typing faster than we can send — your messages are kept and go out in a moment.",
    attach: 'Attach file',
    retryUpload: (name: string) => `Try sending ${name} again`,
    uploading: (name: string, pct: number) => `Sending ${name}… ${pct}%`,
    closedUntil: (when: string) => `Our team is offline until ${when}. We'll reply right here.`,
    closedNow: "Our team is offline right now. We'll reply right here.",
    replyLaterOffer: 'You can keep waiting here, or get a reply later in this chat — and by email if you like.',
    replyLater: 'Reply later',
    email: 'Email (optional)',
    replyLaterChosen: (email: string | null) => (email ? `We'll reply here and email ${email}` : "We'll reply right here — you can close this page"),
    talkToPerson: 'Talk to a person',
    askedForPerson: "I'd like to talk to a person.",
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
    rateTitle: 'Wie war unsere Hilfe?',
    rate: 'Diese Unterhaltung bewerten',
    stars: (n: number) => `${n} von 5`,
    comment: 'Kommentar hinzufügen (optional)',
    thanks: 'Danke für Ihr Feedback!',
    newMessageTitle: 'Neue Nachricht',
    delivered: 'Zugestellt',
    read: 'Gelesen',
    waitRange: (low: number, high: number) => `etwa ${low}–${high} Minuten`,
    waitSoon: 'gleich meldet sich jemand aus unserem Team',
    waitUnknown: 'die Wartezeit können wir noch nicht schätzen — wir antworten hier',
    noAgents: 'Gerade ist niemand aus unserem Team online. Schreiben Sie uns — wir antworten hier.',
    busy: 'Unser Team ist gerade stark ausgelastet — die Wartezeit kann länger sein.',
    slowDown: 'Sie schreiben schneller, als wir senden können — Ihre Nachrichten bleiben erhalten und gehen gleich raus.',
    attach: 'Datei anhängen',
    retryUpload: (name: string) => `${name} erneut senden`,
    uploading: (name: string, pct: number) => `${name} wird gesendet… ${pct} %`,
    closedUntil: (when: string) => `Unser Team ist bis ${when} offline. Wir antworten hier.`,
    closedNow: 'Unser Team ist gerade offline. Wir antworten hier.',
    replyLaterOffer: 'Sie können hier warten oder später eine Antwort in diesem Chat erhalten — auf Wunsch auch per E-Mail.',
    replyLater: 'Später antworten',
    email: 'E-Mail (optional)',
    replyLaterChosen: (email: string | null) => (email ? `Wir antworten hier und per E-Mail an ${email}` : 'Wir antworten hier — Sie können die Seite schließen'),
    talkToPerson: 'Mit einer Person sprechen',
    askedForPerson: 'Ich möchte mit einer Person sprechen.',
  },
};

export type Strings = (typeof catalogs)['en'];

/** Languages whose catalog is a chunk of its own, loaded only for a visitor who needs it. */
const MORE = new Set(['fr', 'es', 'it', 'pt', 'nl', 'pl']);

/** The catalog at hand: English or German now; for another language, English until `loadLocale` brings it. */
export function pickLocale(requested: string | null | undefined): Strings {
  const lang = (requested ?? '').toLowerCase().slice(0, 2);
  return lang === 'de' ? catalogs.de : catalogs.en;
}

/** The catalog of one of the other languages, loaded on demand; null for English and German. */
export async function loadLocale(requested: string | null | undefined): Promise<Strings | null> {
  const lang = (requested ?? '').toLowerCase().slice(0, 2);
  if (!MORE.has(lang)) return null;
  const { more } = await import('./i18n-more.js');
  return more[lang as keyof typeof more];
}
