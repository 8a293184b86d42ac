import type { LanguageTexts } from './types.js';

const LATER = 'nous répondrons ici, dans ce chat — et par e-mail si vous en laissez un.';

export const fr: LanguageTexts = {
  notices: {
    queued: { chat: 'Vous êtes numéro {position} dans la file. Une personne de notre équipe va rejoindre ce chat — vous pouvez continuer à écrire ici en attendant.', voice: 'Vous êtes numéro {position} dans la file. Restez en ligne, quelqu’un va vous répondre.' },
    queuedFirst: { chat: 'Vous êtes le prochain dans la file. Une personne de notre équipe va rejoindre ce chat — vous pouvez continuer à écrire ici.', voice: 'Vous êtes le prochain. Restez en ligne, quelqu’un arrive.' },
    queuedLater: { chat: 'Vous êtes numéro {position} dans la file. Dès qu’une personne de notre équipe est disponible, elle vous répondra ici, avec tout ce que vous avez écrit.', voice: 'Vous êtes numéro {position} dans la file. La prochaine personne disponible aura tout ce que vous avez dit.' },
    queuedLaterFirst: { chat: 'Vous êtes le prochain dans la file. Dès qu’une personne de notre équipe est disponible, elle vous répondra ici, avec tout ce que vous avez écrit.', voice: 'Vous êtes le prochain. La prochaine personne disponible aura tout ce que vous avez dit.' },
    agentJoined: { chat: '**{agent}** de {site} a rejoint le chat et voit tout ce que vous avez écrit.', voice: 'Vous parlez maintenant avec {agent} de {site}, qui a vos informations.' },
    handedBack: { chat: 'Vous êtes de retour avec l’assistant. Tout ce que vous avez échangé avec notre équipe reste ici.', voice: 'Vous êtes de retour avec l’assistant automatique. Tout a été conservé.' },
    resolved: { chat: 'Cette conversation est marquée comme résolue. Si besoin, écrivez simplement ici.', voice: 'Cet appel est marqué comme résolu. Merci de votre appel.' },
    requeued: { chat: 'Votre interlocuteur a dû s’absenter, vous êtes de nouveau dans la file — la prochaine personne disponible reprendra ici, avec tout ce que vous avez écrit.', voice: 'Votre interlocuteur a dû s’absenter. La prochaine personne disponible reprendra avec toutes vos informations.' },
    requeuedSilent: { chat: 'Désolé pour ce silence — votre interlocuteur n’a pas pu vous répondre. Vous êtes de nouveau dans la file et la prochaine personne disponible reprendra ici.', voice: 'Désolé pour l’attente — je vous passe à la prochaine personne disponible avec toutes vos informations.' },
    botUnavailable: { chat: 'Je n’ai pas pu terminer, je transmets donc cette conversation à une personne de notre équipe. Elle verra ce que vous avez écrit — inutile de répéter.', voice: 'Je n’ai pas pu terminer. Je vous passe une personne de notre équipe avec vos informations.' },
    transferred: { chat: 'Je fais venir **{agent}**, le mieux placé pour vous aider. Il voit toute la conversation, inutile de répéter.', voice: 'Je vous passe {agent}, le mieux placé pour vous aider, avec vos informations.' },
    transferredToTeam: { chat: 'Je transmets à notre équipe **{team}**, qui s’occupe exactement de cela. Vous êtes en tête de leur file et ils voient toute la conversation.', voice: 'Je vous passe notre équipe {team}. Vous êtes en tête de leur file.' },
    unavailableNoAgents: { chat: `Personne de notre équipe n’est en ligne pour le moment. Vous pouvez attendre ici ou choisir **Réponse plus tard** : ${LATER}`, voice: 'Personne n’est disponible pour le moment. Vous pouvez patienter ou être rappelé.' },
    unavailableBusy: { chat: `Notre équipe est plus occupée que d’habitude, l’attente peut être longue. Vous pouvez attendre ici ou choisir **Réponse plus tard** : ${LATER}`, voice: 'Notre équipe est très occupée, l’attente peut être longue. Vous pouvez patienter ou être rappelé.' },
    unavailableClosed: { chat: `Notre équipe est absente pour le moment. Vous pouvez garder ce chat ouvert et attendre, ou choisir **Réponse plus tard** : ${LATER}`, voice: 'Notre équipe est absente. Laissez un message, nous vous rappellerons.' },
    unavailableClosedUntil: { chat: `Notre équipe est absente et de retour {opensAt}. Vous pouvez garder ce chat ouvert et attendre, ou choisir **Réponse plus tard** : ${LATER}`, voice: 'Notre équipe est absente et de retour {opensAt}. Laissez un message, nous vous rappellerons.' },
    replyLater: { chat: 'C’est noté. Nous répondrons ici, dans ce chat. Vous pouvez fermer la page — la conversation vous attendra à votre retour.', voice: 'C’est noté. Nous reviendrons vers vous dès que possible.' },
    callBack: { chat: 'C’est noté. Nous vous rappellerons au **{phone}** dès que quelqu’un sera libre, et répondrons aussi ici.', voice: 'C’est noté. Nous vous rappellerons au {phone} dès que quelqu’un sera libre.' },
    replyLaterEmail: { chat: 'C’est noté. Nous répondrons ici et enverrons une copie à **{email}**. Vous pouvez fermer la page.', voice: 'C’est noté. Nous reviendrons vers vous et enverrons une copie à {email}.' },
    escalatedLater: { chat: 'J’ai bien noté votre demande et je l’ai transmise à notre équipe, avec tout ce que vous avez écrit — vous n’aurez rien à répéter.', voice: 'J’ai transmis votre demande à notre équipe, avec toutes vos informations.' },
    escalatedLaterUrgent: { chat: 'Je suis désolé que cela arrive. J’ai tout noté et transmis à notre équipe en urgence — vous n’aurez pas à tout réexpliquer.', voice: 'Je suis désolé. J’ai transmis tout ce que vous avez dit à notre équipe, en urgence.' },
  },
  bot: {
    escalate: { chat: 'J’ai bien noté votre demande et je transmets maintenant cette conversation à une personne de notre équipe. Elle verra ce que vous avez écrit — inutile de tout répéter.', voice: 'Je vous passe une personne de notre équipe et je lui transmets ce que nous avons dit.' },
    escalateByTrigger: {
      visitor_request: { chat: 'Bien sûr — je fais venir une personne de notre équipe. Elle verra tout ce que vous avez écrit.', voice: 'Bien sûr. Je vous passe une personne de notre équipe avec vos informations.' },
      emotional_urgency: { chat: 'Je suis désolé que cela arrive. J’ai tout noté et je fais venir tout de suite une personne de notre équipe dans ce chat — vous n’aurez pas à tout réexpliquer.', voice: 'Je suis désolé. Je vous passe tout de suite quelqu’un de notre équipe, avec tout ce que vous avez dit.' },
      accuracy_risk: { chat: 'Il faut que quelqu’un vérifie et décide, je transmets donc maintenant à une personne de notre équipe. Elle verra ce que vous avez écrit.', voice: 'Il faut que quelqu’un vérifie et décide. Je vous passe une personne de notre équipe.' },
      high_value_intent: { chat: 'C’est notre équipe commerciale qui s’en occupe personnellement. Je fais venir quelqu’un — il verra ce que vous m’avez dit.', voice: 'Notre équipe commerciale s’en occupe personnellement. Je vous mets en relation.' },
      workflow_failure: { chat: 'Je n’ai pas pu le faire moi-même, je transmets donc à une personne de notre équipe. Elle verra ce que nous avons essayé — inutile de répéter.', voice: 'Je n’ai pas pu le faire moi-même. Je vous passe quelqu’un de notre équipe.' },
    },
    clarifyTopic: { chat: 'Je veux bien vous aider. De quoi s’agit-il ? Si rien ne correspond, décrivez-le en une phrase — je ferai venir une personne si je ne peux pas aider.', voice: 'S’agit-il d’une commande, de la livraison, d’un retour, d’un paiement ou de votre compte ?' },
    topicOptions: ['Suivi de commande', 'Livraison', 'Retours', 'Paiement', 'Mon compte'],
    actionFailed: { chat: 'Je n’ai pas pu vérifier cela pour le moment.', voice: 'Je n’ai pas pu vérifier cela pour le moment.' },
    source: 'Source',
    unsure: { chat: 'Pour être sûr de bien comprendre : voulez-vous qu’une personne de notre équipe prenne le relais, ou je continue à vous aider ?', voice: 'Voulez-vous qu’une personne de notre équipe prenne le relais, ou je continue ?' },
    unsureOptions: ['Parler à une personne', 'Continuer ici'],
  },
};
