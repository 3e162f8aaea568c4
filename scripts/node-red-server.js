'use strict';
/**
 * Runs a real Node-RED (red.js in a child process) with this package installed, for the demo, the browser
 * tests and the compatibility smokes. The package is "installed" by symlinking it into the user dir's
 * node_modules, which is how Node-RED finds a module installed from the palette or with npm.
 *
 * Plain CommonJS on purpose: `npm start` runs it right after the build, without compiling tests.
 * Types for TypeScript callers are in node-red-server.d.ts.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');

const REPO_ROOT = path.resolve(__dirname, '..');
const PACKAGE_NAME = 'node-red-contrib-gradium';

/** The dev dependency's Node-RED, unless a test points at another one (e.g. Node-RED 5 in a scratch dir). */
function defaultNodeRedDir() {
  if (process.env.NODE_RED_PATH) return nodeRedDirFrom(process.env.NODE_RED_PATH);
  return path.dirname(require.resolve('node-red/package.json', { paths: [REPO_ROOT] }));
}

/** NODE_RED_PATH may name the package dir or a file inside it (as require.resolve('node-red') gives). */
function nodeRedDirFrom(p) {
  let dir = path.resolve(p);
  if (fs.existsSync(dir) && fs.statSync(dir).isFile()) dir = path.dirname(dir);
  while (!fs.existsSync(path.join(dir, 'red.js')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  if (!fs.existsSync(path.join(dir, 'red.js'))) throw new Error(`no Node-RED (red.js) found at or above ${p}`);
  return dir;
}

function makeUserDir(userDir, packageDir) {
  const dir = userDir || fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-nr-'));
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  if (packageDir === null) return dir; // the caller installed what it needs (npm install in the user dir)
  const link = path.join(dir, 'node_modules', PACKAGE_NAME);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(packageDir, link, 'dir');
  return dir;
}

function writeSettings(userDir, port, extraSettings) {
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    flowFilePretty: true,
    credentialSecret: 'gradium-demo-not-a-secret',
    // tours and the update-notification prompt open modal dialogs that block a scripted editor
    editorTheme: { tours: false, projects: { enabled: false } },
    telemetry: { enabled: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    ...extraSettings,
  };
  const file = path.join(userDir, 'settings.js');
  fs.writeFileSync(file, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  return file;
}

/**
 * @param {import('./node-red-server').NodeRedServerOptions} [options]
 * @returns {Promise<import('./node-red-server').NodeRedServer>}
 */
async function startNodeRed(options = {}) {
  const nodeBinary = options.nodeBinary || process.env.NODE_RED_NODE_BINARY || process.execPath;
  const nodeRedDir = options.nodeRedDir ? nodeRedDirFrom(options.nodeRedDir) : defaultNodeRedDir();
  const ownsUserDir = !options.userDir;
  const userDir = makeUserDir(options.userDir, options.packageDir === null ? null : options.packageDir || REPO_ROOT);
  const settingsFile = writeSettings(userDir, options.port ?? 0, options.settings || {});
  // Start from an empty flow so nothing stale runs before the caller deploys.
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(options.flows || []));
  fs.rmSync(path.join(userDir, 'flows_cred.json'), { force: true });

  const child = spawn(nodeBinary, [path.join(nodeRedDir, 'red.js'), '--userDir', userDir, '--settings', settingsFile], {
    cwd: userDir,
    env: { ...process.env, ...(options.env || {}), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only the caller, which stops Node-RED in order.
    detached: true,
  });
  // Never leave Node-RED running behind a caller that exits without stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let output = '';
  const lineWatchers = new Set();
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((info) => {
    exitInfo = info;
    process.removeListener('exit', killOnExit);
    for (const w of [...lineWatchers]) w.onExit(info);
  });

  function onLine(line, stream) {
    output += line + '\n';
    if (options.onLine) options.onLine(line, stream);
    for (const w of [...lineWatchers]) w.onLine(line);
  }
  for (const [stream, name] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop();
      for (const line of lines) onLine(line, name);
    });
    stream.on('end', () => {
      if (partial) onLine(partial, name);
      partial = '';
    });
  }

  /** Resolves with the first line (from now on, or already printed when `includePast`) matching `pattern`. */
  function waitForLine(pattern, { timeoutMs = 30000, includePast = false } = {}) {
    if (includePast) {
      const past = output.split('\n').find((l) => pattern.test(l));
      if (past !== undefined) return Promise.resolve(past);
    }
    return new Promise((resolve, reject) => {
      const watcher = {
        onLine(line) {
          if (pattern.test(line)) finish(null, line);
        },
        onExit(info) {
          finish(new Error(`Node-RED exited (${info.signal || info.code}) before printing ${pattern}\n${tail(output)}`));
        },
      };
      const timer = setTimeout(
        () => finish(new Error(`Node-RED did not print ${pattern} within ${timeoutMs} ms\n${tail(output)}`)),
        timeoutMs,
      );
      function finish(err, line) {
        clearTimeout(timer);
        lineWatchers.delete(watcher);
        if (err) reject(err);
        else resolve(line);
      }
      if (exitInfo) return watcher.onExit(exitInfo);
      lineWatchers.add(watcher);
    });
  }

  const server = {
    child,
    userDir,
    nodeRedDir,
    get output() {
      return output;
    },
    url: '',
    port: 0,
    waitForLine,
    exited,
    request: (method, urlPath, body, headers) => request(server.url, method, urlPath, body, headers),
    /** Full deploy of `flows` (each node may carry a `credentials` object, which Node-RED stores encrypted). */
    async deploy(flows) {
      const res = await request(server.url, 'POST', '/flows', flows, { 'Node-RED-Deployment-Type': 'full' });
      if (res.status !== 204 && res.status !== 200) throw new Error(`deploy failed: HTTP ${res.status} ${res.body}`);
    },
    /** The node sets Node-RED loaded for this package, as GET /nodes reports them (types, enabled, err). */
    async packageNodeSets() {
      const res = await request(server.url, 'GET', '/nodes', undefined, { Accept: 'application/json' });
      if (res.status !== 200) throw new Error(`GET /nodes failed: HTTP ${res.status}`);
      return JSON.parse(res.body).filter((set) => set.module === PACKAGE_NAME);
    },
    async stop({ timeoutMs = 15000 } = {}) {
      if (!exitInfo) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
      }
      if (ownsUserDir) fs.rmSync(userDir, { recursive: true, force: true });
      return exitInfo;
    },
  };

  try {
    const line = await waitForLine(/Server now running at (https?:\/\/\S+)/, {
      timeoutMs: options.startTimeoutMs || 60000,
      includePast: true,
    });
    const url = /Server now running at (https?:\/\/\S+?)\/?$/.exec(line)[1];
    server.url = url;
    server.port = Number(new URL(url).port);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

function request(baseUrl, method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      new URL(urlPath, baseUrl + '/'),
      {
        method,
        headers: {
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function tail(text, lines = 30) {
  return text.split('\n').slice(-lines).join('\n');
}

module.exports = { startNodeRed, REPO_ROOT, PACKAGE_NAME };
