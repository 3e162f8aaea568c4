import { strict as assert } from 'node:assert';
import { ManualClock } from '../helpers/manual-clock';
import { Playback, type SpeakingAction } from '../../src/tts/playback';
import type { SpeakingFigures } from '../../src/tts/types';

describe('Playback: mute while the key is heard, unmute after it should have played', () => {
  let clock: ManualClock;
  let signals: { at: number; action: SpeakingAction; figures: SpeakingFigures }[];
  let playback: Playback;
  const first = { firstAudioMs: 120, characters: 30 };
  const second = { firstAudioMs: 90, characters: 12 };

  beforeEach(() => {
    clock = new ManualClock();
    signals = [];
    playback = new Playback(clock, (action, figures) => signals.push({ at: clock.now(), action, figures }));
  });

  it('mutes before the first audio leaves, unmutes its duration plus the tail later', () => {
    playback.audioLeaving(2000, first); // a whole file at once
    assert.deepEqual(signals, [
      { at: 0, action: 'mute', figures: { firstAudioMs: 120, durationMs: 2000, characters: 30, utterances: 1 } },
    ]);
    playback.idle(300);
    clock.advance(2299);
    assert.equal(signals.length, 1, 'not before 2000 + 300 ms');
    clock.advance(1);
    assert.deepEqual(signals[1], {
      at: 2300,
      action: 'unmute',
      figures: { firstAudioMs: 120, durationMs: 2000, characters: 30, utterances: 1, reason: 'played', dropped: 0 },
    });
  });

  it('streamed chunks play one after the other from when each left', () => {
    for (let i = 0; i < 10; i++) {
      playback.audioLeaving(80, first);
      clock.advance(10); // chunks arrive 8x faster than real time
    }
    playback.idle(200);
    // The 10 chunks (800 ms) started playing at 0: done at 800, unmute at 1000.
    clock.advance(1000 - clock.now() - 1);
    assert.equal(signals.filter((s) => s.action === 'unmute').length, 0);
    clock.advance(1);
    assert.equal(signals.at(-1)!.action, 'unmute');
    assert.equal(signals.at(-1)!.at, 1000);
    assert.equal(signals.filter((s) => s.action === 'mute').length, 1, 'one mute for the whole utterance');
  });

  it('a gap in the chunks (slow server) does not count as playing time', () => {
    playback.audioLeaving(80, first);
    clock.advance(500); // the first chunk played out long ago
    playback.audioLeaving(80, first);
    playback.idle(0);
    clock.advance(79);
    assert.equal(signals.length, 1);
    clock.advance(1);
    assert.equal(signals[1]!.action, 'unmute');
  });

  it('stays muted across queued utterances and sums their figures', () => {
    playback.audioLeaving(1000, first);
    playback.busy(); // the next utterance starts before the first has played out
    clock.advance(1500);
    playback.audioLeaving(500, second);
    playback.idle(100);
    clock.advance(600);
    const unmute = signals.filter((s) => s.action === 'unmute');
    assert.equal(signals.filter((s) => s.action === 'mute').length, 1);
    assert.equal(unmute.length, 1);
    assert.deepEqual(unmute[0]!.figures, {
      firstAudioMs: 120,
      durationMs: 1500,
      characters: 42,
      utterances: 2,
      reason: 'played',
      dropped: 0,
    });
  });

  it('stop unmutes at once, with what was dropped', () => {
    playback.audioLeaving(5000, first);
    playback.noteDropped(2);
    clock.advance(100);
    playback.stopNow('stop');
    assert.equal(signals[1]!.action, 'unmute');
    assert.equal(signals[1]!.at, 100);
    assert.equal(signals[1]!.figures.reason, 'stop');
    assert.equal(signals[1]!.figures.dropped, 2);
    clock.advance(10000);
    assert.equal(signals.length, 2, 'no second unmute from the old deadline');
    assert.equal(clock.pending, 0);
  });

  it('nothing audible, no mute; stopping a silent key sends nothing', () => {
    playback.audioLeaving(0, first);
    playback.idle(300);
    playback.stopNow('stop');
    clock.advance(1000);
    assert.deepEqual(signals, []);
  });

  it('a failure ends the period with reason error', () => {
    playback.audioLeaving(400, first);
    playback.idle(0, 'error');
    clock.advance(400);
    assert.equal(signals[1]!.figures.reason, 'error');
  });
});
