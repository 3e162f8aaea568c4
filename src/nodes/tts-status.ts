/**
 * The one place that sets the status of a gradium-tts node: derived from the speech manager's summary on
 * every change, throttled so many keys speaking at once do not flood the editor.
 */
import type { Node, NodeStatus } from 'node-red';
import type { ErrorCode } from '../common/error-codes';
import type { SpeechManager } from '../speech/speech-manager';

type Translate = (key: string, params?: Record<string, string | number>) => string;

const THROTTLE_MS = 250;
const NS = 'gradium-tts.status.';

/** The failures the status names; any other shows as a generic error. */
const ERROR_KEYS: Partial<Record<ErrorCode, string>> = {
  KEY_REFUSED: 'error.invalidKey',
  NO_KEY: 'error.noKey',
  NO_CREDIT: 'error.noCredit',
  VOICE_UNKNOWN: 'error.voice',
  UNREACHABLE: 'error.unreachable',
  BAD_ENDPOINT: 'error.config',
  SETTING_REFUSED: 'error.config',
};

export class TtsStatus {
  private manager: SpeechManager<unknown> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private last = '';
  private readonly onChange = (): void => this.schedule();

  constructor(
    private readonly node: Node,
    private readonly t: Translate,
  ) {
    this.set({ fill: 'grey', shape: 'ring', text: NS + 'idle' });
  }

  attach<C>(manager: SpeechManager<C>): void {
    this.manager = manager as unknown as SpeechManager<unknown>;
    manager.on('changed', this.onChange);
  }

  /** The node cannot run at all (bad configuration, no config node). */
  fatal(kind: 'config' | 'noConfig'): void {
    this.set({ fill: 'red', shape: 'ring', text: NS + 'error.' + kind });
  }

  detach(): void {
    this.manager?.off('changed', this.onChange);
    this.manager = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.node.status({});
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh();
    }, THROTTLE_MS);
  }

  private refresh(): void {
    const m = this.manager;
    if (!m) return;
    const s = m.summary();
    const busy = Math.max(s.synthesizing, s.speaking);
    if (busy > 0) {
      this.set({ fill: 'green', shape: 'dot', text: this.t(NS + 'speaking', { count: busy }) });
    } else if (s.lastError) {
      this.set({ fill: 'red', shape: 'ring', text: NS + (ERROR_KEYS[s.lastError.code] ?? 'error.other') });
    } else {
      this.set({ fill: 'grey', shape: 'ring', text: NS + 'idle' });
    }
  }

  private set(status: NodeStatus): void {
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === this.last) return;
    this.last = key;
    this.node.status(status);
  }
}
