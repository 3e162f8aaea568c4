/**
 * Which keys are muted. A mute is recorded per key whether or not the key has a stream yet (a speaker node
 * sends "mute" before its reply plays, maybe before the microphone's first chunk), and lasts until unmute,
 * its own `muteMs`, or a redeploy. A mute without a key mutes the whole node: every key, present and future,
 * except keys unmuted by name afterwards.
 */
import { TimerSlot, type Clock } from '../common/clock';

/** The longest `muteMs` accepted: 24 hours. */
export const MUTE_MS_MAX = 86_400_000;

interface KeyMute {
  muted: boolean;
  timer: TimerSlot | null;
}

export class MuteBook {
  /** The node-wide mute, with its timer when it has a muteMs; null when the node is not muted. */
  private node: { timer: TimerSlot | null } | null = null;
  /** Per-key entries win over the node-wide mute: a muted key, or a key unmuted while the node is muted. */
  private readonly keys = new Map<string, KeyMute>();

  /** `onChange(key)` after a mute changed by itself (muteMs ran out); key null: the node-wide one. */
  constructor(
    private readonly clock: Clock,
    private readonly onChange: (key: string | null) => void,
  ) {}

  isMuted(key: string): boolean {
    const entry = this.keys.get(key);
    return entry ? entry.muted : this.node !== null;
  }

  get nodeMuted(): boolean {
    return this.node !== null;
  }

  /** Keys muted by name (whether or not they have a stream). */
  get mutedKeys(): number {
    let n = 0;
    for (const e of this.keys.values()) if (e.muted) n += 1;
    return n;
  }

  /** Mute one key, or every key (null); `ms` > 0 unmutes by itself after that long. */
  mute(key: string | null, ms?: number): void {
    if (key === null) {
      this.clearKeys();
      this.node?.timer?.cancel();
      this.node = { timer: this.timerFor(null, ms) };
      return;
    }
    this.keys.get(key)?.timer?.cancel();
    this.keys.set(key, { muted: true, timer: this.timerFor(key, ms) });
  }

  /** Unmute one key (even while the node is muted), or everything (null). */
  unmute(key: string | null): void {
    if (key === null) {
      this.clearKeys();
      this.node?.timer?.cancel();
      this.node = null;
      return;
    }
    this.keys.get(key)?.timer?.cancel();
    if (this.node) this.keys.set(key, { muted: false, timer: null });
    else this.keys.delete(key);
  }

  /** Redeploy: no timer left behind. */
  close(): void {
    this.unmute(null);
  }

  private timerFor(key: string | null, ms: number | undefined): TimerSlot | null {
    if (ms === undefined || ms <= 0) return null;
    const slot = new TimerSlot(this.clock);
    slot.set(() => this.expire(key), ms);
    return slot;
  }

  private expire(key: string | null): void {
    if (key === null) {
      this.node = null;
      // Exceptions to a node-wide mute mean nothing without it.
      for (const [k, e] of this.keys) if (!e.muted) this.keys.delete(k);
    } else {
      this.keys.delete(key);
    }
    this.onChange(key);
  }

  private clearKeys(): void {
    for (const e of this.keys.values()) e.timer?.cancel();
    this.keys.clear();
  }
}
