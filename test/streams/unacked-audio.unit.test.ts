/**
 * The ledger of sent, unacknowledged audio (a ring): order kept across wrap-around and growth,
 * acknowledged frames forgotten (with the half-millisecond tolerance for the server's rounded seconds),
 * the rest replayable, and the stall clock.
 */
import { strict as assert } from 'node:assert';
import type { AudioFrame } from '../../src/audio/types';
import { UnackedAudio } from '../../src/streams/unacked-audio';

const frame = (n: number): AudioFrame => ({ data: Buffer.from([n & 255, n >> 8]), durationMs: 80 });
const ids = (frames: AudioFrame[]): number[] => frames.map((f) => f.data[0]! | (f.data[1]! << 8));

describe('UnackedAudio', () => {
  it('keeps frames in order across wrap-around and growth, and forgets what is acknowledged', () => {
    const u = new UnackedAudio();
    let sent = 0;
    let acked = 0;
    const expected: number[] = [];
    // Uneven patterns: several sends per acknowledgement, then several acknowledgements: the ring wraps and grows.
    for (let round = 0; round < 200; round++) {
      const burst = 1 + (round % 7);
      for (let i = 0; i < burst; i++) {
        sent++;
        u.record(frame(sent), round);
        expected.push(sent);
      }
      const ackTo = Math.min(sent, acked + (round % 5));
      u.acknowledge(ackTo * 80, round);
      while (expected.length > 0 && expected[0]! <= ackTo) expected.shift();
      acked = Math.max(acked, ackTo);
      assert.deepEqual(ids(u.pending()), expected);
      assert.equal(u.empty, expected.length === 0);
      assert.equal(u.sentMs, sent * 80);
      assert.equal(u.ackedMs, acked * 80);
    }
  });

  it('treats a frame ending within half a millisecond of the acknowledged time as acknowledged', () => {
    const u = new UnackedAudio();
    u.record(frame(1), 0);
    u.record(frame(2), 0);
    u.acknowledge(79.6, 0);
    assert.deepEqual(ids(u.pending()), [2]);
    u.acknowledge(159.4, 0);
    assert.deepEqual(ids(u.pending()), [2]);
    u.acknowledge(160, 0);
    assert.ok(u.empty);
    assert.deepEqual(u.pending(), []);
  });

  it('measures the wait from the oldest unacknowledged frame or the last progress', () => {
    const u = new UnackedAudio();
    assert.equal(u.waitingMs(1000), 0);
    u.record(frame(1), 1000);
    u.record(frame(2), 1080);
    assert.equal(u.waitingMs(1500), 500, 'the clock starts with the first frame nothing else was waiting before');
    u.acknowledge(80, 1600);
    assert.equal(u.waitingMs(1700), 100, 'an acknowledgement is progress');
    u.acknowledge(80, 1800);
    assert.equal(u.waitingMs(1900), 300, 'the same acknowledgement again is not');
    u.acknowledge(160, 2000);
    assert.equal(u.waitingMs(5000), 0);
  });
});
