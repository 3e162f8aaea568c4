'use strict';
/**
 * The widget as a user meets it: both packages packed and installed with npm into a fresh Node-RED user
 * dir next to a pinned Dashboard 2, the widget's example flow deployed (its gradium-config pointed at the
 * emulator), and Debian's Chromium opening the page with samples/hello.wav as its microphone.
 *
 * - hold the button for the file's length: the words appear under the button and the flow acts on them
 *   (the example's Switch turns the Kitchen lights on); every sample the browser captured reaches the
 *   flow and the emulator;
 * - two tabs at once: two stream keys, two Gradium sessions, each tab shows only its own words;
 * - plain http (a non-localhost name): "Needs HTTPS or localhost", an error event, no audio;
 * - microphone permission denied: "Microphone blocked", an error event, no audio.
 *
 * Needs the root package built (npm run build) and Chromium. Without Chromium the suite is skipped, except
 * under CI, where that is a failure. Screenshots go to test-artifacts/; UPDATE_SCREENSHOTS=1 also copies
 * them to docs/screenshots/ for the READMEs.
 */
const { after, before, describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const DASH_DIR = path.resolve(__dirname, '..', '..');
const REPO_ROOT = path.resolve(DASH_DIR, '..');
const WAV = path.join(REPO_ROOT, 'samples', 'hello.wav');
const SCRIPT = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'hello.txt'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
const EXAMPLE = path.join(DASH_DIR, 'examples', 'Microphone to transcript.json');
const ARTIFACTS = path.join(DASH_DIR, 'test-artifacts', 'browser');
const DOC_SCREENSHOTS = path.join(DASH_DIR, 'docs', 'screenshots');
/** The one Dashboard version the widget is tested against: the dev dependency, pinned in package.json. */
const DASHBOARD_VERSION = require(path.join(DASH_DIR, 'package.json')).devDependencies['@flowfuse/node-red-dashboard'];
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const INSECURE_HOST = 'mic.test';

const runningInCi = () => !['', 'false', '0'].includes((process.env.CI ?? '').toLowerCase());
const chromiumPath = process.env.CHROMIUM_PATH || CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
const skip = !chromiumPath && !runningInCi() ? 'no Chromium (apt-get install chromium); CI fails instead' : false;

/** Seconds of audio in a PCM WAV file (its data chunk). */
function wavSeconds(file) {
  const b = fs.readFileSync(file);
  let at = 12;
  let bytesPerSecond = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') bytesPerSecond = b.readUInt32LE(at + 16);
    if (id === 'data') return size / bytesPerSecond;
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });
}

/** `npm pack` of a package dir, as published: the tarball's path. */
function pack(dir, into) {
  const [{ filename }] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', into], dir));
  return path.join(into, path.basename(filename));
}

