'use strict';
/**
 * One phone scenario through a real Node-RED runtime (embedded API) in its own process: gradium-stt reading
 * media-stream events (as `websocket in` passes them on: JSON strings) and gradium-tts answering, both against
 * the emulator. N calls in real time: each sends Twilio `start`, then a 20 ms μ-law `media` frame every 20 ms
 * (recorded speech at the start of every cycle, silence otherwise); each final transcript is answered with a
 * sentence the moment it reaches the next node; marks come back when the answer would have played. Reports,
 * in this process's clock: final transcript out of gradium-stt → first audio message out of gradium-tts, and
 * Gradium's first audio frame at the TTS socket → first audio message out; CPU per call-second.
 * `delivery` is `media-stream` (Twilio events) or `stream` (raw μ-law chunks, the same calls otherwise).
 */
const fs = require('node:fs');
const path = require('node:path');
const { sleep, summary, pacer } = require('./stats');
const { probeTtsSockets } = require('./tts-socket-probe');
const { measureWindow, answerParent } = require('./child-run');

const API_KEY = 'bench-key';
process.env.GRADIUM_API_KEY = API_KEY;

/** TTS request text → when its first audio frame reached the node's socket. */
const firstAudio = new Map();
/** TTS request text → when its setup left the node (the socket had just opened). */
const setupSent = new Map();
probeTtsSockets({
  onText: (text, setupAt) => {
    if (setupAt !== undefined) setupSent.set(text, setupAt);
  },
  onFrame: (text, kind) => {
    if (kind === 'audio' && !firstAudio.has(text)) firstAudio.set(text, performance.now());
  },
});
const { startBenchFlow } = require('./embedded-node-red');
const { linearToMuLaw } = require('../dist/audio/g711');

const FRAME_MS = 20;
/** Each call says something every CYCLE_MS: speech first, then silence while the answer plays. */
const CYCLE_MS = 4000;

function speechFrames() {
  const wav = fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'voice-gate', 'switch-on-lights.wav'));
  let at = 12;
  while (wav.toString('ascii', at, at + 4) !== 'data') at += 8 + wav.readUInt32LE(at + 4);
  const pcm = wav.subarray(at + 8, at + 8 + wav.readUInt32LE(at + 4));
  const mulaw = Buffer.alloc(Math.floor(pcm.length / 4));
  for (let i = 0; i < mulaw.length; i++) mulaw[i] = linearToMuLaw((pcm.readInt16LE(i * 4) + pcm.readInt16LE(i * 4 + 2)) >> 1);
  const frames = [];
  for (let i = 0; i < mulaw.length; i += 160) {
    const f = Buffer.alloc(160, 0xff);
    mulaw.copy(f, 0, i, Math.min(mulaw.length, i + 160));
    frames.push(f.toString('base64'));
  }
  return frames;
}

function flow(url, delivery) {
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'cfg', type: 'gradium-config', name: 'emulator', region: 'custom', endpoint: url },
    {
      id: 'stt', type: 'gradium-stt', z: 'tab', gradium: 'cfg', name: '', keyProperty: 'topic', maxStreams: 2000, encoding: 'media-stream',
      sampleRate: 8000, channels: 1, sampleFormat: 's16le', language: 'en', delayInFrames: 10, model: 'default', jsonConfig: '',
      turnMode: 'vad', vadHorizon: 2, vadThreshold: 0.7, vadSteps: 3, flushTimeout: 2000, finalGrace: 100, idleTimeout: 0,
      interim: false, bufferSeconds: 10, sendAudio: 'speech', gateAggressiveness: 2, gatePreRoll: 500, gateHangover: 800,
      wires: [[], [], ['heard']],
    },
    {
      id: 'tts', type: 'gradium-tts', z: 'tab', gradium: 'cfg', name: '', keyProperty: 'topic', voice: 'YTpq7expH9539ERJ',
      model: 'default', format: 'ulaw', sampleRate: 8000, delivery, speed: 0, temperature: 0.7, unmuteDelay: 300, dialect: 'twilio',
      wires: [['audio'], ['speaking']],
    },
    { id: 'heard', type: 'bench-sink', z: 'tab', wires: [] },
    { id: 'audio', type: 'bench-sink', z: 'tab', wires: [] },
    { id: 'speaking', type: 'bench-sink', z: 'tab', wires: [] },
  ];
}

