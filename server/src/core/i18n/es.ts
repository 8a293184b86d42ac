import type { LanguageTexts } from './types.js';

const LATER = 'responderemos aquí, en este chat, y por correo si nos deja uno.';

export const es: LanguageTexts = {
  notices: {
    queued: { chat: 'Es el número {position} en la cola. Una persona de nuestro equipo se unirá a este chat; mientras tanto puede seguir escribiendo aquí.', voice: 'Es el número {position} en la cola. No cuelgue, enseguida le atienden.' },
    queuedFirst: { chat: 'Es el siguiente en la cola. Una persona de nuestro equipo se unirá a este chat; puede seguir escribiendo aquí.', voice: 'Es el siguiente. No cuelgue, enseguida le atienden.' },
    queuedLater: { chat: 'Es el número {position} en la cola. En cuanto alguien de nuestro equipo esté libre, le responderá aquí con todo lo que ha contado.', voice: 'Es el número {position} en la cola. La próxima persona libre tendrá todo lo que ha dicho.' },
    queuedLaterFirst: { chat: 'Es el siguiente en la cola. En cuanto alguien de nuestro equipo esté libre, le responderá aquí con todo lo que ha contado.', voice: 'Es el siguiente. La próxima persona libre tendrá todo lo que ha dicho.' },
    agentJoined: { chat: '**{agent}** de {site} se ha unido al chat y ve todo lo que ha escrito.', voice: 'Ahora habla con {agent} de {site}, que tiene sus datos.' },
    handedBack: { chat: 'Vuelve a estar con el asistente. Todo lo que habló con nuestro equipo sigue aquí.', voice: 'Vuelve a estar con el asistente automático. Todo se ha guardado.' },
    resolved: { chat: 'Esta conversación se ha marcado como resuelta. Si necesita algo más, escriba aquí.', voice: 'Esta llamada se ha marcado como resuelta. Gracias por llamar.' },
    requeued: { chat: 'Su agente ha tenido que ausentarse, así que vuelve a estar en la cola; la próxima persona libre seguirá aquí con todo lo que ha contado.', voice: 'Su agente ha tenido que ausentarse. La próxima persona libre seguirá con todos sus datos.' },
    requeuedSilent: { chat: 'Perdone el silencio: su agente no pudo responder. Vuelve a estar en la cola y la próxima persona libre seguirá aquí.', voice: 'Perdone la espera; le paso a la próxima persona libre con todos sus datos.' },
    botUnavailable: { chat: 'No he podido terminarlo, así que paso esta conversación a una persona de nuestro equipo. Verá lo que ha escrito, no tendrá que repetirlo.', voice: 'No he podido terminarlo. Le paso con una persona de nuestro equipo.' },
    transferred: { chat: 'Llamo a **{agent}**, que es quien mejor puede ayudarle y ve toda la conversación.', voice: 'Le paso con {agent}, que es quien mejor puede ayudarle.' },
    transferredToTeam: { chat: 'Paso esto a nuestro equipo **{team}**, que se encarga justo de esto. Está el primero en su cola y verán toda la conversación.', voice: 'Le paso con nuestro equipo {team}. Está el primero en su cola.' },
    unavailableNoAgents: { chat: `Ahora mismo no hay nadie de nuestro equipo conectado. Puede esperar aquí o elegir **Responder más tarde**: ${LATER}`, voice: 'Ahora mismo no hay nadie disponible. Puede esperar o le devolvemos la llamada.' },
    unavailableBusy: { chat: `Nuestro equipo está más ocupado de lo normal y la espera puede ser larga. Puede esperar aquí o elegir **Responder más tarde**: ${LATER}`, voice: 'Nuestro equipo está muy ocupado y la espera puede ser larga. Puede esperar o le llamamos.' },
    unavailableClosed: { chat: `Nuestro equipo no está disponible ahora. Puede dejar el chat abierto y esperar, o elegir **Responder más tarde**: ${LATER}`, voice: 'Nuestro equipo no está disponible. Deje un mensaje y le llamaremos.' },
    unavailableClosedUntil: { chat: `Nuestro equipo no está disponible ahora y vuelve {opensAt}. Puede dejar el chat abierto y esperar, o elegir **Responder más tarde**: ${LATER}`, voice: 'Nuestro equipo vuelve {opensAt}. Deje un mensaje y le llamaremos.' },
    replyLater: { chat: 'Entendido. Le responderemos aquí, en este chat. Puede cerrar la página; la conversación le esperará cuando vuelva.', voice: 'Entendido. Le contactaremos en cuanto haya alguien libre.' },
    callBack: { chat: 'Entendido. Le llamaremos al **{phone}** en cuanto alguien esté libre, y también responderemos aquí.', voice: 'Entendido. Le llamaremos al {phone} en cuanto alguien esté libre.' },
    replyLaterEmail: { chat: 'Entendido. Le responderemos aquí y enviaremos una copia a **{email}**. Puede cerrar la página.', voice: 'Entendido. Le contactaremos y enviaremos una copia a {email}.' },
    escalatedLater: { chat: 'He registrado su caso y lo he pasado a nuestro equipo con todo lo que ha contado; no tendrá que repetirlo.', voice: 'He pasado su caso a nuestro equipo con todos sus datos.' },
    escalatedLaterUrgent: { chat: 'Siento mucho lo que está pasando. Lo he anotado todo y lo he pasado a nuestro equipo como urgente; no tendrá que explicarlo otra vez.', voice: 'Lo siento mucho. He pasado todo a nuestro equipo como urgente.' },
  },
  bot: {
    escalate: { chat: 'He registrado su caso y paso ahora esta conversación a una persona de nuestro equipo. Verá lo que ha escrito, así que no tendrá que repetirlo.', voice: 'Le paso con alguien de nuestro equipo y le cuento lo que hemos hablado.' },
    escalateByTrigger: {
      visitor_request: { chat: 'Claro: llamo ahora a una persona de nuestro equipo. Verá todo lo que ha escrito.', voice: 'Claro. Le paso con una persona de nuestro equipo.' },
      emotional_urgency: { chat: 'Siento mucho lo que está pasando. Lo he anotado todo y traigo ahora mismo a una persona de nuestro equipo a este chat; no tendrá que explicarlo otra vez.', voice: 'Lo siento mucho. Le paso ahora mismo con alguien de nuestro equipo.' },
      accuracy_risk: { chat: 'Esto tiene que revisarlo y decidirlo una persona, así que paso ahora la conversación a nuestro equipo. Verán lo que ha escrito.', voice: 'Esto tiene que decidirlo una persona. Le paso con nuestro equipo.' },
      high_value_intent: { chat: 'De esto se ocupa personalmente nuestro equipo comercial. Llamo ahora a alguien; verá lo que me ha contado.', voice: 'Nuestro equipo comercial se ocupa de esto personalmente. Le paso ahora.' },
      workflow_failure: { chat: 'No he podido hacerlo yo, así que paso la conversación a una persona de nuestro equipo. Verá lo que hemos intentado; no tendrá que repetirlo.', voice: 'No he podido hacerlo yo. Le paso con alguien de nuestro equipo.' },
    },
    clarifyTopic: { chat: 'Quiero ayudarle bien. ¿De qué se trata? Si no encaja nada, descríbalo en una frase y llamaré a una persona si no puedo ayudar.', voice: '¿Es sobre un pedido, el envío, una devolución, el pago o su cuenta?' },
    topicOptions: ['Estado del pedido', 'Envíos', 'Devoluciones', 'Pago', 'Mi cuenta'],
    actionFailed: { chat: 'No he podido consultarlo ahora mismo.', voice: 'No he podido consultarlo ahora mismo.' },
    source: 'Fuente',
    unsure: { chat: 'Para asegurarme de entenderle: ¿quiere que una persona de nuestro equipo se encargue, o sigo ayudándole yo?', voice: '¿Quiere que le atienda una persona de nuestro equipo, o sigo yo?' },
    unsureOptions: ['Hablar con una persona', 'Seguir aquí'],
  },
};
