/**
 * The Home Assistant Assist dialogs as users meet them: a real Node-RED with this package, driven in Debian's
 * Chromium by playwright-core, in English and in German. The wyoming-server dialog warns when `*` lets anyone in
 * and refuses an allow entry the runtime would refuse; gradium-stt and gradium-tts pick the server; the deployed
 * server answers a Wyoming `describe` with both programs. Screenshots for the README (English).
 *
 * Run with `npm run test:browser`. Without Chromium the suite is skipped with a message, except under CI.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator';
import { STT_DEFAULTS, TTS_DEFAULTS, WYOMING_SERVER_DEFAULTS } from '../../src/nodes/node-config';
import { encodeEvent, EventReader, type WyomingEvent } from '../../src/wyoming/framing';
import { REPO_ROOT, startNodeRed, type NodeRedServer } from '../helpers/node-red-server';
import { findChromium, launchChromium, MessageCatalog, PageProblems, runningInCi, type EditorWindow } from './browser-support';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'browser');
const DOC_SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 1480 };
const SCREENSHOTS_FOR_DOCS = !process.env.NODE_RED_PATH;
const LANGUAGES = [
  { locale: 'en-US', catalogDir: 'en-US', docs: SCREENSHOTS_FOR_DOCS },
  { locale: 'de-DE', catalogDir: 'de', docs: false },
];

/** A steady port keeps the README's screenshots the same from run to run; another one if it is taken. */
const SCREENSHOT_PORT = 18767;

function freePort(wanted = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', (err) => (wanted ? freePort(0).then(resolve, reject) : reject(err)));
    s.listen(wanted, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function testFlow(endpoint: string, port: number): unknown[] {
  return [
    { id: 'tab1', type: 'tab', label: 'Wyoming editor test' },
    { id: 'cfg1', type: 'gradium-config', name: '', region: 'custom', endpoint, credentials: { apiKey: 'editor-test-key' } },
    { id: 'wy1', type: 'wyoming-server', ...WYOMING_SERVER_DEFAULTS, host: '127.0.0.1', port, advertise: false },
    { ...STT_DEFAULTS, id: 'stt1', type: 'gradium-stt', z: 'tab1', gradium: 'cfg1', wyoming: 'wy1', x: 200, y: 80, wires: [[], [], []] },
    { ...TTS_DEFAULTS, id: 'tts1', type: 'gradium-tts', z: 'tab1', gradium: 'cfg1', wyoming: 'wy1', x: 200, y: 180, wires: [[], []] },
  ];
}

async function saveScreenshot(page: Page, name: string, lang: string, toDocs: boolean, selector = '.red-ui-tray'): Promise<void> {
  await page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height - 1);
  await page.waitForFunction(() => {
    const w = globalThis as unknown as EditorWindow & { $: (s: string) => { length: number } };
    return w.$(':animated').length === 0 && w.$('.red-ui-popover:visible').length === 0;
  });
  const shot = await page.locator(selector).first().screenshot({ animations: 'disabled' });
  fs.mkdirSync(path.join(ARTIFACTS, lang), { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, lang, `${name}.png`), shot);
  if (toDocs) {
    fs.mkdirSync(DOC_SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(DOC_SCREENSHOTS, `${name}.png`), shot);
  }
}

async function describeOver(port: number): Promise<WyomingEvent> {
  return new Promise((resolve, reject) => {
    const reader = new EventReader();
    const s = net.connect(port, '127.0.0.1', () => s.write(encodeEvent('describe')));
    s.on('data', (b: Buffer) => {
      const info = reader.push(b).find((e) => e.type === 'info');
      if (info) {
        s.destroy();
        resolve(info);
      }
    });
    s.on('error', reject);
  });
}

async function closeTrays(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const open = await page.evaluate(() => !!(globalThis as unknown as EditorWindow).document.querySelector('.red-ui-tray'));
    if (!open) return;
    await page.evaluate(() => {
      const w = globalThis as unknown as { $: (s: string) => { last(): { trigger(e: string): void } } };
      w.$('.red-ui-tray-footer button:contains("Cancel"), #node-dialog-cancel, #node-config-dialog-cancel').last().trigger('click');
    });
    await page.waitForTimeout(300);
  }
}

