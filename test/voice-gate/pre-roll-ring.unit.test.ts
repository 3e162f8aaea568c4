/**
 * The pre-roll ring: frames come back whole, oldest first, byte for byte, across wrap-around and growth; what
 * drain() hands out is a copy the ring never writes again.
 */
import * as assert from 'node:assert/strict';
import type { AudioFrame } from '../../src/audio/types';
import { PreRollRing } from '../../src/voice-gate/pre-roll-ring';

let counter = 0;
/** A frame of `size` bytes, each byte a running counter, so any misplaced byte shows. */
function frame(size: number): AudioFrame {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = counter++ & 0xff;
  return { data, durationMs: size / 32 };
}

function concat(frames: readonly AudioFrame[]): Buffer {
  return Buffer.concat(frames.map((f) => f.data));
}

describe('PreRollRing', () => {
  it('keeps the newest frames across many wrap-arounds and gives them back whole, oldest first', () => {
    const ring = new PreRollRing(1000);
    const held: AudioFrame[] = [];
    for (let i = 0; i < 200; i++) {
      // Sizes that never divide the capacity, so writes and reads straddle the end of the store.
      const f = frame(160 + ((i * 37) % 90));
      while (ring.frames > 0 && ring.bytes + f.data.length > 1000) {
        const dropped = ring.dropOldest();
        assert.equal(dropped, held.shift()!.data.length);
      }
      ring.push(f);
      held.push({ data: Buffer.from(f.data), durationMs: f.durationMs });
      f.data.fill(0); // the ring holds a copy, not the caller's Buffer
      assert.equal(ring.bytes, concat(held).length);
      assert.equal(ring.oldestBytes, held[0]!.data.length);
    }
    const out = ring.drain();
    assert.deepEqual(
      out.map((f) => f.durationMs),
      held.map((f) => f.durationMs),
    );
    assert.deepEqual(
      out.map((f) => f.data.length),
      held.map((f) => f.data.length),
    );
    assert.ok(concat(out).equals(concat(held)));
    assert.equal(ring.bytes, 0);
    assert.equal(ring.frames, 0);
  });

  it('grows when a frame needs more room than it has, keeping what it held', () => {
    const ring = new PreRollRing(300);
    const a = frame(200);
    const b = frame(250);
    const c = frame(900);
    const expected = Buffer.concat([a.data, b.data, c.data]);
    ring.push(a);
    ring.dropOldest();
    ring.push(frame(50)); // moves the head away from 0 before the growth
    ring.dropOldest();
    ring.push(a);
    ring.push(b);
    ring.push(c);
    assert.equal(ring.frames, 3);
    assert.ok(concat(ring.drain()).equals(expected));
  });

  it('hands out copies: later writes into the ring do not change frames already drained', () => {
    const ring = new PreRollRing(600);
    ring.push(frame(256));
    ring.push(frame(256));
    const first = ring.drain();
    const snapshot = Buffer.from(concat(first));
    for (let i = 0; i < 10; i++) {
      if (ring.bytes + 256 > 600) ring.dropOldest();
      ring.push(frame(256));
    }
    assert.ok(concat(first).equals(snapshot));
  });

  it('clear() and dropOldest() report the bytes they forget; an empty ring drops nothing', () => {
    const ring = new PreRollRing(0);
    assert.equal(ring.dropOldest(), 0);
    assert.deepEqual(ring.drain(), []);
    ring.push(frame(10));
    ring.push(frame(30));
    assert.equal(ring.dropOldest(), 10);
    assert.equal(ring.clear(), 30);
    assert.equal(ring.bytes, 0);
    assert.equal(ring.oldestBytes, 0);
    ring.push(frame(5));
    assert.equal(ring.drain()[0]!.data.length, 5);
  });
});
