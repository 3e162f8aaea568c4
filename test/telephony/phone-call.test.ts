/**
 * Example 12 answers the phone: a real Node-RED runs the example unchanged (the Gradium config points at the
 * emulator, debug nodes also log to the console, a Catch node is added to read error codes), and simulated
 * Twilio calls speak to it over real WebSockets in real time: recorded speech as 20 ms μ-law frames, marks
 * echoed when the audio would have played. Two calls run at once the whole time; a third client sends bad
 * events meanwhile.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { startEmulator, type Emulator } from '../../src/emulator';
import { TtsManager } from '../../src/tts/tts-manager';
import type { TtsSettings } from '../../src/tts/types';
import { REPO_ROOT, startNodeRed, type NodeRedServer } from '../helpers/node-red-server';
import { debugMessages, pollUntil } from '../helpers/node-red-output';
import { CallSimulator, phoneAudioOf, type Received } from './call-simulator';

const EXAMPLE = path.join(REPO_ROOT, 'examples', '12 - Answer the phone (Twilio Media Streams).json');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'voice-gate');
const HOURS = 'Hours?';
/** Long enough for interim words while it is said: the emulator sends each word a little after its audio. */
const INTERRUPTION = 'Sorry, what are your opening hours please?';
const GREETING = 'Hello! How can I help?';
const ANSWER = 'We are open from nine to five.';
const WAIT_MS = 20000;

interface FlowNode {
  id: string;
  type: string;
  name?: string;
  z?: string;
  wires?: string[][];
  [k: string]: unknown;
}

/** What the emulator synthesizes for `text` in μ-law 8 kHz: the reference each call's audio must equal. */
async function synthesized(emulator: Emulator, text: string): Promise<Buffer> {
  const settings: TtsSettings = {
    voice: 'YTpq7expH9539ERJ',
    model: 'default',
    format: 'ulaw',
    sampleRate: 8000,
    delivery: 'stream',
    speed: 0,
    temperature: 0.7,
    unmuteDelay: 0,
    dialect: 'twilio',
  };
  const ttsUrl = emulator.url.replace(/\/api\/speech\/asr$/, '/api/speech/tts');
  const manager = new TtsManager<null>({ settings, connection: () => ({ url: ttsUrl, apiKey: 'reference-key' }) });
  const parts: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    manager.on('audio', (_k, out) => parts.push(out.payload));
    manager.on('finished', (_k, _c, outcome) => (outcome.status === 'spoken' ? resolve() : reject(new Error(JSON.stringify(outcome)))));
    manager.speak('reference', text, null);
  });
  manager.closeAll();
  return Buffer.concat(parts);
}

/** The call's audio between boundaries: each piece ends with a mark (played) or a clear (barge-in). */
function utterancesOf(received: Received[]): { audio: Buffer; end: 'mark' | 'clear' | 'open'; mark?: string }[] {
  const out: { audio: Buffer; end: 'mark' | 'clear' | 'open'; mark?: string }[] = [];
  let parts: Buffer[] = [];
  for (const { event } of received) {
    if (event.event === 'media') parts.push(Buffer.from((event.media as { payload: string }).payload, 'base64'));
    else if (event.event === 'mark' || event.event === 'clear') {
      out.push({ audio: Buffer.concat(parts), end: event.event, mark: (event.mark as { name?: string } | undefined)?.name });
      parts = [];
    }
  }
  if (parts.length > 0) out.push({ audio: Buffer.concat(parts), end: 'open' });
  return out;
}

function eventually<T>(what: string, probe: () => T | undefined | false): Promise<T> {
  return pollUntil(what, probe, WAIT_MS);
}

