'use strict';
/**
 * `npm start`: a local Node-RED on http://127.0.0.1:1880 with this package and a flow that streams
 * samples/hello.wav to gradium-stt every 20 s, showing transcripts in the debug sidebar and here.
 * Without GRADIUM_API_KEY the flow talks to the bundled Gradium emulator instead of the cloud.
 *
 * Environment: GRADIUM_API_KEY (use Gradium), DEMO_PORT (Node-RED port, default 1880),
 * DEMO_EMULATOR_PORT (default 8765), DEMO_EXIT_AFTER_FIRST_TRANSCRIPT=1 (exit 0 at the first final
 * transcript, 1 if none within 60 s; used by the test of this script).
 */
const fs = require('node:fs');
const path = require('node:path');
const { startNodeRed, REPO_ROOT } = require('./node-red-server');

const SAMPLE_WAV = path.join(REPO_ROOT, 'samples', 'hello.wav');
const SAMPLE_SCRIPT = path.join(REPO_ROOT, 'samples', 'hello.txt');
const FIRST_FINAL_TIMEOUT_MS = 60000;
/** What the transcript debug node prints for a final: "[debug:transcript] final [demo]: the text". */
const FINAL_LINE = /\[debug:transcript\] final \[[^\]]*\]: (.*\S)/;

function readPort(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${text}"`);
  return port;
}

async function startLocalEmulator(port, script) {
  let emulatorModule;
  try {
    emulatorModule = require('../dist/emulator');
  } catch (err) {
    throw new Error(`The emulator is not built (${err.message}). Run "npm run build" first.`, { cause: err });
  }
  try {
    return await emulatorModule.startEmulator({ port, script });
  } catch (err) {
    if (err && err.code === 'EADDRINUSE' && port !== 0) return emulatorModule.startEmulator({ port: 0, script });
    throw err;
  }
}

