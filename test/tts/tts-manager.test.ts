import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { TtsError } from '../../src/tts/errors';
import { TtsManager, type TtsManagerOptions } from '../../src/tts/tts-manager';
import type { AudioOut, SpeakingFigures, TtsSettings, UtteranceOutcome } from '../../src/tts/types';
import { until } from '../helpers/speech-audio';

const KEY = 'speech-manager-key';
const SETTINGS: TtsSettings = {
  voice: 'YTpq7expH9539ERJ',
  model: 'default',
  format: 'pcm',
  sampleRate: 16000,
  delivery: 'stream',
  speed: 0,
  temperature: 0.7,
  unmuteDelay: 50,
  dialect: 'twilio',
};

interface Ctx {
  id: string;
}

class Recorder {
  readonly audio: { key: string; out: AudioOut; ctx: Ctx }[] = [];
  readonly speaking: { key: string; action: string; figures: SpeakingFigures; at: number }[] = [];
  readonly finished: { key: string; ctx: Ctx; outcome: UtteranceOutcome }[] = [];
  readonly warnings: string[] = [];
  readonly manager: TtsManager<Ctx>;

  constructor(emu: Emulator, settings: Partial<TtsSettings> = {}, extra: Partial<TtsManagerOptions> = {}) {
    this.manager = new TtsManager<Ctx>({
      settings: { ...SETTINGS, ...settings },
      connection: () => ({ url: emu.ttsUrl, apiKey: KEY }),
      timing: { retryDelayMs: 10 },
      ...extra,
    });
    this.manager.on('audio', (key, out, ctx) => this.audio.push({ key, out, ctx }));
    this.manager.on('speaking', (key, action, figures) => this.speaking.push({ key, action, figures, at: Date.now() }));
    this.manager.on('finished', (key, ctx, outcome) => this.finished.push({ key, ctx, outcome }));
    this.manager.on('warning', (_key, message) => this.warnings.push(message));
  }

  of(id: string): AudioOut[] {
    return this.audio.filter((a) => a.ctx.id === id).map((a) => a.out);
  }

  async done(n: number): Promise<void> {
    await until(`${n} finished utterances`, () => this.finished.length >= n, 15000);
  }
}