/** Resolves once `predicate()` (may be async) is truthy; its value. */
async function until(predicate, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The example flow, its config pointed at the emulator, plus probes that record what the flow saw. */
function testFlow(emulatorUrl) {
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  const byType = (type) => example.filter((n) => n.type === type);
  const [tab] = byType('tab');
  const [mic] = byType('ui-gradium-mic');
  const [stt] = byType('gradium-stt');
  const [cfg] = byType('gradium-config');
  const [lights] = byType('ui-switch');
  assert.ok(tab && mic && stt && cfg && lights, 'the example has a tab, the mic, gradium-stt, its config and a ui-switch');
  Object.assign(cfg, { region: 'custom', endpoint: emulatorUrl, credentials: { apiKey: 'e2e-test-key' } });
  // The processing off, so what arrives can be compared with the file; every sample sent (no voice gate).
  Object.assign(mic, { echoCancellation: false, noiseSuppression: false, autoGainControl: false });
  Object.assign(stt, { sendAudio: 'always' });
  const z = tab.id;
  const probe = (id, code, y) => ({ id, type: 'function', z, name: id, func: code, outputs: 1, x: 900, y, wires: [[]] });
  mic.wires[0].push('e2eAudio');
  mic.wires[1].push('e2eEvents');
  stt.wires[2].push('e2eTexts');
  lights.wires[0].push('e2eLights');
  return [
    ...example,
    probe('e2eAudio', `
      const all = global.get('e2eAudio') || {};
      const k = all[msg.topic] || (all[msg.topic] = { samples: 0, chunks: 0, actions: [], tabs: [] });
      if (msg.action) k.actions.push(msg.action); else { k.samples += msg.payload.length / 2; k.chunks += 1; }
      if (!k.tabs.includes(msg.mic.tab)) k.tabs.push(msg.mic.tab);
      global.set('e2eAudio', all);
      return null;`, 400),
    probe('e2eEvents', `
      const list = global.get('e2eEvents') || [];
      list.push({ topic: msg.topic, payload: msg.payload, reason: msg.reason, samples: msg.samples, captured: msg.captured,
        lostChunks: msg.lostChunks, error: msg.error, mic: msg.mic, client: msg._client });
      global.set('e2eEvents', list);
      return null;`, 440),
    probe('e2eTexts', `
      if (msg.final) {
        const list = global.get('e2eTexts') || [];
        list.push({ topic: msg.topic, payload: msg.payload, mic: msg.mic, client: msg._client });
        global.set('e2eTexts', list);
      }
      return null;`, 480),
    probe('e2eLights', `
      const list = global.get('e2eLights') || [];
      list.push({ payload: msg.payload, tab: msg.mic && msg.mic.tab });
      global.set('e2eLights', list);
      return null;`, 520),
    { id: 'e2eGet', type: 'http in', z, name: '', url: '/mic-e2e/state', method: 'get', upload: false, swaggerDoc: '', x: 700, y: 600, wires: [['e2eState']] },
    probe('e2eState', `
      msg.payload = { audio: global.get('e2eAudio') || {}, events: global.get('e2eEvents') || [],
        texts: global.get('e2eTexts') || [], lights: global.get('e2eLights') || [] };
      if (msg.req.query.reset) for (const k of ['e2eAudio', 'e2eEvents', 'e2eTexts', 'e2eLights']) global.set(k, undefined);
      return msg;`, 600),
    { id: 'e2eRes', type: 'http response', z, name: '', statusCode: '', headers: {}, x: 1100, y: 600, wires: [] },
    // POST a message to /mic-e2e/command: it goes into the widget, as from any node of a flow.
    { id: 'e2eCmd', type: 'http in', z, name: '', url: '/mic-e2e/command', method: 'post', upload: false, swaggerDoc: '', x: 700, y: 660, wires: [['e2eCmdFn']] },
    { ...probe('e2eCmdFn', 'return [msg.payload, { req: msg.req, res: msg.res, payload: "ok" }];', 660), outputs: 2, wires: [[mic.id], ['e2eRes']] },
  ].map((n) => (n.id === 'e2eState' ? { ...n, wires: [['e2eRes']] } : n));
}

describe('ui-gradium-mic in Chromium, installed from npm tarballs next to Dashboard 2', { skip, timeout: 300000 }, () => {
  let scratch;
  let server;
  let emulator;
  let browser;
  const fileSeconds = wavSeconds(WAV);

  async function state({ reset = false } = {}) {
    const res = await server.request('GET', `/mic-e2e/state${reset ? '?reset=1' : ''}`);
    assert.equal(res.status, 200, res.body);
    return JSON.parse(res.body);
  }

  async function openPage(context, url, problems) {
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(url);
    await page.locator('.gradium-mic__button').waitFor({ timeout: 30000 });
    return page;
  }

  const phaseOf = (page) => page.locator('.gradium-mic').getAttribute('data-phase');

  async function screenshot(page, name) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, name);
    const group = page.locator('.nrdb-ui-group').first();
    await (await group.count() ? group : page).screenshot({ path: file, animations: 'disabled' });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      fs.mkdirSync(DOC_SCREENSHOTS, { recursive: true });
      fs.copyFileSync(file, path.join(DOC_SCREENSHOTS, name));
    }
  }

  /** Presses the button, holds it `seconds` (calling `during` halfway), lets go. */
  async function hold(page, seconds, during) {
    const button = page.locator('.gradium-mic__button');
    await button.hover();
    await page.mouse.down();
    await until(async () => (await phaseOf(page)) === 'recording', 'recording to start', 10000);
    await page.waitForTimeout((seconds * 1000) / 2);
    if (during) await during();
    await page.waitForTimeout((seconds * 1000) / 2);
    await page.mouse.up();
    await until(async () => (await phaseOf(page)) === 'idle', 'idle after release', 10000);
  }

  const sessionsClosed = (from) => emulator.sessions.slice(from).every((s) => s.closed);

  before(async () => {
    assert.ok(chromiumPath, 'Chromium is required under CI (apt-get install chromium)');
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'emulator', 'index.js')), 'build the root package first: npm run build');
    const { startNodeRed } = require(path.join(REPO_ROOT, 'scripts', 'node-red-server.js'));
    const { startEmulator } = require(path.join(REPO_ROOT, 'dist', 'emulator'));

    // Install the way a user does: both packages from their npm tarballs, Dashboard 2 from the registry.
    scratch = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'gradium-mic-e2e-'));
    const userDir = path.join(scratch, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', version: '0.0.1', private: true }));
    const tarballs = [pack(REPO_ROOT, scratch), pack(DASH_DIR, scratch)];
    npm(['install', '--save-exact', '--prefer-offline', '--no-package-lock', ...tarballs, `@flowfuse/node-red-dashboard@${DASHBOARD_VERSION}`], userDir);

    emulator = await startEmulator({ script: SCRIPT });
    server = await startNodeRed({ userDir, packageDir: null });
    const sets = JSON.parse((await server.request('GET', '/nodes', undefined, { Accept: 'application/json' })).body);
    const mine = sets.filter((s) => s.module === 'node-red-dashboard-2-gradium-mic' || s.module === 'node-red-contrib-gradium');
    // Every type both packages declare (package.json node-red.nodes), loaded from the installed tarballs.
    const declared = [REPO_ROOT, DASH_DIR].flatMap((dir) => Object.keys(require(path.join(dir, 'package.json'))['node-red'].nodes));
    assert.deepEqual(mine.flatMap((s) => s.types).sort(), declared.sort());
    assert.ok(declared.includes('gradium-stt') && declared.includes('ui-gradium-mic'), declared.join(', '));
    for (const s of mine) assert.equal(s.err, undefined, `${s.id}: ${JSON.stringify(s.err)}`);

    await server.deploy(testFlow(emulator.url));
    await server.waitForLine(new RegExp(`Node-RED Dashboard 2\\.0 \\(v${DASHBOARD_VERSION.replace(/\./g, '\\.')}\\) started`), { includePast: true });

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-audio-capture=${WAV}%noloop`,
        `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
        // Two tabs record at once in the two-tab test: a background tab must not be throttled.
        '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await emulator?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('hold for the length of the file: the words appear under the button, the flow acts, every sample reaches the emulator', async () => {
    await state({ reset: true });
    const sessionsBefore = emulator.sessions.length;
    const problems = [];
    const context = await browser.newContext({ viewport: { width: 520, height: 560 } });
    const page = await openPage(context, `${server.url}/dashboard/voice`, problems);
    assert.equal(await page.locator('.gradium-mic__button').textContent(), 'Hold to talk');
    assert.equal(await page.locator('.gradium-mic__button').getAttribute('type'), 'button');

    await hold(page, fileSeconds + 0.6, async () => {
      assert.match(await page.locator('.gradium-mic__button').textContent(), /Listening/);
      await screenshot(page, 'gradium-mic-recording.png');
    });

    // The words, in the page: the last sentence of the file, as the emulator recognised it.
    const last = SCRIPT.at(-1);
    await until(async () => (await page.locator('.gradium-mic__final').allTextContents()).includes(last), `"${last}" under the button`);
    const shown = await page.locator('.gradium-mic__final').allTextContents();
    assert.deepEqual(shown, SCRIPT.slice(-3), 'the last three finals (Transcript lines: 3)');
    // The flow acted on them: the example's Switch turned the Kitchen lights on.
    await until(async () => (await page.locator('.v-switch input').isChecked()) === true, 'the Kitchen lights switch on');
    await until(() => sessionsClosed(sessionsBefore), 'the Gradium session to close');
    await screenshot(page, 'gradium-mic-transcript.png');

    const tab = await page.evaluate(() => sessionStorage.getItem('gradium-mic-tab'));
    const s = await state();
    const key = `mic/${tab}`;
    assert.deepEqual(Object.keys(s.audio), [key]);
    assert.deepEqual(s.audio[key].actions, ['start', 'stop']);
    assert.deepEqual(s.texts.map((t) => t.payload), SCRIPT, 'every sentence of the file, in order');
    for (const t of s.texts) {
      assert.equal(t.topic, key);
      assert.equal(t.mic.tab, tab, 'gradium-stt keeps msg.mic on its transcripts');
      assert.equal(typeof t.client.socketId, 'string', 'and msg._client');
    }
    assert.deepEqual(s.lights, [{ payload: true, tab }]);

    // Every sample: what the browser's worklet captured = what reached the flow = what the emulator decoded.
    const stop = s.events.find((e) => e.payload === 'stop');
    assert.ok(stop, `a stop event: ${JSON.stringify(s.events)}`);
    assert.equal(stop.reason, 'release');
    assert.equal(stop.lostChunks, 0);
    assert.equal(stop.samples, stop.captured, 'captured in the browser = forwarded by the node');
    assert.equal(s.audio[key].samples, stop.samples, 'forwarded by the node = seen on output 1');
    const sessions = emulator.sessions.slice(sessionsBefore);
    assert.equal(sessions.length, 1, 'one Gradium session for one press');
    assert.equal(sessions[0].samplesReceived, stop.samples, 'seen on output 1 = received by the emulator');
    // About the length of the hold, at 16 kHz.
    assert.ok(Math.abs(stop.samples / 16000 - (fileSeconds + 0.6)) < 1.5, `captured ${stop.samples / 16000} s`);
    assert.deepEqual(problems, []);
    console.log(`      captured ${stop.samples} samples (${(stop.samples / 16000).toFixed(2)} s) in ${s.audio[key].chunks} chunks; emulator received ${sessions[0].samplesReceived}`);
    await context.close();
  });

  it('two tabs at once keep two streams, and each tab shows only its own words', async () => {
    await state({ reset: true });
    const sessionsBefore = emulator.sessions.length;
    const problems = [];
    const context = await browser.newContext({ viewport: { width: 520, height: 560 } });
    const pages = [
      await openPage(context, `${server.url}/dashboard/voice`, problems),
      await openPage(context, `${server.url}/dashboard/voice`, problems),
    ];
    const tabs = await Promise.all(pages.map((p) => p.evaluate(() => sessionStorage.getItem('gradium-mic-tab'))));
    assert.notEqual(tabs[0], tabs[1], 'each tab has its own id');
    // A duplicated tab starts with a copy of the original's session storage: it notices and takes a new id.
    const duplicate = await context.newPage();
    await duplicate.addInitScript((id) => sessionStorage.setItem('gradium-mic-tab', id), tabs[0]);
    await duplicate.goto(`${server.url}/dashboard/voice`);
    await duplicate.locator('.gradium-mic__button').waitFor();
    const renewed = await until(async () => {
      const id = await duplicate.evaluate(() => sessionStorage.getItem('gradium-mic-tab'));
      return id !== tabs[0] ? id : null;
    }, 'the duplicated tab to take a new id', 5000);
    assert.ok(!tabs.includes(renewed));
    assert.equal(await pages[0].evaluate(() => sessionStorage.getItem('gradium-mic-tab')), tabs[0], 'the original keeps its id');
    await duplicate.close();
    await Promise.all(pages.map((p) => hold(p, fileSeconds + 0.6)));
    await until(() => sessionsClosed(sessionsBefore) && emulator.sessions.length - sessionsBefore === 2, 'two sessions closed');
    const s = await until(async () => {
      const st = await state();
      return st.events.filter((e) => e.payload === 'stop').length === 2 && st.texts.length === 2 * SCRIPT.length ? st : null;
    }, 'both stops and all finals');

    const keys = tabs.map((t) => `mic/${t}`);
    assert.deepEqual(Object.keys(s.audio).sort(), [...keys].sort());
    const sessions = emulator.sessions.slice(sessionsBefore);
    assert.deepEqual(
      sessions.map((x) => x.samplesReceived).sort(),
      keys.map((k) => s.audio[k].samples).sort(),
      'each stream reached its own session, sample for sample',
    );
    for (let i = 0; i < 2; i++) {
      const stop = s.events.find((e) => e.payload === 'stop' && e.mic.tab === tabs[i]);
      assert.equal(stop.samples, stop.captured);
      assert.equal(s.audio[keys[i]].samples, stop.captured);
      const mine = s.texts.filter((t) => t.topic === keys[i]).map((t) => t.payload);
      assert.ok(mine.length >= 1, `tab ${i + 1} has finals`);
      // Shown in the page: the latest of this tab's finals, none of the other tab's.
      await until(async () => (await pages[i].locator('.gradium-mic__final').allTextContents()).at(-1) === mine.at(-1), `tab ${i + 1}'s last final`);
      const shown = await pages[i].locator('.gradium-mic__final').allTextContents();
      assert.deepEqual(shown, mine.slice(-3), `tab ${i + 1} shows its own finals only`);
      for (const t of s.texts.filter((x) => x.topic === keys[i])) assert.equal(t.mic.tab, tabs[i]);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('Space held on the focused button talks; from the flow: toggle mode, a remote stop, the max length, enabled', async () => {
    await state({ reset: true });
    const command = async (msg) => assert.equal((await server.request('POST', '/mic-e2e/command', msg)).status, 200);
    const problems = [];
    const context = await browser.newContext({ viewport: { width: 520, height: 560 } });
    const page = await openPage(context, `${server.url}/dashboard/voice`, problems);
    const tab = await page.evaluate(() => sessionStorage.getItem('gradium-mic-tab'));
    const button = page.locator('.gradium-mic__button');
    const phaseIs = (want, what) => until(async () => (await phaseOf(page)) === want, what, 10000);
    try {
      // The keyboard: Space held on the focused button records, releasing it sends.
      await button.focus();
      await page.keyboard.down('Space');
      await phaseIs('recording', 'recording on Space');
      await page.waitForTimeout(1000);
      await page.keyboard.up('Space');
      await phaseIs('idle', 'idle after Space');

      // Toggle mode, a new label and a short max length, from the flow.
      await command({ ui_update: { mode: 'toggle', maxSeconds: 2, label: 'Talk to the house' } });
      await until(async () => (await button.textContent()) === 'Talk to the house', 'the new label');
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      await button.click();
      await phaseIs('recording', 'recording after a click');
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      assert.equal(await button.textContent(), 'Listening… click to stop');
      await page.waitForTimeout(500);
      await command({ action: 'stop', mic: { tab } }); // a remote stop for this tab
      await phaseIs('idle', 'idle after the remote stop');
      const clicked = Date.now();
      await button.click();
      await phaseIs('recording', 'recording again');
      await phaseIs('idle', 'the max length to end it'); // nobody clicks: maxSeconds 2
      assert.ok(Date.now() - clicked < 6000, 'ended by the 2 s maximum');

      // A remote start for this tab (the page has had a gesture), then a remote stop.
      await command({ action: 'start', mic: { tab } });
      await phaseIs('recording', 'recording after a remote start');
      assert.equal(await button.textContent(), 'Listening…');
      await page.waitForTimeout(500);
      await command({ action: 'stop', mic: { tab } });
      await phaseIs('idle', 'idle after the second remote stop');
      // A remote command for another tab is not for this one.
      await command({ action: 'start', mic: { tab: 'another-tab' } });
      await page.waitForTimeout(500);
      assert.equal(await phaseOf(page), 'idle');

      await command({ enabled: false });
      await until(async () => button.isDisabled(), 'the button disabled');

      const s = await until(async () => {
        const st = await state();
        return st.events.filter((e) => e.payload === 'stop').length === 4 ? st : null;
      }, 'four stop events');
      const stops = s.events.filter((e) => e.payload === 'stop');
      assert.deepEqual(stops.map((e) => e.reason), ['release', 'remote', 'max', 'remote']);
      for (const e of stops) {
        assert.equal(e.samples, e.captured, `${e.reason}: every captured sample forwarded`);
        assert.ok(e.samples > 0, `${e.reason}: some audio`);
      }
      const key = `mic/${tab}`;
      assert.deepEqual(s.audio[key].actions, ['start', 'stop', 'start', 'stop', 'start', 'stop', 'start', 'stop']);
      assert.equal(s.audio[key].samples, stops.reduce((n, e) => n + e.samples, 0));
      assert.ok(Math.abs(stops[2].samples / 16000 - 2) < 0.3, `max length: ${stops[2].samples / 16000} s`);
      assert.deepEqual(problems, []);
    } finally {
      // Dashboard keeps ui_update and enabled for pages that load later: put them back.
      await command({ enabled: true, ui_update: { mode: 'hold', maxSeconds: 30, label: '' } });
      await context.close();
    }
  });

  it(`plain http from a non-localhost name: "Needs HTTPS or localhost", an error event, no audio`, async () => {
    await state({ reset: true });
    const problems = [];
    const context = await browser.newContext({ viewport: { width: 520, height: 560 } });
    const url = `http://${INSECURE_HOST}:${server.port}/dashboard/voice`;
    const page = await openPage(context, url, problems);
    assert.equal(await page.evaluate(() => globalThis.isSecureContext), false);
    const button = page.locator('.gradium-mic__button');
    // Shown at once, before anyone presses.
    await until(async () => (await button.textContent()) === 'Needs HTTPS or localhost', 'the HTTPS message');
    await button.click();
    const s = await until(async () => {
      const st = await state();
      return st.events.length ? st : null;
    }, 'an error event');
    assert.deepEqual(s.events.map((e) => [e.payload, e.error?.code]), [['error', 'insecure']]);
    assert.deepEqual(s.audio, {});
    assert.match(await page.locator('.gradium-mic__hint').textContent(), /https:\/\/ or from localhost/);
    assert.equal(await page.locator('.gradium-mic__hint').getAttribute('role'), 'alert');
    await screenshot(page, 'gradium-mic-https.png');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('microphone permission denied: "Microphone blocked", an error event, no audio', async () => {
    await state({ reset: true });
    // Another Chromium, without the flag that accepts the permission prompt: headless denies it.
    const denying = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
        '--use-fake-device-for-media-stream', '--deny-permission-prompts'],
    });
    try {
      const problems = [];
      const context = await denying.newContext({ viewport: { width: 520, height: 560 } });
      const page = await openPage(context, `${server.url}/dashboard/voice`, problems);
      await page.locator('.gradium-mic__button').hover();
      await page.mouse.down();
      await until(async () => (await phaseOf(page)) === 'error', 'the error state');
      await page.mouse.up();
      assert.equal(await page.locator('.gradium-mic__button').textContent(), 'Microphone blocked');
      assert.match(await page.locator('.gradium-mic__hint').textContent(), /blocked for this site/);
      const s = await until(async () => {
        const st = await state();
        return st.events.length ? st : null;
      }, 'an error event');
      assert.deepEqual(s.events.map((e) => [e.payload, e.error?.code]), [['error', 'blocked']]);
      assert.deepEqual(s.audio, {});
      await screenshot(page, 'gradium-mic-blocked.png');
      assert.deepEqual(problems, []);
    } finally {
      await denying.close();
    }
  });
});
