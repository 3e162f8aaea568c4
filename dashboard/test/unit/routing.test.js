'use strict';
/**
 * ui-gradium-mic in a real Node-RED with Dashboard 2, driven over Dashboard's own socket.io the way the
 * browser component drives it: which browser actions reach which output and in what shape, that flow
 * inputs never reach the outputs (no loop into gradium-stt), and that whatever a browser sends that the
 * component would not send is refused, counted and warned about once.
 */
const { after, before, describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { startEmbeddedDashboard, dashboardNodes, until, settle } = require('../support/embedded-dashboard');
const { defaults } = require('../../nodes/lib/mic-settings');
const wire = require('../../shared/wire.json');

const FORMAT = { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' };

function flow(micProps = {}, extraNodes = [], baseOptions = {}) {
  const sink = (id) => ({ id, type: 'function', z: 'tab1', func: 'return null;', outputs: 1, wires: [[]] });
  return [
    { id: 'tab1', type: 'tab', label: 'mic' },
    ...dashboardNodes(baseOptions),
    {
      id: 'mic1', type: 'ui-gradium-mic', z: 'tab1', group: 'group1', name: '', order: 1, width: 0, height: 0,
      className: '', ...defaults(), ...micProps, wires: [['out1'], ['out2']],
    },
    sink('out1'),
    sink('out2'),
    { id: 'catch1', type: 'catch', z: 'tab1', scope: ['mic1'], uncaught: false, wires: [['caught']] },
    sink('caught'),
    { id: 'status1', type: 'status', z: 'tab1', scope: ['mic1'], wires: [['statuses']] },
    sink('statuses'),
    ...extraNodes,
  ];
}

/** A chunk of `samples` 16-bit samples of one value. */
function pcm(samples = wire.chunkSamples, value = 1000) {
  const b = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) b.writeInt16LE(value, i * 2);
  return b;
}

/** The browser component's messages, by hand. */
function act(event, tab, press, seq, extra = {}, payload) {
  const msg = { micAction: { event, tab, press, seq, ...extra } };
  if (payload !== undefined) msg.payload = payload;
  return msg;
}

describe('ui-gradium-mic routing in a real Node-RED with Dashboard 2', () => {
  /** @type {Awaited<ReturnType<typeof startEmbeddedDashboard>>} */
  let nr;
  before(async () => {
    nr = await startEmbeddedDashboard();
  });
  after(async () => {
    await nr?.stop();
  });

  it('start, 80 ms chunks and stop from a browser become start, audio with msg.format, stop on output 1; events on output 2', async () => {
    await nr.deploy(flow(), ['mic1']);
    const socket = await nr.connect();
    const tab = 'tab-A1';
    // A browser may put a topic or a format of its own in: both are ignored.
    socket.emit('widget-action', 'mic1', { ...act('start', tab, 7, 0), topic: 'kitchen' });
    for (let seq = 1; seq <= 5; seq++) {
      socket.emit('widget-action', 'mic1', { ...act('audio', tab, 7, seq, {}, pcm(seq === 5 ? 333 : undefined, seq)), topic: 'x', format: { sampleRate: 8000 } });
    }
    socket.emit('widget-action', 'mic1', act('stop', tab, 7, 6, { reason: 'release', captured: 4 * 1280 + 333 }));
    await until(() => nr.at('out1').length === 7 && nr.at('out2').length === 2, 5000, 'outputs');

    const out1 = nr.at('out1');
    const mic = (seq) => ({ tab, press: 7, seq, widget: 'mic1' });
    assert.deepEqual(out1[0].action, 'start');
    for (const m of out1) {
      assert.equal(m.topic, `mic/${tab}`);
      assert.equal(m._client.socketId, socket.id, 'Dashboard client data is kept');
    }
    assert.deepEqual(out1[0].mic, mic(0));
    assert.equal(out1[0].payload, undefined);
    for (let i = 1; i <= 5; i++) {
      const m = out1[i];
      assert.ok(Buffer.isBuffer(m.payload), 'audio arrives as a Buffer');
      assert.deepEqual(m.payload, pcm(i === 5 ? 333 : undefined, i));
      assert.deepEqual(m.format, FORMAT);
      assert.deepEqual(m.mic, mic(i));
      assert.equal(m.action, undefined);
    }
    assert.equal(out1[6].action, 'stop');
    assert.deepEqual(out1[6].mic, mic(6));
    assert.equal(out1[6].payload, undefined);

    const [started, stopped] = nr.at('out2');
    assert.equal(started.payload, 'start');
    assert.equal(started.topic, `mic/${tab}`);
    assert.equal(stopped.payload, 'stop');
    assert.equal(stopped.reason, 'release');
    assert.equal(stopped.samples, 4 * 1280 + 333);
    assert.equal(stopped.captured, 4 * 1280 + 333);
    assert.equal(stopped.chunks, 5);
    assert.equal(stopped.lostChunks, 0);
    assert.deepEqual(nr.warnings('mic1'), []);
  });

  it('keeps the order of 200 chunks sent back to back', async () => {
    await nr.deploy(flow(), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 'order', 1, 0));
    for (let seq = 1; seq <= 200; seq++) socket.emit('widget-action', 'mic1', act('audio', 'order', 1, seq, {}, pcm(160, seq)));
    socket.emit('widget-action', 'mic1', act('stop', 'order', 1, 201));
    await until(() => nr.at('out1').length === 202, 10000, '202 messages');
    assert.deepEqual(nr.at('out1').map((m) => m.mic.seq), Array.from({ length: 202 }, (_, i) => i));
    assert.deepEqual(nr.at('out1').slice(1, -1).map((m) => m.payload.readInt16LE(0)), Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('When it ends = flush: the recording ends with action "flush"', async () => {
    await nr.deploy(flow({ onRelease: 'flush' }), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 't1', 1, 0));
    socket.emit('widget-action', 'mic1', act('stop', 't1', 1, 1, { reason: 'click' }));
    await until(() => nr.at('out1').length === 2, 5000, 'start and flush');
    assert.deepEqual(nr.at('out1').map((m) => m.action), ['start', 'flush']);
  });

  it('stream keys: per tab (two tabs on one socket are two streams), per socket, per user with a fallback', async () => {
    await nr.deploy(flow({ keyPrefix: 'door/' }), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 'first', 1, 0));
    socket.emit('widget-action', 'mic1', act('start', 'second', 1, 0));
    await until(() => nr.at('out1').length === 2);
    assert.deepEqual(nr.at('out1').map((m) => m.topic).sort(), ['door/first', 'door/second']);

    await nr.deploy(flow({ keyBy: 'socket' }), ['mic1']);
    const [a, b] = [await nr.connect(), await nr.connect()];
    a.emit('widget-action', 'mic1', act('start', 'same-tab', 1, 0));
    b.emit('widget-action', 'mic1', act('start', 'same-tab', 2, 0));
    await until(() => nr.at('out1').length === 2);
    assert.deepEqual(nr.at('out1').map((m) => m.topic).sort(), [`mic/${a.id}`, `mic/${b.id}`].sort());

    await nr.deploy(flow({ keyBy: 'user' }), ['mic1']);
    const c = await nr.connect();
    c.emit('widget-action', 'mic1', act('start', 'tab-u', 1, 0));
    c.emit('widget-action', 'mic1', act('start', 'tab-u', 2, 0));
    await until(() => nr.at('out1').length === 2);
    assert.deepEqual(nr.at('out1').map((m) => m.topic), ['mic/tab-u', 'mic/tab-u'], 'no logged-in user: the tab id');
    const warned = nr.warnings('mic1').filter((w) => /per user/.test(w));
    assert.equal(warned.length, 1, `warned once: ${nr.warnings('mic1')}`);
  });

  it('refuses audio that is not a Buffer, of odd length, empty or over 64 KiB: counted, warned once per kind', async () => {
    await nr.deploy(flow(), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 'bad', 1, 0));
    let seq = 1;
    const send = (payload) => socket.emit('widget-action', 'mic1', act('audio', 'bad', 1, seq++, {}, payload));
    send('AAAA'); // base64 text, not binary
    send([1, 2, 3, 4]);
    send(Buffer.alloc(3)); // odd length
    send(Buffer.alloc(2561));
    send(Buffer.alloc(0));
    send(Buffer.alloc(wire.maxPayloadBytes + 2)); // over 64 KiB (socket.io's own limit is 1 MB)
    send(Buffer.alloc(wire.maxPayloadBytes + 2));
    send(pcm()); // a good one still goes through
    await until(() => nr.at('out1').length === 2, 5000, 'start and the one good chunk');
    await settle();
    const out1 = nr.at('out1');
    assert.equal(out1.length, 2);
    assert.equal(out1[1].payload.length, 2560);
    const warnings = nr.warnings('mic1').filter((w) => w.startsWith('Refused'));
    assert.equal(warnings.length, 4, `one per kind: ${warnings.join(' | ')}`);
    assert.ok(warnings.some((w) => /not binary.*got string/.test(w)));
    assert.ok(warnings.some((w) => /odd number of bytes.*3 bytes/.test(w)));
    assert.ok(warnings.some((w) => /empty/.test(w)));
    assert.ok(warnings.some((w) => /over the size limit.*65538 bytes/.test(w)));
    await until(() => nr.at('statuses').some((m) => /7 refused/.test(m.status.text)), 5000, 'status with 7 refused');
    // The refused chunks' sequence numbers are missing from what went on: counted as lost.
    socket.emit('widget-action', 'mic1', act('stop', 'bad', 1, seq));
    await until(() => nr.at('out2').length === 2, 5000, 'stop event');
    assert.equal(nr.at('out2')[1].lostChunks, 7);
  });

  it('refuses messages the component never sends, including one posing as a flow message', async () => {
    await nr.deploy(flow(), ['mic1']);
    const socket = await nr.connect();
    const bad = [
      { payload: 'hello', topic: 'kitchen', action: 'start' }, // no micAction
      { _msgid: 'x1', payload: 'turn on the lights', final: true, mic: { tab: 'a', press: 1, seq: 1 } }, // looks like a flow input
      ['an', 'array'],
      'a string',
      act('dance', 'tab', 1, 0),
      act('start', 'tab with spaces', 1, 0),
      act('start', 'x'.repeat(65), 1, 0),
      act('start', 'tab', -1, 0),
      act('start', 'tab', 1, 1.5),
    ];
    for (const m of bad) socket.emit('widget-action', 'mic1', m);
    await until(() => nr.at('statuses').some((m) => /9 refused/.test(m.status.text)), 5000, 'status with 9 refused');
    assert.equal(nr.at('out1').length, 0);
    assert.equal(nr.at('out2').length, 0);
    assert.equal(nr.warnings('mic1').length, 1, 'one warning for the kind');
    assert.match(nr.warnings('mic1')[0], /not a message this widget sends/);
  });

  it('refuses replayed chunks, counts lost ones in the stop event', async () => {
    await nr.deploy(flow(), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 'seq', 1, 0));
    socket.emit('widget-action', 'mic1', act('audio', 'seq', 1, 1, {}, pcm()));
    socket.emit('widget-action', 'mic1', act('audio', 'seq', 1, 1, {}, pcm())); // replay
    socket.emit('widget-action', 'mic1', act('audio', 'seq', 1, 4, {}, pcm())); // 2 and 3 lost
    socket.emit('widget-action', 'mic1', act('start', 'seq', 1, 0)); // a second start for the press
    socket.emit('widget-action', 'mic1', act('stop', 'seq', 1, 5));
    await until(() => nr.at('out2').length === 2, 5000, 'stop event');
    assert.equal(nr.at('out1').length, 4, 'start, two chunks, stop');
    const stopped = nr.at('out2')[1];
    assert.equal(stopped.chunks, 2);
    assert.equal(stopped.lostChunks, 2);
    assert.ok(nr.warnings('mic1').some((w) => /repeated or out of order/.test(w)));
    assert.ok(nr.warnings('mic1').some((w) => /went missing/.test(w)));
  });

  it('ends a recording that goes past the maximum length even if the browser does not', async () => {
    await nr.deploy(flow({ maxSeconds: 1 }), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 'long', 1, 0));
    // 1 s + 1 s of slack = 25 chunks of 80 ms; the 26th is past it.
    for (let seq = 1; seq <= 30; seq++) socket.emit('widget-action', 'mic1', act('audio', 'long', 1, seq, {}, pcm()));
    socket.emit('widget-action', 'mic1', act('stop', 'long', 1, 31));
    await until(() => nr.at('out2').length === 2, 5000, 'the server-side stop');
    await settle();
    const out1 = nr.at('out1');
    assert.equal(out1.length, 1 + 25 + 1);
    assert.equal(out1.at(-1).action, 'stop');
    assert.equal(nr.at('out2')[1].reason, 'max');
    assert.equal(nr.at('out2')[1].samples, 2 * 16000);
    assert.equal(nr.at('out2').length, 2, "the browser's late stop is not sent again");
  });

  it('a browser error goes to output 2 only, with a code and plain words', async () => {
    await nr.deploy(flow(), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('error', 'err', 3, 0, { code: 'blocked' }));
    socket.emit('widget-action', 'mic1', act('error', 'err', 4, 0, { code: '<script>' }));
    await until(() => nr.at('out2').length === 2);
    assert.equal(nr.at('out1').length, 0);
    const [blocked, unknown] = nr.at('out2');
    assert.equal(blocked.payload, 'error');
    assert.equal(blocked.error.code, 'blocked');
    assert.match(blocked.error.message, /blocked/);
    assert.equal(unknown.error.code, 'failed', 'an unknown code is not passed on');
  });

  describe('flow inputs', () => {
    it('a transcript fed back (with mic and _client, as gradium-stt sends it) goes to the browsers, never to the outputs', async () => {
      await nr.deploy(flow(), ['mic1']);
      const socket = await nr.connect();
      const shown = [];
      socket.on('msg-input:mic1', (m) => shown.push(m));
      const transcript = {
        topic: 'mic/tab-A', payload: 'turn on the kitchen lights', final: true, transcript: { text: 'turn on the kitchen lights' },
        mic: { tab: 'tab-A', press: 1, seq: 9, widget: 'mic1' }, _client: { socketId: socket.id },
      };
      nr.RED.nodes.getNode('mic1').receive(transcript);
      await until(() => shown.length === 1, 5000, 'msg-input in the browser');
      await settle();
      assert.equal(shown[0].payload, 'turn on the kitchen lights');
      assert.deepEqual(shown[0].mic, transcript.mic);
      assert.equal(nr.at('out1').length, 0);
      assert.equal(nr.at('out2').length, 0);
    });

    it('no loop: a flow that echoes output 1 back into the widget gets one echo per message', async () => {
      const echo = {
        id: 'echo', type: 'function', z: 'tab1', outputs: 1,
        func: 'return { payload: "heard " + msg.mic.seq, final: true, mic: msg.mic, _client: msg._client, topic: msg.topic };',
        wires: [['mic1']],
      };
      const nodes = flow({}, [echo]);
      nodes.find((n) => n.id === 'mic1').wires = [['out1', 'echo'], ['out2']];
      await nr.deploy(nodes, ['mic1']);
      const socket = await nr.connect();
      const shown = [];
      socket.on('msg-input:mic1', (m) => shown.push(m));
      socket.emit('widget-action', 'mic1', act('start', 'loop', 1, 0));
      for (let seq = 1; seq <= 3; seq++) socket.emit('widget-action', 'mic1', act('audio', 'loop', 1, seq, {}, pcm()));
      socket.emit('widget-action', 'mic1', act('stop', 'loop', 1, 4));
      await until(() => shown.length === 5, 5000, 'five echoes shown');
      await settle(500);
      assert.equal(nr.at('out1').length, 5, 'output 1 carried only what the browser sent');
      assert.equal(nr.at('mic1').length, 5, 'each echo reached the widget once');
      assert.deepEqual(shown.map((m) => m.payload), ['heard 0', 'heard 1', 'heard 2', 'heard 3', 'heard 4']);
    });

    it('{action: "start"|"stop"} reaches the browsers; another action is an error a Catch node sees', async () => {
      await nr.deploy(flow(), ['mic1']);
      const socket = await nr.connect();
      const shown = [];
      socket.on('msg-input:mic1', (m) => shown.push(m));
      const node = nr.RED.nodes.getNode('mic1');
      node.receive({ action: 'start', mic: { tab: 'remote-tab' } });
      node.receive({ action: 'stop' });
      node.receive({ action: 'flush' });
      await until(() => shown.length === 2 && nr.at('caught').length === 1, 5000, 'two commands and one error');
      assert.deepEqual(shown.map((m) => m.action), ['start', 'stop']);
      assert.match(nr.at('caught')[0].error.message, /msg\.action: got "flush"; expected "start" or "stop"/);
      assert.equal(nr.at('out1').length, 0);
    });

    it('ui_update changes settings for the browsers and on the server; a bad value is refused whole', async () => {
      await nr.deploy(flow(), ['mic1']);
      const socket = await nr.connect();
      const shown = [];
      socket.on('msg-input:mic1', (m) => shown.push(m));
      const node = nr.RED.nodes.getNode('mic1');
      node.receive({ ui_update: { mode: 'toggle', onRelease: 'flush', label: 'Talk to the house' } });
      node.receive({ ui_update: { mode: 'sideways', label: 'never shown' } });
      node.receive({ enabled: false });
      await until(() => shown.length === 2 && nr.at('caught').length === 1, 5000, 'update, enabled and one error');
      assert.deepEqual(shown[0].ui_update, { mode: 'toggle', onRelease: 'flush', label: 'Talk to the house' });
      assert.equal(shown[1].enabled, false);
      assert.match(nr.at('caught')[0].error.message, /msg\.ui_update\.mode: got "sideways"; expected "hold" or "toggle"/);
      // The server follows onRelease: the next recording ends with a flush.
      socket.emit('widget-action', 'mic1', act('start', 'upd', 1, 0));
      socket.emit('widget-action', 'mic1', act('stop', 'upd', 1, 1));
      await until(() => nr.at('out1').length === 2);
      assert.equal(nr.at('out1')[1].action, 'flush');
      // A browser that loads the page now gets the stored state.
      const late = await nr.connect();
      const loaded = new Promise((resolve) => late.once('widget-load:mic1', (_msg, state) => resolve(state)));
      late.emit('widget-load', 'mic1');
      const state = await loaded;
      assert.equal(state.mode, 'toggle');
      assert.equal(state.label, 'Talk to the house');
      assert.equal(state.enabled, false);
    });
  });

  it('a redeploy between two chunks of a recording: the same socket goes on working, the stream key is kept', async () => {
    const nodes = flow();
    await nr.deploy(nodes, ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 'redeploy', 1, 0));
    socket.emit('widget-action', 'mic1', act('audio', 'redeploy', 1, 1, {}, pcm()));
    await until(() => nr.at('out1').length === 2);
    nodes.find((n) => n.id === 'mic1').name = 'changed';
    await nr.deploy(nodes, ['mic1']);
    socket.emit('widget-action', 'mic1', act('audio', 'redeploy', 1, 2, {}, pcm()));
    socket.emit('widget-action', 'mic1', act('stop', 'redeploy', 1, 3));
    await until(() => nr.at('out1').length === 2 && nr.at('out2').length === 1, 5000, 'after the redeploy');
    assert.deepEqual(nr.at('out1').map((m) => m.topic), ['mic/redeploy', 'mic/redeploy']);
    assert.equal(nr.at('out2')[0].samples, 1280, 'the new node instance counts what it forwarded');
  });

  it('without a group the node says so and does not crash the flow', async () => {
    const nodes = flow();
    nodes.find((n) => n.id === 'mic1').group = 'missing';
    await nr.deploy(nodes, ['mic1']);
    await until(() => nr.logs.some((l) => l.level === 20 && l.id === 'mic1'), 5000, 'an error log');
    assert.match(String(nr.logs.find((l) => l.id === 'mic1').msg), /No group configured/);
  });

  it('the status counts recordings in progress', async () => {
    await nr.deploy(flow(), ['mic1']);
    const socket = await nr.connect();
    socket.emit('widget-action', 'mic1', act('start', 's1', 1, 0));
    socket.emit('widget-action', 'mic1', act('start', 's2', 1, 0));
    await until(() => nr.at('statuses').some((m) => m.status.text === '2 recording'), 5000, '2 recording');
    socket.emit('widget-action', 'mic1', act('stop', 's1', 1, 1));
    socket.emit('widget-action', 'mic1', act('stop', 's2', 1, 1));
    await until(() => nr.at('statuses').at(-1)?.status.text === 'idle', 5000, 'idle again');
  });
});
