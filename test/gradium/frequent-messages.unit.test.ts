/**
 * The fast path for `step`, `text` and `end_text` frames: it returns exactly what the full parser returns
 * for the same bytes, or nothing (and then the full parser decides). Malformed frames are never accepted
 * by it.
 */
import { strict as assert } from 'node:assert';
import { parseServerMessage } from '../../src/gradium/server-message-parser';
import { readFrequentMessage } from '../../src/gradium/frequent-messages';

const VAD = [
  { horizon_s: 0.5, inactivity_prob: 0.0123 },
  { horizon_s: 1, inactivity_prob: 0.0456 },
  { horizon_s: 2, inactivity_prob: 0.789 },
  { horizon_s: 3, inactivity_prob: 0.9999 },
];
/** As the emulator and a compact JSON serializer write it. */
const CANONICAL = `{"type":"step","vad":${JSON.stringify(VAD)},"step_idx":41,"step_duration_s":0.08,"total_duration_s":3.36}`;

function full(text: string): unknown {
  const r = parseServerMessage(text);
  return r.ok ? r.message : undefined;
}

/** The fast path's answer must be the full parser's, whenever it gives one. */
function agrees(text: string): boolean {
  // Whenever the fast path answers, the full parser must give the very same message.
  const fast = readFrequentMessage(Buffer.from(text, 'utf8'));
  if (fast === undefined) return false;
  assert.deepStrictEqual(fast, full(text), `fast path differs from the full parser on ${text}`);
  return true;
}

