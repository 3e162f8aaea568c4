import { strict as assert } from 'node:assert';
import { breakSeconds, splitAtWhitespace, spokenCharacters, tokenize } from '../../src/gradium/tts-text';
import { planRequests, estimatedSeconds } from '../../src/tts/request-plan';

/** What the server makes of the pieces: joined with one space each. */
const joined = (pieces: string[]): string => pieces.join(' ');
const squeeze = (text: string): string => text.trim().replace(/\s+/g, ' ');

describe('TTS text on the wire (split at whitespace only)', () => {
  it('tokenizes at whitespace, keeps tags with spaces whole, marks punctuation-only tokens', () => {
    const text = 'Bonjour, ça va ? <break time="1.5s" /> Oui.<flush>';
    const tokens = tokenize(text).map((t) => ({ word: text.slice(t.start, t.end), p: t.punctuation, tag: t.tag }));
    assert.deepEqual(tokens, [
      { word: 'Bonjour,', p: false, tag: false },
      { word: 'ça', p: false, tag: false },
      { word: 'va', p: false, tag: false },
      { word: '?', p: true, tag: false },
      { word: '<break time="1.5s" />', p: false, tag: true },
      { word: 'Oui.<flush>', p: false, tag: false },
    ]);
  });

  it('a < without a closing > is ordinary text', () => {
    assert.deepEqual(tokenize('a < b').length, 3);
  });

  it('cuts only at whitespace, never inside a word, a tag, or before punctuation of its own', () => {
    const text = 'Il fait beau ? Oui ! <break time="1s" /> On sort.';
    for (let max = 1; max <= text.length + 1; max++) {
      const pieces = splitAtWhitespace(text, max);
      assert.equal(joined(pieces), squeeze(text), `max ${max}`);
      for (const p of pieces) {
        assert.ok(!/^[?!]/.test(p), `max ${max}: a piece starts with punctuation: ${JSON.stringify(p)}`);
        assert.equal((p.match(/</g) ?? []).length, (p.match(/>/g) ?? []).length, `max ${max}: a tag was cut: ${p}`);
      }
    }
  });

  it('keeps pieces within the limit unless one word is longer', () => {
    const text = 'one two three four five six seven eight nine ten';
    const pieces = splitAtWhitespace(text, 10);
    assert.deepEqual(pieces, ['one two', 'three four', 'five six', 'seven', 'eight nine', 'ten']);
    assert.deepEqual(splitAtWhitespace('a supercalifragilistic b', 5), ['a', 'supercalifragilistic', 'b']);
    assert.deepEqual(splitAtWhitespace('   ', 5), []);
  });

  it('counts the characters Gradium bills (no tags) and the pauses that tags ask for', () => {
    assert.equal(spokenCharacters('Hello  <break time="1s"/> world <flush>'), 'Hello world'.length);
    assert.equal(breakSeconds('a <break time="1.5s" /> b <break time="500ms"/> c <break time="9s"/>'), 1.5 + 0.5 + 2);
  });
});

describe('long texts become several requests', () => {
  const sentence = (i: number): string => `This is sentence number ${i} of a long announcement, spoken slowly.`;
  const long = Array.from({ length: 60 }, (_, i) => sentence(i)).join(' ');

  it('a text within the limits is one request', () => {
    assert.deepEqual(planRequests('  Hello there.  '), ['Hello there.']);
    assert.deepEqual(planRequests(' \n '), []);
  });

  it('cuts at sentence ends, each request under the character limit and the time estimate, nothing lost', () => {
    const requests = planRequests(long, { maxChars: 500, maxSeconds: 240 });
    assert.ok(requests.length >= 8, `${requests.length} requests`);
    for (const r of requests) {
      assert.ok(r.length <= 500, `${r.length} characters`);
      assert.ok(r.endsWith('.'), `not cut at a sentence end: …${r.slice(-20)}`);
    }
    assert.equal(joined(requests), long);
  });

  it('the 300 s cap bounds a request by time as well (pauses count)', () => {
    const paused = Array.from({ length: 200 }, (_, i) => `Item ${i}. <break time="2s" />`).join(' ');
    const requests = planRequests(paused, { maxChars: 100000, maxSeconds: 240 });
    assert.ok(requests.length > 1);
    for (const r of requests) assert.ok(estimatedSeconds(r) <= 240, `${estimatedSeconds(r)} s`);
    assert.equal(joined(requests), squeeze(paused));
  });

  it('a sentence longer than the limit is cut at whitespace', () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const requests = planRequests(words, { maxChars: 300, maxSeconds: 240 });
    for (const r of requests) assert.ok(r.length <= 300);
    assert.equal(joined(requests), words);
  });
});
