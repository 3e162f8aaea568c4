/** The gate's settings as data: defaults, the old-flow default, ranges, and the gate enforcing the same ranges. */
import * as assert from 'node:assert/strict';
import { parseProps, parseUpdate } from '../../src/settings/spec';
import { DEFAULT_GATE_OPTIONS, GATE_SPEC, GATE_SPEC_WHEN_MISSING, prepareVoiceGate, VoiceGate } from '../../src/voice-gate';

describe('voice gate settings', () => {
  before(prepareVoiceGate);

  it('defaults: new nodes send speech only; a node saved before the gate keeps sending everything', () => {
    assert.deepEqual(parseProps(GATE_SPEC, {}), { sendAudio: 'speech', gateAggressiveness: 2, gatePreRoll: 500, gateHangover: 800 });
    assert.equal(parseProps(GATE_SPEC, {}, GATE_SPEC_WHEN_MISSING).sendAudio, 'always');
    assert.equal(parseProps(GATE_SPEC, { sendAudio: 'speech' }, GATE_SPEC_WHEN_MISSING).sendAudio, 'speech');
    assert.deepEqual(DEFAULT_GATE_OPTIONS, { aggressiveness: 2, preRollMs: 500, hangoverMs: 800 });
  });

  it('msg.settings may change each of them; bad values are refused naming what is accepted', () => {
    assert.deepEqual(parseUpdate(GATE_SPEC, { sendAudio: 'always', gate_pre_roll: 300, gateAggressiveness: '3' }), {
      sendAudio: 'always',
      gatePreRoll: 300,
      gateAggressiveness: 3,
    });
    const refused: [object, RegExp][] = [
      [{ sendAudio: 'sometimes' }, /msg\.settings\.sendAudio: got "sometimes"; expected one of "speech", "always"/],
      [{ gatePreRoll: -20 }, /gatePreRoll: got number -20; expected a whole number from 0–3000 ms/],
      [{ gatePreRoll: 60000 }, /gatePreRoll: got number 60000/],
      [{ gateHangover: 0 }, /gateHangover: got number 0; expected a whole number from 100–10000 ms/],
      [{ gateHangover: 1e7 }, /gateHangover: got number 10000000/],
      [{ gateAggressiveness: 5 }, /gateAggressiveness: got number 5; expected one of 0, 1, 2, 3/],
    ];
    for (const [raw, re] of refused) assert.throws(() => parseUpdate(GATE_SPEC, raw), re);
  });

  it('every setting is plain JSON data (it travels to the editor)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(GATE_SPEC)), GATE_SPEC);
  });

  it('the gate accepts exactly the declared ranges', () => {
    const { gatePreRoll, gateHangover } = GATE_SPEC;
    const make = (o: Partial<typeof DEFAULT_GATE_OPTIONS>) => new VoiceGate('pcm_16000', { ...DEFAULT_GATE_OPTIONS, ...o }).close();
    make({ preRollMs: gatePreRoll.min });
    make({ preRollMs: gatePreRoll.max });
    make({ hangoverMs: gateHangover.min });
    make({ hangoverMs: gateHangover.max });
    for (const aggressiveness of GATE_SPEC.gateAggressiveness.values) make({ aggressiveness });
    assert.throws(() => make({ preRollMs: gatePreRoll.min - 1 }), RangeError);
    assert.throws(() => make({ preRollMs: gatePreRoll.max + 1 }), RangeError);
    assert.throws(() => make({ hangoverMs: gateHangover.min - 1 }), RangeError);
    assert.throws(() => make({ hangoverMs: gateHangover.max + 1 }), RangeError);
  });
});
