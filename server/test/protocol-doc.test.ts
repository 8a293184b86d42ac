// docs/protocol.md is the contract another team writes a client from: every event, request and
// error code in shared/ must appear in it, so the two cannot drift.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { agentEvents, agentRequests, ErrorCode, visitorEvents, visitorRequests } from '@baton/shared';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/protocol.md'), 'utf8');

describe('docs/protocol.md', () => {
  it.each([
    ...Object.keys(visitorRequests).map((e) => ['visitor request', e]),
    ...Object.keys(visitorEvents).map((e) => ['visitor event', e]),
    ...Object.keys(agentRequests).map((e) => ['agent request', e]),
    ...Object.keys(agentEvents).map((e) => ['agent event', e]),
    ...ErrorCode.options.map((c) => ['error code', c]),
  ])('documents the %s `%s`', (_kind, name) => {
    expect(doc).toContain(`\`${name}\``);
  });
});
