import type { LanguageTexts } from './types.js';

const LATER = 'respondemos aqui no chat, e por email se nos deixar um.';

export const pt: LanguageTexts = {
  notices: {
    queued: { chat: 'É o número {position} na fila. Uma pessoa da nossa equipa vai entrar neste chat; entretanto pode continuar a escrever aqui.', voice: 'É o número {position} na fila. Aguarde, alguém vai atendê-lo em breve.' },
    queuedFirst: { chat: 'É o próximo na fila. Uma pessoa da nossa equipa vai entrar neste chat; pode continuar a escrever aqui.', voice: 'É o próximo. Aguarde, alguém vai atendê-lo já.' },
    queuedLater: { chat: 'É o número {position} na fila. Assim que alguém da nossa equipa estiver livre, responde aqui, com tudo o que já escreveu.', voice: 'É o número {position} na fila. A próxima pessoa livre terá tudo o que disse.' },
    queuedLaterFirst: { chat: 'É o próximo na fila. Assim que alguém da nossa equipa estiver livre, responde aqui, com tudo o que já escreveu.', voice: 'É o próximo. A próxima pessoa livre terá tudo o que disse.' },
    agentJoined: { chat: '**{agent}** da {site} entrou no chat e vê tudo o que escreveu.', voice: 'Agora está a falar com {agent} da {site}, que tem os seus dados.' },
    handedBack: { chat: 'Voltou ao assistente. Tudo o que falou com a nossa equipa continua aqui.', voice: 'Voltou ao assistente automático. Tudo foi guardado.' },
    resolved: { chat: 'Esta conversa foi marcada como resolvida. Se precisar de mais alguma coisa, escreva aqui.', voice: 'Esta chamada foi marcada como resolvida. Obrigado por ligar.' },
    requeued: { chat: 'O seu atendente teve de se ausentar, por isso voltou à fila; a próxima pessoa livre continua aqui, com tudo o que escreveu.', voice: 'O seu atendente teve de se ausentar. A próxima pessoa livre continua com todos os seus dados.' },
    requeuedSilent: { chat: 'Desculpe o silêncio: o seu atendente não conseguiu responder. Voltou à fila e a próxima pessoa livre continua aqui.', voice: 'Desculpe a espera; vou passá-lo à próxima pessoa livre com todos os seus dados.' },
    botUnavailable: { chat: 'Não consegui terminar isto, por isso passo esta conversa a uma pessoa da nossa equipa. Vai ver o que escreveu; não precisa de repetir.', voice: 'Não consegui terminar. Vou passá-lo a uma pessoa da nossa equipa.' },
    transferred: { chat: 'Vou chamar **{agent}**, a pessoa mais indicada para ajudar, que vê toda a conversa.', voice: 'Vou passá-lo a {agent}, a pessoa mais indicada para ajudar.' },
    transferredToTeam: { chat: 'Passo isto à nossa equipa **{team}**, que trata exatamente disto. Está no topo da fila deles e eles veem toda a conversa.', voice: 'Vou passá-lo à nossa equipa {team}. Está no topo da fila.' },
    unavailableNoAgents: { chat: `Neste momento ninguém da nossa equipa está online. Pode esperar aqui ou escolher **Responder mais tarde**: ${LATER}`, voice: 'Neste momento ninguém está disponível. Pode aguardar ou ligamos de volta.' },
    unavailableBusy: { chat: `A nossa equipa está mais ocupada do que o normal e a espera pode ser longa. Pode esperar aqui ou escolher **Responder mais tarde**: ${LATER}`, voice: 'A nossa equipa está muito ocupada e a espera pode ser longa. Pode aguardar ou ligamos de volta.' },
    unavailableClosed: { chat: `A nossa equipa não está disponível agora. Pode deixar o chat aberto e esperar, ou escolher **Responder mais tarde**: ${LATER}`, voice: 'A nossa equipa não está disponível. Deixe uma mensagem e ligamos de volta.' },
    unavailableClosedUntil: { chat: `A nossa equipa não está disponível agora e volta {opensAt}. Pode deixar o chat aberto e esperar, ou escolher **Responder mais tarde**: ${LATER}`, voice: 'A nossa equipa volta {opensAt}. Deixe uma mensagem e ligamos de volta.' },
    replyLater: { chat: 'Combinado. Respondemos aqui no chat. Pode fechar a página; a conversa fica à sua espera quando voltar.', voice: 'Combinado. Entramos em contacto assim que alguém estiver livre.' },
    callBack: { chat: 'Combinado. Ligamos de volta para **{phone}** assim que alguém estiver livre, e respondemos também aqui.', voice: 'Combinado. Ligamos de volta para {phone} assim que alguém estiver livre.' },
    replyLaterEmail: { chat: 'Combinado. Respondemos aqui e enviamos uma cópia para **{email}**. Pode fechar a página.', voice: 'Combinado. Entramos em contacto e enviamos uma cópia para {email}.' },
    escalatedLater: { chat: 'Registei o problema e passei-o à nossa equipa com tudo o que escreveu; não vai precisar de repetir.', voice: 'Passei o seu caso à nossa equipa com todos os dados.' },
    escalatedLaterUrgent: { chat: 'Lamento muito o que está a acontecer. Anotei tudo e passei à nossa equipa como urgente; não vai precisar de explicar outra vez.', voice: 'Lamento muito. Passei tudo à nossa equipa como urgente.' },
  },
  bot: {
    escalate: { chat: 'Registei o problema e passo agora esta conversa a uma pessoa da nossa equipa. Vai ver o que escreveu, por isso não precisa de repetir tudo.', voice: 'Vou passá-lo a alguém da nossa equipa e contar o que já falámos.' },
    escalateByTrigger: {
      visitor_request: { chat: 'Claro: vou chamar agora uma pessoa da nossa equipa. Vai ver tudo o que escreveu.', voice: 'Claro. Vou passá-lo a uma pessoa da nossa equipa.' },
      emotional_urgency: { chat: 'Lamento muito o que está a acontecer. Anotei tudo e vou trazer já uma pessoa da nossa equipa para este chat; não vai precisar de explicar outra vez.', voice: 'Lamento muito. Vou passá-lo já a alguém da nossa equipa.' },
      accuracy_risk: { chat: 'Isto precisa de alguém que verifique e decida, por isso passo agora a conversa a uma pessoa da nossa equipa. Vai ver o que escreveu.', voice: 'Isto precisa de uma pessoa que decida. Vou passá-lo à nossa equipa.' },
      high_value_intent: { chat: 'Isso é tratado pessoalmente pela nossa equipa comercial. Vou chamar alguém agora; vai ver o que me disse.', voice: 'A nossa equipa comercial trata disso pessoalmente. Vou ligá-lo agora.' },
      workflow_failure: { chat: 'Não consegui fazer isto sozinho, por isso passo a conversa a uma pessoa da nossa equipa. Vai ver o que tentámos; não precisa de repetir.', voice: 'Não consegui fazer isto sozinho. Vou passá-lo a alguém da nossa equipa.' },
    },
    clarifyTopic: { chat: 'Quero ajudar da forma certa. Sobre o que é? Se nada servir, descreva numa frase e chamo uma pessoa se eu não conseguir ajudar.', voice: 'É sobre uma encomenda, o envio, uma devolução, o pagamento ou a sua conta?' },
    topicOptions: ['Estado da encomenda', 'Envio', 'Devoluções', 'Pagamento', 'A minha conta'],
    actionFailed: { chat: 'Não consegui verificar isso agora.', voice: 'Não consegui verificar isso agora.' },
    source: 'Fonte',
    unsure: { chat: 'Para ter a certeza de que percebi: quer que uma pessoa da nossa equipa assuma, ou continuo a ajudar?', voice: 'Quer falar com uma pessoa da nossa equipa, ou continuo eu?' },
    unsureOptions: ['Falar com uma pessoa', 'Continuar aqui'],
  },
};
