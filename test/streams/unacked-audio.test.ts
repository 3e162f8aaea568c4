/**
 * The ring of sent, unacknowledged audio: order kept across wrap-around and growth, acknowledged frames
 * forgotten (with the half-millisecond tolerance for the server's rounded seconds), the rest replayable.
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
        u.push(frame(sent), sent * 80);
        expected.push(sent);
      }
      const ackTo = Math.min(sent, acked + (round % 5));
      u.acknowledge(ackTo * 80);
      while (expected.length > 0 && expected[0]! <= ackTo) expected.shift();
      acked = Math.max(acked, ackTo);
      assert.deepEqual(ids(u.toArray()), expected);
      assert.equal(u.length, expected.length);
      assert.equal(u.isEmpty, expected.length === 0);
    }
  });

  it('treats a frame ending within half a millisecond of the acknowledged time as acknowledged', () => {
    const u = new UnackedAudio();
    u.push(frame(1), 80);
    u.push(frame(2), 160);
    u.acknowledge(79.6);
    assert.deepEqual(ids(u.toArray()), [2]);
    u.acknowledge(159.4);
    assert.deepEqual(ids(u.toArray()), [2]);
    u.acknowledge(160);
    assert.ok(u.isEmpty);
    assert.deepEqual(u.toArray(), []);
  });
});
