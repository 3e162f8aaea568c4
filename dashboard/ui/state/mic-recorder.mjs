// @ts-check
/**
 * One widget's recordings, from press to stop: it moves the phase along its table (recording-phases.mjs),
 * drives the capture, numbers and sends the messages to the node, and owns the max-length timer. What it
 * touches outside is handed in (the capture, the socket, the tab's identity, the timers), so it has no
 * Vue, no DOM and no imports beyond the phase table: the component wires it, Node tests it (test/logic).
 *
 * Messages to the node (`widget-action`, one `micAction` each; `seq` counts every message of a recording):
 *   start → audio (one per chunk) → stop {reason, captured}      or   → error {code}
 * When the socket goes away the recording ends here, unsent: socket.io would queue what is sent meanwhile
 * and deliver it late; gradium-stt ends the stream by its idle timeout.
 */
import { BUSY_PHASES, RecordingPhase } from './recording-phases.mjs';

/** @typedef {import('./recording-phases.mjs').Phase} Phase */
/** @typedef {'pointer' | 'key' | 'click' | 'remote'} Via who started the recording */
/** @typedef {{phase: Phase, error: string | null, level: number}} MicView what the component shows */
/** @typedef {{echoCancellation: boolean, noiseSuppression: boolean, autoGainControl: boolean}} Processing */

/**
 * The capture as the recorder uses it (ui/capture/mic-capture.js's MicCapture).
 * @typedef {object} CaptureLike
 * @property {() => void} prepare must run inside the user's gesture
 * @property {(processing: Processing) => Promise<void>} open asks for the microphone
 * @property {() => void} begin chunks start to flow
 * @property {() => Promise<{samples: number}>} finish flushes the tail, lets the device go
 * @property {() => void} abort drops the capture at once
 * @property {() => void} close for good
 */

/**
 * @typedef {object} RecorderDeps
 * @property {string} widgetId the widget's node id (the socket event is addressed to it)
 * @property {{readonly connected: boolean, emit: (event: string, id: string, msg: object) => unknown}} socket
 * @property {(handlers: {onChunk: (pcm: ArrayBuffer, peak: number) => void, onEnded: () => void}) => CaptureLike} createCapture
 * @property {() => string | null} unsupported why this page cannot capture at all, or null
 * @property {(err: unknown) => string} errorCode an open() failure in the words the widget shows
 * @property {() => {tab: string, press: number}} newPress this tab's id and the next recording's number
 * @property {() => boolean} hadGesture whether the page has seen a user gesture (a remote start needs one)
 * @property {() => {processing: Processing, maxSeconds: number}} settings read when they are needed
 * @property {{setTimeout: (fn: () => void, ms: number) => unknown, clearTimeout: (handle: unknown) => void}} timers
 * @property {(view: MicView) => void} onView called with the whole view after every change
 */

