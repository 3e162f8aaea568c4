/**
 * Session admission: who may open a new Gradium session (and so a new stream): the cap on concurrent streams, and the circuit breaker that keeps a refused key
 * or a refused setting from turning into a reconnect storm. A refused key (or no credit) holds new sessions
 * back for 1 minute, doubling up to 10 minutes, then lets one attempt through; a refused setting holds them
 * back until the settings change. Audio refused meanwhile is totalled and reported when sessions resume.
 */
import type { GradiumError } from '../gradium/errors';
import type { Clock } from '../common/clock';

/** After a refused key, how long before one more attempt is allowed (doubles up to the cap). */
export const BLOCK_BASE_MS = 60_000;
export const BLOCK_MAX_MS = 600_000;

export interface SessionAdmissionEvents {
  /** Something the status shows changed (blocked or not). */
  changed(): void;
  warning(key: string, message: string): void;
}

export class SessionAdmission {
  private block: { error: GradiumError; until: number } | null = null;
  private blockMs = BLOCK_BASE_MS;
  /** Audio refused while new sessions are held back: reported when they resume, never silently lost. */
  private droppedWhileBlockedMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly maxStreams: number,
    private readonly events: SessionAdmissionEvents,
  ) {}

  /** The error that holds new sessions back (shown in the status), or null. */
  get blockedBy(): GradiumError | null {
    return this.block?.error ?? null;
  }

  /** True while new sessions are held back. A key block that ran out lets one attempt through. */
  isBlocked(): boolean {
    if (!this.block) return false;
    if (this.block.error.category !== 'config' && this.clock.now() >= this.block.until) {
      // Let one attempt through; a new refusal blocks again for longer.
      this.block = null;
      this.reportDrops();
      this.events.changed();
      return false;
    }
    return true;
  }

  /** Null when one more stream may open beside `open` ones, else why not. */
  refusalPastCap(key: string, open: number): string | null {
    if (open < this.maxStreams) return null;
    return `stream "${key}" refused: ${open} streams are open and the limit is ${this.maxStreams} (raise "max streams" or stop idle streams).`;
  }

  /**
   * A stream failed for good. A refusal that is not transient blocks new sessions; returns true when this is
   * news (not a second refusal inside a block already reported).
   */
  refused(error: GradiumError): boolean {
    if (error.category === 'transient') return true;
    const alreadyBlocked = this.block !== null;
    this.block = { error, until: this.clock.now() + this.blockMs };
    this.blockMs = Math.min(BLOCK_MAX_MS, this.blockMs * 2);
    return !alreadyBlocked;
  }

  /** A session reached `ready`: whatever blocked is fixed. */
  succeeded(): void {
    if (this.block) this.unblock();
  }

  /** The settings changed: that may be what fixes a refused setting. */
  settingsChanged(): void {
    if (this.block?.error.category === 'config') this.unblock();
  }

  /** Audio for a stream that could not be opened because sessions are held back. */
  dropped(key: string, ms: number): void {
    if (this.droppedWhileBlockedMs === 0) {
      this.events.warning(
        key,
        `stream "${key}": audio dropped while new sessions are held back after "${this.block?.error.message}"; the total is reported when they resume.`,
      );
    }
    this.droppedWhileBlockedMs += Math.max(ms, 1e-3);
  }

  private unblock(): void {
    this.block = null;
    this.blockMs = BLOCK_BASE_MS;
    this.reportDrops();
    this.events.changed();
  }

  private reportDrops(): void {
    if (this.droppedWhileBlockedMs === 0) return;
    const ms = Math.round(this.droppedWhileBlockedMs);
    this.droppedWhileBlockedMs = 0;
    this.events.warning('', `${ms} ms of audio were dropped while new sessions were held back.`);
  }
}
