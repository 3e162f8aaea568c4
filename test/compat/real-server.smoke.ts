/**
 * Smoke test of the package in a real Node-RED server of a given version, started the way users start it
 * (red.js, the package in the user dir's node_modules). `.ci/run` runs it for Node-RED 5 under Node 22 and
 * for Node-RED 3.1; without settings it uses the dev dependency.
 *
 * Environment: NODE_RED_PATH (the node-red package dir), NODE_RED_NODE_BINARY (the node that runs it),
 * COMPAT_EXPECT_NODE_RED (a version prefix the server must report, e.g. "5."),
 * COMPAT_EXPECT_NODE (same for Node.js, e.g. "22.").
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator';
import { STT_DEFAULTS, TTS_DEFAULTS } from '../../src/nodes/node-config';
import { REPO_ROOT, startNodeRed, type NodeRedServer } from '../helpers/node-red-server';

const SCRIPT = fs
  .readFileSync(path.join(REPO_ROOT, 'samples', 'hello.txt'), 'utf8')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter(Boolean);

function flow(endpoint: string): unknown[] {
  return [
    { id: 'tab1', type: 'tab', label: 'Compat smoke' },
    { id: 'cfg1', type: 'gradium-config', name: '', region: 'custom', endpoint, credentials: { apiKey: 'smoke-key' } },
    {
      id: 'inject1', type: 'inject', z: 'tab1', props: [], repeat: '', once: true, onceDelay: '0.5', topic: '',
      wires: [['file1']],
    },
    {
      id: 'file1', type: 'file in', z: 'tab1', filename: path.join(REPO_ROOT, 'samples', 'hello.wav'),
      filenameType: 'str', format: '', chunk: false, sendError: false, encoding: 'none', allProps: false,
      wires: [['topic1']],
    },
    {
      id: 'topic1', type: 'change', z: 'tab1', rules: [{ t: 'set', p: 'topic', pt: 'msg', to: 'smoke', tot: 'str' }],
      wires: [['stt1']],
    },
    { ...STT_DEFAULTS, id: 'stt1', type: 'gradium-stt', z: 'tab1', gradium: 'cfg1', wires: [[], [], ['out1']] },
    {
      id: 'out1', type: 'debug', z: 'tab1', name: 'transcript', active: true, tosidebar: false, console: true,
      tostatus: false, targetType: 'jsonata', complete: '(final ? "final" : "interim") & ": " & payload', wires: [],
    },
    {
      id: 'inject2', type: 'inject', z: 'tab1', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat: '',
      once: true, onceDelay: '0.5', topic: 'speaker', payload: 'Hello from a real server.', payloadType: 'str',
      wires: [['tts1']],
    },
    { ...TTS_DEFAULTS, id: 'tts1', type: 'gradium-tts', z: 'tab1', gradium: 'cfg1', wires: [['out2'], []] },
    {
      id: 'out2', type: 'debug', z: 'tab1', name: 'spoken', active: true, tosidebar: false, console: true,
      tostatus: false, targetType: 'jsonata',
      complete: '"spoken: " & format.encoding & " " & $string(format.sampleRate) & " Hz, " & $string($count(words)) & " words"',
      wires: [],
    },
  ];
}

describe(`package in a real Node-RED server (${process.env.NODE_RED_PATH ?? 'dev dependency'})`, function () {
  this.timeout(120000);
  let server: NodeRedServer | undefined;
  let emulator: Emulator | undefined;

  before(async () => {
    emulator = await startEmulator({ port: 0, script: SCRIPT });
    server = await startNodeRed();
  });

  after(async () => {
    await server?.stop();
    await emulator?.close();
  });

  it('runs the expected Node-RED and Node.js versions', async () => {
    const nr = /Node-RED version: v(\S+)/.exec(server!.output);
    const node = /Node\.js\s+version: v(\S+)/.exec(server!.output);
    assert.ok(nr && node, 'versions are logged');
    console.log(`      Node-RED ${nr[1]} on Node.js ${node[1]}`);
    if (process.env.COMPAT_EXPECT_NODE_RED) assert.ok(nr[1]!.startsWith(process.env.COMPAT_EXPECT_NODE_RED), nr[1]);
    if (process.env.COMPAT_EXPECT_NODE) assert.ok(node[1]!.startsWith(process.env.COMPAT_EXPECT_NODE), node[1]);
  });

  const declared = Object.keys(
    (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } })['node-red'].nodes,
  ).sort();

  it('loads every node type of the package with no load error', async () => {
    const sets = await server!.packageNodeSets();
    const types = sets.flatMap((s) => s.types).sort();
    assert.deepEqual(types, declared);
    assert.ok(types.includes('gradium-stt') && types.includes('gradium-tts'), types.join(', '));
    for (const set of sets) {
      assert.equal(set.enabled, true, `${set.id} enabled`);
      assert.equal(set.err, undefined, `${set.id} load error: ${JSON.stringify(set.err)}`);
    }
    const warnings = server!.output.split('\n').filter((l) => /\[(warn|error)\].*node-red-contrib-gradium/.test(l));
    assert.deepEqual(warnings, []);
    // The editor gets the HTML of every node, and the script they load from the package's resources.
    const res = await server!.request('GET', '/nodes', undefined, { Accept: 'text/html' });
    assert.equal(res.status, 200);
    for (const type of declared) assert.match(res.body, new RegExp(`registerType\\(\\s*['"]${type}['"]`));
    const resource = await server!.request('GET', '/resources/node-red-contrib-gradium/settings-validators.js');
    assert.equal(resource.status, 200);
    assert.match(resource.body, /GradiumSettings/);
  });

  it('transcribes the bundled sample against the emulator', async () => {
    await server!.deploy(flow(emulator!.url));
    const line = await server!.waitForLine(/\[debug:transcript\] final: (.*\S)/, { timeoutMs: 60000, includePast: true });
    const text = /\[debug:transcript\] final: (.*\S)/.exec(line)![1]!;
    const words = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, ' ').split(/\s+/).filter(Boolean);
    assert.deepEqual(words(text).slice(0, 2), words(SCRIPT[0]!).slice(0, 2), `first final transcript: "${text}"`);
    const errors = server!.output.split('\n').filter((l) => /\[error\]/.test(l));
    assert.deepEqual(errors, []);
  });

  it('speaks a text against the emulator: a WAV file at 16 kHz with its words', async () => {
    const line = await server!.waitForLine(/\[debug:spoken\] spoken: /, { timeoutMs: 60000, includePast: true });
    assert.match(line, /spoken: wav 16000 Hz, 5 words/);
  });
});
