/**
 * Which Node-RED the node tests run against. CI runs the suite a second time with Node-RED 5 from a scratch
 * dir (env NODE_RED_PATH, a package dir or a file in it); otherwise the dev dependency.
 * Pass the result to `helper.init(nodeRedPath())`.
 */
import * as path from 'node:path';

export function nodeRedPath(): string {
  const fromEnv = process.env.NODE_RED_PATH;
  if (fromEnv) return require.resolve(path.resolve(fromEnv));
  return require.resolve('node-red');
}
