/**
 * What the status of every node of this package shares: it follows one manager's `changed` events, reads the
 * manager's summary at most every THROTTLE_MS (hundreds of streams or keys changing at once must not flood the
 * editor), writes a status only when it differs from the last one, and removes its listener and timer on
 * detach(). Subclasses say only how a summary reads.
 */
import type { Node, NodeStatus } from 'node-red';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

const THROTTLE_MS = 250;

/** What a status follows: a stream or speech manager. */
export interface StatusSource {
  on(event: 'changed', listener: () => void): unknown;
  off(event: 'changed', listener: () => void): unknown;
}

export abstract class ThrottledStatus<S extends StatusSource> {
  private source: S | null = null;
  private timer: NodeJS.Timeout | null = null;
  private last = '';
  private readonly onChange = (): void => this.schedule();

  constructor(
    private readonly node: Node,
    protected readonly t: Translate,
    /** The i18n namespace of the node's status texts, e.g. "gradium-stt.status.". */
    protected readonly ns: string,
  ) {
    this.set({ fill: 'grey', shape: 'ring', text: ns + 'idle' });
  }

  attach(source: S): void {
    this.source = source;
    source.on('changed', this.onChange);
  }

  /** The node cannot run at all (bad configuration, no config node). */
  fatal(kind: 'config' | 'noConfig'): void {
    this.set({ fill: 'red', shape: 'ring', text: this.ns + 'error.' + kind });
  }

  detach(): void {
    this.source?.off('changed', this.onChange);
    this.source = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.node.status({});
  }

  /** Sets the status from the source's state now. */
  protected abstract refresh(source: S): void;

  protected set(status: NodeStatus): void {
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === this.last) return;
    this.last = key;
    this.node.status(status);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.source) this.refresh(this.source);
    }, THROTTLE_MS);
  }
}
