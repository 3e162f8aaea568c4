// @ts-check
/**
 * The widget's recording phases, written down as a table of the moves allowed between them, and the one
 * place that enforces it. The phase is what the page shows (the `data-phase` attribute and the
 * `gradium-mic--<phase>` class), so its names are part of the widget's outside.
 *
 *           press               microphone open            release, stop, max length
 *   idle ───────────► permission ─────────────────► recording ─────────────────────────► stopping
 *    ▲  ▲                 │ let go before it opened                                          │
 *    │  └─────────────────┘                                      tail flushed, stop sent      │
 *    └───────────────────────────────────────────────────────────────────────────────────────┘
 *
 *   error: from any phase (cannot record, microphone refused, connection lost); a press leaves it
 *   through permission, like idle.
 *
 * A move the table does not list is a bug in the widget: it throws (in the browser, in tests, always),
 * instead of leaving the button in a phase nobody planned for. No imports, no DOM: Node runs this file
 * as it is (test/logic).
 */

/** @typedef {'idle' | 'permission' | 'recording' | 'stopping' | 'error'} Phase */

/** @type {Readonly<Record<Phase, readonly Phase[]>>} */
export const PHASE_TRANSITIONS = Object.freeze({
  idle: Object.freeze(/** @type {const} */ (['permission', 'error'])),
  permission: Object.freeze(/** @type {const} */ (['recording', 'idle', 'error'])),
  recording: Object.freeze(/** @type {const} */ (['stopping', 'error'])),
  stopping: Object.freeze(/** @type {const} */ (['idle', 'error'])),
  error: Object.freeze(/** @type {const} */ (['permission', 'error'])),
});

/** @type {readonly Phase[]} */
export const PHASES = Object.freeze(/** @type {Phase[]} */ (Object.keys(PHASE_TRANSITIONS)));

/** The phases in which a recording is under way (a press is being served): a new press is ignored. */
export const BUSY_PHASES = Object.freeze(/** @type {const} */ (['permission', 'recording', 'stopping']));

export class IllegalPhaseTransition extends Error {
  /** @param {Phase} from @param {Phase} to */
  constructor(from, to) {
    super(`ui-gradium-mic: ${from} → ${to} is not an allowed phase transition`);
    this.name = 'IllegalPhaseTransition';
    this.from = from;
    this.to = to;
  }
}

/** @param {unknown} name @returns {name is Phase} */
export function isPhase(name) {
  return typeof name === 'string' && Object.hasOwn(PHASE_TRANSITIONS, name);
}

/** @param {Phase} from @param {Phase} to */
export function isAllowed(from, to) {
  return isPhase(from) && isPhase(to) && PHASE_TRANSITIONS[from].includes(to);
}

/** The current phase of one widget; moves only along the table. */
export class RecordingPhase {
  /** @param {Phase} [initial] */
  constructor(initial = 'idle') {
    if (!isPhase(initial)) throw new RangeError(`ui-gradium-mic: no phase ${String(initial)}`);
    /** @type {Phase} */
    this.current = initial;
  }

  /** @param {...Phase} phases */
  is(...phases) {
    return phases.includes(this.current);
  }

  /** @param {Phase} to @throws {IllegalPhaseTransition} when the table does not list the move */
  to(to) {
    if (!isAllowed(this.current, to)) throw new IllegalPhaseTransition(this.current, to);
    this.current = to;
  }
}
