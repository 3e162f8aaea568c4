/**
 * `gradium-stt`: translates between Node-RED messages and the stream layer. Input messages become audio,
 * actions and settings for a StreamManager; its events become messages on the three outputs
 * (connected, disconnected, transcript) and the node's status.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { prepareAudio, validateFormatOverride } from '../audio';
import { isAudioPrepared } from '../audio/resampler';
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';
import type { GradiumError } from '../gradium/errors';
import { STT_SPEC, type SttValues } from '../settings/stt-spec';
import { streamSettingsOf } from '../streams/stream-defaults';
import { StreamManager, type StreamManagerOptions } from '../streams/stream-manager';
import { isVoiceGatePrepared, prepareVoiceGate } from '../voice-gate';
import { controlTargetOf, keyReader } from './message-key';
import type { GradiumSttProps } from './node-config';
import { asError, configNodeOf, outputMessage, refuseAllInput, testingOverrides } from './node-setup';
import { formatOf, InputError, isNoAudio, isPlainObject, muteMsOf, propsFromConfig } from './stt-input';
import { SttMediaStream } from './stt-media-stream';
import { SttStatus } from './stt-status';
import { ffmpegOptionsOf, sourceOf } from './stt-sources';
import { maskSecrets } from '../sources/source-url';
import { attachStt } from './wyoming-attach';

type SttDef = NodeDef & GradiumSttProps;

/** Properties of the input message that are instructions to this node, not data to carry along. */
const CONTROL_PROPS = new Set(['payload', 'format', 'action', 'settings', 'reset', 'muteMs', '_msgid', 'topic', 'source']);
const ACTIONS = ['start', 'flush', 'stop', 'mute', 'unmute'] as const;
type Action = (typeof ACTIONS)[number];

/** How long a redeploy waits for the last finals before closing sockets (Node-RED waits 15 s at most). */
const CLOSE_BUDGET_MS = 5000;

