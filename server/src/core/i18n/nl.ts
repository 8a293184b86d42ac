import type { LanguageTexts } from './types.js';

const LATER = 'we antwoorden hier in de chat, en per e-mail als u er een achterlaat.';

export const nl: LanguageTexts = {
  notices: {
    queued: { chat: 'U bent nummer {position} in de wachtrij. Iemand van ons team komt in deze chat — u kunt hier intussen verder schrijven.', voice: 'U bent nummer {position} in de wachtrij. Blijf aan de lijn, zo helpt iemand u.' },
    queuedFirst: { chat: 'U bent als volgende aan de beurt. Iemand van ons team komt in deze chat — u kunt hier verder schrijven.', voice: 'U bent als volgende aan de beurt. Blijf aan de lijn.' },
    queuedLater: { chat: 'U bent nummer {position} in de wachtrij. Zodra iemand van ons team vrij is, antwoordt die hier, met alles wat u al schreef.', voice: 'U bent nummer {position} in de wachtrij. De volgende vrije medewerker heeft alles wat u zei.' },
    queuedLaterFirst: { chat: 'U bent als volgende aan de beurt. Zodra iemand van ons team vrij is, antwoordt die hier, met alles wat u al schreef.', voice: 'U bent als volgende aan de beurt. De volgende vrije medewerker heeft alles wat u zei.' },
    agentJoined: { chat: '**{agent}** van {site} is nu in de chat en ziet alles wat u hebt geschreven.', voice: 'U spreekt nu met {agent} van {site}, die uw gegevens heeft.' },
    handedBack: { chat: 'U bent terug bij de assistent. Alles wat u met ons team besprak staat hier nog.', voice: 'U bent terug bij de automatische assistent. Alles is bewaard.' },
    resolved: { chat: 'Dit gesprek is als opgelost gemarkeerd. Is er nog iets, schrijf dan gewoon hier.', voice: 'Dit gesprek is als opgelost gemarkeerd. Bedankt voor uw oproep.' },
    requeued: { chat: 'Uw medewerker moest even weg, u staat weer in de wachtrij — de volgende vrije medewerker gaat hier verder, met alles wat u schreef.', voice: 'Uw medewerker moest even weg. De volgende vrije medewerker gaat verder met al uw gegevens.' },
    requeuedSilent: { chat: 'Sorry voor de stilte — uw medewerker kon niet reageren. U staat weer in de wachtrij en de volgende vrije medewerker gaat hier verder.', voice: 'Sorry voor het wachten — ik verbind u met de volgende vrije medewerker, met al uw gegevens.' },
    botUnavailable: { chat: 'Dat lukte me nu niet, daarom geef ik dit gesprek aan iemand van ons team. Die ziet wat u schreef — u hoeft niets te herhalen.', voice: 'Dat lukte me niet. Ik verbind u met iemand van ons team.' },
    transferred: { chat: 'Ik haal **{agent}** erbij, die u hier het best kan helpen en het hele gesprek ziet.', voice: 'Ik verbind u met {agent}, die u het best kan helpen.' },
    transferredToTeam: { chat: 'Ik geef dit door aan ons team **{team}**, dat precies hierover gaat. U staat vooraan in hun wachtrij en zij zien het hele gesprek.', voice: 'Ik verbind u met ons team {team}. U staat vooraan.' },
    unavailableNoAgents: { chat: `Er is nu niemand van ons team online. U kunt hier wachten of **Later antwoorden** kiezen: ${LATER}`, voice: 'Er is nu niemand beschikbaar. U kunt wachten of wij bellen u terug.' },
    unavailableBusy: { chat: `Ons team is drukker dan normaal, het wachten kan lang duren. U kunt hier wachten of **Later antwoorden** kiezen: ${LATER}`, voice: 'Ons team is erg druk, het wachten kan lang duren. U kunt wachten of wij bellen u terug.' },
    unavailableClosed: { chat: `Ons team is nu niet bereikbaar. U kunt de chat openlaten en wachten, of **Later antwoorden** kiezen: ${LATER}`, voice: 'Ons team is nu niet bereikbaar. Laat een bericht achter, wij bellen terug.' },
    unavailableClosedUntil: { chat: `Ons team is nu niet bereikbaar en weer terug {opensAt}. U kunt de chat openlaten en wachten, of **Later antwoorden** kiezen: ${LATER}`, voice: 'Ons team is weer terug {opensAt}. Laat een bericht achter, wij bellen terug.' },
    replyLater: { chat: 'Prima. We antwoorden hier in de chat. U kunt de pagina sluiten — het gesprek wacht op u als u terugkomt.', voice: 'Prima. We nemen contact op zodra er iemand vrij is.' },
    callBack: { chat: 'Prima. We bellen u terug op **{phone}** zodra er iemand vrij is, en antwoorden ook hier.', voice: 'Prima. We bellen u terug op {phone} zodra er iemand vrij is.' },
    replyLaterEmail: { chat: 'Prima. We antwoorden hier en sturen een kopie naar **{email}**. U kunt de pagina sluiten.', voice: 'Prima. We nemen contact op en sturen een kopie naar {email}.' },
    escalatedLater: { chat: 'Ik heb uw vraag genoteerd en met alles wat u schreef aan ons team doorgegeven — u hoeft niets te herhalen.', voice: 'Ik heb uw vraag met al uw gegevens aan ons team doorgegeven.' },
    escalatedLaterUrgent: { chat: 'Wat vervelend dat dit gebeurt. Ik heb alles genoteerd en als dringend aan ons team doorgegeven — u hoeft het niet opnieuw uit te leggen.', voice: 'Wat vervelend. Ik heb alles als dringend aan ons team doorgegeven.' },
  },
  bot: {
    escalate: { chat: 'Ik heb uw vraag genoteerd en geef dit gesprek nu aan iemand van ons team. Die ziet wat u schreef, dus u hoeft niet alles te herhalen.', voice: 'Ik verbind u met iemand van ons team en geef door wat we bespraken.' },
    escalateByTrigger: {
      visitor_request: { chat: 'Natuurlijk — ik haal nu iemand van ons team erbij. Die ziet alles wat u schreef.', voice: 'Natuurlijk. Ik verbind u met iemand van ons team.' },
      emotional_urgency: { chat: 'Wat vervelend dat dit gebeurt. Ik heb alles genoteerd en haal meteen iemand van ons team in deze chat — u hoeft het niet opnieuw uit te leggen.', voice: 'Wat vervelend. Ik verbind u meteen met iemand van ons team.' },
      accuracy_risk: { chat: 'Hier moet iemand naar kijken en over beslissen, dus ik geef het gesprek nu aan iemand van ons team. Die ziet wat u schreef.', voice: 'Hier moet iemand over beslissen. Ik verbind u met ons team.' },
      high_value_intent: { chat: 'Dat doet ons verkoopteam persoonlijk. Ik haal nu iemand erbij — die ziet wat u mij vertelde.', voice: 'Ons verkoopteam doet dit persoonlijk. Ik verbind u nu.' },
      workflow_failure: { chat: 'Dat lukte me niet zelf, dus ik geef het gesprek aan iemand van ons team. Die ziet wat we probeerden — u hoeft niets te herhalen.', voice: 'Dat lukte me niet zelf. Ik verbind u met iemand van ons team.' },
    },
    clarifyTopic: { chat: 'Ik wil u goed helpen. Waar gaat het over? Past niets, beschrijf het dan in één zin — ik haal iemand erbij als ik u niet kan helpen.', voice: 'Gaat het om een bestelling, de verzending, een retour, een betaling of uw account?' },
    topicOptions: ['Bestelstatus', 'Verzending', 'Retouren', 'Betaling', 'Mijn account'],
    actionFailed: { chat: 'Dat kon ik nu niet opzoeken.', voice: 'Dat kon ik nu niet opzoeken.' },
    source: 'Bron',
    unsure: { chat: 'Even voor de zekerheid: wilt u dat iemand van ons team het overneemt, of zal ik verder helpen?', voice: 'Wilt u iemand van ons team spreken, of zal ik verder helpen?' },
    unsureOptions: ['Met een medewerker praten', 'Hier verder chatten'],
  },
};
