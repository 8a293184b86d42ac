import type { LanguageTexts } from './types.js';

const LATER = 'wir antworten hier im Chat — und per E-Mail, wenn Sie eine Adresse hinterlassen.';

export const de: LanguageTexts = {
  notices: {
    queued: { chat: 'Sie sind Nummer {position} in der Warteschlange. Eine Person aus unserem Team kommt in diesen Chat — Sie können hier inzwischen weiterschreiben.', voice: 'Sie sind Nummer {position} in der Warteschlange. Bitte bleiben Sie dran, gleich ist jemand für Sie da.' },
    queuedFirst: { chat: 'Sie sind als Nächstes dran. Eine Person aus unserem Team kommt in diesen Chat — Sie können hier inzwischen weiterschreiben.', voice: 'Sie sind als Nächstes dran. Bitte bleiben Sie dran, gleich ist jemand für Sie da.' },
    queuedLater: { chat: 'Sie sind Nummer {position} in der Warteschlange. Sobald jemand aus unserem Team frei ist, antwortet er hier — mit allem, was Sie schon geschrieben haben.', voice: 'Sie sind Nummer {position} in der Warteschlange. Die nächste freie Person hat alles, was Sie gesagt haben.' },
    queuedLaterFirst: { chat: 'Sie sind als Nächstes dran. Sobald jemand aus unserem Team frei ist, antwortet er hier — mit allem, was Sie schon geschrieben haben.', voice: 'Sie sind als Nächstes dran. Die nächste freie Person hat alles, was Sie gesagt haben.' },
    agentJoined: { chat: '**{agent}** von {site} ist jetzt im Chat und sieht alles, was Sie bisher geschrieben haben.', voice: 'Sie sprechen jetzt mit {agent} von {site}, der alle Ihre bisherigen Angaben hat.' },
    handedBack: { chat: 'Sie sind wieder beim Assistenten. Alles, was Sie mit unserem Team besprochen haben, steht weiter hier.', voice: 'Sie sind wieder beim automatischen Assistenten. Alles Besprochene bleibt erhalten.' },
    resolved: { chat: 'Diese Unterhaltung ist als gelöst markiert. Wenn noch etwas ist, schreiben Sie einfach hier.', voice: 'Dieser Anruf ist als gelöst markiert. Danke für Ihren Anruf.' },
    requeued: { chat: 'Ihre Ansprechperson musste kurz weg, Sie sind wieder in der Warteschlange — die nächste freie Person macht hier weiter, mit allem, was Sie geschrieben haben.', voice: 'Ihre Ansprechperson musste kurz weg. Die nächste freie Person macht mit allen Ihren Angaben weiter.' },
    requeuedSilent: { chat: 'Entschuldigen Sie die Stille — Ihre Ansprechperson konnte nicht antworten. Sie sind wieder in der Warteschlange, und die nächste freie Person macht hier weiter.', voice: 'Entschuldigen Sie die Wartezeit — ich gebe Sie mit allen Angaben an die nächste freie Person weiter.' },
    botUnavailable: { chat: 'Das konnte ich gerade nicht abschließen, deshalb übergebe ich an eine Person aus unserem Team. Sie sieht, was Sie schon geschrieben haben — Sie müssen nichts wiederholen.', voice: 'Das konnte ich gerade nicht abschließen. Ich verbinde Sie mit einer Person aus unserem Team und gebe Ihre Angaben weiter.' },
    transferred: { chat: 'Ich hole **{agent}** dazu, der Ihnen hier am besten helfen kann und die ganze Unterhaltung sieht — Sie müssen nichts wiederholen.', voice: 'Ich verbinde Sie mit {agent}, der Ihnen am besten helfen kann und Ihre Angaben hat.' },
    transferredToTeam: { chat: 'Ich gebe das an unser Team **{team}** weiter, das genau dafür zuständig ist. Sie stehen dort ganz vorn und das Team sieht die ganze Unterhaltung.', voice: 'Ich verbinde Sie mit unserem Team {team}, das genau dafür zuständig ist. Sie stehen dort ganz vorn.' },
    unavailableNoAgents: { chat: `Gerade ist niemand aus unserem Team online. Sie können hier warten oder **Später antworten** wählen: ${LATER}`, voice: 'Gerade ist niemand aus unserem Team erreichbar. Sie können warten, oder wir rufen Sie zurück.' },
    unavailableBusy: { chat: `Unser Team ist gerade stärker ausgelastet, die Wartezeit kann lang sein. Sie können hier warten oder **Später antworten** wählen: ${LATER}`, voice: 'Unser Team ist gerade stark ausgelastet, die Wartezeit kann lang sein. Sie können warten, oder wir rufen Sie zurück.' },
    unavailableClosed: { chat: `Unser Team ist gerade nicht erreichbar. Sie können den Chat offen lassen und warten oder **Später antworten** wählen: ${LATER}`, voice: 'Unser Team ist gerade nicht erreichbar. Bitte hinterlassen Sie eine Nachricht, wir rufen zurück.' },
    unavailableClosedUntil: { chat: `Unser Team ist gerade nicht erreichbar und wieder da {opensAt}. Sie können den Chat offen lassen und warten oder **Später antworten** wählen: ${LATER}`, voice: 'Unser Team ist gerade nicht erreichbar und wieder da {opensAt}. Bitte hinterlassen Sie eine Nachricht, wir rufen zurück.' },
    replyLater: { chat: 'Alles klar. Wir antworten hier im Chat. Sie können die Seite schließen — die Unterhaltung wartet auf Sie, wenn Sie wiederkommen.', voice: 'Alles klar. Wir melden uns, sobald jemand frei ist.' },
    callBack: { chat: 'Alles klar. Wir rufen Sie unter **{phone}** zurück, sobald jemand frei ist, und antworten auch hier.', voice: 'Alles klar. Wir rufen Sie unter {phone} zurück, sobald jemand frei ist.' },
    replyLaterEmail: { chat: 'Alles klar. Wir antworten hier im Chat und schicken eine Kopie an **{email}**. Sie können die Seite schließen.', voice: 'Alles klar. Wir melden uns und schicken eine Kopie an {email}.' },
    escalatedLater: { chat: 'Ich habe Ihr Anliegen erfasst und an unser Team übergeben, mit allem, was Sie geschrieben haben — Sie müssen nichts wiederholen.', voice: 'Ich habe Ihr Anliegen mit allen Angaben an unser Team übergeben.' },
    escalatedLaterUrgent: { chat: 'Es tut mir leid, dass das passiert. Ich habe alles notiert und als dringend an unser Team übergeben — Sie müssen nichts noch einmal erklären.', voice: 'Es tut mir leid, dass das passiert. Ich habe alles als dringend an unser Team übergeben.' },
  },
  bot: {
    escalate: { chat: 'Ich habe Ihr Anliegen erfasst und übergebe diese Unterhaltung jetzt an eine Person aus unserem Team. Sie sieht alles, was Sie geschrieben haben — Sie müssen nichts wiederholen.', voice: 'Ich verbinde Sie mit jemandem aus unserem Team und gebe alles weiter, was wir besprochen haben.' },
    escalateByTrigger: {
      visitor_request: { chat: 'Gern — ich hole jetzt eine Person aus unserem Team dazu. Sie sieht alles, was Sie geschrieben haben.', voice: 'Gern. Ich verbinde Sie mit einer Person aus unserem Team und gebe Ihre Angaben weiter.' },
      emotional_urgency: { chat: 'Es tut mir leid, dass das passiert. Ich habe alles notiert und hole sofort eine Person aus unserem Team in diesen Chat — Sie müssen nichts noch einmal erklären.', voice: 'Es tut mir leid, dass das passiert. Ich hole sofort jemanden aus unserem Team dazu und gebe alles weiter.' },
      accuracy_risk: { chat: 'Das muss jemand prüfen und entscheiden, deshalb übergebe ich jetzt an eine Person aus unserem Team. Sie sieht, was Sie geschrieben haben.', voice: 'Das muss jemand prüfen und entscheiden. Ich verbinde Sie mit einer Person aus unserem Team.' },
      high_value_intent: { chat: 'Darum kümmert sich unser Vertrieb persönlich. Ich hole jetzt jemanden dazu — er sieht, was Sie mir geschrieben haben.', voice: 'Darum kümmert sich unser Vertrieb persönlich. Ich verbinde Sie jetzt.' },
      workflow_failure: { chat: 'Das konnte ich nicht selbst erledigen, deshalb übergebe ich an eine Person aus unserem Team. Sie sieht, was wir versucht haben — Sie müssen nichts wiederholen.', voice: 'Das konnte ich nicht selbst erledigen. Ich verbinde Sie mit jemandem aus unserem Team.' },
    },
    clarifyTopic: { chat: 'Ich möchte Ihnen richtig helfen. Worum geht es? Wenn nichts passt, beschreiben Sie es kurz — und ich hole eine Person dazu, falls ich nicht helfen kann.', voice: 'Geht es um eine Bestellung, den Versand, eine Rücksendung, die Zahlung oder Ihr Konto?' },
    topicOptions: ['Bestellstatus', 'Versand', 'Rücksendung', 'Zahlung', 'Mein Konto'],
    actionFailed: { chat: 'Das konnte ich gerade nicht nachsehen.', voice: 'Das konnte ich gerade nicht nachsehen.' },
    source: 'Quelle',
    unsure: { chat: 'Damit ich Sie richtig verstehe: Möchten Sie, dass eine Person aus unserem Team übernimmt, oder soll ich weiterhelfen?', voice: 'Soll eine Person aus unserem Team übernehmen, oder soll ich weiterhelfen?' },
    unsureOptions: ['Mit einer Person sprechen', 'Hier weiterchatten'],
  },
};