describe('readFrequentMessage: steps', () => {
  it('reads the emulator\'s steps exactly as the full parser does', () => {
    assert.ok(agrees(CANONICAL));
    for (let i = 0; i < 500; i++) {
      const vad = VAD.map((e, j) => ({ horizon_s: e.horizon_s, inactivity_prob: Math.round(((i * 7 + j * 13) % 1000) * 1.7) / 1000 }));
      const total = Math.round((i + 1) * 80) / 1000;
      assert.ok(agrees(`{"type":"step","vad":${JSON.stringify(vad)},"step_idx":${i},"step_duration_s":0.08,"total_duration_s":${total}}`));
    }
  });

  it('reads the compact layout with any numbers: empty VAD, negatives, zeros, 15 significant digits', () => {
    const compact = [
      `{"type":"step","vad":[],"step_idx":0,"step_duration_s":0.08,"total_duration_s":0.08}`,
      `{"type":"step","vad":[{"horizon_s":2,"inactivity_prob":1}],"step_idx":0,"step_duration_s":0.08,"total_duration_s":0}`,
      `{"type":"step","vad":[{"horizon_s":-0.5,"inactivity_prob":-0.0}],"step_idx":-3,"step_duration_s":0.079999999999999,"total_duration_s":-0}`,
      `{"type":"step","vad":[{"horizon_s":0.123456789012345,"inactivity_prob":999999999999999}],"step_idx":1,"step_duration_s":0.08,"total_duration_s":1.0}`,
    ];
    for (const c of compact) assert.ok(agrees(c), `fast path gave up on ${c}`);
  });

  it('reads every decimal it accepts to the same double as JSON.parse', () => {
    let seed = 11;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    let read = 0;
    for (let i = 0; i < 20000; i++) {
      const x = (rand() - 0.2) * 10 ** Math.floor(rand() * 12 - 4);
      const text = i % 2 ? String(x) : x.toFixed(Math.floor(rand() * 20));
      if (agrees(`{"type":"step","vad":[{"horizon_s":2,"inactivity_prob":${text}}],"step_idx":${i},"step_duration_s":0.08,"total_duration_s":${text}}`)) read++;
    }
    assert.ok(read > 10000, `only ${read} of 20000 read by the fast path`);
  });

  it('leaves other spellings of a valid step to the full parser, which reads them', () => {
    const spellings = [
      JSON.stringify(JSON.parse(CANONICAL), null, 2),
      // Python's json.dumps default separators
      CANONICAL.replace(/,/g, ', ').replace(/:/g, ': '),
      `{"step_idx":41,"total_duration_s":3.36,"vad":${JSON.stringify(VAD)},"type":"step","step_duration_s":0.08}`,
      `{"type":"step","vad":[{"inactivity_prob":0.5,"horizon_s":2}],"step_idx":0}`,
      `{"type":"step","vad":[{"horizon_s":2.0e0,"inactivity_prob":1E-3}],"step_idx":1e2,"step_duration_s":0.08,"total_duration_s":0}`,
      `{"type":"step","vad":[{"horizon_s":0.30000000000000004,"inactivity_prob":0.1}],"step_idx":12345678901234567890,"step_duration_s":0.08,"total_duration_s":0}`,
      ` \r\n\t${CANONICAL}\n `,
      // an escape in a string, a key the client does not use, an extra key in a VAD entry, a duplicate key
      CANONICAL.replace('"type":"step"', '"type":"st\\u0065p"'),
      CANONICAL.replace('"step_idx"', '"extra":1,"step_idx"'),
      CANONICAL.replace('"horizon_s":0.5,', '"horizon_s":0.5,"x":1,'),
      CANONICAL.replace('"step_idx":41', '"step_idx":1,"step_idx":41'),
      // a step_duration_s that is not a number: the full parser uses the default
      CANONICAL.replace('"step_duration_s":0.08', '"step_duration_s":"fast"'),
    ];
    for (const v of spellings) {
      assert.equal(readFrequentMessage(Buffer.from(v)), undefined, `fast path read ${v}`);
      const m = full(v) as { type: string; step_idx: number } | undefined;
      assert.equal(m?.type, 'step', `the full parser refused ${v}`);
    }
  });

  it('never accepts a malformed step; the full parser refuses it', () => {
    const malformed = [
      CANONICAL.slice(0, -1),
      CANONICAL + 'x',
      CANONICAL + '{}',
      CANONICAL.replace('"vad":[', '"vad":{').replace(']', '}'),
      CANONICAL.replace('"horizon_s":0.5', '"horizon_s":"0.5"'),
      CANONICAL.replace('"horizon_s":0.5,', ''),
      CANONICAL.replace('"inactivity_prob":0.0123', '"inactivity_prob":null'),
      CANONICAL.replace('"step_idx":41,', ''),
      CANONICAL.replace('"step_idx":41', '"step_idx":"41"'),
      CANONICAL.replace('"step_idx":41', '"step_idx":041'),
      CANONICAL.replace('"step_idx":41', '"step_idx":41.'),
      CANONICAL.replace('"step_idx":41', '"step_idx":-'),
      CANONICAL.replace('"step_idx":41', '"step_idx":1e999'),
      CANONICAL.replace('"step_idx":41', '"step_idx":NaN'),
      CANONICAL.replace('"step_idx":41', '"step_idx":.5'),
      CANONICAL.replace('0.0123}', '0.0123,}'),
      CANONICAL.replace('"vad":', '"vad"'),
      '{"type":"step"}',
      '{}',
      '',
      'step',
    ];
    for (const m of malformed) {
      assert.equal(readFrequentMessage(Buffer.from(m)), undefined, `fast path accepted ${m}`);
      assert.equal(full(m), undefined, `the full parser accepted ${m}`);
    }
  });

  it('agrees with the full parser on thousands of mutated frames', () => {
    mutations(CANONICAL, 7);
  });
});

/** Deterministic pseudo-random mutations of a valid frame (delete, insert, replace, duplicate), each checked by agrees(). */
function mutations(valid: string, seedStart: number): void {
  let seed = seedStart;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = '{}[]":,.-+eE0123456789 \\tnsxaé';
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 20000; i++) {
    let t = valid;
    for (let m = 1 + rand(2); m > 0; m--) {
      const at = rand(t.length);
      const c = alphabet[rand(alphabet.length)]!;
      switch (rand(4)) {
        case 0: t = t.slice(0, at) + t.slice(at + 1); break;
        case 1: t = t.slice(0, at) + c + t.slice(at); break;
        case 2: t = t.slice(0, at) + c + t.slice(at + 1); break;
        default: t = t.slice(0, at) + t.slice(at, at + 1 + rand(6)) + t.slice(at);
      }
    }
    if (agrees(t)) accepted++;
    else refused++;
  }
  // Both outcomes must really occur, or the test proves nothing.
  assert.ok(accepted > 1000 && refused > 1000, `accepted ${accepted}, gave up ${refused}`);
}

