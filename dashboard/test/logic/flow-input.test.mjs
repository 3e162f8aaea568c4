/**
 * Messages from the flow as one widget in one tab reads them (ui/state/flow-input.mjs): which start/stop
 * commands are its own, which transcripts are of its speech, and the lines a transcript leaves shown.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressedToMe, commandOf, nextTranscript, spokenHere } from '../../ui/state/flow-input.mjs';

const ME = { widget: 'mic1', tab: 'tab-A', socketId: 'sock-1' };

describe('flow input: commands', () => {
  it('start and stop are commands; anything else is not', () => {
    assert.equal(commandOf({ action: 'start' }), 'start');
    assert.equal(commandOf({ action: 'stop' }), 'stop');
    for (const action of [undefined, 'pause', 'START', 1]) assert.equal(commandOf({ action }), null, String(action));
  });

  it('by tab id first, then by socket, else every tab; a named widget must be this one', () => {
    const cases = [
      [{}, true, 'no address: every tab'],
      [{ mic: { tab: 'tab-A' } }, true, 'this tab'],
      [{ mic: { tab: 'tab-B' } }, false, 'another tab'],
      [{ mic: { tab: 'tab-A' }, _client: { socketId: 'sock-2' } }, true, 'the tab id wins over the socket'],
      [{ _client: { socketId: 'sock-1' } }, true, 'this socket'],
      [{ _client: { socketId: 'sock-2' } }, false, 'another socket'],
      [{ mic: { widget: 'mic2' } }, false, 'another widget'],
      [{ mic: { widget: 'mic1', tab: 'tab-A' } }, true, 'this widget in this tab'],
      [{ mic: { widget: 'mic2', tab: 'tab-A' } }, false, 'another widget in this tab'],
      [{ mic: 'tab-B', _client: { socketId: 'sock-1' } }, true, 'a mic that is not an object is no address'],
      [{ mic: { tab: 7 }, _client: {} }, true, 'a tab that is not a string is no address'],
    ];
    for (const [msg, want, why] of cases) assert.equal(addressedToMe(msg, ME), want, why);
  });
});

describe('flow input: transcripts', () => {
  it('shown where they were spoken: this tab and this widget, or no origin at all', () => {
    const cases = [
      [{}, true, 'no origin'],
      [{ mic: { widget: 'mic2' } }, true, 'no tab: no origin'],
      [{ mic: { tab: 'tab-A' } }, true, 'this tab, any widget'],
      [{ mic: { tab: 'tab-A', widget: 'mic1' } }, true, 'this tab, this widget'],
      [{ mic: { tab: 'tab-A', widget: 'mic2' } }, false, 'this tab, another widget'],
      [{ mic: { tab: 'tab-B', widget: 'mic1' } }, false, 'another tab'],
    ];
    for (const [msg, want, why] of cases) assert.equal(spokenHere(msg, ME), want, why);
  });

  it('an interim line replaces the grey line; a final one clears it and is kept, the oldest dropped', () => {
    let now = { finals: [], interim: '', lineCount: 0 };
    now = nextTranscript(now, { payload: 'turn on', final: false }, 2);
    assert.deepEqual(now, { finals: [], interim: 'turn on', lineCount: 0 });
    now = nextTranscript(now, { payload: 'turn on the', final: false }, 2);
    assert.equal(now.interim, 'turn on the');
    now = nextTranscript(now, { payload: 'turn on the lights', final: true }, 2);
    assert.deepEqual(now, { finals: [{ n: 1, text: 'turn on the lights' }], interim: '', lineCount: 1 });
    now = nextTranscript(now, { payload: 'thanks' }, 2);
    now = nextTranscript(now, { payload: 'and the radio' }, 2);
    assert.deepEqual(now.finals, [{ n: 2, text: 'thanks' }, { n: 3, text: 'and the radio' }]);
    assert.equal(now.lineCount, 3, 'line numbers keep counting (they key the rendered lines)');
  });

  it('an empty final clears the grey line and adds nothing; keeping 0 lines still keeps the newest', () => {
    const before = { finals: [{ n: 1, text: 'a' }], interim: 'b', lineCount: 1 };
    assert.deepEqual(nextTranscript(before, { payload: '', final: true }, 3), { finals: [{ n: 1, text: 'a' }], interim: '', lineCount: 1 });
    assert.deepEqual(nextTranscript(before, { payload: 'c' }, 0).finals, [{ n: 2, text: 'c' }]);
    assert.deepEqual(before, { finals: [{ n: 1, text: 'a' }], interim: 'b', lineCount: 1 }, 'the lines before are not changed');
  });
});
