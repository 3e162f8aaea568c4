/**
 * The lifecycles' tables are enforced: a transition they do not list throws, naming the machine and the
 * move; a move to the current state is a no-op.
 */
import { strict as assert } from 'node:assert';
import { IllegalTransitionError, StateMachine, type TransitionTable } from '../../src/common/state-table';

type Light = 'red' | 'green' | 'amber';
const LIGHT: TransitionTable<Light> = { red: ['green'], green: ['amber'], amber: ['red'] };

describe('streams: state tables', () => {
  it('allows the listed moves, refuses the others by name, and treats a move to the same state as a no-op', () => {
    const m = new StateMachine<Light>('Light', LIGHT, 'red');
    assert.equal(m.to('green'), true);
    assert.equal(m.to('green'), false);
    assert.throws(() => m.to('red'), (err: Error) => err instanceof IllegalTransitionError && /Light: green → red/.test(err.message));
    assert.equal(m.state, 'green', 'a refused move leaves the state as it was');
    assert.ok(m.is('amber', 'green'));
  });
});
