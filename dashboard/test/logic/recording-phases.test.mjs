/**
 * The widget's recording phases (ui/state/recording-phases.mjs): the table has the shape the widget
 * relies on, and every move it does not list throws, for every pair of phases.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_PHASES, IllegalPhaseTransition, PHASES, PHASE_TRANSITIONS, RecordingPhase, isAllowed } from '../../ui/state/recording-phases.mjs';

describe('recording phases: the table', () => {
  it('names the five phases the page shows, each with a row whose targets are phases', () => {
    assert.deepEqual([...PHASES].sort(), ['error', 'idle', 'permission', 'recording', 'stopping']);
    for (const from of PHASES) {
      assert.ok(Array.isArray(PHASE_TRANSITIONS[from]), `${from} has a row`);
      for (const to of PHASE_TRANSITIONS[from]) assert.ok(PHASES.includes(to), `${from} → ${to}: ${to} is a phase`);
    }
  });

  it('has the press-to-send cycle: idle → permission → recording → stopping → idle', () => {
    const cycle = ['idle', 'permission', 'recording', 'stopping', 'idle'];
    for (let i = 1; i < cycle.length; i++) assert.ok(isAllowed(cycle[i - 1], cycle[i]), `${cycle[i - 1]} → ${cycle[i]}`);
  });

  it('lets go before the microphone opened back to idle, and nowhere else back to idle early', () => {
    assert.ok(isAllowed('permission', 'idle'));
    assert.equal(isAllowed('recording', 'idle'), false, 'a recording ends through stopping (the tail is sent)');
    assert.equal(isAllowed('error', 'idle'), false, 'an error stays shown until the next press');
  });

  it('reaches error from every phase, and leaves it only by a new press (through permission)', () => {
    for (const from of PHASES) assert.ok(isAllowed(from, 'error'), `${from} → error`);
    assert.deepEqual(PHASE_TRANSITIONS.error.filter((to) => to !== 'error'), ['permission']);
  });

  it('starts nothing new from the busy phases: none of them goes to permission', () => {
    assert.deepEqual([...BUSY_PHASES].sort(), ['permission', 'recording', 'stopping']);
    for (const from of BUSY_PHASES) assert.equal(isAllowed(from, 'permission'), false, `${from} → permission`);
  });

  it('cannot be changed at run time', () => {
    assert.ok(Object.isFrozen(PHASE_TRANSITIONS));
    for (const from of PHASES) assert.ok(Object.isFrozen(PHASE_TRANSITIONS[from]), `${from}'s row is frozen`);
    assert.throws(() => {
      'use strict';
      PHASE_TRANSITIONS.idle.push('stopping');
    }, TypeError);
    assert.equal(isAllowed('idle', 'stopping'), false);
  });
});

describe('recording phases: RecordingPhase enforces the table', () => {
  for (const from of PHASES) {
    for (const to of PHASES) {
      const allowed = PHASE_TRANSITIONS[from].includes(to);
      it(`${from} → ${to} ${allowed ? 'moves' : 'throws and stays'}`, () => {
        const phase = new RecordingPhase(from);
        if (allowed) {
          phase.to(to);
          assert.equal(phase.current, to);
          return;
        }
        assert.throws(
          () => phase.to(to),
          (err) =>
            err instanceof IllegalPhaseTransition &&
            err.from === from &&
            err.to === to &&
            err.message.includes(`${from} → ${to}`),
        );
        assert.equal(phase.current, from, 'a refused move leaves the phase as it was');
      });
    }
  }

  it('starts idle, and refuses a phase that is not in the table', () => {
    const phase = new RecordingPhase();
    assert.equal(phase.current, 'idle');
    assert.ok(phase.is('idle'));
    assert.ok(phase.is('error', 'idle'));
    assert.equal(phase.is(...BUSY_PHASES), false);
    assert.throws(() => phase.to(/** @type {any} */ ('listening')), IllegalPhaseTransition);
    assert.throws(() => phase.to(/** @type {any} */ ('constructor')), IllegalPhaseTransition, 'only the table\'s own rows count');
    assert.throws(() => new RecordingPhase(/** @type {any} */ ('toString')), RangeError);
    assert.equal(phase.current, 'idle');
  });
});
