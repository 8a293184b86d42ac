// Loads a site's playbook from the YAML file beside its knowledge base. A bad file fails with
// file, path and reason; a reload that fails keeps the last good playbook.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { PlaybookSchema, type Playbook } from '../core/policy/playbook.js';

export { type Playbook, type PlaybookAction, type PlaybookIntent, PlaybookSchema, requiredDetails, verifiedDetails } from '../core/policy/playbook.js';

export class PlaybookError extends Error {
  constructor(
    readonly file: string,
    readonly issues: { path: string; reason: string }[],
  ) {
    super(`Invalid playbook ${file}:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.reason}`).join('\n')}`);
    this.name = 'PlaybookError';
  }
}

export function parsePlaybook(file: string, text: string): Playbook {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new PlaybookError(file, [{ path: '', reason: `not valid YAML: ${(e as Error).message.split('\n')[0]}` }]);
  }
  const parsed = PlaybookSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PlaybookError(
      file,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), reason: i.message })),
    );
  }
  return parsed.data;
}

export function loadPlaybook(file: string): Playbook {
  return parsePlaybook(file, readFileSync(file, 'utf8'));
}
