import type { Message } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { buildHandoff, maskDetail, maskText } from '../../src/core/policy/handoff.js';

const at = '2026-11-24T10:00:00.000Z';
const m = (seq: number, kind: 'visitor' | 'bot', body: string): Message => ({ id: `m${seq}`, conversationId: 'c', seq, clientId: `k${seq}`, author: { kind }, body, createdAt: at });

describe('handoff package', () => {
  it('[HP1] masks every detail the playbook does not permit', () => {
    expect(maskDetail('email', 'jane@example.com')).toBe('j***@example.com');
    expect(maskDetail('phone', '+49 170 1234567')).toBe('***567');
    expect(maskDetail('iban', 'DE89370400440532013000')).toBe('DE***');
    const p = buildHandoff({
      intent: 'order_status', status: 'blocked', trigger: 'workflow_failure', reason: 'Lookup failed.', evidence: ['HTTP 500'],
      riskFlags: ['refund', 'refund'], details: { orderNumber: 'A-10422', email: 'jane@example.com' }, permitted: ['orderNumber'],
      attempted: [{ action: 'order_lookup', outcome: 'error: HTTP 500' }],
      history: [m(1, 'visitor', 'Where is my order A-10422?'), m(2, 'bot', '…'), m(3, 'visitor', 'It is jane@example.com')],
    });
    expect(p.customerDetails).toEqual({ orderNumber: 'A-10422', email: 'j***@example.com' });
    expect(p.riskFlags).toEqual(['refund']);
    expect(JSON.stringify(p.customerDetails)).not.toContain('jane@');
  });

  it('[HP2] the summary is short and extractive: first ask, last words, key details', () => {
    const p = buildHandoff({
      intent: 'order_status', status: 'urgent', trigger: 'emotional_urgency', reason: 'Frustrated.', evidence: [], riskFlags: [],
      details: { orderNumber: 'A-10422' }, permitted: ['orderNumber'], attempted: [],
      history: [m(1, 'visitor', 'Where is my order A-10422?'), m(2, 'bot', 'In transit.'), m(3, 'visitor', 'This is ridiculous ' + 'x'.repeat(500))],
    });
    expect(p.summary.length).toBeLessThanOrEqual(300);
    expect(p.summary).toContain('order status');
    expect(p.summary).toContain('Where is my order A-10422?');
    expect(p.summary).toContain('This is ridiculous');
    expect(p.summary).toContain('orderNumber A-10422');
  });

  it('[HP3] what the playbook masks is masked in the summary, evidence, reason and attempts too', () => {
    const p = buildHandoff({
      intent: 'order_status', status: 'blocked', trigger: 'visitor_request', reason: 'Asked for a person (jane@example.com).',
      evidence: ['"Call me on +49 170 1234567 or mail jane@example.com"'], riskFlags: [],
      details: { orderNumber: 'A-10422', email: 'jane@example.com', iban: 'DE89370400440532013000' }, permitted: ['orderNumber'],
      kinds: { orderNumber: 'orderNumber', email: 'email', iban: undefined },
      attempted: [{ action: 'language model answer', outcome: 'model said: write to jane@example.com' }],
      history: [m(1, 'visitor', 'Where is my order A-10422? I am jane@example.com, IBAN DE89370400440532013000'), m(2, 'bot', '…'), m(3, 'visitor', 'Call me on +49 170 1234567 or mail Jane.Other@Example.org')],
    });
    const text = JSON.stringify(p);
    for (const secret of ['jane@example.com', 'jane.other@example.org', 'Jane.Other', '1234567', 'DE89370400440532013000']) expect(text).not.toContain(secret);
    expect(p.summary).toContain('j***@example.com');
    expect(p.summary).toContain('A-10422'); // permitted: travels as it is
    expect(p.summary).toContain('DE***');
    expect(p.evidence[0]).toContain('***567');
  });

  it('[HP3] a permitted kind travels as it is; a declared but not permitted one is masked', () => {
    expect(maskText('mail a@x.test', { details: {}, permitted: ['email'] })).toBe('mail a@x.test');
    expect(maskText('order A-10422', { details: {}, permitted: [], kinds: { orderNumber: 'orderNumber' } })).toBe('order A-***');
    expect(maskText('order A-10422 on 12.03.2026 for €49.90', { details: {}, permitted: [] })).toBe('order A-10422 on 12.03.2026 for €49.90');
  });
});
