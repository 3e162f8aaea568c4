/**
 * The one place that sets the status of a gradium-tts node: derived from the speech manager's summary on
 * every change, throttled so many keys speaking at once do not flood the editor.
 */
import type { Node } from 'node-red';
import type { ErrorCode } from '../common/error-codes';
import type { TtsManager } from '../tts/tts-manager';
import { ThrottledStatus, type Translate } from './throttled-status';

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

export class TtsStatus extends ThrottledStatus<TtsManager<unknown>> {
  constructor(node: Node, t: Translate) {
    super(node, t, NS);
  }

  override attach<C>(manager: TtsManager<C>): void {
    super.attach(manager as unknown as TtsManager<unknown>);
  }

  protected refresh(m: TtsManager<unknown>): void {
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
}
