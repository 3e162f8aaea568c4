/**
 * The key of an input message (`msg.topic` unless the node names another property), read the same way by
 * gradium-stt (a stream per key) and gradium-tts (a speaker per key), with ONE rule for a message without a
 * key (the property missing, null or "", as an Inject node sends `topic: ""` unless told otherwise):
 *
 *   content (audio, text)                    ─▶ the stream or speaker named ""
 *   control (action, settings, reset, mute)  ─▶ every stream or speaker of the node
 *
 * `keyReader` makes the function that reads the key content goes to; `controlTargetOf` turns it into the one key
 * control acts on, or undefined for all.
 */
import type { NodeAPI, NodeMessageInFlow } from 'node-red';
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';

/** The key content goes to ("" without a key). Throws BAD_INPUT for a value that cannot be a key. */
export type KeyReader = (msg: NodeMessageInFlow) => string;

/**
 * `noun` names what a key stands for in errors ("stream", "speaker"). A plain property name (the usual
 * `topic`) is read directly: getMessageProperty parses the path on every call, and this runs for every chunk.
 */
export function keyReader(RED: NodeAPI, keyProperty: string, noun: 'stream' | 'speaker'): KeyReader {
  const plain = /^[A-Za-z_$][\w$]*$/.test(keyProperty);
  const raw = (msg: NodeMessageInFlow): unknown =>
    plain ? (msg as Record<string, unknown>)[keyProperty] : RED.util.getMessageProperty(msg, keyProperty);
  return (msg) => {
    const v = raw(msg);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new CodedError('BAD_INPUT', `msg.${keyProperty} (the ${noun} key): got ${describeValue(v)}; expected a string or number.`);
  };
}

/** The key control acts on for a message whose content key is `key`: undefined (every stream or speaker) for "". */
export function controlTargetOf(key: string): string | undefined {
  return key === '' ? undefined : key;
}
