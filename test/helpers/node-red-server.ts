/**
 * Typed access to scripts/node-red-server.js (a plain script, so the demo runs without compiling tests).
 * Compiled tests live in .test-build/, so the script is required by its path in the repository.
 */
import * as path from 'node:path';
import type * as NodeRedServerModule from '../../scripts/node-red-server';

export type { NodeRedServer, NodeRedServerOptions, NodeSetInfo } from '../../scripts/node-red-server';

/** The repository root, from either test/helpers (ts-node) or .test-build/test/helpers (compiled). */
export const REPO_ROOT: string = findRepoRoot(__dirname);

function findRepoRoot(dir: string): string {
  let d = dir;
  while (path.basename(d) !== 'test' && path.dirname(d) !== d) d = path.dirname(d);
  const above = path.dirname(d);
  return path.basename(above) === '.test-build' ? path.dirname(above) : above;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require(path.join(REPO_ROOT, 'scripts', 'node-red-server.js')) as typeof NodeRedServerModule;

export const startNodeRed = harness.startNodeRed;
