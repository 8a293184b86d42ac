// The call between the visitor's widget and the agent's console: one RTCPeerConnection with the
// microphone, signalling relayed by the server (call:signal). The agent offers, the widget answers.
import type { CallSignal, IceServer } from '@baton/shared';

export type CallState = 'connecting' | 'connected' | 'ended';

export interface CallStats {
  /** Audio bytes received from the other side (inbound-rtp), and sent to it (outbound-rtp). */
  bytesReceived: number;
  bytesSent: number;
}

export interface PeerOptions {
  iceServers: IceServer[];
  microphone: MediaStream;
  signal(signal: CallSignal): void;
  onState(state: CallState): void;
  /** Element the other side's voice plays in (kept out of the layout, never muted). */
  audio?: HTMLAudioElement;
}

export interface Peer {
  /** The agent's side: makes the offer and sends it. */
  offer(): Promise<void>;
  /** A signal from the other side. The widget answers an offer with its microphone. */
  receive(signal: CallSignal): Promise<void>;
  stats(): Promise<CallStats>;
  setMuted(muted: boolean): void;
  /** Ends the call here; `notify` also tells the other side (a hangup signal). */
  close(notify: boolean): void;
  readonly state: CallState;
}

export function createPeer(options: PeerOptions): Peer {
  const pc = new RTCPeerConnection({ iceServers: options.iceServers as RTCIceServer[] });
  for (const track of options.microphone.getAudioTracks()) pc.addTrack(track, options.microphone);
  let state: CallState = 'connecting';
  const setState = (next: CallState) => {
    if (state === next || state === 'ended') return;
    state = next;
    options.onState(next);
  };
  // Candidates can arrive before the description they belong to: held until it is set.
  let early: RTCIceCandidateInit[] | null = [];
  const audio = options.audio ?? new Audio();
  audio.autoplay = true;

  pc.onicecandidate = (e) => {
    if (!e.candidate) return;
    const { candidate, sdpMid, sdpMLineIndex } = e.candidate.toJSON();
    if (candidate) options.signal({ kind: 'candidate', candidate: { candidate, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null } });
  };
  pc.ontrack = (e) => {
    audio.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    void audio.play().catch(() => {});
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'connected') setState('connected');
    else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') close(false);
  };

  const described = async (description: RTCSessionDescriptionInit) => {
    await pc.setRemoteDescription(description);
    const held = early ?? [];
    early = null;
    for (const c of held) await pc.addIceCandidate(c).catch(() => {});
  };

  function close(notify: boolean) {
    if (state === 'ended') return;
    if (notify) options.signal({ kind: 'hangup' });
    pc.close();
    audio.srcObject = null;
    setState('ended');
  }

  return {
    get state() {
      return state;
    },
    async offer() {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      options.signal({ kind: 'offer', sdp: offer.sdp ?? '' });
    },
    async receive(signal) {
      if (state === 'ended') return;
      switch (signal.kind) {
        case 'offer': {
          await described({ type: 'offer', sdp: signal.sdp });
          const answer = await pc.createAnswer();
          await pc.setLocalDescription(answer);
          options.signal({ kind: 'answer', sdp: answer.sdp ?? '' });
          break;
        }
        case 'answer':
          await described({ type: 'answer', sdp: signal.sdp });
          break;
        case 'candidate':
          if (early) early.push(signal.candidate);
          else await pc.addIceCandidate(signal.candidate).catch(() => {});
          break;
        case 'hangup':
          close(false);
          break;
      }
    },
    async stats() {
      let bytesReceived = 0;
      let bytesSent = 0;
      (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') bytesReceived += r.bytesReceived ?? 0;
        if (r.type === 'outbound-rtp' && r.kind === 'audio') bytesSent += r.bytesSent ?? 0;
      });
      return { bytesReceived, bytesSent };
    },
    setMuted(muted) {
      for (const track of options.microphone.getAudioTracks()) track.enabled = !muted;
    },
    close,
  };
}

/**
 * Puts the call's audio counters on `el` every second (data-bytes-received, data-bytes-sent):
 * e2e tests assert audio flows both ways, and anyone can read them in devtools. Returns a stop.
 */
export function publishStats(peer: Peer, el: () => Element | null | undefined, everyMs = 1000): () => void {
  const tick = async () => {
    if (peer.state === 'ended') return;
    const s = await peer.stats().catch(() => null);
    const target = el();
    if (!s || !target) return;
    target.setAttribute('data-bytes-received', String(s.bytesReceived));
    target.setAttribute('data-bytes-sent', String(s.bytesSent));
  };
  const timer = setInterval(() => void tick(), everyMs);
  return () => clearInterval(timer);
}
