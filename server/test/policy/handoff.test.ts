import type { Message } from '@baton/shared';
import { describe, expect, it } from 'vitest';
import { buildHandoff, maskDetail } from '../../src/core/policy/handoff.js';

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
});
