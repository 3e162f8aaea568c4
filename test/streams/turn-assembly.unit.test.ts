/**
 * The words of a turn (src/streams/turn-assembly.ts): placed on the stream's clock and on the session's audio,
 * cut at a point of the audio, carried over from a session that died; turn ends queued in audio order; the
 * transcript a set of words makes.
 */
import { strict as assert } from 'node:assert';
import { CutQueue, TurnAssembly, transcriptOf } from '../../src/streams/turn-assembly';

describe('streams: turn assembly', () => {
  it('places words on the stream clock (offset, minus the decoder delay, never below 0) and on the session audio', () => {
    const turn = new TurnAssembly(10, []);
    assert.equal(turn.hasWords, false);
    assert.equal(turn.addWord('early', 0.3, 0.8), -0.5, 'before the delay: negative on the session audio');
    assert.equal(turn.addWord('hello', 1.3, 0.8), 0.5);
    turn.endLastWord(1.75, 0.8);
    assert.deepEqual(turn.wordsFrom(-Infinity), [
      { text: 'early', start: 9.5, end: null },
      { text: 'hello', start: 10.5, end: 10.95 },
    ]);
    const fresh = new TurnAssembly(0, []);
    fresh.addWord('first', 0.2, 0.8);
    assert.equal(fresh.wordsFrom(-Infinity)[0]!.start, 0, 'the stream clock starts at 0');
    fresh.endLastWord(0.1, 0.8);
    assert.equal(fresh.wordsFrom(-Infinity)[0]!.end, 0, 'a word never ends before it starts');
    fresh.endLastWord(0.9, 0.8);
    assert.equal(fresh.wordsFrom(-Infinity)[0]!.end, 0, 'only the first end_text sets the end');
  });

  it('a cut takes the words of the audio before it; words after it stay for the next turn', () => {
    const turn = new TurnAssembly(0, []);
    turn.addWord('turn', 0.5, 0);
    turn.addWord('on', 0.9, 0);
    turn.addWord('next', 2.1, 0);
    assert.deepEqual(turn.wordsFrom(2).map((w) => w.text), ['next'], 'the interim past a pending cut');
    assert.deepEqual(turn.takeBefore(2).map((w) => w.text), ['turn', 'on']);
    assert.deepEqual(turn.takeBefore(2), [], 'taken once');
    assert.equal(turn.hasWords, true);
    assert.deepEqual(turn.takeAll().map((w) => w.text), ['next']);
    assert.equal(turn.hasWords, false);
  });

  it('words carried from a session that died open the turn, before any of this session audio', () => {
    const carried = [{ text: 'open', start: 4.2, end: 4.5 }];
    const turn = new TurnAssembly(5, carried);
    assert.equal(turn.hasWords, true);
    turn.addWord('the', 0.1, 0);
    assert.deepEqual(turn.takeBefore(0.05).map((w) => w.text), ['open'], 'a carried word is before every cut');
    turn.addWord('door', 0.4, 0);
    assert.deepEqual(turn.unfinished().map((w) => w.text), ['the', 'door'], 'what a next session would carry');
    turn.clear();
    assert.equal(turn.hasWords, false);
  });

  it('hands out copies: a transcript is not changed by a later end_text', () => {
    const turn = new TurnAssembly(0, []);
    turn.addWord('hi', 0.2, 0);
    const interim = turn.wordsFrom(-Infinity);
    turn.endLastWord(0.4, 0);
    assert.equal(interim[0]!.end, null);
    assert.equal(turn.wordsFrom(-Infinity)[0]!.end, 0.4);
  });

  it('cuts wait in the order of the audio; a second one at the same point adds nothing', () => {
    const cuts = new CutQueue();
    cuts.add({ cutS: 3, at: 30, endOfTurn: 'vad' });
    cuts.add({ cutS: 1, at: 10, endOfTurn: 'gate' });
    cuts.add({ cutS: 2, at: 20, endOfTurn: 'vad' });
    cuts.add({ cutS: 2 + 1e-12, at: 21, endOfTurn: 'gate' });
    assert.equal(cuts.length, 3);
    assert.deepEqual([cuts.next(), cuts.next()].map((c) => [c!.cutS, c!.endOfTurn]), [
      [1, 'gate'],
      [2, 'vad'],
    ]);
    cuts.clear();
    assert.equal(cuts.next(), undefined);
  });

  it('a transcript: text, normalized text, start and end from its words (end falls back to the start)', () => {
    const source = { session: 2, requestId: 'r-1', language: 'en' };
    const t = transcriptOf(true, [{ text: 'Turn', start: 1, end: 1.2 }, { text: 'on!', start: 1.3, end: null }], source);
    assert.equal(t.text, 'Turn on!');
    assert.equal(t.normalized, 'turn on');
    assert.equal(t.final, true);
    assert.equal(t.start, 1);
    assert.equal(t.end, 1.3);
    assert.equal(t.session, 2);
    assert.equal(t.requestId, 'r-1');
    assert.equal(t.language, 'en');
    const empty = transcriptOf(false, [], source);
    assert.deepEqual([empty.text, empty.start, empty.end], ['', null, null]);
  });
});
