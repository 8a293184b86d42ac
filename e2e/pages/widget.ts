// Page object for the visitor widget as a visitor sees it (locators by role and name; Playwright
// pierces the widget's open Shadow DOM).
import { expect, type Page } from '@playwright/test';

export class VisitorWidget {
  constructor(readonly page: Page) {}

  async goto(path = '/') {
    await this.page.goto(path);
    await expect(this.launcher).toBeVisible();
  }

  get launcher() {
    return this.page.getByRole('button', { name: 'Open chat' });
  }
  get log() {
    return this.page.getByRole('log');
  }
  get textbox() {
    return this.page.getByRole('textbox', { name: 'Message' });
  }

  async open() {
    await this.launcher.click();
    await expect(this.textbox).toBeVisible();
  }

  async send(text: string) {
    await this.textbox.fill(text);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(this.log).toContainText(text);
  }

  /** Opens the chat on the demo page and asks for a person; `marker` finds the card in the queue. */
  async askForAPerson(marker: string) {
    await this.goto();
    await this.open();
    await this.send(`I want to talk to a real person please (${marker})`);
  }

  async expectInLog(text: string | RegExp, options?: { timeout?: number }) {
    await expect(this.log).toContainText(text, options);
  }
}
