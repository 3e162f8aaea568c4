/**
 * The phone side of the nodes in a real Node-RED runtime (node-red-node-test-helper) against the emulator:
 * what gradium-tts refuses for a call, its marks and stops as messages, and the stream layer opening a
 * G.711 stream on `start` with the bytes the caller sent.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { prepareAudio } from '../../src/audio';
import { StreamManager } from '../../src/streams/stream-manager';
import { STREAM_DEFAULTS } from '../../src/streams/stream-defaults';
import { until } from '../helpers/speech-audio';
import { SttHarness } from '../nodes/stt-harness';
import { TtsRun, unloadTts } from '../nodes/tts-harness';
import { phoneAudioOf } from './call-simulator';
import { REPO_ROOT } from '../helpers/node-red-server';
import * as path from 'node:path';

const SID = 'MZ11111111111111111111111111111111';

describe('gradium-tts and gradium-stt on a phone line', function () {
  this.timeout(30000);
  let emu: Emulator;
  before(async () => {
    await prepareAudio();
    emu = await startEmulator({ port: 0, script: ['Hello there'], recordAudio: true });
  });
  after(async () => emu.close());
  afterEach(() => unloadTts());

  it('a media-stream node with a format the provider cannot play is a configuration error that names the fix', async () => {
    const run = await TtsRun.start({ url: emu.url, apiKey: 'k', props: { delivery: 'media-stream', format: 'wav', dialect: 'twilio' } });
    run.send({ topic: SID, payload: 'Hello' });
    await run.waitCaught(1);
    assert.equal(run.caught[0]!.error.code, 'NOT_CONFIGURED');
    assert.match(run.caught[0]!.error.message, /delivery "media-stream": a twilio media stream cannot carry format "wav"; choose format "ulaw"/);
  });

  it('msg.settings cannot switch a speaker to a format its call cannot play', async () => {
    const run = await TtsRun.start({ url: emu.url, apiKey: 'k', props: { delivery: 'media-stream', format: 'ulaw' } });
    run.send({ topic: SID, settings: { format: 'pcm', sampleRate: 16000 } });
    await run.waitCaught(1);
    assert.equal(run.caught[0]!.error.code, 'SETTING_REFUSED');
    assert.match(run.caught[0]!.error.message, /cannot carry format "pcm"/);
  });

  it('speaks as media events and a mark; the mark coming back unmutes (heard); the call\'s stop stops speaking', async () => {
    const run = await TtsRun.start({ url: emu.url, apiKey: 'k', props: { delivery: 'media-stream', format: 'ulaw' } });
    run.send({ topic: SID, payload: 'Hello there', _session: { type: 'websocket', id: 'abc' } });
    await until('the mark', () => run.audio(SID).some((m) => (m.payload as unknown as { event: string }).event === 'mark'));
    const events = run.audio(SID).map((m) => m.payload as unknown as Record<string, unknown>);
    assert.ok(run.audio(SID).every((m) => (m._session as { id: string }).id === 'abc'), 'every event keeps _session');
    assert.ok(events.slice(0, -1).every((e) => e.event === 'media' && e.streamSid === SID));
    const bytes = events.slice(0, -1).reduce((n, e) => n + Buffer.from((e.media as { payload: string }).payload, 'base64').length, 0);
    assert.equal(bytes, emu.ttsSessions.at(-1)!.samplesSent, 'every sample Gradium sent');
    const mark = events.at(-1)!;
    assert.equal(run.speaking(SID).length, 1, 'still speaking: the call has not played it yet');
    // A mark that is not the latest one changes nothing; the latest one, as websocket in passes it on, unmutes.
    run.send({ payload: JSON.stringify({ event: 'mark', sequenceNumber: '7', streamSid: SID, mark: { name: 'other' } }) });
    run.send({ payload: JSON.stringify({ event: 'mark', sequenceNumber: '8', streamSid: SID, mark }) });
    run.send({ payload: JSON.stringify({ event: 'mark', sequenceNumber: '9', streamSid: SID, mark: mark.mark }) });
    await until('unmute', () => run.speaking(SID).length === 2);
    assert.deepEqual([run.speaking(SID)[1]!.action, run.speaking(SID)[1]!.payload.heard, run.speaking(SID)[1]!.payload.reason], ['unmute', true, 'played']);

    // The caller hangs up during the next answer: the call's stop (no clear: the call is gone) stops it.
    const before = emu.ttsSessions.length;
    run.send({ topic: SID, payload: 'A much longer answer that the caller will not hear to the end, because they hang up.' });
    await until('the answer starting', () => emu.ttsSessions.length > before && run.speaking(SID).length === 3);
    run.send({ payload: JSON.stringify({ event: 'stop', sequenceNumber: '10', streamSid: SID, stop: {} }) });
    await until('unmute on stop', () => run.speaking(SID).length === 4);
    assert.ok(!run.audio(SID).some((m) => (m.payload as unknown as { event: string }).event === 'clear'));
    assert.equal(run.speaking(SID).at(-1)!.payload.reason, 'stop');
    // Media events of a call are not text to speak, and are not errors either.
    run.send({ payload: JSON.stringify({ event: 'media', streamSid: SID, media: { payload: '/w==' } }) });
    assert.deepEqual(run.caught, []);
  });

  it('a stop without a key clears every call that may still be playing, each with its own _session', async () => {
    const run = await TtsRun.start({ url: emu.url, apiKey: 'k', props: { delivery: 'media-stream', format: 'ulaw' } });
    run.send({ topic: 'MZa', payload: 'One', _session: { type: 'websocket', id: 'a' } });
    run.send({ topic: 'MZb', payload: 'Two', _session: { type: 'websocket', id: 'b' } });
    await until('both speaking', () => run.speaking().length === 2);
    run.send({ action: 'stop' });
    const isClear = (m: { payload: unknown }): boolean => (m.payload as { event: string }).event === 'clear';
    await until('two clears', () => run.audio().filter(isClear).length === 2);
    const clears = run.audio().filter(isClear);
    assert.deepEqual(
      clears.map((m) => [m.payload, (m._session as { id: string }).id]).sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
      [
        [{ event: 'clear', streamSid: 'MZa' }, 'a'],
        [{ event: 'clear', streamSid: 'MZb' }, 'b'],
      ],
    );
  });

  it('gradium-stt with encoding auto reads Telnyx events (as objects, and websocket in\'s "entire message" mode); a message key wins', async () => {
    const h = await SttHarness.start(emu.url, { encoding: 'auto', sendAudio: 'always', interim: false, idleTimeout: 0 });
    const speech = phoneAudioOf(path.join(REPO_ROOT, 'test', 'fixtures', 'voice-gate', 'thank-you.wav'));
    const frames: Buffer[] = [];
    for (let i = 0; i < speech.length; i += 160) frames.push(speech.subarray(i, i + 160));
    for (let i = 0; i < 150; i++) frames.push(Buffer.alloc(160, 0xff));
    const session = { type: 'websocket', id: 'tx-session' };
    // "Entire message" mode: the event is the message itself.
    h.send({ event: 'start', sequence_number: '1', stream_id: 'tx-1', start: { call_control_id: 'cc-1', media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 } }, _session: session });
    let seq = 1;
    for (const f of frames) {
      seq += seq === 20 ? 3 : 1; // two messages lost on the way
      h.send({ payload: { event: 'media', sequence_number: String(seq), stream_id: 'tx-1', media: { track: 'inbound', payload: f.toString('base64') } }, _session: session });
    }
    h.send({ payload: { event: 'dtmf', stream_id: 'tx-1', dtmf: { digit: '5' } }, _session: session });
    const [final] = await h.waitFinals(1, 'tx-1');
    assert.deepEqual(final!._session, session);
    assert.deepEqual(final!.call, { streamId: 'tx-1', callId: 'cc-1', customParameters: undefined });
    await until('the digit', () => h.transcripts.some((t) => (t as { dtmf?: string }).dtmf === '5'));
    const digit = h.transcripts.find((t) => (t as { dtmf?: string }).dtmf === '5')!;
    assert.equal(digit.payload, '5');
    assert.equal(digit.topic, 'tx-1');
    assert.ok(!('transcript' in digit));
    h.send({ payload: JSON.stringify({ event: 'stop', sequence_number: String(seq + 1), stream_id: 'tx-1' }), _session: session });
    await until('the end', () => h.disconnected.some((d) => d.payload.reason === 'stop'));
    const ended = h.disconnected.find((d) => d.payload.reason === 'stop')!;
    assert.equal((ended.payload as { lostChunks?: number }).lostChunks, 2);
    // A message key names the stream instead of the stream id; plain audio still works beside calls.
    h.send({ topic: 'desk', payload: { event: 'start', stream_id: 'tx-2', start: {} } });
    await until('the keyed stream', () => h.connected.some((c) => c.topic === 'desk'));
    assert.deepEqual(h.errors, []);
  });

  it('action start with a G.711 format opens a ulaw_8000 session that gets the caller\'s bytes unchanged', async () => {
    const manager = new StreamManager<null>({
      settings: { ...STREAM_DEFAULTS.settings, sendAudio: 'always', idleTimeout: 0 },
      format: { encoding: 'auto', sampleRate: 16000, channels: 1, sampleFormat: 's16le' },
      maxStreams: 5,
      connection: () => ({ url: emu.url, apiKey: 'k' }),
    });
    const before = emu.sessions.length;
    manager.start('call', null, { encoding: 'ulaw', sampleRate: 8000, channels: 1, sampleFormat: 's16le' });
    const bytes = Buffer.from(Array.from({ length: 1280 }, (_, i) => (i * 37) % 256));
    manager.pushAudio('call', bytes, undefined, null);
    await until('the audio at the emulator', () => (emu.sessions[before]?.audioBytes ?? 0) >= 1280);
    const session = emu.sessions[before]!;
    assert.equal(session.setup?.input_format, 'ulaw_8000');
    assert.ok(Buffer.concat(session.receivedAudio).subarray(0, 1280).equals(bytes));
    await manager.closeAll(2000);
  });
});