export class MicRecorder {
  /** @param {RecorderDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.phase = new RecordingPhase('idle');
    /** @type {string | null} an error code while the phase is error */
    this.error = null;
    /** the meter, 0..1 */
    this.level = 0;
    /** @type {Via | null} */
    this.via = null;
    /** let go (or stopped) while the browser was still asking for the microphone */
    this.released = false;
    /** @type {{tab: string, press: number, seq: number} | null} the recording messages belong to */
    this.current = null;
    /** @type {CaptureLike | null} */
    this.capture = null;
    /** @type {unknown} */
    this.maxTimer = null;
  }

  /** @returns {Phase} */
  get state() {
    return this.phase.current;
  }

  /** A press (or a flow's start). Ignored while a recording is under way. @param {Via} via */
  async begin(via) {
    if (this.phase.is(...BUSY_PHASES)) return;
    const deps = this.deps;
    this.via = via;
    this.released = false;
    this.error = null;
    this.current = { ...deps.newPress(), seq: 0 };
    const unsupported = deps.unsupported();
    if (unsupported) return this.fail(unsupported);
    if (!deps.socket.connected) return this.fail('disconnected');
    if (via === 'remote' && !deps.hadGesture()) return this.fail('no-gesture');
    if (!this.capture) {
      this.capture = deps.createCapture({
        onChunk: (pcm, peak) => this.sendChunk(pcm, peak),
        onEnded: () => this.end('device'),
      });
    }
    const capture = this.capture;
    capture.prepare(); // still inside the gesture
    this.move('permission');
    try {
      await capture.open(deps.settings().processing);
    } catch (err) {
      return this.fail(deps.errorCode(err));
    }
    if (this.released || !this.phase.is('permission')) {
      // Let go (or stopped remotely) before the microphone opened: nothing was sent, nothing to end.
      capture.abort();
      if (this.phase.is('permission')) this.move('idle');
      return;
    }
    if (!deps.socket.connected) {
      capture.abort();
      return this.fail('disconnected');
    }
    this.send('start');
    this.move('recording');
    capture.begin();
    const seconds = deps.settings().maxSeconds;
    this.maxTimer = deps.timers.setTimeout(() => this.end('max'), seconds * 1000);
  }

  /** Ends a recording: the tail is flushed and sent, then the stop. @param {string} reason */
  async end(reason) {
    if (this.phase.is('permission')) {
      this.released = true;
      return;
    }
    if (!this.phase.is('recording')) return;
    this.deps.timers.clearTimeout(this.maxTimer);
    this.move('stopping');
    const { samples } = await /** @type {CaptureLike} */ (this.capture).finish();
    this.level = 0;
    this.publish();
    if (!this.current) return; // the connection was lost meanwhile
    if (!this.deps.socket.connected) return this.lost();
    this.send('stop', { reason, captured: samples });
    this.current = null;
    this.via = null;
    this.move('idle');
  }

  /** One chunk from the capture: sent, and the meter moved. @param {ArrayBuffer} pcm @param {number} peak */
  sendChunk(pcm, peak) {
    if (!this.current) return;
    if (!this.deps.socket.connected) return this.lost();
    this.send('audio', {}, pcm);
    this.level = meterLevel(peak);
    this.publish();
  }

  /** The socket went away: a recording under way ends here, unsent. */
  lost() {
    if (!this.phase.is(...BUSY_PHASES)) return;
    this.deps.timers.clearTimeout(this.maxTimer);
    this.capture?.abort();
    this.current = null;
    this.via = null;
    this.level = 0;
    this.show('disconnected');
  }

  /** An error: shown, and reported to the flow (output 2) while the connection is up. @param {string} code */
  fail(code) {
    this.deps.timers.clearTimeout(this.maxTimer);
    if (this.current && this.deps.socket.connected && code !== 'disconnected') this.send('error', { code });
    this.current = null;
    this.via = null;
    this.show(code);
  }

  /** Shows an error without telling the flow (the page cannot record at all, or the connection is gone). @param {string} code */
  show(code) {
    this.phase.to('error');
    this.error = code;
    this.level = 0;
    this.publish();
  }

  /** The component is going away: a recording under way is ended and sent first, then the capture closed. */
  dispose() {
    const capture = this.capture;
    if (!capture) return;
    if (this.phase.is('recording')) this.end('hidden').then(() => capture.close());
    else capture.close();
  }

  /** One message to the node. @param {string} event @param {object} [extra] @param {ArrayBuffer} [payload] */
  send(event, extra = {}, payload) {
    const c = /** @type {{tab: string, press: number, seq: number}} */ (this.current);
    /** @type {{micAction: object, payload?: ArrayBuffer}} */
    const msg = { micAction: { event, tab: c.tab, press: c.press, seq: c.seq++, ...extra } };
    if (payload !== undefined) msg.payload = payload;
    this.deps.socket.emit('widget-action', this.deps.widgetId, msg);
  }

  /** @param {Phase} to */
  move(to) {
    this.phase.to(to);
    this.publish();
  }

  publish() {
    this.deps.onView({ phase: this.phase.current, error: this.error, level: this.level });
  }
}

/** A chunk's peak (0..1) as the meter shows it: dB over a 50 dB range. @param {number} peak */
export function meterLevel(peak) {
  return Math.max(0, Math.min(1, 1 + (20 * Math.log10(peak + 1e-9)) / 50));
}
