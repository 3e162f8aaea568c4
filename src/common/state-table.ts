/**
 * A lifecycle written down as a table of allowed transitions, and the one place that enforces it. Every state
 * machine in src/ (streams, sessions, the Gradium and emulator sockets, TTS utterances, speakers and playback,
 * the voice gate) keeps its table (and a diagram) next to its code and moves only through a StateMachine; a
 * transition the table does not list is a bug, reported loudly instead of leaving an object in a state nobody
 * planned for. A move to the state it is already in is a no-op.
 */

export type TransitionTable<S extends string> = { readonly [From in S]: readonly S[] };

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
}

export class StateMachine<S extends string> {
  private current: S;

  constructor(
    private readonly machine: string,
    private readonly table: TransitionTable<S>,
    initial: S,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  is(...states: S[]): boolean {
    return states.includes(this.current);
  }

  /** Move to `next`. Returns false when already there; throws when the table does not allow the move. */
  to(next: S): boolean {
    if (next === this.current) return false;
    if (!this.table[this.current].includes(next)) {
      throw new IllegalTransitionError(`${this.machine}: ${this.current} → ${next} is not allowed`);
    }
    this.current = next;
    return true;
  }
}
