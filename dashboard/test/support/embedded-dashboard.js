'use strict';
/**
 * A real Node-RED (the package's dev dependency) inside the test process, serving HTTP on an ephemeral
 * loopback port, with Dashboard 2 (dev dependency, found by Node-RED's scan of the node_modules above
 * its own install) and this widget installed by symlink in a temporary user dir. Tests talk to it the
 * way a browser does, over Dashboard's socket.io, and watch what reaches chosen nodes with Node-RED's
 * onReceive hook. Node-RED is a singleton per process: one runtime per test file, flows redeployed.
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { io } = require('socket.io-client');

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(PACKAGE_DIR, 'package.json')).name;
const DASHBOARD_PATH = '/dashboard';

/** ui-base, theme, page and group: the minimum a widget needs to register. */
function dashboardNodes({ includeClientData = true } = {}) {
  return [
    {
      id: 'base1', type: 'ui-base', name: 'UI', path: DASHBOARD_PATH, includeClientData,
      acceptsClientConfig: ['ui-notification', 'ui-control'], showPathInSidebar: false, navigationStyle: 'default',
    },
    {
      id: 'theme1', type: 'ui-theme', name: 'Theme',
      colors: { surface: '#ffffff', primary: '#0094ce', bgPage: '#eeeeee', groupBg: '#ffffff', groupOutline: '#cccccc' },
    },
    {
      id: 'page1', type: 'ui-page', name: 'Page', ui: 'base1', path: '/page1', layout: 'grid', theme: 'theme1',
      order: 1, visible: 'true', disabled: 'false',
    },
    { id: 'group1', type: 'ui-group', name: 'Group', page: 'page1', width: '6', height: '1', order: 1, showTitle: true, visible: 'true', disabled: 'false' },
  ];
}

async function startEmbeddedDashboard() {
  const RED = require('node-red');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-mic-test-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(PACKAGE_DIR, path.join(userDir, 'node_modules', PACKAGE_NAME), 'dir');

  /** @type {{level: number, type: string, id: string, msg: unknown}[]} */
  const logs = [];
  const server = http.createServer();
  RED.init(server, {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: 'test-not-a-secret',
    uiHost: '127.0.0.1',
    httpAdminRoot: false,
    httpNodeRoot: '/',
    disableEditor: true,
    telemetry: { enabled: false },
    logging: {
      console: { level: 'error', metrics: false, audit: false },
      capture: { level: 'warn', metrics: false, audit: false, handler: () => (entry) => logs.push(entry) },
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  await RED.start();
  const url = `http://127.0.0.1:${server.address().port}`;

  /** @type {{node: string, msg: any}[]} */
  const received = [];
  RED.hooks.add('onReceive.micTest', (event) => {
    received.push({ node: event.destination.id, msg: event.msg });
  });

  const sockets = new Set();
  return {
    RED,
    url,
    logs,
    received,
    /** Messages that reached the node `id` so far. */
    at(id) {
      return received.filter((r) => r.node === id).map((r) => r.msg);
    },
    warnings(nodeId) {
      return logs.filter((l) => l.level === 30 && (!nodeId || l.id === nodeId)).map((l) => String(l.msg));
    },
    async deploy(flows, waitFor = []) {
      received.length = 0;
      logs.length = 0;
      // A copy: the runtime keeps (and annotates) the objects it is given, and the next deploy is diffed
      // against them.
      await RED.runtime.flows.setFlows({ flows: { flows: placed(flows) }, deploymentType: 'full' });
      await until(() => waitFor.every((id) => RED.nodes.getNode(id)), 10000, `nodes ${waitFor} did not start`);
    },
    /** A socket.io client on the dashboard, as a browser's (polling first: Dashboard refuses direct websocket). */
    async connect() {
      const socket = io(url, { path: `${DASHBOARD_PATH}/socket.io`, transports: ['polling', 'websocket'], reconnection: false, forceNew: true });
      sockets.add(socket);
      await new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    },
    async stop() {
      for (const s of sockets) s.close();
      RED.hooks.remove('onReceive.micTest');
      await RED.stop();
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of the flow with a position on every node of a tab: Node-RED tells flow nodes from config nodes
 * by their x/y, and a node without them is started as a config node.
 */
function placed(flows) {
  return structuredClone(flows).map((n, i) => (n.z && n.wires && n.x === undefined ? { ...n, x: 100 + 10 * i, y: 100 + 40 * i } : n));
}

/** Resolves once `predicate()` is true; rejects with `what` after `timeoutMs`. */
async function until(predicate, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits long enough for anything in flight to arrive (used before asserting that nothing came). */
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

module.exports = { startEmbeddedDashboard, dashboardNodes, until, settle, PACKAGE_DIR };