export = function register(RED: NodeAPI): void {
  // The resampler and the voice gate's detector are WebAssembly and load asynchronously; messages that arrive
  // before both are ready wait for them (in order), later ones take the synchronous path. A detector that
  // fails to load leaves the node working: each stream that asked for the gate sends everything, and says so.
  const audioReady = prepareAudio();
  audioReady.catch((err: Error) => RED.log.error(`gradium-stt: audio resampler failed to load: ${err.message}`));
  let gateSettled = false;
  const gateReady = prepareVoiceGate()
    .catch((err: Error) => RED.log.error(`gradium-stt: voice gate failed to load, audio is sent ungated: ${err.message}`))
    .finally(() => (gateSettled = true));
  const ready = Promise.all([audioReady, gateReady]);

  function GradiumStt(this: Node, def: SttDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = configNodeOf(RED, def);
    const status = new SttStatus(node, RED._.bind(RED));

    let props: SttValues;
    let ffmpeg: ReturnType<typeof ffmpegOptionsOf>;
    try {
      props = propsFromConfig(def);
      ffmpeg = ffmpegOptionsOf(props);
    } catch (err) {
      status.fatal('config');
      const message = `gradium-stt is misconfigured: ${(err as Error).message}`;
      node.error(message);
      refuseAllInput(node, 'NOT_CONFIGURED', message);
      return;
    }
    if (!config) {
      status.fatal('noConfig');
      refuseAllInput(node, 'NOT_CONFIGURED', 'gradium-stt has no gradium-config node selected.');
      return;
    }
    const keyOf = keyReader(RED, props.keyProperty, 'stream');

    const manager = new StreamManager<NodeMessageInFlow>({
      settings: streamSettingsOf(props),
      format: formatOf(props),
      maxStreams: props.maxStreams,
      connection: () => config.connection(),
      // Each key's gate follows its sendAudio setting by the manager itself (its warnings go to node.warn below).
      ffmpeg: { ffmpegPath: ffmpeg.ffmpegPath, maxDecoders: ffmpeg.maxDecoders },
      ...testingOverrides<StreamManagerOptions>(RED, 'gradiumSttTesting'),
    });
    status.attach(manager);

    /** Output message: the stream's latest input msg (minus audio and instructions), topic = key. */
    function outMessage(key: string, context: NodeMessageInFlow | undefined, extra: Record<string, unknown>): NodeMessage {
      return outputMessage(key, context, CONTROL_PROPS, extra);
    }

    // Phone calls: media-stream events from a websocket in node (stt-media-stream.ts).
    const calls = new SttMediaStream({
      manager,
      nodeFormat: formatOf(props),
      encoding: props.encoding,
      sendTranscriptOutput: (key, ctx, extra) => node.send([null, null, outMessage(key, ctx, extra)]),
      warn: (message) => node.warn(message),
    });

    manager.on('connected', (key, payload, ctx) => node.send([outMessage(key, ctx, { payload }), null, null]));
    manager.on('disconnected', (key, payload, ctx) =>
      node.send([null, outMessage(key, ctx, { payload: calls.disconnected(key, payload) }), null]),
    );
    manager.on('transcript', (key, t, ctx) =>
      node.send([null, null, outMessage(key, ctx, { payload: t.text, final: t.final, transcript: t })]),
    );
    manager.on('failed', (key, err: GradiumError, ctx) => {
      // A coded Error (not a string), so a Catch node reads msg.error.code; the message names the stream.
      const reported = new CodedError(err.code, `stream "${key}": ${err.message}`);
      node.error(reported, outMessage(key, ctx, { payload: err.message }));
    });
    manager.on('warning', (_key, message) => node.warn(maskSecrets(message)));
    manager.on('inputFailed', (key, err, ctx) => {
      const message = maskSecrets(err.message);
      node.error(new CodedError(err.code, message), outMessage(key, ctx, { payload: message }));
    });

    // Home Assistant Assist: the wyoming-server named in `wyoming` serves this node's streams (wyoming-attach.ts).
    // Attached at once, so Home Assistant's first describe lists speech-to-text; a request that opens before the
    // audio modules have loaded waits for them (src/wyoming/deferred-program.ts).
    const detachWyoming = !props.wyoming
      ? (): void => undefined
      : attachStt(RED, node, {
          wyoming: props.wyoming,
          endOfCommand: props.wyomingEndOfCommand,
          manager,
          readiness: { ready, isReady: () => isAudioPrepared() && (gateSettled || isVoiceGatePrepared()) },
        });

    function actionOf(msg: Record<string, unknown>): Action | undefined {
      const a = msg.action;
      if (a === undefined || a === null || a === '') return undefined;
      if (typeof a === 'string' && (ACTIONS as readonly string[]).includes(a)) return a as Action;
      throw new InputError(`msg.action: got ${describeValue(a)}; expected "start", "flush", "stop", "mute" or "unmute".`);
    }

    // Exactly three parameters: Node-RED picks the send/done API by the listener's arity.
    node.on('input', (msg, _send, done) => {
      if (!isAudioPrepared() || (!gateSettled && !isVoiceGatePrepared())) {
        ready.then(
          () => handle(msg, done),
          (err: Error) => done(err),
        );
        return;
      }
      handle(msg, done);
    });

    function handle(msg: NodeMessageInFlow, done: (err?: Error) => void): void {
      try {
        const m = msg as NodeMessageInFlow & Record<string, unknown>;
        // Audio goes to the stream `key` ("" without a key); settings, reset, flush, stop, mute act on `named`,
        // every stream when undefined. `start` opens a stream, so it needs one to open: `key`.
        const key = keyOf(msg);
        const named = controlTargetOf(key);
        if (m.reset !== undefined && m.reset !== false) {
          manager.reset(named);
          done();
          return;
        }
        if (calls.claims(m)) {
          calls.handle(msg, named);
          done();
          return;
        }
        const action = actionOf(m);
        // Checked before anything changes: a bad muteMs leaves the mute state as it was.
        const muteMs = muteMsOf(m.muteMs, action);
        if (m.format !== undefined) validateFormatOverride(m.format);
        if (m.settings !== undefined) manager.updateSettings(m.settings, named);
        // With an action, a payload that cannot be audio is ignored: an Inject node's timestamp, or the figures
        // gradium-tts sends in msg.payload with its mute/unmute (a plain object is never audio).
        const hasAudio = !isNoAudio(m.payload) && !(action !== undefined && isPlainObject(m.payload));
        const source = sourceOf(m, action, ffmpeg.schemes);
        // start and unmute come before the message's audio, the other actions after it.
        if (source) manager.startSource(key, source, msg);
        else if (action === 'start') manager.start(key, msg);
        if (action === 'unmute') manager.unmute(named);
        if (hasAudio) {
          manager.pushAudio(key, m.payload, m.format, msg);
        } else if (!action && m.settings === undefined) {
          throw new InputError(
            `msg.payload: got ${describeValue(m.payload)}; expected audio (Buffer, Uint8Array, Int16Array, Float32Array, base64 string or WAV) or msg.action / msg.settings / msg.reset.`,
          );
        }
        if (action === 'flush') manager.flush(named, msg);
        if (action === 'stop') manager.stop(named, msg);
        if (action === 'mute') manager.mute(named, muteMs);
        done();
      } catch (err) {
        done(asError(err));
      }
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      detachWyoming();
      manager.closeAll(CLOSE_BUDGET_MS).then(
        () => {
          status.detach();
          calls.close();
          manager.removeAllListeners();
          done();
        },
        () => done(),
      );
    });
  }

  RED.nodes.registerType('gradium-stt', GradiumStt, {
    settings: {
      // Hidden knobs for tests and the benchmark: short session caps, quick backoff.
      gradiumSttTesting: { value: undefined, exportable: false },
      // The settings' names, defaults and ranges, for the dialog's validators (one source of truth).
      gradiumSttSpec: { value: STT_SPEC, exportable: true },
    },
  });
};

