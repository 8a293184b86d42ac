// [E2E-voice] Voice stays voice (issue 18), in real Chromium with a fake microphone playing what
// espeak-ng says, against the real server with the embedded speech engines: the visitor asks a
// shipping question aloud and hears and sees the answer, asks for a person aloud and gets the
// voice handoff line; the agent, in a second browser, joins the call from the console; audio flows
// both ways over WebRTC, and both sides' words are in the conversation. (A refused microphone
// falling back to text: e2e/voice-fallback.spec.ts.)
import { expect, test } from '@playwright/test';
import { AgentConsole } from './pages/console.js';
import { ConsoleCall, expectAudioFlowing, VoiceMode } from './pages/voice.js';
import { VisitorWidget } from './pages/widget.js';
import { fakeMicrophone, speechWav } from './fixtures/speech.js';

const wav = speechWav(
  [
    { text: 'How long does shipping take to Austria?', pauseAfter: 9 },
    { text: 'I want to talk to a person', pauseAfter: 40 },
  ],
  2,
  'en-us+klatt',
);

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', '--autoplay-policy=no-user-gesture-required', ...fakeMicrophone(wav)],
  },
});

// Tests may use loopback only: the peers are given only their 127.0.0.1 candidates.
const loopbackOnly = () => {
  const keep = (c?: string | null) => !c || / 127\.0\.0\.1 /.test(c);
  const add = RTCPeerConnection.prototype.addIceCandidate;
  RTCPeerConnection.prototype.addIceCandidate = function (this: RTCPeerConnection, c?: RTCIceCandidateInit | null) {
    return keep(c?.candidate) ? (Reflect.apply(add, this, [c]) as Promise<void>) : Promise.resolve();
  } as typeof add;
  const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, d?: RTCSessionDescriptionInit) {
    const sdp = d?.sdp?.split('\r\n').filter((l) => !l.startsWith('a=candidate:') || keep(l)).join('\r\n');
    return Reflect.apply(setRemote, this, [d ? { type: d.type, sdp } : d]) as Promise<void>;
  } as typeof setRemote;
};

test('the visitor talks to the bot, asks for a person aloud, and the agent joins the call', async ({ page, browser }) => {
  test.setTimeout(150_000);
  await page.addInitScript(loopbackOnly);
  const widget = new VisitorWidget(page);
  const voice = new VoiceMode(page);
  await widget.goto();
  await widget.open();
  await voice.start();

  // The shipping question, transcribed into the conversation and marked spoken; the answer shown and spoken.
  await widget.expectInLog(/shipping/i, { timeout: 30_000 });
  await expect(widget.log.getByRole('img', { name: 'Spoken' }).first()).toBeVisible();
  await widget.expectInLog(/2–4 working days/, { timeout: 30_000 });
  await expect(voice.bar).toHaveAttribute('data-voice-state', 'speaking', { timeout: 20_000 });

  // Asking for a person aloud: the voice handoff line (nobody is online yet).
  await widget.expectInLog(/passed your case to our team/, { timeout: 40_000 });

  // The agent sees the visitor on voice, with the channel in the package, and joins the call.
  const agentContext = await browser.newContext();
  const agentPage = await agentContext.newPage();
  await agentPage.addInitScript(loopbackOnly);
  const agent = new AgentConsole(agentPage);
  await agent.signIn();
  await agentPage.getByRole('listitem').filter({ hasText: 'On voice' }).first().click();
  await expect(agentPage.getByRole('region', { name: 'Handoff package' })).toContainText(/voice/i);
  const call = new ConsoleCall(agentPage);
  await call.join.click();
  await expect(page.getByText(/On a call with/)).toBeVisible({ timeout: 20_000 });

  // Audio flows both ways over the peer connection.
  await expectAudioFlowing(call.area);
  await expectAudioFlowing(voice.call);

  // The transcript on both sides: the visitor's spoken words reached the agent's console.
  await expect(agent.log).toContainText(/shipping/i);
  await expect(agentPage.getByRole('img', { name: 'Spoken' }).first()).toBeVisible();

  // The visitor hangs up; the console sees the call end, and the conversation goes on.
  await voice.hangUp.click();
  await expect(call.area).toHaveAttribute('data-call-state', 'ended', { timeout: 10_000 });
  await agentContext.close();
});
