// GET/POST /api/contact/confirm: the link in the reply-later confirmation email. The GET only
// shows a button (mail scanners open links on their own); the POST confirms the address.
import express, { type Router } from 'express';
import type { Logger } from '../log.js';
import type { ConversationService } from '../service/conversations.js';
import { verifyContactLink } from '../service/mail.js';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

export function contactRouter(deps: { service: ConversationService; secret: string; clock: () => Date; logger: Logger }): Router {
  const router = express.Router();
  const expired = page('This link has expired', '<p>Ask for replies by email again in the chat.</p>');
  router.get('/confirm', (req, res) => {
    if (!verifyContactLink(deps.secret, req.query, deps.clock().getTime())) return void res.status(400).type('html').send(expired);
    // The same address and signature, posted: only a person pressing the button confirms.
    const action = `/api/contact/confirm?${new URLSearchParams(req.query as Record<string, string>).toString().replace(/&/g, '&amp;')}`;
    res.type('html').send(page('Send chat replies to this address?', `<form method="post" action="${action}"><button type="submit">Yes, send the replies here</button></form>`));
  });
  router.post('/confirm', async (req, res, next) => {
    try {
      const link = verifyContactLink(deps.secret, req.query, deps.clock().getTime());
      if (!link || !(await deps.service.confirmContact(link.conversationId, link.email))) return void res.status(400).type('html').send(expired);
      deps.logger.info({ conversationId: link.conversationId }, 'reply-later address confirmed');
      res.type('html').send(page('Thank you', '<p>Replies from the chat will come to this address. You can close this page.</p>'));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
