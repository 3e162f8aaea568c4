/**
 * `gradium-tts`: translates between Node-RED messages and the speech layer. Input text becomes utterances
 * of a TtsManager (per key, in order; keys in parallel), `msg.action: "stop"` a barge-in, `msg.settings`
 * a settings change; the manager's events become audio on output 1, mute/unmute on output 2, the status,
 * and each input message's done() once its utterance has been spoken (or failed, or was stopped).
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';
import { parseUpdate } from '../settings/spec';
import { TTS_SPEC, type TtsValues } from '../settings/tts-spec';
import { TtsManager, type TtsManagerOptions } from '../tts/tts-manager';
import type { AudioOut } from '../tts/types';
import { controlTargetOf, keyReader } from './message-key';
import type { GradiumTtsProps } from './node-config';
import { asError, configNodeOf, outputMessage, refuseAllInput, testingOverrides } from './node-setup';
import { isNoText, propsFromConfig, speechSettingsOf, textOf } from './tts-input';
import { TtsMediaStream } from './tts-media-stream';
import { TtsStatus } from './tts-status';
import { attachTts } from './wyoming-attach';

type TtsDef = NodeDef & GradiumTtsProps;

/** Properties of the input message that are instructions to this node, not data to carry along. */
const CONTROL_PROPS = new Set(['payload', 'action', 'settings', '_msgid', 'topic']);

/** What an utterance needs to answer for its input message. */
interface Pending {
  msg: NodeMessageInFlow;
  done: (err?: Error) => void;
}

export = function register(RED: NodeAPI): void {
  function GradiumTts(this: Node, def: TtsDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = configNodeOf(RED, def);
    const status = new TtsStatus(node, RED._.bind(RED));

    let props: TtsValues;
    let manager: TtsManager<Pending>;
    try {
      props = propsFromConfig(def);
      if (!config) throw new CodedError('NOT_CONFIGURED', 'gradium-tts has no gradium-config node selected.');
      manager = new TtsManager<Pending>({
        settings: speechSettingsOf(props),
        connection: () => config.ttsConnection(),
        ...testingOverrides<TtsManagerOptions>(RED, 'gradiumTtsTesting'),
      });
    } catch (err) {
      const noConfig = !config && !(err instanceof CodedError && err.code === 'SETTING_REFUSED');
      status.fatal(noConfig ? 'noConfig' : 'config');
      const message = noConfig ? (err as Error).message : `gradium-tts is misconfigured: ${(err as Error).message}`;
      if (!noConfig) node.error(message);
      refuseAllInput(node, 'NOT_CONFIGURED', message);
      return;
    }
    const keyOf = keyReader(RED, props.keyProperty, 'speaker');
    status.attach(manager);

    /** Output 1 message: the input msg (minus the instructions), topic = key, and the audio. */
    function audioMessage(key: string, pending: Pending, out: AudioOut): NodeMessage {
      const msg = outputMessage(key, pending.msg, CONTROL_PROPS, {}) as Record<string, unknown>;
      msg.payload = out.payload;
      msg.format = out.format;
      if (out.seq !== undefined) {
        msg.seq = out.seq;
        msg.final = out.final === true;
      }
      // file: the utterance's duration; stream: the chunk's, and on the final the utterance's.
      msg.durationMs = Math.round(out.utteranceMs ?? out.durationMs);
      if (out.words) msg.words = out.words;
      if (out.text !== undefined) msg.text = out.text;
      return msg as NodeMessage;
    }

    // Phone calls (delivery media-stream): tts-media-stream.ts makes the provider's events.
    const calls = new TtsMediaStream<Pending>(manager, (key) => manager.settingsFor(key));
    /** Output 1 messages carrying one call event each, with the properties of `source` (its `_session`). */
    function eventMessages(key: string, source: NodeMessageInFlow, events: readonly object[]): NodeMessage[] {
      const base: Record<string, unknown> = {};
      const from = source as Record<string, unknown>;
      for (const k of Object.keys(from)) if (!CONTROL_PROPS.has(k)) base[k] = from[k];
      base.topic = key;
      return events.map((payload) => ({ ...base, payload }) as NodeMessage);
    }

    manager.on('audio', (key, out, pending) => {
      if (calls.delivers(key)) {
        const events = calls.audio(key, out, pending.msg);
        if (events.length > 0) node.send([eventMessages(key, pending.msg, events), null]);
        return;
      }
      node.send([audioMessage(key, pending, out), null]);
    });
    manager.on('speaking', (key, action, figures) => {
      if (action === 'unmute') calls.unmuted(key);
      node.send([null, { topic: key, action, payload: figures } as NodeMessage]);
    });
    manager.on('finished', (key, pending, outcome) => {
      if (outcome.status === 'failed' && calls.delivers(key)) {
        const events = calls.failed(key);
        if (events.length > 0) node.send([eventMessages(key, pending.msg, events), null]);
      }
      if (outcome.status === 'failed') pending.done(outcome.error);
      else pending.done();
    });
    manager.on('warning', (key, message) => node.warn(key ? `"${key}": ${message}` : message));

    // Home Assistant Assist: the wyoming-server named in `wyoming` speaks with this node's settings (wyoming-attach.ts).
    const detachWyoming = props.wyoming
      ? attachTts(RED, node, { wyoming: props.wyoming, config: config!, manager: manager as TtsManager<unknown>, testing: testingOverrides<TtsManagerOptions>(RED, 'gradiumTtsTesting') })
      : (): void => undefined;

    // Exactly three parameters: Node-RED picks the send/done API by the listener's arity.
    node.on('input', (msg, _send, done) => {
      try {
        const m = msg as NodeMessageInFlow & Record<string, unknown>;
        // Text goes to the speaker `key` ("" without a key); settings and stop act on `named`, every speaker
        // (the node) when undefined.
        const key = keyOf(msg);
        const named = controlTargetOf(key);
        if (calls.claims(m)) {
          calls.handle(msg, named);
          done();
          return;
        }
        const action = m.action;
        if (action !== undefined && action !== null && action !== '' && action !== 'stop') {
          throw new CodedError('BAD_INPUT', `msg.action: got ${describeValue(action)}; expected "stop" (or no action to speak msg.payload).`);
        }
        if (m.settings !== undefined) {
          const update = parseUpdate(TTS_SPEC, m.settings);
          manager.updateSettings(update, named);
        }
        if (action === 'stop') {
          // Barge-in on a call: the provider drops what it has not played yet, before anything else. Each
          // clear goes out with the properties of its call's latest utterance (its _session).
          for (const { key: k, source, event } of calls.clear(named)) node.send([eventMessages(k, source, [event]), null]);
          manager.stop(named);
          done();
          return;
        }
        if (m.settings !== undefined && isNoText(m.payload)) {
          done();
          return;
        }
        manager.speak(key, textOf(m.payload), { msg, done });
      } catch (err) {
        done(asError(err));
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      // Sockets close at once (closing is Gradium's cancel); a muted listener is unmuted (reason "closed").
      detachWyoming();
      manager.closeAll();
      calls.close();
      status.detach();
      manager.removeAllListeners();
      done();
    });
  }

  RED.nodes.registerType('gradium-tts', GradiumTts, {
    settings: {
      // The names and ranges for the dialog's validators (one source of truth, src/settings/tts-spec.ts).
      gradiumTtsSpec: { value: TTS_SPEC, exportable: true },
      // Hidden knobs for tests and the benchmark: small request limits, short timeouts.
      gradiumTtsTesting: { value: undefined, exportable: false },
    },
  });
};
