/**
 * The key of an input message (`msg.topic` unless the node names another property), read the same way by
 * gradium-stt (a stream per key) and gradium-tts (a speaker per key), with ONE rule for a message without a
 * key (the property missing, null or "", as an Inject node sends `topic: ""` unless told otherwise):
 *
 *   content (audio, text)                    ─▶ the stream or speaker named ""
 *   control (action, settings, reset, mute)  ─▶ every stream or speaker of the node
 *
 * `contentKey` is the key content goes to; `controlTarget` is the one key control acts on, or undefined for all.
 */
import type { NodeAPI, NodeMessageInFlow } from 'node-red';
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';

export interface MessageKeys {
  /** The key content goes to ("" without a key). Throws BAD_INPUT for a value that cannot be a key. */
  contentKey(msg: NodeMessageInFlow): string;
  /** The key control acts on, or undefined (every stream or speaker) without a key. Throws like contentKey. */
  controlTarget(msg: NodeMessageInFlow): string | undefined;
}

/**
 * `noun` names what a key stands for in errors ("stream", "speaker"). A plain property name (the usual
 * `topic`) is read directly: getMessageProperty parses the path on every call, and this runs for every chunk.
 */
export function messageKeys(RED: NodeAPI, keyProperty: string, noun: 'stream' | 'speaker'): MessageKeys {
  const plain = /^[A-Za-z_$][\w$]*$/.test(keyProperty);
  const raw = (msg: NodeMessageInFlow): unknown =>
    plain ? (msg as Record<string, unknown>)[keyProperty] : RED.util.getMessageProperty(msg, keyProperty);
  const contentKey = (msg: NodeMessageInFlow): string => {
    const v = raw(msg);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new CodedError('BAD_INPUT', `msg.${keyProperty} (the ${noun} key): got ${describeValue(v)}; expected a string or number.`);
  };
  return {
    contentKey,
    controlTarget: (msg) => {
      const key = contentKey(msg);
      return key === '' ? undefined : key;
    },
  };
}