async function run({ url, n, delivery, warmupS, measureS }) {
  const { RED, stop } = await startBenchFlow(flow(url, delivery), 'speaking');
  const stt = RED.nodes.getNode('stt');
  const tts = RED.nodes.getNode('tts');
  if (!stt || !tts) throw new Error('gradium-stt or gradium-tts did not start (is the package built?)');
  stt.on('call:error', () => undefined);
  tts.on('call:error', () => undefined);
  const speech = speechFrames();
  const calls = Array.from({ length: n }, (_, i) => ({
    index: i,
    sid: `MZ${String(i).padStart(32, '0')}`,
    seq: 0,
    chunk: 0,
    started: false,
    /** The answer being waited for: its text and when the final left gradium-stt. */
    pending: null,
    answers: 0,
  }));
  const bySid = new Map(calls.map((c) => [c.sid, c]));

  let measuring = false;
  const finalToMedia = [];
  const firstAudioToMedia = [];
  const finalToSetup = [];
  const setupToFirstAudio = [];
  const counts = { finals: 0, answers: 0, mediaEvents: 0, bytes: 0, marks: 0, errors: 0 };
  const timers = new Set();

  RED.nodes.getNode('heard').on('input', (msg) => {
    if (msg.final !== true) return;
    const call = bySid.get(msg.topic);
    if (!call) return;
    const text = `Call ${call.index}, answer ${call.answers++}: the light is on.`;
    call.pending = { text, finalAt: performance.now(), measured: measuring };
    if (measuring) counts.finals++;
    // As a Switch and a Change node would pass it on: the message itself, with the answer as payload.
    tts.receive({ ...msg, payload: text, _benchText: text });
  });
  RED.nodes.getNode('audio').on('input', (msg) => {
    const call = bySid.get(msg.topic);
    if (!call) return;
    const ev = msg.payload;
    const isAudio = delivery === 'stream' ? msg.payload.length > 0 : ev.event === 'media';
    if (isAudio) {
      const p = call.pending;
      if (p && p.text === msg._benchText) {
        const now = performance.now();
        if (p.measured) {
          finalToMedia.push(now - p.finalAt);
          const fa = firstAudio.get(p.text);
          const setup = setupSent.get(p.text);
          if (fa !== undefined) firstAudioToMedia.push(now - fa);
          if (setup !== undefined) finalToSetup.push(setup - p.finalAt);
          if (setup !== undefined && fa !== undefined) setupToFirstAudio.push(fa - setup);
          counts.answers++;
        }
        call.pending = null;
        firstAudio.delete(p.text);
        setupSent.delete(p.text);
      }
      if (measuring) {
        counts.mediaEvents++;
        counts.bytes += delivery === 'stream' ? msg.payload.length : Buffer.byteLength(ev.media.payload, 'base64');
      }
      call.playedUntil = Math.max(performance.now(), call.playedUntil ?? 0) + (delivery === 'stream' ? msg.payload.length : Buffer.byteLength(ev.media.payload, 'base64')) / 8;
    } else if (delivery !== 'stream' && ev.event === 'mark') {
      // The call plays it, then its mark comes back through websocket in.
      const wait = Math.max(0, (call.playedUntil ?? 0) - performance.now());
      const echo = JSON.stringify({ event: 'mark', sequenceNumber: String(++call.seq), streamSid: call.sid, mark: ev.mark });
      const t = setTimeout(() => {
        timers.delete(t);
        if (measuring) counts.marks++;
        tts.receive({ payload: echo });
      }, wait);
      timers.add(t);
    }
  });

  function event(obj) {
    return JSON.stringify(obj);
  }
  // One shared real-time loop: every call's frame each 20 ms, calls joining one by one over the first cycle.
  const joinEvery = Math.max(1, Math.floor(CYCLE_MS / FRAME_MS / Math.max(1, n)));
  let tick = 0;
  const pace = pacer(FRAME_MS, () => {
    const k = tick++;
    for (let i = 0; i < n; i++) {
      const c = calls[i];
      if (!c.started) {
        if (k < i * joinEvery) break;
        c.started = true;
        c.startTick = k;
        stt.receive({ payload: event({ event: 'connected', protocol: 'Call', version: '1.0.0' }), _session: { type: 'websocket', id: c.sid } });
        stt.receive({
          payload: event({
            event: 'start', sequenceNumber: String(++c.seq), streamSid: c.sid,
            start: { streamSid: c.sid, callSid: `CA${c.sid.slice(2)}`, tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
          }),
          _session: { type: 'websocket', id: c.sid },
        });
        continue;
      }
      const inCycle = (k - c.startTick) % (CYCLE_MS / FRAME_MS);
      const payload = inCycle < speech.length ? speech[inCycle] : SILENCE;
      c.chunk++;
      stt.receive({
        payload: event({ event: 'media', sequenceNumber: String(++c.seq), streamSid: c.sid, media: { track: 'inbound', chunk: String(c.chunk), timestamp: String(c.chunk * FRAME_MS), payload } }),
        _session: { type: 'websocket', id: c.sid },
      });
    }
  });

  await sleep(warmupS * 1000 + CYCLE_MS);
  const { cpu, windowMs } = await measureWindow(measureS, (on) => (measuring = on));
  process.send({ type: 'window', phase: 'end' });
  pace.stop();
  for (const t of timers) clearTimeout(t);
  for (const c of calls) {
    if (c.started) stt.receive({ payload: event({ event: 'stop', sequenceNumber: String(++c.seq), streamSid: c.sid, stop: {} }), _session: { type: 'websocket', id: c.sid } });
  }
  await sleep(500);
  await stop();
  const windowS = windowMs / 1000;
  return {
    n,
    delivery,
    windowS,
    cpuMs: cpu,
    coreUtilisation: cpu / windowMs,
    cpuMsPerCallSecond: cpu / (n * windowS),
    finals: counts.finals,
    answers: counts.answers,
    mediaEvents: counts.mediaEvents,
    audioSeconds: counts.bytes / 8000,
    marksEchoed: counts.marks,
    finalToFirstMedia: summary(finalToMedia),
    finalToSetupSent: summary(finalToSetup),
    setupToFirstAudio: summary(setupToFirstAudio),
    firstAudioToFirstMedia: summary(firstAudioToMedia),
  };
}

const SILENCE = Buffer.alloc(160, 0xff).toString('base64');

answerParent(run);
