/**
 * When a stream moves to a fresh Gradium session before the server's cap (300 s): past 80 % of the cap it
 * waits for the next turn boundary (no turn is cut); at the cap minus 10 % (at most 10 s) it rotates whatever
 * the turn, leaving room for the old session's last final.
 */
export type RotationDecision = 'now' | 'at-turn' | 'not-yet';

export class RotationPolicy {
  private dueAtTurn = false;

  constructor(private readonly capS: number) {}

  /** The cap minus its margin: a session never carries more audio than this. */
  get forceAtS(): number {
    return this.capS - Math.min(10, this.capS * 0.1);
  }

  /** After each frame sent: `sessionS` is the audio the session carries, `ending` a stream on its way out. */
  afterSend(sessionS: number, ending: boolean): RotationDecision {
    // Also while ending: a stop right after a long backlog (a whole file) must not run past the cap.
    if (sessionS >= this.forceAtS) return 'now';
    if (sessionS >= this.capS * 0.8 && !ending) this.dueAtTurn = true;
    return this.dueAtTurn ? 'at-turn' : 'not-yet';
  }

  /** A turn ended in the session: rotate now if one is due. */
  get rotateAtTurnEnd(): boolean {
    return this.dueAtTurn;
  }

  /** A new session started. */
  reset(): void {
    this.dueAtTurn = false;
  }
}
