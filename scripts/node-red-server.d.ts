import type { ChildProcess } from 'node:child_process';

export interface NodeRedServerOptions {
  /** Port to listen on; 0 (default) lets the OS pick one, read back from Node-RED's own log line. */
  port?: number;
  /** Node binary that runs red.js (default: env NODE_RED_NODE_BINARY, else this process's node). */
  nodeBinary?: string;
  /** Node-RED package dir, or a file in it (default: env NODE_RED_PATH, else the dev dependency). */
  nodeRedDir?: string;
  /** User dir to use and keep; default a fresh temp dir removed by stop(). */
  userDir?: string;
  /** The package to install by symlink (default: this repository); null: link nothing (the user dir has its own installs). */
  packageDir?: string | null;
  /** Merged over the harness settings (uiHost, uiPort, flowFile, credentialSecret, editorTheme, telemetry). */
  settings?: Record<string, unknown>;
  /** Flows present at start (default none). */
  flows?: unknown[];
  env?: Record<string, string>;
  /** Called for every line Node-RED prints. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  startTimeoutMs?: number;
}

export interface NodeSetInfo {
  id: string;
  name: string;
  types: string[];
  enabled: boolean;
  module: string;
  version?: string;
  err?: unknown;
}

export interface HttpResult {
  status: number;
  body: string;
}

export interface NodeRedServer {
  readonly child: ChildProcess;
  readonly userDir: string;
  readonly nodeRedDir: string;
  /** Everything Node-RED printed so far. */
  readonly output: string;
  /** e.g. http://127.0.0.1:1880 (no trailing slash) */
  url: string;
  port: number;
  waitForLine(pattern: RegExp, options?: { timeoutMs?: number; includePast?: boolean }): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  deploy(flows: unknown[]): Promise<void>;
  packageNodeSets(): Promise<NodeSetInfo[]>;
  stop(options?: { timeoutMs?: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>;
}

export function startNodeRed(options?: NodeRedServerOptions): Promise<NodeRedServer>;
export const REPO_ROOT: string;
export const PACKAGE_NAME: string;
