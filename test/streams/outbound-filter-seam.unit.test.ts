/**
 * The seam where the voice gate plugs in (OutboundAudioFilter), driven by a small filter written for this test (speech = a non-zero
 * frame, pre-roll of 2 frames, hang-over of 3). What is under test is the stream layer's side: the channel
 * outlives its streams, the gate's pre-roll opens the next session, `turnOver` ends the turn, and what the
 * gate kept back is reported.
 */
import { strict as assert } from 'node:assert';
import type { AudioFrame } from '../../src/audio/types';
import type { OutboundAudioFilter, FilterCounts, FilterStep } from '../../src/streams/outbound-audio-filter';
import { ManagerHarness } from './manager-harness';
import { pcmRun, tagOf } from './scripted-gradium';

class TestFilter implements OutboundAudioFilter {
  isOpen = false;
  private passedMs = 0;
  private keptBackMs = 0;
  private ring: AudioFrame[] = [];
  private silentFrames = 0;
  closed = false;

  constructor(
    private readonly preRoll = 2,
    private readonly hangOver = 3,
  ) {}

  get counters(): FilterCounts {
    return { passedMs: this.passedMs, keptBackMs: this.keptBackMs };
  }

  push(frame: AudioFrame): FilterStep {
    const speech = frame.data[0] !== 0;
    if (!this.isOpen) {
      if (!speech) {
        this.ring.push(frame);
        if (this.ring.length > this.preRoll) this.keptBackMs += this.ring.shift()!.durationMs;
        return { frames: [], event: null };
      }
      this.isOpen = true;
      this.silentFrames = 0;
      const frames = [...this.ring, frame];
      this.ring = [];
      return { frames: this.pass(frames), event: { type: 'opened' } };
    }
    this.silentFrames = speech ? 0 : this.silentFrames + 1;
    if (this.silentFrames < this.hangOver) return { frames: this.pass([frame]), event: null };
    this.isOpen = false;
    return { frames: this.pass([frame]), event: { type: 'closed', reason: 'silence' } };
  }

  reset(): FilterStep {
    this.dropRing();
    const wasOpen = this.isOpen;
    this.isOpen = false;
    return { frames: [], event: wasOpen ? { type: 'closed', reason: 'reset' } : null };
  }

  configure(): void {}

  close(): void {
    this.dropRing();
    this.closed = true;
  }

  private dropRing(): void {
    for (const f of this.ring) this.keptBackMs += f.durationMs;
    this.ring = [];
  }

  private pass(frames: AudioFrame[]): AudioFrame[] {
    for (const f of frames) this.passedMs += f.durationMs;
    return frames;
  }
}

