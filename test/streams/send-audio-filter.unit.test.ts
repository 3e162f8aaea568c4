/**
 * The send-audio filter a StreamManager gives each key (src/streams/send-audio-filter.ts): the real voice gate or a
 * pass-through as `sendAudio` says, replaced mid-stream by msg.settings, Ogg Opus reported once per key; and
 * turn ends that follow audio still queued (voice gate, mute, flush) on the wire. A real StreamManager on a
 * manual clock with a scripted socket; the audio is a quiet room with espeak-ng speech (test/voice-gate).
 */
import { strict as assert } from 'node:assert';
import type { AudioFrame } from '../../src/audio/types';
import { FrameQueue } from '../../src/streams/frame-queue';
import { SendAudioFilter, sendAudioFilters } from '../../src/streams/send-audio-filter';
import { prepareVoiceGate } from '../../src/voice-gate';
import { matchSource, pcmChunks, sceneRoom } from '../voice-gate/received-audio';
import { frameOf } from '../voice-gate/room';
import { ManagerHarness, SETTINGS } from './manager-harness';

function frame(ms = 80): AudioFrame {
  return { data: Buffer.alloc((ms * 32000) / 1000, 1), durationMs: ms };
}

describe('streams: the send-audio filter (voice gate or everything, per key)', () => {
  before(async () => {
    await prepareVoiceGate();
  });

  it('speech: the voice gate for formats it reads; always, or Ogg Opus: everything passes', () => {
    const warnings: string[] = [];
    const gates = sendAudioFilters((key, message) => warnings.push(`${key}|${message}`));
    const speech = gates('k', 'pcm_16000', SETTINGS) as SendAudioFilter;
    assert.equal(speech.mode, 'speech');
    assert.equal(speech.push(frame()).frames.length, 0, 'held: the warm-up');
    speech.close();
    const always = gates('k', 'pcm_16000', { ...SETTINGS, sendAudio: 'always' }) as SendAudioFilter;
    assert.equal(always.mode, 'always');
    assert.equal(always.push(frame()).frames.length, 1);
    assert.deepEqual(warnings, []);

    const opus = gates('mic', 'opus', SETTINGS) as SendAudioFilter;
    assert.equal(opus.mode, 'always');
    assert.equal(opus.push(frame()).frames.length, 1);
    assert.equal(opus.counters.passedMs, 80);
    // A key's gate is made again after each quiet input: the warning comes once per key, another key gets its own.
    gates('mic', 'opus', SETTINGS);
    opus.configure({ ...SETTINGS, sendAudio: 'always' });
    opus.configure(SETTINGS);
    gates('mic2', 'opus', SETTINGS);
    gates('mic3', 'opus', { ...SETTINGS, sendAudio: 'always' });
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /^mic\|stream "mic": the voice gate cannot analyse Ogg Opus .* all of this stream is sent; send PCM, WAV or G\.711 to gate it/);
    assert.match(warnings[1]!, /^mic2\|stream "mic2"/);
  });

  it('configure: new gate options apply to the same detector; the counts only grow across a switch', () => {
    const gate = new SendAudioFilter('pcm_16000', SETTINGS, () => assert.fail('no warning'));
    for (let i = 0; i < 10; i++) gate.push(frame());
    const held = gate.counters;
    gate.configure({ ...SETTINGS, gatePreRoll: 0 });
    assert.ok(gate.counters.keptBackMs > held.keptBackMs, 'a shorter pre-roll lets the held audio go (kept back)');
    assert.throws(() => gate.configure({ ...SETTINGS, gateHangover: 5 }), /gateHangover got number 5; expected a whole number from 100–10000 ms/);
    gate.configure({ ...SETTINGS, sendAudio: 'always' });
    const before = gate.counters;
    gate.push(frame());
    assert.equal(gate.counters.passedMs, before.passedMs + 80);
    assert.ok(gate.counters.keptBackMs >= before.keptBackMs);
    gate.close();
  });

  it('always → speech mid-stream ends the turn that was passing (endOfTurn "gate"); speech → always sends the quiet', () => {
    const room = sceneRoom({ bed: 'quiet', seed: 4, parts: [{ quietMs: 2000 }, { say: 'four', levelDb: -30 }, { quietMs: 3000 }] });
    const chunks = pcmChunks(room, 80);
    const h = new ManagerHarness({ turnMode: 'manual', idleTimeout: 0, sendAudio: 'always' }, {}, { outboundFilter: sendAudioFilters(() => undefined) });
    h.pushPaced('mic', chunks.slice(0, 10));
    const s1 = h.server.session(1);
    s1.say('hello', 0.3);
    h.advance(50);
    h.manager.updateSettings({ sendAudio: 'speech' }, 'mic');
    h.pushPaced('mic', chunks.slice(10, 12));
    h.advance(300);
    assert.deepEqual(h.finals('mic').map((t) => [t.text, t.endOfTurn]), [['hello', 'gate']]);
    assert.equal(s1.audio.length, 10, 'the quiet after the switch is held');

    // The utterance: the voice gate opens with its pre-roll, then switching back to always sends everything.
    const onset = frameOf(room, room.utterances[0]!.start);
    h.pushPaced('mic', chunks.slice(12, onset + 4));
    h.manager.updateSettings({ send_audio: 'always' }, 'mic');
    h.pushPaced('mic', chunks.slice(onset + 4));
    h.manager.stop('mic', undefined);
    h.advance(300);
    const got = matchSource(chunks, s1.audio);
    for (let f = onset - 4; f < chunks.length; f++) assert.ok(got.passed[f], `frame ${f} sent`);
    for (let f = 10; f < onset - 7; f++) assert.ok(!got.passed[f], `quiet frame ${f} held`);
    const d = h.disconnected[0]!.payload;
    const roomMs = (room.samples.length * 1000) / room.rate;
    assert.equal(Math.round((d.sentSeconds + d.gatedSeconds) * 1000), Math.round(roomMs), 'every ms sent or kept back');
  });
});

