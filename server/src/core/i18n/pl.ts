import type { LanguageTexts } from './types.js';

const LATER = 'odpowiemy tutaj na czacie, a także e-mailem, jeśli go Pan/Pani zostawi.';

export const pl: LanguageTexts = {
  notices: {
    queued: { chat: 'Jest Pan/Pani numerem {position} w kolejce. Osoba z naszego zespołu dołączy do tego czatu — w międzyczasie można tu dalej pisać.', voice: 'Jest Pan/Pani numerem {position} w kolejce. Proszę czekać, zaraz ktoś odbierze.' },
    queuedFirst: { chat: 'Jest Pan/Pani następny/a w kolejce. Osoba z naszego zespołu dołączy do tego czatu — można tu dalej pisać.', voice: 'Jest Pan/Pani następny/a. Proszę czekać, zaraz ktoś odbierze.' },
    queuedLater: { chat: 'Jest Pan/Pani numerem {position} w kolejce. Gdy tylko ktoś z naszego zespołu będzie wolny, odpowie tutaj — ze wszystkim, co już Pan/Pani napisał/a.', voice: 'Jest Pan/Pani numerem {position} w kolejce. Następna wolna osoba będzie znać wszystkie szczegóły.' },
    queuedLaterFirst: { chat: 'Jest Pan/Pani następny/a w kolejce. Gdy tylko ktoś z naszego zespołu będzie wolny, odpowie tutaj — ze wszystkim, co już Pan/Pani napisał/a.', voice: 'Jest Pan/Pani następny/a. Następna wolna osoba będzie znać wszystkie szczegóły.' },
    agentJoined: { chat: '**{agent}** z {site} dołączył/a do czatu i widzi wszystko, co Pan/Pani napisał/a.', voice: 'Rozmawia Pan/Pani teraz z {agent} z {site}, który/a ma Pana/Pani dane.' },
    handedBack: { chat: 'Wraca Pan/Pani do asystenta. Wszystko, co omówiono z naszym zespołem, zostaje tutaj.', voice: 'Wraca Pan/Pani do automatycznego asystenta. Wszystko zostało zachowane.' },
    resolved: { chat: 'Ta rozmowa została oznaczona jako rozwiązana. Jeśli coś jeszcze, proszę pisać tutaj.', voice: 'Ta rozmowa została oznaczona jako rozwiązana. Dziękujemy za telefon.' },
    requeued: { chat: 'Pana/Pani konsultant musiał/a odejść, więc wraca Pan/Pani do kolejki — następna wolna osoba będzie kontynuować tutaj, ze wszystkimi szczegółami.', voice: 'Konsultant musiał odejść. Następna wolna osoba przejmie rozmowę ze wszystkimi danymi.' },
    requeuedSilent: { chat: 'Przepraszamy za ciszę — konsultant nie mógł odpowiedzieć. Wraca Pan/Pani do kolejki, a następna wolna osoba będzie kontynuować tutaj.', voice: 'Przepraszamy za oczekiwanie — przekazuję rozmowę następnej wolnej osobie ze wszystkimi danymi.' },
    botUnavailable: { chat: 'Nie udało mi się tego dokończyć, więc przekazuję rozmowę osobie z naszego zespołu. Zobaczy, co Pan/Pani napisał/a — nie trzeba powtarzać.', voice: 'Nie udało mi się tego dokończyć. Przekazuję Pana/Panią osobie z naszego zespołu.' },
    transferred: { chat: 'Proszę **{agent}**, który/a najlepiej pomoże i widzi całą rozmowę.', voice: 'Przekazuję Pana/Panią do {agent}, który/a najlepiej pomoże.' },
    transferredToTeam: { chat: 'Przekazuję to naszemu zespołowi **{team}**, który zajmuje się właśnie tym. Jest Pan/Pani na początku ich kolejki, a zespół widzi całą rozmowę.', voice: 'Przekazuję Pana/Panią do zespołu {team}. Jest Pan/Pani na początku kolejki.' },
    unavailableNoAgents: { chat: `Nikogo z naszego zespołu nie ma teraz online. Można tu poczekać albo wybrać **Odpowiedź później**: ${LATER}`, voice: 'Nikt nie jest teraz dostępny. Można poczekać albo oddzwonimy.' },
    unavailableBusy: { chat: `Nasz zespół jest bardziej zajęty niż zwykle, czekanie może potrwać. Można tu poczekać albo wybrać **Odpowiedź później**: ${LATER}`, voice: 'Nasz zespół jest bardzo zajęty, czekanie może potrwać. Można poczekać albo oddzwonimy.' },
    unavailableClosed: { chat: `Nasz zespół jest teraz niedostępny. Można zostawić czat otwarty i poczekać albo wybrać **Odpowiedź później**: ${LATER}`, voice: 'Nasz zespół jest niedostępny. Proszę zostawić wiadomość, oddzwonimy.' },
    unavailableClosedUntil: { chat: `Nasz zespół jest teraz niedostępny i wraca {opensAt}. Można zostawić czat otwarty i poczekać albo wybrać **Odpowiedź później**: ${LATER}`, voice: 'Nasz zespół wraca {opensAt}. Proszę zostawić wiadomość, oddzwonimy.' },
    replyLater: { chat: 'Jasne. Odpowiemy tutaj na czacie. Można zamknąć stronę — rozmowa będzie czekać po powrocie.', voice: 'Jasne. Odezwiemy się, gdy tylko ktoś będzie wolny.' },
    callBack: { chat: 'Jasne. Oddzwonimy pod numer **{phone}**, gdy tylko ktoś będzie wolny, i odpowiemy też tutaj.', voice: 'Jasne. Oddzwonimy pod numer {phone}, gdy tylko ktoś będzie wolny.' },
    replyLaterEmail: { chat: 'Jasne. Odpowiemy tutaj i wyślemy kopię na **{email}**. Można zamknąć stronę.', voice: 'Jasne. Odezwiemy się i wyślemy kopię na {email}.' },
    escalatedLater: { chat: 'Zapisałem sprawę i przekazałem ją naszemu zespołowi ze wszystkim, co Pan/Pani napisał/a — nie trzeba niczego powtarzać.', voice: 'Przekazałem sprawę naszemu zespołowi ze wszystkimi szczegółami.' },
    escalatedLaterUrgent: { chat: 'Bardzo mi przykro, że tak się dzieje. Zapisałem wszystko i przekazałem naszemu zespołowi jako pilne — nie trzeba tłumaczyć od nowa.', voice: 'Bardzo mi przykro. Przekazałem wszystko naszemu zespołowi jako pilne.' },
  },
  bot: {
    escalate: { chat: 'Zapisałem sprawę i przekazuję teraz tę rozmowę osobie z naszego zespołu. Zobaczy, co Pan/Pani napisał/a, więc nie trzeba wszystkiego powtarzać.', voice: 'Łączę z kimś z naszego zespołu i przekazuję, co już omówiliśmy.' },
    escalateByTrigger: {
      visitor_request: { chat: 'Oczywiście — proszę teraz osobę z naszego zespołu. Zobaczy wszystko, co Pan/Pani napisał/a.', voice: 'Oczywiście. Łączę z osobą z naszego zespołu.' },
      emotional_urgency: { chat: 'Bardzo mi przykro, że tak się dzieje. Zapisałem wszystko i od razu proszę osobę z naszego zespołu do tego czatu — nie trzeba tłumaczyć od nowa.', voice: 'Bardzo mi przykro. Od razu łączę z kimś z naszego zespołu.' },
      accuracy_risk: { chat: 'To musi sprawdzić i rozstrzygnąć człowiek, więc przekazuję teraz rozmowę osobie z naszego zespołu. Zobaczy, co Pan/Pani napisał/a.', voice: 'O tym musi zdecydować człowiek. Łączę z naszym zespołem.' },
      high_value_intent: { chat: 'Tym zajmuje się osobiście nasz dział sprzedaży. Proszę teraz kogoś — zobaczy, co mi Pan/Pani napisał/a.', voice: 'Tym zajmuje się osobiście nasz dział sprzedaży. Już łączę.' },
      workflow_failure: { chat: 'Nie udało mi się tego zrobić samemu, więc przekazuję rozmowę osobie z naszego zespołu. Zobaczy, co próbowaliśmy — nie trzeba powtarzać.', voice: 'Nie udało mi się tego zrobić. Łączę z kimś z naszego zespołu.' },
    },
    clarifyTopic: { chat: 'Chcę dobrze pomóc. Czego to dotyczy? Jeśli nic nie pasuje, proszę opisać to jednym zdaniem — poproszę człowieka, jeśli nie dam rady pomóc.', voice: 'Czy chodzi o zamówienie, wysyłkę, zwrot, płatność czy konto?' },
    topicOptions: ['Status zamówienia', 'Wysyłka', 'Zwroty', 'Płatność', 'Moje konto'],
    actionFailed: { chat: 'Nie udało mi się teraz tego sprawdzić.', voice: 'Nie udało mi się teraz tego sprawdzić.' },
    source: 'Źródło',
    unsure: { chat: 'Chcę się upewnić: czy mam przekazać rozmowę osobie z naszego zespołu, czy dalej pomagać?', voice: 'Czy połączyć z osobą z naszego zespołu, czy mam dalej pomagać?' },
    unsureOptions: ['Rozmowa z człowiekiem', 'Pisz dalej tutaj'],
  },
};
