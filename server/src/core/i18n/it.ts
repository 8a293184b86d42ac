import type { LanguageTexts } from './types.js';

const LATER = 'risponderemo qui in chat, e via email se ce ne lascia una.';

export const it: LanguageTexts = {
  notices: {
    queued: { chat: 'È il numero {position} in coda. Una persona del nostro team entrerà in questa chat; nel frattempo può continuare a scrivere qui.', voice: 'È il numero {position} in coda. Resti in linea, qualcuno le risponderà a breve.' },
    queuedFirst: { chat: 'È il prossimo in coda. Una persona del nostro team entrerà in questa chat; può continuare a scrivere qui.', voice: 'È il prossimo. Resti in linea, arriva subito qualcuno.' },
    queuedLater: { chat: 'È il numero {position} in coda. Appena qualcuno del nostro team è libero le risponderà qui, con tutto quello che ha scritto.', voice: 'È il numero {position} in coda. La prossima persona libera avrà tutto quello che ha detto.' },
    queuedLaterFirst: { chat: 'È il prossimo in coda. Appena qualcuno del nostro team è libero le risponderà qui, con tutto quello che ha scritto.', voice: 'È il prossimo. La prossima persona libera avrà tutto quello che ha detto.' },
    agentJoined: { chat: '**{agent}** di {site} è entrato nella chat e vede tutto quello che ha scritto.', voice: 'Ora parla con {agent} di {site}, che ha i suoi dati.' },
    handedBack: { chat: 'È di nuovo con l’assistente. Tutto ciò che ha detto al nostro team resta qui.', voice: 'È di nuovo con l’assistente automatico. Tutto è stato conservato.' },
    resolved: { chat: 'Questa conversazione è segnata come risolta. Se serve altro, scriva pure qui.', voice: 'Questa chiamata è segnata come risolta. Grazie per aver chiamato.' },
    requeued: { chat: 'Il suo operatore si è dovuto assentare, quindi è di nuovo in coda: la prossima persona libera continuerà qui con tutto quello che ha scritto.', voice: 'Il suo operatore si è dovuto assentare. La prossima persona libera continuerà con tutti i suoi dati.' },
    requeuedSilent: { chat: 'Ci scusi per il silenzio: il suo operatore non ha potuto rispondere. È di nuovo in coda e la prossima persona libera continuerà qui.', voice: 'Ci scusi per l’attesa; la passo alla prossima persona libera con tutti i suoi dati.' },
    botUnavailable: { chat: 'Non sono riuscito a completarlo, quindi passo questa conversazione a una persona del nostro team. Vedrà cosa ha scritto, non dovrà ripetere.', voice: 'Non sono riuscito a completarlo. La passo a una persona del nostro team.' },
    transferred: { chat: 'Chiamo **{agent}**, la persona più adatta ad aiutarla, che vede tutta la conversazione.', voice: 'La passo a {agent}, la persona più adatta ad aiutarla.' },
    transferredToTeam: { chat: 'Passo la richiesta al nostro team **{team}**, che si occupa proprio di questo. È in cima alla loro coda e vedranno tutta la conversazione.', voice: 'La passo al nostro team {team}. È in cima alla loro coda.' },
    unavailableNoAgents: { chat: `Al momento nessuno del nostro team è online. Può aspettare qui o scegliere **Rispondi più tardi**: ${LATER}`, voice: 'Al momento nessuno è disponibile. Può attendere o essere richiamato.' },
    unavailableBusy: { chat: `Il nostro team è più occupato del solito, l’attesa può essere lunga. Può aspettare qui o scegliere **Rispondi più tardi**: ${LATER}`, voice: 'Il nostro team è molto occupato e l’attesa può essere lunga. Può attendere o essere richiamato.' },
    unavailableClosed: { chat: `Il nostro team al momento non è disponibile. Può tenere aperta la chat e aspettare, o scegliere **Rispondi più tardi**: ${LATER}`, voice: 'Il nostro team non è disponibile. Lasci un messaggio e la richiameremo.' },
    unavailableClosedUntil: { chat: `Il nostro team al momento non è disponibile e torna {opensAt}. Può tenere aperta la chat e aspettare, o scegliere **Rispondi più tardi**: ${LATER}`, voice: 'Il nostro team torna {opensAt}. Lasci un messaggio e la richiameremo.' },
    replyLater: { chat: 'Perfetto. Le risponderemo qui in chat. Può chiudere la pagina: la conversazione la aspetterà al suo ritorno.', voice: 'Perfetto. La ricontatteremo appena qualcuno è libero.' },
    callBack: { chat: 'Perfetto. La richiameremo al **{phone}** appena qualcuno sarà libero, e risponderemo anche qui.', voice: 'Perfetto. La richiameremo al {phone} appena qualcuno sarà libero.' },
    replyLaterEmail: { chat: 'Perfetto. Le risponderemo qui e invieremo una copia a **{email}**. Può chiudere la pagina.', voice: 'Perfetto. La ricontatteremo e invieremo una copia a {email}.' },
    escalatedLater: { chat: 'Ho registrato il problema e l’ho passato al nostro team con tutto quello che ha scritto: non dovrà ripeterlo.', voice: 'Ho passato il suo caso al nostro team con tutti i dettagli.' },
    escalatedLaterUrgent: { chat: 'Mi dispiace molto per quello che sta succedendo. Ho annotato tutto e l’ho passato al nostro team come urgente: non dovrà rispiegarlo.', voice: 'Mi dispiace molto. Ho passato tutto al nostro team come urgente.' },
  },
  bot: {
    escalate: { chat: 'Ho registrato il problema e passo ora questa conversazione a una persona del nostro team. Vedrà quello che ha scritto, quindi non dovrà ripetere tutto.', voice: 'La passo a qualcuno del nostro team e riferisco quello che ci siamo detti.' },
    escalateByTrigger: {
      visitor_request: { chat: 'Certo: chiamo subito una persona del nostro team. Vedrà tutto quello che ha scritto.', voice: 'Certo. La passo a una persona del nostro team.' },
      emotional_urgency: { chat: 'Mi dispiace molto per quello che sta succedendo. Ho annotato tutto e porto subito una persona del nostro team in questa chat: non dovrà rispiegarlo.', voice: 'Mi dispiace molto. La passo subito a qualcuno del nostro team.' },
      accuracy_risk: { chat: 'Serve qualcuno che verifichi e decida, quindi passo ora la conversazione a una persona del nostro team. Vedrà quello che ha scritto.', voice: 'Serve una persona che decida. La passo al nostro team.' },
      high_value_intent: { chat: 'Di questo si occupa personalmente il nostro team commerciale. Chiamo subito qualcuno: vedrà quello che mi ha detto.', voice: 'Se ne occupa personalmente il nostro team commerciale. La metto in contatto ora.' },
      workflow_failure: { chat: 'Non sono riuscito a farlo da solo, quindi passo la conversazione a una persona del nostro team. Vedrà cosa abbiamo provato: non dovrà ripetere.', voice: 'Non sono riuscito a farlo da solo. La passo a qualcuno del nostro team.' },
    },
    clarifyTopic: { chat: 'Voglio aiutarla nel modo giusto. Di cosa si tratta? Se nulla va bene, lo descriva in una frase e chiamerò una persona se non posso aiutarla.', voice: 'Si tratta di un ordine, della spedizione, di un reso, di un pagamento o del suo account?' },
    topicOptions: ['Stato dell’ordine', 'Spedizione', 'Resi', 'Pagamento', 'Il mio account'],
    actionFailed: { chat: 'Non sono riuscito a verificarlo in questo momento.', voice: 'Non sono riuscito a verificarlo in questo momento.' },
    source: 'Fonte',
    unsure: { chat: 'Per essere sicuro di aver capito: vuole che subentri una persona del nostro team, o continuo ad aiutarla io?', voice: 'Vuole parlare con una persona del nostro team, o continuo io?' },
    unsureOptions: ['Parlare con una persona', 'Continuare qui'],
  },
};
