// [E2E9] Appearance from the site's settings (colour, side, launcher label, greeting), overridable
// per page by data attributes (tested in embedding.spec.ts).
import { expect, test } from '@playwright/test';
import { DEMO_AGENT } from './pages/console.js';

test('the site sets colour, side, launcher label and greeting (data attributes override them: embedding.spec)', async ({ page, request }) => {
  const login = await request.post('/api/agent/login', { data: { email: DEMO_AGENT.email, password: DEMO_AGENT.password } });
  const { token } = (await login.json()) as { token: string };
  const patch = (settings: Record<string, unknown>) =>
    request.patch('/api/admin/site', { headers: { authorization: `Bearer ${token}` }, data: { settings } });
  expect((await patch({ color: '#0f766e', position: 'left', launcherLabel: 'Chat with us', greeting: 'Hello from the settings!' })).status()).toBe(200);
  try {
    await page.goto('/');
    const launcher = page.getByRole('button', { name: 'Open chat: Chat with us' });
    await expect(launcher).toBeVisible();
    await expect(launcher).toContainText('Chat with us');
    await expect(launcher).toHaveCSS('background-color', 'rgb(15, 118, 110)');
    const box = (await launcher.boundingBox())!;
    expect(box.x).toBeLessThan(100); // on the left
    await launcher.click();
    await expect(page.getByText('Hello from the settings!')).toBeVisible();
  } finally {
    await patch({ color: '#4f46e5', position: 'right', launcherLabel: '', greeting: '' });
  }
});
