// Page objects for voice (issue 18): the widget's voice mode and call, the console's call area.
// Roles and names where there are some; the call's audio counters are data attributes
// (data-call-state, data-bytes-received, data-bytes-sent) updated each second from getStats.
import { expect, type Locator, type Page } from '@playwright/test';

/** The visitor's voice controls in the open widget (English strings). */
export class VoiceMode {
  constructor(readonly page: Page) {}

  get startButton() {
    return this.page.getByRole('button', { name: 'Start voice' });
  }
  get stopButton() {
    return this.page.getByRole('button', { name: 'Stop voice' });
  }
  /** The voice bar: role group "Voice", with data-voice-state = starting|listening|hearing|thinking|speaking|not_caught. */
  get bar() {
    return this.page.getByRole('group', { name: 'Voice', exact: true });
  }
  /** What voice is doing, in words (a live region): "Listening…", "Thinking…", "Speaking…", "Sorry, I didn't catch that". */
  get state() {
    return this.bar.getByRole('status');
  }
  /** Why voice could not start or stopped ("… — you can type"). */
  get problem() {
    return this.page.getByRole('alert').filter({ hasText: /you can type|try again/ });
  }
  get pushToTalk() {
    return this.page.getByRole('button', { name: 'Push to talk' });
  }
  get handsFree() {
    return this.page.getByRole('button', { name: 'Hands-free' });
  }
  get holdToTalk() {
    return this.page.getByRole('button', { name: /^Hold to talk/ });
  }
  get hangUp() {
    return this.page.getByRole('button', { name: 'Hang up' });
  }
  /** The call with an agent: data-call-state connecting|connected, and its audio counters. */
  get call(): Locator {
    return this.bar.locator('[data-call-state]');
  }

  async start() {
    await this.startButton.click();
    await expect(this.stopButton).toBeVisible();
    await expect(this.state).toHaveText(/Listening/);
  }

  /** Holds push-to-talk for `ms` (the page's fake microphone plays meanwhile). */
  async holdFor(ms: number) {
    const box = await this.holdToTalk.boundingBox();
    if (!box) throw new Error('no Hold to talk button');
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.mouse.down();
    await this.page.waitForTimeout(ms);
    await this.page.mouse.up();
  }
}

/** The console's call area of the open conversation. */
export class ConsoleCall {
  constructor(readonly page: Page) {}

  /** A <section aria-label="Call"> with data-call-state idle|connecting|connected|ended. */
  get area() {
    return this.page.getByRole('region', { name: 'Call' });
  }
  get join() {
    return this.page.getByRole('button', { name: 'Join call' });
  }
  get mute() {
    return this.page.getByRole('button', { name: 'Mute' });
  }
  get hangUp() {
    return this.page.getByRole('button', { name: 'Hang up' });
  }
  /** "On voice" in the header (and in the queue card). */
  get onVoice() {
    return this.page.getByRole('main').getByText('On voice');
  }
}

/** Audio bytes counted by a call element, and a wait until they pass `atLeast`. */
export async function bytes(el: Locator, which: 'received' | 'sent' = 'received'): Promise<number> {
  return Number((await el.getAttribute(`data-bytes-${which}`)) ?? 0);
}

export async function expectAudioFlowing(el: Locator, atLeast = 2000) {
  await expect(el).toHaveAttribute('data-call-state', 'connected', { timeout: 15_000 });
  await expect.poll(() => bytes(el, 'received'), { timeout: 15_000 }).toBeGreaterThan(atLeast);
  await expect.poll(() => bytes(el, 'sent'), { timeout: 15_000 }).toBeGreaterThan(atLeast);
}
