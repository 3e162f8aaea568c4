/**
 * The one place that sets the status of a gradium-stt node. Derived from the manager's summary on every
 * change, throttled so hundreds of streams producing words do not flood the editor.
 */
import type { Node } from 'node-red';
import type { StreamManager } from '../streams/stream-manager';
import type { GradiumErrorCategory } from '../gradium/errors';
import { ThrottledStatus, type Translate } from './throttled-status';

/** Distinct texts kept translated (stream counts, retry seconds): plenty, and bounded. */
const MAX_TRANSLATIONS = 512;
const NS = 'gradium-stt.status.';

const ERROR_KEYS: Record<GradiumErrorCategory, string> = {
  auth: 'error.invalidKey',
  'no-credit': 'error.noCredit',
  config: 'error.config',
  transient: 'error.unreachable',
};

export class SttStatus extends ThrottledStatus<StreamManager<unknown>> {
  /**
   * Texts already translated, by key and number: i18next resolves plural forms on every call, which cost
   * about 0.4 ms per status update with hundreds of streams (a tenth of a millisecond per stream-minute).
   */
  private readonly translations = new Map<string, string>();

  constructor(node: Node, t: Translate) {
    super(node, t, NS);
  }

  override attach<C>(manager: StreamManager<C>): void {
    super.attach(manager as unknown as StreamManager<unknown>);
  }

  protected refresh(m: StreamManager<unknown>): void {
    const s = m.summary();
    // What mute and the voice gate keep from Gradium, when they keep anything: "· 2 muted · 35 % sent".
    const muted = s.nodeMuted ? ' · ' + this.translate(NS + 'allMuted') : s.muted > 0 ? ' · ' + this.translate(NS + 'mutedCount', 'count', s.muted) : '';
    const share = s.sentShare === null ? '' : ' · ' + this.translate(NS + 'sentShare', 'percent', Math.round(s.sentShare * 100));
    if (s.blocked) {
      this.set({ fill: 'red', shape: 'ring', text: this.translate(NS + ERROR_KEYS[s.blocked.category]) });
    } else if (s.streams === 0 && (s.nodeMuted || s.muted > 0)) {
      this.set({ fill: 'blue', shape: 'ring', text: this.translate(NS + 'muted') + (s.nodeMuted ? '' : ` (${s.muted})`) + share });
    } else if (s.streams === 0) {
      this.set({ fill: 'grey', shape: 'ring', text: share ? this.translate(NS + 'idle') + share : NS + 'idle' });
    } else if (s.open > 0) {
      const heard = s.lastHeard ? ' · ' + truncate(s.lastHeard, 40) : '';
      this.set({ fill: 'green', shape: 'dot', text: this.translate(NS + 'listening', 'count', s.open) + muted + share + heard });
    } else if (s.backoff > 0) {
      // Whole seconds, rounded up: "retry in 0 s" would read as a retry that is not happening.
      const seconds = Math.max(1, Math.ceil((s.retryInMs ?? 0) / 1000));
      this.set({ fill: 'yellow', shape: 'ring', text: this.translate(NS + 'retry', 'seconds', seconds) });
    } else {
      this.set({ fill: 'yellow', shape: 'ring', text: NS + 'connecting' });
    }
  }

  private translate(key: string, param?: string, value?: number): string {
    const id = param === undefined ? key : `${key}|${param}|${value}`;
    let text = this.translations.get(id);
    if (text === undefined) {
      text = param === undefined ? this.t(key) : this.t(key, { [param]: value! });
      if (this.translations.size >= MAX_TRANSLATIONS) this.translations.clear();
      this.translations.set(id, text);
    }
    return text;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : '…' + text.slice(text.length - max + 1);
}
