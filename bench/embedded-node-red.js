'use strict';
/**
 * A real Node-RED runtime inside the calling process (embedded API, no editor, no HTTP), with this
 * repository installed by symlink in a temporary user dir and the given flows deployed and started.
 * Required lazily, so a caller can patch `ws` (wire-probe) before Node-RED and the node load.
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * @param {{flows: object[], settings?: object, waitForNode?: string, packageRoot?: string}} options
 *   packageRoot: the package to install (default this repository; bench --compare installs an older build)
 * @returns {Promise<{RED: any, userDir: string, stop(): Promise<void>}>}
 */
async function startEmbeddedNodeRed({ flows, settings = {}, waitForNode, packageRoot = REPO_ROOT }) {
  const RED = require('node-red');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-bench-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(packageRoot, path.join(userDir, 'node_modules', 'node-red-contrib-gradium'), 'dir');
  RED.init(http.createServer(), {
    userDir,
    flowFile: 'flows.json',
    credentialSecret: 'bench-not-a-secret',
    httpAdminRoot: false,
    httpNodeRoot: false,
    disableEditor: true,
    telemetry: { enabled: false },
    ...settings,
  });
  await RED.start();
  await RED.runtime.flows.setFlows({ flows: { flows }, deploymentType: 'full' });
  // setFlows resolves before the new flows have started.
  if (waitForNode) {
    for (let i = 0; i < 200 && !RED.nodes.getNode(waitForNode); i++) await new Promise((r) => setTimeout(r, 50));
  }
  return {
    RED,
    userDir,
    async stop() {
      await RED.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/**
 * A scenario child's runtime: `flows` with the bench's own nodes (bench/nodes) loaded, logging at warn (or
 * BENCH_LOG), started once `waitForNode` is.
 */
function startBenchFlow(flows, waitForNode) {
  return startEmbeddedNodeRed({
    flows,
    waitForNode,
    settings: {
      nodesDir: [path.join(__dirname, 'nodes')],
      logging: { console: { level: process.env.BENCH_LOG || 'warn', metrics: false, audit: false } },
    },
  });
}

module.exports = { startEmbeddedNodeRed, startBenchFlow, REPO_ROOT };
