/** The gate's settings as data: defaults, the old-flow default, and ranges the gate itself enforces. */
import * as assert from 'node:assert/strict';
import { DEFAULT_GATE_OPTIONS, GATE_SETTINGS, GATE_SETTINGS_WHEN_MISSING, prepareVoiceGate, VoiceGate } from '../../src/voice-gate';

describe('voice gate settings', () => {
  before(prepareVoiceGate);

  it('defaults: new nodes send speech only; nodes saved before the gate keep sending everything', () => {
    assert.equal(GATE_SETTINGS.sendAudio.default, 'speech');
    assert.deepEqual(GATE_SETTINGS.sendAudio.values, ['speech', 'always']);
    assert.equal(GATE_SETTINGS_WHEN_MISSING.sendAudio, 'always');
    assert.deepEqual(DEFAULT_GATE_OPTIONS, { aggressiveness: 2, preRollMs: 500, hangoverMs: 800 });
  });

  it('every setting is plain JSON data (it travels to the editor)', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(GATE_SETTINGS)), GATE_SETTINGS);
    for (const [name, spec] of Object.entries(GATE_SETTINGS)) {
      assert.equal(spec.live, true, `${name} can change by msg.settings`);
      if (spec.type === 'number') assert.ok(spec.min <= spec.default && spec.default <= spec.max, name);
      else assert.ok((spec.values as readonly unknown[]).includes(spec.default), name);
    }
  });

  it('the gate accepts exactly the declared ranges', () => {
    const { gatePreRoll, gateHangover } = GATE_SETTINGS;
    const make = (o: Partial<typeof DEFAULT_GATE_OPTIONS>) => new VoiceGate('pcm_16000', { ...DEFAULT_GATE_OPTIONS, ...o }).close();
    make({ preRollMs: gatePreRoll.min });
    make({ preRollMs: gatePreRoll.max });
    make({ hangoverMs: gateHangover.min });
    make({ hangoverMs: gateHangover.max });
    assert.throws(() => make({ preRollMs: gatePreRoll.min - 1 }), RangeError);
    assert.throws(() => make({ preRollMs: gatePreRoll.max + 1 }), RangeError);
    assert.throws(() => make({ hangoverMs: gateHangover.min - 1 }), RangeError);
    assert.throws(() => make({ hangoverMs: gateHangover.max + 1 }), RangeError);
  });
});