const TEXT = JSON.stringify({ type: 'text', text: 'hello', start_s: 1.36, stream_id: 0 });
const END_TEXT = JSON.stringify({ type: 'end_text', stop_s: 1.84, stream_id: 0 });

describe('readFrequentMessage: words', () => {
  it('reads the emulator\'s text and end_text frames exactly as the full parser does', () => {
    for (const word of ['hello', 'world', "don't", 'a', 'the quick brown fox', '42', '!?;:', '']) {
      for (const start of [0, 0.08, 12.345, 299.99]) {
        assert.ok(agrees(JSON.stringify({ type: 'text', text: word, start_s: start, stream_id: 0 })), word);
        assert.ok(agrees(JSON.stringify({ type: 'end_text', stop_s: start, stream_id: 1 })));
      }
    }
  });

  it('leaves escapes, non-ASCII words and other spellings to the full parser, which reads them', () => {
    const others = [
      JSON.stringify({ type: 'text', text: 'café', start_s: 1, stream_id: 0 }),
      JSON.stringify({ type: 'text', text: 'Grüße', start_s: 1, stream_id: 0 }),
      JSON.stringify({ type: 'text', text: 'say "hi"', start_s: 1, stream_id: 0 }),
      JSON.stringify({ type: 'text', text: 'back\\slash', start_s: 1, stream_id: 0 }),
      JSON.stringify({ type: 'text', text: 'tab\there', start_s: 1, stream_id: 0 }),
      JSON.stringify({ type: 'text', text: 'hello', start_s: 1, stream_id: null }),
      JSON.stringify({ type: 'text', text: 'hello', start_s: 1 }),
      JSON.stringify({ type: 'text', start_s: 1, text: 'hello', stream_id: 0 }),
      JSON.stringify({ type: 'end_text', stop_s: 1, stream_id: null }),
      JSON.stringify({ type: 'end_text', stop_s: 1 }),
      JSON.stringify({ type: 'text', text: 'hello', start_s: 1, stream_id: 0 }, null, 1),
      '{"type":"end_text","stop_s":1e-3,"stream_id":0}',
    ];
    for (const o of others) {
      assert.equal(readFrequentMessage(Buffer.from(o)), undefined, `fast path read ${o}`);
      assert.notEqual(full(o), undefined, `the full parser refused ${o}`);
    }
    assert.equal((full(others[0]!) as { text: string }).text, 'café');
  });

  it('never accepts a malformed word frame; the full parser refuses it', () => {
    const malformed = [
      TEXT.slice(0, -1),
      TEXT + ' x',
      TEXT.replace('"text":"hello"', '"text":5'),
      TEXT.replace('"start_s":1.36,', ''),
      TEXT.replace('"start_s":1.36', '"start_s":"1.36"'),
      TEXT.replace('"stream_id":0', '"stream_id":"0"'),
      TEXT.replace('"hello"', '"hel\u0001lo"'),
      END_TEXT.replace('"stop_s":1.84,', ''),
      END_TEXT.replace('"stop_s":1.84', '"stop_s":01.84'),
      END_TEXT.replace('"stream_id":0', '"stream_id":[0]'),
    ];
    for (const m of malformed) {
      assert.equal(readFrequentMessage(Buffer.from(m)), undefined, `fast path accepted ${m}`);
      assert.equal(full(m), undefined, `the full parser accepted ${m}`);
    }
  });

  it('agrees with the full parser on thousands of mutated text and end_text frames', () => {
    mutations(TEXT, 13);
    mutations(END_TEXT, 17);
  });
});
