// The visitor's language and honest handoff copy, over real sockets on SQLite and Postgres:
// what the bot and the server say follows the language the visitor writes in, and the handoff
// line never promises a person "now" when nobody can answer live (seed step 5).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeFactories } from '../helpers/db.js';
import { agent, request, startServer, type TestServer, visitor, waitFor } from '../helpers/server.js';

describe.each(storeFactories)('language and honest handoff copy on $name', (factory) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(factory);
  });
  afterEach(async () => server.close());

  it('[NLU2] a French visitor asking for a manager is answered, queued and told who joined in French', async () => {
    const v = await visitor(server.url);
    const sent = await request(v.socket, 'message:send', { clientId: 'f1', body: "Bonjour, je voudrais parler à un responsable s'il vous plaît" });
    const conversationId = sent.message.conversationId;
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    // Nobody is online: the line says the team has it, not that a person joins now; then the choices.
    const line = await waitFor(v, 'message:new', (m) => m.author.kind === 'bot');
    expect(line.body).toMatch(/transmise à notre équipe/);
    expect(line.body).not.toMatch(/now|maintenant/);
    await waitFor(v, 'message:new', (m) => m.notice === 'unavailable' && /Personne de notre équipe n’est en ligne/.test(m.body));
    await waitFor(v, 'message:new', (m) => m.notice === 'queued' && /prochain dans la file/.test(m.body));
    expect(await server.store.getConversation(conversationId)).toMatchObject({ language: 'fr', trigger: 'visitor_request' });

    // The agent sees the learned reading as evidence, and the visitor is told in French who joined.
    const a = await agent(server.url);
    const opened = await request(a.socket, 'conversation:open', { conversationId });
    expect(opened.decisions[0]).toMatchObject({ rule: 'ESC1.understood.person_request', trigger: 'visitor_request' });
    expect(opened.decisions[0].evidence.join(' ')).toMatch(/understood person_request .*language fr/);
    await request(a.socket, 'conversation:claim', { conversationId });
    await waitFor(v, 'message:new', (m) => m.notice === 'agent_joined' && /a rejoint le chat/.test(m.body));
  });

  it('with nobody online the handoff line does not promise a person now; with an agent online it does', async () => {
    const later = await visitor(server.url);
    await request(later.socket, 'message:send', { clientId: 'n1', body: 'I want to talk to a human' });
    const laterLine = await waitFor(later, 'message:new', (m) => m.author.kind === 'bot');
    expect(laterLine.body).not.toMatch(/\bnow\b/);
    expect(laterLine.body).toMatch(/passed this conversation to our team/);
    await waitFor(later, 'message:new', (m) => m.notice === 'unavailable' && /No one from our team is online/.test(m.body));

    await agent(server.url);
    const live = await visitor(server.url);
    await request(live.socket, 'message:send', { clientId: 'l1', body: 'I want to talk to a human' });
    const liveLine = await waitFor(live, 'message:new', (m) => m.author.kind === 'bot');
    expect(liveLine.body).toMatch(/handing this conversation to a support specialist now/);
    await waitFor(live, 'conversation:updated', (c) => c.control !== 'bot');
    expect(live.received.some((r) => r.event === 'message:new' && r.payload.notice === 'unavailable')).toBe(false);
  });

  it('[ESC1] the "Talk to a person" button escalates as visitor_request whatever the words; a bad flag is refused, nothing stored', async () => {
    const v = await visitor(server.url);
    const bad = await request(v.socket, 'message:send', { clientId: 'b1', body: 'hello', askPerson: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await server.store.latestConversation(v.visitorId)).toBeFalsy();

    const sent = await request(v.socket, 'message:send', { clientId: 'p1', body: 'Chcę porozmawiać z człowiekiem.', askPerson: true });
    await waitFor(v, 'conversation:updated', (c) => c.control === 'queued');
    const a = await agent(server.url);
    const opened = await request(a.socket, 'conversation:open', { conversationId: sent.message.conversationId });
    expect(opened.decisions[0]).toMatchObject({ rule: 'ESC1.button', trigger: 'visitor_request' });
    expect(opened.conversation.handoff).toMatchObject({ trigger: 'visitor_request' });
    // Polish words, Polish notices.
    expect(opened.messages.find((m: any) => m.notice === 'queued')?.body).toMatch(/kolejce/);
  });
});