describe('example 12 answers simulated Twilio calls in a real Node-RED', function () {
  this.timeout(120000);

  let emulator: Emulator;
  let nodeRed: NodeRedServer;
  let url: string;
  const reference = new Map<string, Buffer>();
  const hours = phoneAudioOf(path.join(FIXTURES, 'four.wav'));
  const interruption = phoneAudioOf(path.join(FIXTURES, 'switch-on-lights.wav'));
  const out = (name: string): string[] => debugMessages(nodeRed.output, `ex12-${name}`);

  before(async () => {
    // Gradium streams speech about twice as fast as it plays, so an answer is still being made when it is interrupted.
    emulator = await startEmulator({ script: [HOURS, INTERRUPTION], faults: { ttsChunkIntervalMs: 40 } });
    const nodes = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as FlowNode[];
    const tab = nodes.find((n) => n.z)!.z!;
    for (const n of nodes) {
      if (n.type === 'gradium-config') Object.assign(n, { region: 'custom', endpoint: emulator.url, credentials: { apiKey: 'phone-test-key' } });
      if (n.type === 'debug') Object.assign(n, { name: `ex12-${String(n.name)}`, console: true, complete: 'true', targetType: 'full' });
    }
    const catcher: FlowNode[] = [
      { id: 'a312c0000001', type: 'catch', z: tab, name: '', scope: null, uncaught: false, wires: [['a312c0000002']] },
      { id: 'a312c0000002', type: 'debug', z: tab, name: 'ex12-caught', console: true, complete: 'error', targetType: 'msg', active: true, tosidebar: false, wires: [] },
    ];
    nodeRed = await startNodeRed({});
    await nodeRed.deploy([{ id: tab, type: 'tab', label: 'example 12' }, ...nodes, ...catcher]);
    await nodeRed.waitForLine(/Started flows/, { includePast: true });
    url = `${nodeRed.url.replace(/^http/, 'ws')}/phone/media`;
    for (const text of [GREETING, ANSWER, 'You pressed 1.', 'You pressed 2.']) reference.set(text, await synthesized(emulator, text));
  });

  afterEach(function () {
    // A failure shows what the flow logged.
    if (this.currentTest?.state === 'failed') console.log(nodeRed.output.split('\n').slice(-400).join('\n'));
  });

  after(async () => {
    await nodeRed?.stop();
    await emulator?.close();
  });

  it('two calls at once: greeting, key presses, words, barge-in, hang-up; bad events touch no call', async () => {
    const a = new CallSimulator(url, 'MZaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    const b = new CallSimulator(url, 'MZbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');
    await Promise.all([a.connect(), b.connect()]);
    a.loseNext(2);

    // Bad events from a third connection while both calls run.
    const bad = new WebSocket(url);
    await new Promise((resolve) => bad.once('open', resolve));
    bad.send(JSON.stringify({ event: 'dance', streamSid: 'MZcccc' }));
    bad.send(JSON.stringify({ event: 'media', sequenceNumber: '2', streamSid: 'MZcccc', media: { track: 'inbound', payload: '/////w==' } }));
    bad.send(JSON.stringify({ event: 'media', sequenceNumber: '3', media: { track: 'inbound', payload: '/////w==' } }));
    bad.send(JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid: 'MZcccc', start: { streamSid: 'MZcccc', mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }));
    bad.send(JSON.stringify({ event: 'media', sequenceNumber: '4', streamSid: 'MZcccc', media: { track: 'inbound', payload: 'not base64 at all!' } }));
    const caught = await eventually('four errors', () => (out('caught').length >= 4 ? out('caught') : undefined));
    const errors = caught.join('\n');
    assert.ok(caught.every((c) => c.includes("type: 'gradium-stt'")), 'gradium-stt reports them, gradium-tts leaves them');
    assert.equal((errors.match(/BAD_MEDIA_EVENT/g) ?? []).length, 4, errors);
    assert.match(errors, /unknown media-stream event "dance"/);
    assert.match(errors, /media for key "MZcccc".*before its start event/);
    assert.match(errors, /a media event has no stream id/);
    assert.match(errors, /media\.payload of stream "MZcccc" is not base64/);
    bad.send(JSON.stringify({ event: 'stop', sequenceNumber: '5', streamSid: 'MZcccc' }));
    bad.close();

    // Both calls are greeted; each hears it to the end (its mark comes back), then presses a key.
    await eventually('both greetings heard', () => a.echoedMarks.length >= 1 && b.echoedMarks.length >= 1);
    a.pressKey('1');
    b.pressKey('2');
    await eventually('both key answers heard', () => a.echoedMarks.length >= 2 && b.echoedMarks.length >= 2);
    const digits = out('heard').filter((m) => /dtmf: '\d'/.test(m));
    assert.ok(digits.some((m) => m.includes("dtmf: '1'") && m.includes(a.streamSid) && !m.includes('transcript:')), digits.join('\n'));
    assert.ok(digits.some((m) => m.includes("dtmf: '2'") && m.includes(b.streamSid)), digits.join('\n'));

    // A asks; the answer starts; A talks over it: clear, and the answer stops.
    a.say(hours);
    await eventually("A's words as a final transcript", () =>
      out('heard').find((m) => m.includes('final: true') && m.includes(a.streamSid) && m.includes(`normalized: 'hours'`)),
    );
    const marksBefore = a.events('mark').length;
    const mediaBefore = a.events('media').length;
    await eventually('the answer arriving', () => a.events('media').length >= mediaBefore + 3);
    a.say(interruption);
    await eventually('clear', () => a.events('clear').length === 1);
    assert.equal(a.events('mark').length, marksBefore, 'no mark for the interrupted answer');
    await eventually('the answer after the barge-in heard', () => a.echoedMarks.length >= 3 && !a.speaking);
    await eventually('unmute after the heard answer', () =>
      out('speaking').find((m) => m.includes(a.streamSid) && m.includes("action: 'unmute'") && m.includes('heard: true')),
    );

    // B asks, and hangs up as the answer starts: both of B's sessions end.
    const cancelledBefore = emulator.ttsSessions.filter((s) => s.cancelled).length;
    b.say(hours);
    const bMedia = b.events('media').length;
    await eventually("B's answer arriving", () => b.events('media').length > bMedia);
    await b.hangUp();
    await eventually("B's stream ended by its stop", () =>
      out('call ended').find((m) => m.includes(b.streamSid) && m.includes("reason: 'stop'")),
    );
    await eventually("B's answer stopped", () =>
      out('speaking').find((m) => m.includes(b.streamSid) && m.includes("reason: 'stop'")),
    );
    await eventually("B's Gradium TTS request cancelled", () => emulator.ttsSessions.filter((s) => s.cancelled).length > cancelledBefore);

    await a.hangUp();
    const aEnded = await eventually("A's stream ended", () => out('call ended').find((m) => m.includes(a.streamSid) && m.includes("reason: 'stop'")));
    assert.match(aEnded, /lostChunks: 2/);

    // Every event went to its own call, and every piece of audio is exactly what Gradium synthesized.
    for (const call of [a, b]) {
      for (const { event } of call.received) {
        const id = event.event === 'media' || event.event === 'mark' || event.event === 'clear' ? event.streamSid : undefined;
        assert.equal(id, call.streamSid, JSON.stringify(event).slice(0, 200));
        if (event.event === 'media') assert.ok(Buffer.from((event.media as { payload: string }).payload, 'base64').length <= 800, 'at most 100 ms per event');
      }
    }
    const pieces = utterancesOf(a.received);
    assert.deepEqual(pieces.map((p) => p.end), ['mark', 'mark', 'clear', 'mark'], 'greeting, key answer, interrupted answer, answer');
    assert.ok(pieces[0]!.audio.equals(reference.get(GREETING)!), 'greeting');
    assert.ok(pieces[1]!.audio.equals(reference.get('You pressed 1.')!), "A's key answer");
    const full = reference.get(ANSWER)!;
    assert.ok(pieces[2]!.audio.length < full.length && full.subarray(0, pieces[2]!.audio.length).equals(pieces[2]!.audio), 'the interrupted answer is a beginning of it');
    // The answer to the interruption is whole: nothing of the stopped one came after the clear.
    assert.ok(pieces[3]!.audio.equals(full), 'the next answer, whole');
    assert.equal(new Set(pieces.filter((p) => p.mark).map((p) => p.mark)).size, 3, 'a mark of its own per utterance');

    const bPieces = utterancesOf(b.received);
    assert.ok(bPieces[0]!.audio.equals(reference.get(GREETING)!));
    assert.ok(bPieces[1]!.audio.equals(reference.get('You pressed 2.')!), "B's key answer is B's");
    assert.equal(bPieces[2]!.end, 'open', 'the answer B hung up on');
    assert.ok(full.subarray(0, bPieces[2]!.audio.length).equals(bPieces[2]!.audio));
  });
});
