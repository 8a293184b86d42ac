// Page object for the agent console.
import { expect, type Page } from '@playwright/test';

export const DEMO_AGENT = { email: 'agent@demo.test', password: 'baton-demo', name: 'Maria' };

export class AgentConsole {
  constructor(readonly page: Page) {}

  /** `base`: another server than the suite's own (the multi-node spec). */
  async signIn(email = DEMO_AGENT.email, password = DEMO_AGENT.password, base = '') {
    await this.page.goto(`${base}/console`);
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The queue entry whose text contains `text` (e.g. the visitor's words or the intent). */
  queueItem(text: string | RegExp) {
    return this.page.getByRole('listitem').filter({ hasText: text });
  }

  get log() {
    return this.page.getByRole('log');
  }

  async takeOver() {
    await this.page.getByRole('button', { name: 'Take over' }).click();
  }

  async reply(text: string) {
    await this.page.getByRole('textbox', { name: 'Reply' }).fill(text);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(this.log).toContainText(text);
  }

  /** Opens the queued conversation whose card shows `marker` and takes it over. */
  async takeOverFrom(marker: string | RegExp) {
    await this.queueItem(marker).click();
    await this.takeOver();
  }

  async handBack() {
    await this.page.getByRole('button', { name: 'Hand back to bot' }).click();
  }

  async resolve() {
    await this.page.getByRole('button', { name: 'Resolve' }).click();
  }
}