describe('Home Assistant Assist dialogs in a real browser (Chromium)', function () {
  this.timeout(180000);
  let emulator: Emulator | undefined;
  let server: NodeRedServer | undefined;
  let browser: Browser | undefined;
  let port = 0;

  before(async function () {
    const executable = findChromium();
    if (!executable) {
      if (runningInCi()) throw new Error('Chromium is not installed (apt-get install -y chromium); CI requires the browser tests.');
      console.log('    SKIPPED: no Chromium found (install Debian\'s "chromium" or set CHROMIUM_PATH); browser tests not run.');
      this.skip();
    }
    emulator = await startEmulator({ port: 0 });
    port = await freePort(SCREENSHOT_PORT);
    server = await startNodeRed({ settings: { editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } } } });
    await server.deploy(testFlow(emulator.url, port));
    browser = await launchChromium(executable as string);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await emulator?.close();
  });

  it('the deployed server answers describe with the speech-to-text and text-to-speech programs', async () => {
    const info = await describeOver(port);
    const asr = info.data.asr as { name: string }[];
    const tts = info.data.tts as { name: string }[];
    assert.equal(asr[0]?.name, 'Gradium (Node-RED)');
    assert.equal(tts[0]?.name, 'Gradium (Node-RED)');
  });

  for (const lang of LANGUAGES) {
    describe(`in ${lang.locale}`, () => {
      let context: BrowserContext;
      let page: Page;
      let problems: PageProblems;
      const wy = new MessageCatalog(lang.catalogDir, 'wyoming-server');
      const stt = new MessageCatalog(lang.catalogDir, 'gradium-stt');
      const tts = new MessageCatalog(lang.catalogDir, 'gradium-tts');

      before(async () => {
        context = await browser!.newContext({ locale: lang.locale, viewport: VIEWPORT });
        page = await context.newPage();
        page.setDefaultTimeout(20000);
        problems = new PageProblems(page, server!.url);
        await page.goto(server!.url + '/');
        await page.waitForFunction(() => {
          const w = globalThis as unknown as Partial<EditorWindow>;
          return !!(w.RED?.nodes?.getType('wyoming-server') && w.RED.nodes.node('wy1') && w.RED.nodes.node('stt1'));
        });
      });

      after(async () => {
        await context?.close();
      });

      afterEach(async function () {
        await closeTrays(page);
        assert.deepEqual(problems.problems, [], `errors in the page during "${this.currentTest?.title}"`);
      });

      it('wyoming-server: translated, warns for "*" (anyone), refuses an entry the runtime refuses', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as { RED: { editor: { editConfig(a: string, t: string, id: string): void } } };
          w.RED.editor.editConfig('', 'wyoming-server', 'wy1');
        });
        const allow = page.locator('#node-config-input-allow');
        await allow.waitFor({ state: 'visible' });
        assert.equal((await page.locator('label[for="node-config-input-allow"] span').textContent())?.trim(), wy.get('wyoming-server.label.allow'));
        const warning = page.locator('#wyoming-server-anyone');
        assert.equal(await warning.isVisible(), false);
        // The status line of the deployed server, from the runtime.
        await page.waitForSelector('#wyoming-server-status[data-state="listening"]');
        assert.equal(
          (await page.locator('#wyoming-server-status').textContent())?.trim(),
          wy.get('wyoming-server.status.listening', { port, connections: 0, notAllowed: 0, full: 0 }),
        );
        // The README shows a new node's values (the deployed test server listens on loopback, another port).
        await page.locator('#node-config-input-host').fill(String(WYOMING_SERVER_DEFAULTS.host));
        await page.locator('#node-config-input-port').fill(String(WYOMING_SERVER_DEFAULTS.port));
        await page.locator('#node-config-input-advertise').check();
        await saveScreenshot(page, 'wyoming-server', lang.locale, lang.docs);
        await allow.fill('*');
        await allow.dispatchEvent('keyup');
        await warning.waitFor({ state: 'visible' });
        assert.equal((await warning.textContent())?.trim(), wy.get('wyoming-server.tip.anyone'));
        await saveScreenshot(page, 'wyoming-server-anyone', lang.locale, false);
        await allow.fill('192.168.1.0/33');
        await allow.dispatchEvent('change');
        await page.waitForSelector('#node-config-input-allow.input-error');
        await allow.fill('192.168.1.0/24, private');
        await allow.dispatchEvent('change');
        await page.waitForSelector('#node-config-input-allow:not(.input-error)');
        await warning.waitFor({ state: 'hidden' });
      });

      it('gradium-stt: the Home Assistant Assist fields on the Connection tab name the server and the end of command', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.RED.editor.edit(w.RED.nodes.node('stt1')!);
        });
        const select = page.locator('#node-input-wyomingEndOfCommand');
        await select.waitFor({ state: 'visible' });
        assert.equal(await select.inputValue(), 'home-assistant');
        const options = await select.locator('option').evaluateAll((os) => os.map((o) => (o.textContent ?? '').trim()));
        assert.deepEqual(options, [stt.get('gradium-stt.option.wyomingEndOfCommand.home-assistant'), stt.get('gradium-stt.option.wyomingEndOfCommand.gradium')]);
        assert.equal(await page.locator('#node-input-wyoming').inputValue(), 'wy1');
        await saveScreenshot(page, 'gradium-stt-wyoming', lang.locale, lang.docs);
      });

      it('gradium-tts: the Wyoming server field names the server', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.RED.editor.edit(w.RED.nodes.node('tts1')!);
        });
        const field = page.locator('#node-input-wyoming');
        await field.waitFor({ state: 'attached' });
        await page.locator('label[for="node-input-wyoming"]').waitFor({ state: 'visible' });
        assert.equal((await page.locator('label[for="node-input-wyoming"] span').textContent())?.trim(), tts.get('gradium-tts.label.wyoming'));
        assert.equal(await field.inputValue(), 'wy1');
        await page.locator('#gradium-tts-section-wyoming').scrollIntoViewIfNeeded();
        await saveScreenshot(page, 'gradium-tts-wyoming', lang.locale, lang.docs, '#gradium-tts-section-wyoming');
      });
    });
  }
});
