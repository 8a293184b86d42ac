// The agent's side of a voice call (issue 18): join (claims a waiting conversation), offer the
// call with the microphone, relay signals, and transcribe the agent's own speech into the
// conversation through the same VAD the widget uses, so both sides stay in the transcript.
import type { CallSignal } from '@baton/shared';
import { openMicrophone, problemOf, startCapture, stopStream, type Capture } from '../voice/capture.js';
import { createPeer, type Peer } from '../voice/rtc.js';
import { Utterances } from '../voice/utterances.js';
import type { AgentSocket } from './connection.js';
import { addMessages, consoleStore, upsertConversations, type ConsoleCall } from './store.js';
import { clientId } from './Tools.js';

const PROBLEMS: Record<string, string> = {
  denied: 'The microphone is blocked in this browser: allow it for the console and join again.',
  no_device: 'No microphone found.',
  unsupported: 'This browser cannot make calls.',
};

interface Active {
  conversationId: string;
  peer: Peer;
  mic: MediaStream;
  callMic: MediaStream;
  context: AudioContext | null;
  capture: Capture | null;
  utterances: Utterances | null;
  statsTimer: ReturnType<typeof setInterval>;
}

let active: Active | null = null;

const setCall = (patch: Partial<ConsoleCall> | null) =>
  consoleStore.setState((s) => ({ call: patch === null ? null : ({ ...(s.call ?? { conversationId: '', state: 'connecting', muted: false }), ...patch } as ConsoleCall) }));

export async function joinCall(socket: AgentSocket, conversationId: string): Promise<void> {
  if (active) endCall(true);
  setCall({ conversationId, state: 'connecting', muted: false, error: undefined, bytesReceived: 0, bytesSent: 0 });
  const ack = await socket.emitWithAck('call:join', { conversationId }).catch(() => null);
  if (!ack?.ok) return setCall({ state: 'ended', error: ack ? ack.error.message : 'No connection to the server.' });
  upsertConversations([ack.conversation]);
  let mic: MediaStream;
  try {
    mic = await openMicrophone();
  } catch (error) {
    return setCall({ state: 'ended', error: PROBLEMS[problemOf(error)] ?? 'The microphone could not start.' });
  }
  const callMic = mic.clone();
  const send = (signal: CallSignal) => socket.emit('call:signal', { conversationId, signal }, () => {});
  const peer = createPeer({
    iceServers: ack.iceServers,
    // The call's own copy: the transcriber keeps the original.
    microphone: callMic,
    signal: send,
    onState: (state) => {
      if (active?.peer !== peer) return;
      if (state === 'ended') endCall(false);
      else setCall({ state });
    },
  });
  const statsTimer = setInterval(async () => {
    const s = await peer.stats().catch(() => null);
    if (s && active?.peer === peer) setCall(s);
  }, 1000);
  active = { conversationId, peer, mic, callMic, context: null, capture: null, utterances: null, statsTimer };
  await peer.offer();
  await transcribe(socket, active);
}

/** The agent's speech into `voice:frame`/`voice:end`: it becomes their message, marked spoken. */
async function transcribe(socket: AgentSocket, call: Active) {
  const { conversationId } = call;
  try {
    const context = new AudioContext();
    call.context = context;
    call.utterances = new Utterances(
      {
        frame: (utteranceId, seq, pcm) => socket.emit('voice:frame', { conversationId, utteranceId, seq, pcm }, () => {}),
        end: (utteranceId) =>
          void socket.emitWithAck('voice:end', { conversationId, utteranceId, clientId: clientId('v') }).then((ack) => {
            if (ack.ok) addMessages(conversationId, [ack.message]);
          }),
        cancel: (utteranceId) => socket.emit('voice:cancel', { conversationId, utteranceId }, () => {}),
      },
      { sampleRate: context.sampleRate },
    );
    const u = call.utterances;
    call.capture = await startCapture(context, call.mic, (chunk) => u.push(chunk));
  } catch {
    // The call goes on without the agent's side in the transcript; they can still type.
    setCall({ error: "Your words in this call can't be transcribed here; the call itself works." });
  }
}

export function receiveCallSignal(e: { conversationId: string; signal: CallSignal }) {
  if (!active || active.conversationId !== e.conversationId) return;
  void active.peer.receive(e.signal).catch(() => endCall(true));
}

export function setMuted(muted: boolean) {
  if (!active) return;
  active.peer.setMuted(muted);
  // Muted words are not the agent's to the visitor: they are not transcribed either.
  active.utterances?.pause(muted);
  setCall({ muted });
}

export function endCall(notify: boolean) {
  const call = active;
  if (!call) return;
  active = null;
  clearInterval(call.statsTimer);
  call.utterances?.stop();
  call.capture?.stop();
  void call.context?.close().catch(() => {});
  call.peer.close(notify);
  stopStream(call.mic);
  stopStream(call.callMic);
  setCall({ state: 'ended' });
}
