/**
 * Node-RED's own core nodes (mqtt, change, switch, function) and the MQTT.js client it ships with, taken
 * from the Node-RED the tests run against (the dev dependency, or Node-RED 5 via NODE_RED_PATH), so the
 * flows meet the same `mqtt in` code a user's Node-RED runs.
 */
import * as path from 'node:path';
import type { NodeAPI } from 'node-red';
import { nodeRedPath } from '../helpers/node-red-path';

type NodeModule = (RED: NodeAPI) => void;

const from = path.dirname(nodeRedPath());

function coreFile(rel: string): string {
  return require.resolve(`@node-red/nodes/core/${rel}`, { paths: [from] });
}

function load(rel: string): NodeModule {
  // A path known only at run time (Node-RED's own install): a plain require is the way.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(coreFile(rel)) as NodeModule;
}

/** `mqtt-broker`, `mqtt in`, `mqtt out`. */
export const mqttNodes = load('network/10-mqtt.js');
export const changeNode = load('function/15-change.js');
export const switchNode = load('function/10-switch.js');
export const functionNode = load('function/10-function.js');
export const commentNode = load('common/90-comment.js');

/** The slice of MQTT.js the tests use (declared here: the package is Node-RED's dependency, not ours). */
export interface MqttClient {
  on(event: 'message', cb: (topic: string, payload: Buffer) => void): this;
  subscribeAsync(topic: string, opts?: { qos: 0 | 1 | 2 }): Promise<unknown>;
  publishAsync(topic: string, message: string | Buffer, opts?: { qos: 0 | 1 | 2 }): Promise<unknown>;
  endAsync(force?: boolean): Promise<void>;
}
interface MqttModule {
  connectAsync(url: string, opts?: Record<string, unknown>): Promise<MqttClient>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttLib = require(require.resolve('mqtt', { paths: [path.dirname(coreFile('network/10-mqtt.js'))] })) as MqttModule;

/** A device-side client (no reconnects: a lost broker should fail the test, not hang it). */
export function connectClient(url: string, clientId: string): Promise<MqttClient> {
  return mqttLib.connectAsync(url, { clientId, reconnectPeriod: 0, connectTimeout: 5000 });
}
