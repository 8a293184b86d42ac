import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariants, type Command, type ControlState, INITIAL_STATE, mayAuthorSpeak, transition } from '../../src/core/conversation.js';
import { DEFAULT_COPY } from '../../src/core/copy.js';

const at = '2026-11-24T10:00:00.000Z';
const maria = { id: 'a1', name: 'Maria' };
const tom = { id: 'a2', name: 'Tom' };
const queued: ControlState = { control: 'queued', agentId: null, agentName: null, queuedAt: at };
const withMaria: ControlState = { control: 'agent', agentId: 'a1', agentName: 'Maria', queuedAt: null };
const closed: ControlState = { control: 'closed', agentId: 'a1', agentName: 'Maria', queuedAt: null };

function ok(state: ControlState, command: Command) {
  const r = transition(state, command, undefined, 'Demo Shop');
  if (!r.ok) throw new Error(`refused: ${r.error.code}`);
  return r;
}
function refused(state: ControlState, command: Command) {
  const r = transition(state, command);
  if (r.ok) throw new Error('allowed');
  return r.error;
}

describe('conversation control', () => {
  it('[CV1] starts with the bot', () => {
    expect(INITIAL_STATE.control).toBe('bot');
  });

  it('[CV2] the bot escalates into the queue; nobody else does', () => {
    const r = ok(INITIAL_STATE, { type: 'escalate', trigger: 'visitor_request', reason: 'asked', at });
    expect(r.state).toEqual(queued);
    expect(r.effects).toContainEqual({ type: 'queueChanged' });
    expect(refused(queued, { type: 'escalate', trigger: 'visitor_request', reason: 'x', at }).code).toBe('bad_request');
    expect(refused(withMaria, { type: 'escalate', trigger: 'visitor_request', reason: 'x', at }).code).toBe('bad_request');
  });

  it('[CV3] an agent claims from the queue and the visitor is told who joined', () => {
    const r = ok(queued, { type: 'claim', agent: maria, at });
    expect(r.state).toEqual(withMaria);
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'notice', notice: 'agent_joined', body: expect.stringContaining('Maria') }));
    expect(r.effects).toContainEqual({ type: 'queueChanged' });
  });

  it('[CV3] an agent may take over from the bot before it escalates', () => {
    const r = ok(INITIAL_STATE, { type: 'claim', agent: maria, at });
    expect(r.state).toEqual(withMaria);
    expect(r.effects).not.toContainEqual({ type: 'queueChanged' });
  });

  it('[CV3] a second claim is already_claimed and names the winner', () => {
    const error = refused(withMaria, { type: 'claim', agent: tom, at });
    expect(error.code).toBe('already_claimed');
    expect(error.details).toEqual({ agentName: 'Maria' });
    expect(refused(withMaria, { type: 'claim', agent: maria, at }).code).toBe('bad_request');
  });

  it('[CV4] only the agent in control hands back', () => {
    const r = ok(withMaria, { type: 'handBack', agentId: 'a1', at });
    expect(r.state).toEqual(INITIAL_STATE);
    expect(r.effects).toContainEqual(expect.objectContaining({ notice: 'handed_back' }));
    expect(r.effects).toContainEqual({ type: 'queueChanged' }); // [CV11] the agent's slot is free
    expect(refused(withMaria, { type: 'handBack', agentId: 'a2', at }).code).toBe('not_in_control');
    expect(refused(queued, { type: 'handBack', agentId: 'a1', at }).code).toBe('not_in_control');
    expect(refused(INITIAL_STATE, { type: 'handBack', agentId: 'a1', at }).code).toBe('not_in_control');
  });

  it('[CV5] an agent resolves what they hold or what is queued; the system resolves anything open', () => {
    const held = ok(withMaria, { type: 'resolve', by: { kind: 'agent', agentId: 'a1' }, at });
    expect(held.state.control).toBe('closed');
    expect(held.effects).toContainEqual({ type: 'queueChanged' }); // [CV11]
    expect(ok(INITIAL_STATE, { type: 'resolve', by: { kind: 'system' }, at }).effects).not.toContainEqual({ type: 'queueChanged' });
    const fromQueue = ok(queued, { type: 'resolve', by: { kind: 'agent', agentId: 'a2' }, at });
    expect(fromQueue.state.control).toBe('closed');
    expect(fromQueue.effects).toContainEqual({ type: 'queueChanged' });
    expect(refused(withMaria, { type: 'resolve', by: { kind: 'agent', agentId: 'a2' }, at }).code).toBe('not_in_control');
    expect(refused(INITIAL_STATE, { type: 'resolve', by: { kind: 'agent', agentId: 'a1' }, at }).code).toBe('not_in_control');
    const bySystem = ok(INITIAL_STATE, { type: 'resolve', by: { kind: 'system' }, at });
    expect(bySystem.effects).toContainEqual(expect.objectContaining({ notice: 'resolved' }));
  });

  it('[CV6] requeue only from an agent, telling the visitor, back to the place they had', () => {
    const r = ok(withMaria, { type: 'requeue', reason: 'agent_offline', at });
    expect(r.state).toEqual(queued);
    expect(r.effects).toContainEqual(expect.objectContaining({ notice: 'requeued' }));
    const silent = ok(withMaria, { type: 'requeue', reason: 'agent_silent', at, since: '2026-01-01T09:00:00.000Z' });
    expect(silent.state.queuedAt).toBe('2026-01-01T09:00:00.000Z');
    expect(silent.effects).toContainEqual(expect.objectContaining({ notice: 'requeued', body: DEFAULT_COPY.requeuedSilent() }));
    // A "since" in the future (a clock skew between nodes) never puts anyone behind now.
    expect(ok(withMaria, { type: 'requeue', reason: 'agent_silent', at, since: '2999-01-01T00:00:00.000Z' }).state.queuedAt).toBe(at);
    expect(refused(queued, { type: 'requeue', reason: 'x', at }).code).toBe('bad_request');
    expect(refused(INITIAL_STATE, { type: 'requeue', reason: 'x', at }).code).toBe('bad_request');
  });

  it('[CV7] only the controller speaks', () => {
    expect(mayAuthorSpeak(INITIAL_STATE, { kind: 'bot' })).toBe(true);
    expect(mayAuthorSpeak(queued, { kind: 'bot' })).toBe(false);
    expect(mayAuthorSpeak(withMaria, { kind: 'bot' })).toBe(false);
    expect(mayAuthorSpeak(withMaria, { kind: 'agent', id: 'a1' })).toBe(true);
    expect(mayAuthorSpeak(withMaria, { kind: 'agent', id: 'a2' })).toBe(false);
    expect(mayAuthorSpeak(queued, { kind: 'agent', id: 'a1' })).toBe(false);
    expect(mayAuthorSpeak(queued, { kind: 'visitor' })).toBe(true);
    expect(mayAuthorSpeak(closed, { kind: 'visitor' })).toBe(false);
    expect(mayAuthorSpeak(closed, { kind: 'system' })).toBe(true);
  });

  it('[CV9] a closed conversation refuses every command', () => {
    const commands: Command[] = [
      { type: 'escalate', trigger: 'visitor_request', reason: 'x', at },
      { type: 'claim', agent: maria, at },
      { type: 'handBack', agentId: 'a1', at },
      { type: 'resolve', by: { kind: 'system' }, at },
      { type: 'requeue', reason: 'x', at },
    ];
    for (const c of commands) expect(refused(closed, c).code).toBe('conversation_closed');
  });

  it('[CV10] only the agent in control transfers, to someone else, and the visitor is told who joins', () => {
    const held = transition(INITIAL_STATE, { type: 'claim', agent: maria, at });
    if (!held.ok) throw new Error('claim failed');
    const moved = transition(held.state, { type: 'transfer', fromAgentId: maria.id, to: tom, at });
    expect(moved).toMatchObject({ ok: true, state: { control: 'agent', agentId: tom.id, agentName: tom.name } });
    if (moved.ok) expect(moved.effects[0]).toMatchObject({ type: 'notice', notice: 'transferred', body: expect.stringContaining(tom.name) });
    expect(refused(held.state, { type: 'transfer', fromAgentId: tom.id, to: tom, at }).code).toBe('not_in_control');
    expect(refused(held.state, { type: 'transfer', fromAgentId: maria.id, to: maria, at }).code).toBe('bad_request');
    expect(refused(INITIAL_STATE, { type: 'transfer', fromAgentId: maria.id, to: tom, at }).code).toBe('not_in_control');
  });

  it('[CV8] invariants hold after any sequence of commands', () => {
    const agent = fc.constantFrom(maria, tom);
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.constant<Command>({ type: 'escalate', trigger: 'accuracy_risk', reason: 'r', at }),
      agent.map((a): Command => ({ type: 'claim', agent: a, at })),
      agent.map((a): Command => ({ type: 'handBack', agentId: a.id, at })),
      agent.map((a): Command => ({ type: 'resolve', by: { kind: 'agent', agentId: a.id }, at })),
      fc.constant<Command>({ type: 'requeue', reason: 'silent', at }),
      fc.tuple(agent, agent).map(([from, to]): Command => ({ type: 'transfer', fromAgentId: from.id, to, at })),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state = INITIAL_STATE;
        for (const c of commands) {
          const r = transition(state, c);
          if (r.ok) state = r.state;
          expect(checkInvariants(state)).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
