/**
 * What gradium-stt and gradium-tts share around their setup and their answers: the selected config node,
 * the hidden testing knobs, a node that cannot run, the output message built from its input, and done(err)
 * always with an Error that carries a stable code.
 */
import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { CodedError, type ErrorCode } from '../common/error-codes';
import type { GradiumConfigNode } from './node-config';

/** The gradium-config node a node's `gradium` property selects, or null (none chosen, or deleted). */
export function configNodeOf(RED: NodeAPI, def: { gradium?: string }): GradiumConfigNode | null {
  return (def.gradium ? RED.nodes.getNode(def.gradium) : null) as GradiumConfigNode | null;
}

/** A hidden setting (settings.js or the test helper), e.g. `gradiumSttTesting`: short caps, quick timeouts. */
export function testingOverrides<T>(RED: NodeAPI, name: string): Partial<T> {
  const value = (RED.settings as unknown as Record<string, unknown>)[name];
  return value && typeof value === 'object' ? (value as Partial<T>) : {};
}

/** A node that cannot run answers every message with the same coded error. */
export function refuseAllInput(node: Node, code: ErrorCode, message: string): void {
  node.on('input', (_msg, _send, done) => done(new CodedError(code, message)));
}

/** What done(err) gets for anything thrown while handling a message: an Error (a Catch node reads its code). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * An output message: the input message's own properties (not its instructions, `controlProps`), the key as
 * `topic`, then `extra`.
 */
export function outputMessage(
  key: string,
  input: NodeMessageInFlow | undefined,
  controlProps: ReadonlySet<string>,
  extra: Record<string, unknown>,
): NodeMessage {
  const out: Record<string, unknown> = {};
  if (input) {
    const source = input as Record<string, unknown>;
    for (const k of Object.keys(source)) if (!controlProps.has(k)) out[k] = source[k];
  }
  out.topic = key;
  return Object.assign(out, extra) as NodeMessage;
}