describe('TtsManager against the emulator', () => {
  let emu: Emulator;
  const recorders: Recorder[] = [];
  const rec = (settings?: Partial<TtsSettings>, extra?: Partial<TtsManagerOptions>): Recorder => {
    const r = new Recorder(emu, settings, extra);
    recorders.push(r);
    return r;
  };

  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY] });
  });
  afterEach(async () => {
    for (const r of recorders.splice(0)) r.manager.closeAll();
    await emu.close();
  });

  it('speaks a key’s utterances in order, one socket each, and keys in parallel', async () => {
    emu.setFaults({ ttsChunkIntervalMs: 5 });
    const r = rec();
    r.manager.speak('hall', 'first thing to say', { id: 'h1' });
    r.manager.speak('hall', 'second thing', { id: 'h2' });
    r.manager.speak('yard', 'hello yard', { id: 'y1' });
    await until('two keys synthesising at once', () => r.manager.summary().synthesizing === 2);
    assert.equal(r.manager.summary().queued, 1);
    await r.done(3);
    assert.deepEqual(
      r.finished.filter((f) => f.key === 'hall').map((f) => f.ctx.id),
      ['h1', 'h2'],
    );
    // h2's audio starts only after h1's final.
    const hall = r.audio.filter((a) => a.key === 'hall').map((a) => a.ctx.id);
    assert.deepEqual(hall, [...hall].sort());
    assert.equal(emu.ttsSessions.length, 3);
    for (const id of ['h1', 'h2', 'y1']) {
      const outs = r.of(id);
      assert.deepEqual(outs.map((o) => o.seq), outs.map((_, i) => i), `${id}: consecutive seq`);
      assert.equal(outs.filter((o) => o.final).length, 1, `${id}: exactly one final`);
      assert.equal(outs.at(-1)!.final, true);
      assert.equal(outs.at(-1)!.payload.length, 0, 'the final is an empty message');
    }
  });

  it('stop cancels the current utterance at once, drops the queue, unmutes, and the key speaks again after', async () => {
    emu.setFaults({ ttsChunkIntervalMs: 20 });
    const r = rec();
    r.manager.speak('desk', 'a rather long sentence that takes a while to say out loud', { id: 'long' });
    r.manager.speak('desk', 'queued one', { id: 'q1' });
    r.manager.speak('desk', 'queued two', { id: 'q2' });
    await until('audio is playing', () => r.of('long').length >= 3);
    const dropped = r.manager.stop('desk');
    assert.equal(dropped, 2);
    const heard = r.audio.length;
    assert.deepEqual(
      r.finished.map((f) => [f.ctx.id, f.outcome.status]),
      [
        ['q1', 'dropped'],
        ['q2', 'dropped'],
        ['long', 'stopped'],
      ],
    );
    assert.deepEqual(
      r.speaking.map((s) => s.action),
      ['mute', 'unmute'],
    );
    assert.equal(r.speaking[1]!.figures.reason, 'stop');
    assert.equal(r.speaking[1]!.figures.dropped, 2);
    await until('the socket closed at the server', () => emu.ttsSessions[0]!.closed);
    assert.equal(emu.ttsSessions[0]!.cancelled, true);
    assert.equal(emu.ttsSessions.length, 1, 'the queued utterances never opened a socket');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(r.audio.length, heard, 'nothing more of the stopped utterance');
    assert.ok(!r.of('long').some((o) => o.final), 'a stopped utterance has no final');

    emu.setFaults({});
    r.manager.speak('desk', 'back again', { id: 'again' });
    await r.done(4);
    assert.equal(r.finished[3]!.outcome.status, 'spoken');
    assert.ok(r.of('again').at(-1)!.final);
  });

  it('a connection lost before any audio left is retried once and the utterance is whole', async () => {
    emu.setFaults({ ttsCloseAfterChunks: 0 });
    emu.on('tts-session', () => emu.setFaults({})); // only the first request fails
    const r = rec({ format: 'wav', delivery: 'file' });
    r.manager.speak('k', 'hello there', { id: 'u' });
    await r.done(1);
    assert.equal(r.finished[0]!.outcome.status, 'spoken');
    assert.equal(emu.ttsSessions.length, 2);
    assert.ok(r.warnings.some((w) => /Retrying once/.test(w)), r.warnings.join('\n'));
    const file = r.of('u')[0]!;
    assert.equal((file.payload.length - 44) / 2, emu.ttsSessions[1]!.samplesSent);
  });

  it('file delivery retries even after Gradium sent some audio (none of it had left); stream delivery does not', async () => {
    emu.setFaults({ ttsCloseAfterChunks: 3 });
    let sessions = 0;
    emu.on('tts-session', () => {
      sessions++;
      if (sessions === 1) emu.setFaults({}); // the next request is served normally
    });
    const file = rec({ format: 'pcm', delivery: 'file' });
    file.manager.speak('k', 'hello there, how are you today', { id: 'f' });
    await file.done(1);
    assert.equal(file.finished[0]!.outcome.status, 'spoken');
    assert.equal(file.of('f')[0]!.payload.length / 2, emu.ttsSessions[1]!.samplesSent, 'the partial first try was discarded');

    emu.setFaults({ ttsCloseAfterChunks: 3 });
    sessions = 0;
    const stream = rec();
    stream.manager.speak('k', 'hello there, how are you today', { id: 's' });
    await stream.done(1);
    const outcome = stream.finished[0]!.outcome;
    assert.equal(outcome.status, 'failed');
    const error = (outcome as { error: TtsError }).error;
    assert.equal(error.code, 'UNREACHABLE');
    assert.match(error.message, /Not retried: part of the speech had already been sent/);
    assert.equal(stream.of('s').length, 3, 'the three chunks that left, and no final');
    assert.equal(emu.ttsSessions.length, 3, 'no retry');
    assert.equal(stream.speaking.at(-1)?.action, 'mute', 'still muted while the three chunks play');
    await until('unmute after what left has played', () => stream.speaking.at(-1)?.action === 'unmute');
    assert.equal(stream.speaking.at(-1)!.figures.reason, 'error');
  });

  it('a refused key fails once, is not retried, and drops the key’s queue with the count in the error', async () => {
    const r = new Recorder(emu);
    recorders.push(r);
    const bad = new TtsManager<Ctx>({ settings: SETTINGS, connection: () => ({ url: emu.ttsUrl, apiKey: 'wrong' }) });
    const finished: UtteranceOutcome[] = [];
    bad.on('finished', (_k, _c, o) => finished.push(o));
    bad.speak('k', 'one', { id: '1' });
    bad.speak('k', 'two', { id: '2' });
    bad.speak('k', 'three', { id: '3' });
    await until('all finished', () => finished.length === 3);
    const failed = finished.find((o) => o.status === 'failed') as { error: TtsError };
    assert.equal(failed.error.code, 'KEY_REFUSED');
    assert.match(failed.error.message, /2 queued utterances were dropped/);
    assert.equal(finished.filter((o) => o.status === 'dropped').length, 2);
    assert.equal(emu.ttsSessions.length, 1);
    assert.equal(bad.summary().lastError?.code, 'KEY_REFUSED');
    bad.closeAll();
  });

  it('an unknown voice fails with VOICE_UNKNOWN naming it', async () => {
    const r = rec({ voice: 'nobody-12345678' });
    r.manager.speak('k', 'hello', { id: 'v' });
    await r.done(1);
    const error = (r.finished[0]!.outcome as { error: TtsError }).error;
    assert.equal(error.code, 'VOICE_UNKNOWN');
    assert.match(error.message, /nobody-12345678/);
    assert.equal(emu.ttsSessions.length, 1);
  });

  it('a long text goes out as several requests; the audio and words join up into one utterance', async () => {
    const text = Array.from({ length: 12 }, (_, i) => `Sentence ${i} is here.`).join(' ');
    const r = rec({ format: 'wav', delivery: 'file' }, { limits: { maxChars: 60 } });
    r.manager.speak('k', text, { id: 'long' });
    await r.done(1);
    assert.ok(emu.ttsSessions.length >= 4, `${emu.ttsSessions.length} requests`);
    for (const s of emu.ttsSessions) assert.ok(s.text.length <= 60, s.text);
    assert.equal(emu.ttsSessions.map((s) => s.text).join(' '), text);
    const out = r.of('long')[0]!;
    const samples = emu.ttsSessions.reduce((n, s) => n + s.samplesSent, 0);
    assert.equal((out.payload.length - 44) / 2, samples);
    assert.equal(out.words!.length, text.split(' ').length);
    const starts = out.words!.map((w) => w.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'word times run on across requests');
    // The last word ends in the last request, before its closing silence (a sentence pause and 300 ms).
    const lastEnd = out.words!.at(-1)!.end * 1000;
    assert.ok(lastEnd < out.durationMs && lastEnd > out.durationMs - 600, `${lastEnd} of ${out.durationMs} ms`);
  });

  it('settings: per key and per node, refused combinations, queue limit', () => {
    const r = rec({}, { maxQueue: 1 });
    r.manager.updateSettings({ voice: 'dME3IWyZBvmh1n1q' }, 'kitchen');
    r.manager.updateSettings({ speed: 1 });
    assert.equal(r.manager.settingsFor('kitchen').voice, 'dME3IWyZBvmh1n1q');
    assert.equal(r.manager.settingsFor('kitchen').speed, 1);
    assert.equal(r.manager.settingsFor('hall').voice, SETTINGS.voice);
    assert.throws(() => r.manager.updateSettings({ format: 'wav' }), (e: TtsError) => e.code === 'SETTING_REFUSED' && /delivery "file"/.test(e.message));
    assert.throws(() => r.manager.updateSettings({ format: 'ulaw', sampleRate: 16000 }), /8000 Hz only/);
    r.manager.updateSettings({ format: 'ulaw' }); // the node's 16000 does not get in the way
    assert.equal(r.manager.settingsFor('x').format, 'ulaw');
    r.manager.speak('q', 'one', { id: '1' });
    r.manager.speak('q', 'two', { id: '2' });
    assert.throws(() => r.manager.speak('q', 'three', { id: '3' }), (e: TtsError) => e.code === 'QUEUE_FULL');
  });
});