describe('streams: the voice gate seam (manual clock, scripted socket, a test gate)', () => {
  it('the channel outlives its stream; the next speech’s pre-roll opens a new session; turnOver ends the turn', () => {
    const gates: TestFilter[] = [];
    const h = new ManagerHarness({ idleTimeout: 1000, turnMode: 'manual' }, {}, {
      outboundFilter: () => {
        const g = new TestFilter();
        gates.push(g);
        return g;
      },
    });
    // Silence, then speech: the last two silent frames (pre-roll) go first.
    h.pushPaced('mic', pcmRun(5, 'silence'));
    assert.equal(h.server.sessions.length, 0, 'silence opens no session');
    h.pushPaced('mic', pcmRun(4, 'speech', 1));
    const s1 = h.server.session(1);
    h.pushPaced('mic', pcmRun(3, 'silence'));
    s1.say('lights on', 0.3);
    h.advance(300);
    const [final] = h.finals('mic');
    assert.equal(final!.text, 'lights on');
    assert.equal(final!.endOfTurn, 'gate');
    assert.deepEqual(s1.audio.map(tagOf), [0, 0, 1, 2, 3, 4, 0, 0, 0], 'pre-roll, speech, hang-over');

    // The microphone goes on sending silence: the gate holds it, the stream idles out, the channel stays.
    h.pushPaced('mic', pcmRun(25, 'silence'));
    assert.deepEqual(h.reasons(), ['idle']);
    // Idle 1 s after the last frame sent (880 ms), closed at 1982 ms: by then 3 frames of the first silence
    // and 8 of this one had aged out of the pre-roll.
    assert.equal(h.disconnected[0]!.payload.gatedSeconds, 0.88);
    h.pushPaced('mic', pcmRun(2, 'speech', 50));
    assert.equal(h.server.sessions.length, 2);
    assert.deepEqual(h.server.session(2).audio.map(tagOf), [0, 0, 50, 51], 'the next command’s pre-roll opened it');
    assert.equal(gates.length, 1, 'one gate for the key, across streams');
    h.manager.stop('mic', undefined);
    h.advance(300);
    const d = h.disconnected[1]!.payload;
    assert.equal(d.gatedSeconds, 1.2, 'the rest of the held silence (15 frames) is reported with the next session');
    assert.equal(d.sentSeconds, 0.32);
    assert.equal(h.manager.summary().sentShare, (9 + 4) / (5 + 4 + 3 + 25 + 2));
  });

  it('mute resets the gate: pre-roll held from before the mute is never sent after it', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, {}, { outboundFilter: () => new TestFilter() });
    h.push('mic', pcmRun(3, 'silence'));
    h.manager.mute('mic');
    h.manager.unmute('mic');
    h.push('mic', pcmRun(1, 'speech', 9));
    h.advance(20);
    assert.deepEqual(h.server.session(1).audio.map(tagOf), [9]);
    h.manager.stop('mic', undefined);
    h.advance(200);
    assert.equal(h.disconnected[0]!.payload.gatedSeconds, 0.24, 'the three silent frames were kept back');
  });

  it('the gate is made once the format is known, for that format, and closed when the key’s input starts afresh', () => {
    const made: { key: string; format: string; gate: TestFilter }[] = [];
    const h = new ManagerHarness({ idleTimeout: 0 }, {}, {
      outboundFilter: (key, format) => {
        const gate = new TestFilter();
        made.push({ key, format, gate });
        return gate;
      },
    });
    h.manager.mute('mic');
    h.push('mic', pcmRun(2, 'silence'));
    assert.equal(made.length, 0, 'muted audio never reaches a gate');
    h.manager.unmute('mic');
    h.push('mic', pcmRun(2, 'speech'));
    assert.deepEqual(made.map((m) => [m.key, m.format]), [['mic', 'pcm_16000']]);
    h.advance(20);
    h.manager.stop('mic', undefined);
    h.advance(200);
    assert.equal(made[0]!.gate.closed, true, 'stop: the input went quiet, the next audio starts afresh');
  });
});

describe('streams: channels and billing counts', () => {
  it('sentSeconds counts the replayed tail once, in the session that replayed it', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' }, {}, { backoff: { initialMs: 100, maxMs: 100, maxAttempts: 0 } });
    h.push('mic', pcmRun(10));
    h.advance(20);
    h.server.set({ ack: false });
    h.push('mic', pcmRun(5));
    h.server.session(1).step(0.8);
    h.server.session(1).crash();
    h.server.set({ ack: true });
    h.advance(200);
    h.manager.stop('mic', undefined);
    h.advance(200);
    const [cut, end] = h.disconnected.map((d) => d.payload);
    assert.equal(cut!.audioSeconds, 1.2);
    assert.equal(cut!.sentSeconds, 0.8, 'the five unacknowledged frames went again to session 2');
    assert.equal(end!.audioSeconds, 0.4);
    assert.equal(end!.sentSeconds, 0.4);
    assert.equal(Math.round((cut!.sentSeconds + end!.sentSeconds) * 1000), 15 * 80, 'summed, each second sent counts once');
  });

  it('a key’s channel goes once it has no stream and no input came for a while (its counts go to the node’s totals)', () => {
    const h = new ManagerHarness({ idleTimeout: 1000 });
    h.manager.mute('mic');
    h.pushPaced('mic', pcmRun(3));
    h.advance(9_000);
    assert.equal(h.manager.summary().sentShare, 0, 'the counts are still there');
    h.advance(2_000);
    // Dropped: its counts went into the node's totals, its mute is still recorded per key.
    assert.equal(h.manager.summary().sentShare, 0);
    assert.equal(h.manager.isMuted('mic'), true);
    h.manager.unmute('mic');
    h.push('mic', pcmRun(3));
    h.advance(20);
    h.manager.stop('mic', undefined);
    h.advance(200);
    assert.equal(h.disconnected[0]!.payload.mutedSeconds, 0, 'kept-back counts of a dropped channel are not reported twice');
  });
});