function readScript() {
  return fs
    .readFileSync(SAMPLE_SCRIPT, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function sttDefaults() {
  try {
    return { ...require('../dist/nodes/node-config').STT_DEFAULTS };
  } catch {
    return {};
  }
}

/** The demo flow. The key (when there is one) travels as a credential of the config node, never in the flow. */
function demoFlow({ endpoint, apiKey }) {
  const tab = 'gradium-demo-tab';
  const config = endpoint
    ? { id: 'gradium-demo-config', type: 'gradium-config', name: 'Local emulator', region: 'custom', endpoint }
    : { id: 'gradium-demo-config', type: 'gradium-config', name: 'Gradium', region: 'global', endpoint: '' };
  // The emulator accepts any non-empty key; give it one so the flow looks like a real setup.
  config.credentials = { apiKey: apiKey || 'emulator' };
  const debug = (id, name, x, y, extra) => ({
    id, type: 'debug', z: tab, name, active: true, tosidebar: true, console: true, tostatus: true,
    complete: 'payload', targetType: 'msg', statusType: 'auto', statusVal: '', x, y, wires: [], ...extra,
  });
  return [
    { id: tab, type: 'tab', label: 'Gradium demo', info: 'Streams samples/hello.wav to Gradium speech-to-text.' },
    config,
    {
      id: 'gradium-demo-comment', type: 'comment', z: tab, name: 'Speech sample → Gradium → transcripts',
      info:
        'Every 20 s the Inject node reads samples/hello.wav (a WAV file) and plays it into the gradium-stt ' +
        'node in real time, one 80 ms chunk every 80 ms, as an always-on microphone would, quiet in between: ' +
        'the voice gate of gradium-stt (Audio tab, Send audio) sends only the speech, and the disconnected output says ' +
        'how much was sent and how much the gate kept back. Interim transcripts follow ' +
        'the speech. The topic "demo" names the stream: each topic is its own Gradium session, so one node ' +
        'can serve many microphones. When the sample ends, the gate closes 0.8 s after the last word and the idle ' +
        'timeout (3 s) then closes the session; the next play opens a new one.\n\n' +
        'The three outputs are: connected, disconnected, transcript. Transcripts arrive as interim ' +
        '(the words so far) and final (once the turn ends). Watch them in the Debug sidebar.\n\n' +
        (endpoint
          ? 'No GRADIUM_API_KEY was set, so the config node points at the local Gradium emulator, whose ' +
            'words come from samples/hello.txt. Set GRADIUM_API_KEY and restart to use Gradium itself.'
          : 'The config node uses the key from GRADIUM_API_KEY.'),
      x: 230, y: 60, wires: [],
    },
    {
      id: 'gradium-demo-inject', type: 'inject', z: tab, name: 'every 20 s', props: [],
      repeat: '20', crontab: '', once: true, onceDelay: '1', topic: '', x: 130, y: 140,
      wires: [['gradium-demo-file']],
    },
    {
      id: 'gradium-demo-file', type: 'file in', z: tab, name: 'hello.wav', filename: SAMPLE_WAV,
      filenameType: 'str', format: '', chunk: false, sendError: false, encoding: 'none', allProps: false,
      x: 290, y: 140, wires: [['gradium-demo-play']],
    },
    {
      // An always-on microphone: an 80 ms chunk every 80 ms, quiet between the plays of the sample (every 20 s).
      // The node's voice gate (sendAudio "speech", a new node's default) sends only the speech; the disconnected
      // output says how much was sent and how much the gate kept back. A whole file at once would also make the
      // interim results run ahead of the speech.
      id: 'gradium-demo-play', type: 'function', z: tab, name: 'always-on microphone (80 ms chunks)',
      initialize: [
        'const CHUNK = 2560; // 80 ms of 16 kHz 16-bit mono',
        'const quiet = Buffer.alloc(CHUNK);',
        'setInterval(() => {',
        "    const pcm = context.get('pcm');",
        "    const at = context.get('at') || 0;",
        '    if (pcm && at < pcm.length) {',
        "        context.set('at', at + CHUNK);",
        "        node.send({ topic: 'demo', payload: pcm.subarray(at, at + CHUNK) });",
        '    } else {',
        "        node.send({ topic: 'demo', payload: quiet });",
        '    }',
        '}, 80);',
      ].join('\n'),
      func: [
        '// The WAV file read by the file node: play its samples (the data chunk) from the start.',
        'const wav = msg.payload;',
        'for (let at = 12; at + 8 <= wav.length; ) {',
        "    const id = wav.toString('latin1', at, at + 4);",
        '    const size = wav.readUInt32LE(at + 4);',
        "    if (id === 'data') {",
        "        context.set('pcm', wav.subarray(at + 8, at + 8 + size));",
        "        context.set('at', 0);",
        '        break;',
        '    }',
        '    at += 8 + size + (size % 2);',
        '}',
        'return null;',
      ].join('\n'),
      outputs: 1, timeout: 0, noerr: 0, finalize: '', libs: [],
      x: 510, y: 140, wires: [['gradium-demo-stt']],
    },
    {
      ...sttDefaults(),
      id: 'gradium-demo-stt', type: 'gradium-stt', z: tab, name: '', gradium: config.id, x: 720, y: 140,
      wires: [['gradium-demo-connected'], ['gradium-demo-disconnected'], ['gradium-demo-transcript']],
    },
    debug('gradium-demo-connected', 'connected', 940, 80, {
      statusType: 'jsonata', statusVal: '"session " & $string(payload.session)',
    }),
    debug('gradium-demo-disconnected', 'disconnected', 950, 140, {
      statusType: 'jsonata',
      statusVal: '"closed: " & payload.reason & ", " & $string(payload.sentSeconds) & " s sent, " & $string(payload.gatedSeconds) & " s kept back by the voice gate"',
    }),
    debug('gradium-demo-transcript', 'transcript', 940, 200, {
      targetType: 'jsonata', complete: '(final ? "final" : "interim") & " [" & topic & "]: " & payload',
    }),
  ];
}

let emulator = null;
let nodeRed = null;
let stopping = null;

/** Stops Node-RED (it stops its flows first), then the emulator, then exits with `code`. */
function shutdown(code) {
  if (!stopping) {
    stopping = (async () => {
      if (nodeRed) await nodeRed.stop();
      if (emulator) await emulator.close();
    })().then(
      () => process.exit(code),
      (err) => {
        console.error(`Demo: error while stopping: ${err.message}`);
        process.exit(code || 1);
      },
    );
  }
  return stopping;
}

async function main() {
  const exitAfterFirstTranscript = process.env.DEMO_EXIT_AFTER_FIRST_TRANSCRIPT === '1';
  const apiKey = process.env.GRADIUM_API_KEY || '';
  const nodeRedPort = readPort('DEMO_PORT', 1880);

  // A second Ctrl-C while stopping exits at once.
  process.on('SIGINT', () => (stopping ? process.exit(130) : shutdown(0)));
  process.on('SIGTERM', () => shutdown(0));

  if (!apiKey) {
    emulator = await startLocalEmulator(readPort('DEMO_EMULATOR_PORT', 8765), readScript());
    console.log(
      `No GRADIUM_API_KEY set: using the local Gradium emulator at ${emulator.url} ` +
        `(transcripts come from samples/hello.txt)`,
    );
  }

  let firstFinal = null;
  const sawFinal = new Promise((resolve) => (firstFinal = resolve));
  try {
    nodeRed = await startNodeRed({
      port: nodeRedPort,
      onLine(line) {
        process.stdout.write(line + '\n');
        const m = FINAL_LINE.exec(line);
        if (m) firstFinal(m[1]);
      },
    });
  } catch (err) {
    console.error(`Demo: Node-RED did not start${nodeRedPort ? ` on port ${nodeRedPort} (set DEMO_PORT to use another)` : ''}.`);
    console.error(String(err.message).split('\n')[0]);
    nodeRed = null;
    return shutdown(1);
  }
  nodeRed.exited.then((info) => {
    if (!stopping) {
      console.error(`Demo: Node-RED exited unexpectedly (${info.signal || info.code}).`);
      nodeRed = null;
      shutdown(1);
    }
  });

  await nodeRed.deploy(demoFlow({ endpoint: emulator ? emulator.url : '', apiKey }));
  console.log(`Node-RED editor: ${nodeRed.url}/  (the debug sidebar shows the transcripts; Ctrl-C stops)`);
  console.log(
    'Playing samples/hello.wav into gradium-stt in real time, 80 ms chunks, as a microphone would (every 20 s, ' +
      'quiet in between: the voice gate sends only the speech).',
  );

  if (exitAfterFirstTranscript) {
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve(null), FIRST_FINAL_TIMEOUT_MS)));
    const text = await Promise.race([sawFinal, timedOut]);
    clearTimeout(timer);
    if (text === null) {
      console.error(`Demo: no final transcript within ${FIRST_FINAL_TIMEOUT_MS / 1000} s.`);
      return shutdown(1);
    }
    console.log(`Demo: first final transcript: ${text}`);
    return shutdown(0);
  }
}

main().catch((err) => {
  console.error(`Demo failed: ${err && err.message ? err.message : err}`);
  shutdown(1);
});