describe('streams: StreamManager as a library honours sendAudio on its own', () => {
  before(async () => {
    await prepareVoiceGate();
  });

  it('no gate option: "speech" gates a key, "always" (set for one key by msg.settings) sends everything', () => {
    const room = sceneRoom({ bed: 'quiet', seed: 7, parts: [{ quietMs: 2500 }, { say: 'four', levelDb: -30 }, { quietMs: 1500 }] });
    const chunks = pcmChunks(room, 80);
    // `outboundFilter: undefined`: the manager's own choice, as a library user gets it (the harness otherwise passes all).
    const h = new ManagerHarness({ turnMode: 'manual', idleTimeout: 0, sendAudio: 'speech' }, {}, { outboundFilter: undefined });
    h.manager.updateSettings({ sendAudio: 'always' }, 'whole');
    h.pushPaced('gated', chunks);
    h.pushPaced('whole', chunks);
    h.manager.stop(undefined, undefined);
    h.advance(300);
    const sent = (key: string): number => h.disconnected.filter((d) => d.key === key).reduce((ms, d) => ms + d.payload.sentSeconds, 0);
    const gated = (key: string): number => h.disconnected.filter((d) => d.key === key).reduce((ms, d) => ms + d.payload.gatedSeconds, 0);
    const roomS = room.samples.length / room.rate;
    assert.ok(Math.abs(sent('whole') - roomS) < 0.001, `always: all ${roomS} s sent (${sent('whole')})`);
    assert.equal(gated('whole'), 0);
    assert.ok(sent('gated') > 0, 'the speech was sent');
    assert.ok(sent('gated') < roomS / 2, `speech: the quiet was kept back (sent ${sent('gated')} of ${roomS} s)`);
    // What the gate still holds at the stop (its 500 ms pre-roll, and the partial last frame) is reported when the
    // channel goes, not on this disconnected message.
    const accounted = sent('gated') + gated('gated');
    assert.ok(accounted <= roomS + 0.001 && accounted >= roomS - 0.58 - 0.001, `sent or kept back: ${accounted} of ${roomS} s`);
    assert.deepEqual(h.warnings, []);
  });
});

describe('streams: turn ends follow the audio queued before them', () => {
  it('FrameQueue marks run once the frames ahead have left (sent or dropped), in order; replayed audio goes first', () => {
    const q = new FrameQueue(10_000);
    const fired: string[] = [];
    q.markAfterQueued(() => fired.push('empty'));
    assert.deepEqual(fired, ['empty'], 'nothing ahead: at once');
    q.push(frame());
    q.push(frame());
    q.markAfterQueued(() => fired.push('after 2'));
    q.push(frame());
    q.markAfterQueued(() => fired.push('after 3'));
    q.shift();
    assert.deepEqual(fired, ['empty']);
    q.unshiftAll([frame(), frame()]);
    q.shift();
    q.shift();
    assert.deepEqual(fired, ['empty'], 'the replayed frames came before the mark');
    q.shift();
    assert.deepEqual(fired, ['empty', 'after 2']);
    q.setLimit(0);
    assert.deepEqual(fired, ['empty', 'after 2', 'after 3'], 'dropped frames count as gone');
    q.setLimit(10_000);
    q.push(frame());
    q.markAfterQueued(() => fired.push('never'));
    q.clear();
    q.push(frame());
    q.shift();
    assert.equal(fired.length, 3, 'clear() drops the marks');
  });

  it('a flush while the session connects goes out after the audio queued before it, cut there', () => {
    const h = new ManagerHarness({ turnMode: 'manual', idleTimeout: 0 }, { connectMs: 200, readyMs: 5 });
    h.push('mic', Array.from({ length: 6 }, () => Buffer.alloc(2560, 3)));
    h.manager.flush('mic', undefined);
    h.push('mic', Array.from({ length: 4 }, () => Buffer.alloc(2560, 4)));
    h.advance(210);
    const s = h.server.session(1);
    assert.equal(s.audio.length, 10);
    assert.deepEqual(s.flushesAfter, [6], 'the flush went out after the 6 frames before it (not lost while connecting)');
    s.say('first', 0.1);
    s.say('second', 0.6);
    h.advance(300);
    assert.deepEqual(h.finals('mic').map((t) => t.text), ['first'], 'a word of the audio after the flush belongs to the next turn');
    h.manager.stop('mic', undefined);
    h.advance(300);
    assert.deepEqual(h.finals('mic').map((t) => t.text), ['first', 'second']);
  });
});
