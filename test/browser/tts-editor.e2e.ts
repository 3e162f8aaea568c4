/**
 * The gradium-tts dialog as users meet it: a real Node-RED with this package, driven in Debian's Chromium by
 * playwright-core, in English and in German. The voice list comes from the emulator through the config
 * node's key (the admin route), the format decides which fields show, a bad combination is marked, and the
 * deployed node speaks when its inject is pressed.
 *
 * Run with `npm run test:browser`. Without Chromium the suite is skipped with a message, except under CI.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CATALOG_VOICES, startEmulator, type Emulator } from '../../src/emulator';
import { TTS_DEFAULTS } from '../../src/nodes/node-config';
import { REPO_ROOT, startNodeRed, type NodeRedServer } from '../helpers/node-red-server';
import {
  findChromium,
  launchChromium,
  MessageCatalog,
  PageProblems,
  parseI18nAttribute,
  runningInCi,
  type EditorWindow,
} from './browser-support';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'browser');
const DOC_SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 1480 };
/** A steady port keeps the README's screenshot the same from run to run. */
const SCREENSHOT_EMULATOR_PORT = 18766;
const SCREENSHOTS_FOR_DOCS = !process.env.NODE_RED_PATH;

const LANGUAGES = [
  { locale: 'en-US', catalogDir: 'en-US', docs: SCREENSHOTS_FOR_DOCS },
  { locale: 'de-DE', catalogDir: 'de', docs: false },
];

function testFlow(endpoint: string): unknown[] {
  const tts = { ...TTS_DEFAULTS, type: 'gradium-tts', z: 'tab1' };
  return [
    { id: 'tab1', type: 'tab', label: 'TTS editor test' },
    { id: 'cfg1', type: 'gradium-config', name: '', region: 'custom', endpoint, credentials: { apiKey: 'editor-test-key' } },
    {
      id: 'inject1', type: 'inject', z: 'tab1', name: 'say', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat: '',
      once: false, topic: 'kitchen', payload: 'The kitchen light is on.', payloadType: 'str', x: 110, y: 80, wires: [['tts1']],
    },
    { ...tts, id: 'tts1', gradium: 'cfg1', x: 320, y: 80, wires: [[], []] },
    { ...tts, id: 'tts2', gradium: '', x: 320, y: 180, wires: [[], []] },
  ];
}

async function saveScreenshot(page: Page, selector: string, name: string, lang: string, toDocs: boolean): Promise<void> {
  await page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height - 1);
  await page.waitForFunction(() => {
    const w = globalThis as unknown as EditorWindow & { $: (s: string) => { length: number } };
    return w.$(':animated').length === 0 && w.$('.red-ui-popover:visible').length === 0;
  });
  const shot = await page.locator(selector).screenshot({ animations: 'disabled' });
  fs.mkdirSync(path.join(ARTIFACTS, lang), { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, lang, `${name}.png`), shot);
  if (toDocs) {
    fs.mkdirSync(DOC_SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(DOC_SCREENSHOTS, `${name}.png`), shot);
  }
}

/** Every data-i18n text of gradium-tts inside `scope` against the catalog; returns how many were checked. */
async function checkTranslatedTexts(page: Page, scope: string, catalog: MessageCatalog): Promise<number> {
  const found = await page.evaluate((scope) => {
    const w = globalThis as unknown as EditorWindow;
    const out: { i18n: string; text: string; attrs: Record<string, string | null> }[] = [];
    const elements = w.document.querySelectorAll(`${scope} [data-i18n]`);
    for (let i = 0; i < elements.length; i++) {
      const el = elements[i]!;
      out.push({
        i18n: el.getAttribute('data-i18n') ?? '',
        text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
        attrs: { placeholder: el.getAttribute('placeholder'), title: el.getAttribute('title') },
      });
    }
    return out;
  }, scope);
  const problems: string[] = [];
  let checked = 0;
  for (const item of found) {
    for (const { attr, key: fullKey } of parseI18nAttribute(item.i18n)) {
      const key = fullKey.replace(/^[^:]*:/, '');
      if (!key.startsWith('gradium-tts.')) continue;
      const expected = catalog.find(key);
      if (expected === undefined) {
        problems.push(`${catalog.lang}/gradium-tts.json lacks "${key}"`);
        continue;
      }
      const shown = attr === '' || attr === 'html' ? item.text : (item.attrs[attr] ?? '');
      if (shown !== expected.replace(/\s+/g, ' ').trim()) problems.push(`"${key}" shows ${JSON.stringify(shown)}, catalog says ${JSON.stringify(expected)}`);
      checked++;
    }
  }
  assert.deepEqual(problems, []);
  return checked;
}

describe('gradium-tts editor in a real browser (Chromium)', function () {
  this.timeout(180000);
  let emulator: Emulator | undefined;
  let server: NodeRedServer | undefined;
  let browser: Browser | undefined;

  before(async function () {
    const executable = findChromium();
    if (!executable) {
      if (runningInCi()) throw new Error('Chromium is not installed (apt-get install -y chromium); CI requires the browser tests.');
      console.log('    SKIPPED: no Chromium found (install Debian\'s "chromium" or set CHROMIUM_PATH); browser tests not run.');
      this.skip();
    }
    emulator = await startEmulator({ port: SCREENSHOT_EMULATOR_PORT }).catch(() => startEmulator({ port: 0 }));
    server = await startNodeRed({
      settings: { editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } } },
    });
    await server.deploy(testFlow(emulator.url));
    browser = await launchChromium(executable as string);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await emulator?.close();
  });

  for (const lang of LANGUAGES) {
    describe(`in ${lang.locale}`, () => {
      let context: BrowserContext;
      let page: Page;
      let problems: PageProblems;
      const tts = new MessageCatalog(lang.catalogDir, 'gradium-tts');

      before(async () => {
        context = await browser!.newContext({ locale: lang.locale, viewport: VIEWPORT });
        page = await context.newPage();
        page.setDefaultTimeout(20000);
        problems = new PageProblems(page, server!.url);
        await page.goto(server!.url + '/');
        await page.waitForFunction(() => {
          const w = globalThis as unknown as Partial<EditorWindow>;
          return !!(w.RED?.nodes?.getType('gradium-tts') && w.RED.nodes.node('tts1') && w.RED.nodes.node('tts2'));
        });
      });

      after(async () => {
        await context?.close();
      });

      afterEach(async function () {
        await page.evaluate(() => {
          const w = globalThis as unknown as { $: (s: string) => { trigger(e: string): void } };
          w.$('#node-dialog-cancel').trigger('click');
        });
        await page.waitForFunction(() => !(globalThis as unknown as EditorWindow).document.querySelector('.red-ui-tray'));
        assert.deepEqual(problems.problems, [], `errors in the page during "${this.currentTest?.title}"`);
      });

      it('shows gradium tts in the palette with its icon and translated label', async () => {
        const paletteNode = page.locator('.red-ui-palette-node[data-palette-type="gradium-tts"]');
        await paletteNode.waitFor({ state: 'visible' });
        assert.equal((await paletteNode.getAttribute('data-palette-label'))?.trim(), tts.get('gradium-tts.paletteLabel'));
        const icon = await paletteNode.locator('.red-ui-palette-icon-container').getAttribute('data-palette-icon');
        assert.equal(icon, 'icons/node-red-contrib-gradium/gradium-tts.svg');
        const res = await page.request.get(`${server!.url}/icons/node-red-contrib-gradium/gradium-tts.svg`);
        assert.equal(res.status(), 200);
      });

      it('flags the node without an account, naming the property in the editor language', async () => {
        const result = await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          const n = w.RED.nodes.node('tts2')!;
          w.RED.editor.validateNode(n);
          return { valid: n.valid, errors: n.validationErrors };
        });
        assert.equal(result.valid, false);
        assert.equal(result.errors?.length, 1, JSON.stringify(result.errors));
        assert.ok(result.errors![0]!.startsWith(tts.get('gradium-tts.label.gradium') + ':'), result.errors![0]);
      });

      it('opens the dialog translated, lists the voices through the account, and picking one fills the voice id', async () => {
        // Every read of the voice list this dialog makes (the editor fires a config change after opening it).
        let reads = 0;
        const countRead = (r: { url(): string; method(): string }): void => {
          if (r.method() === 'POST' && r.url().endsWith('/gradium/voices')) reads++;
        };
        page.on('request', countRead);
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.RED.editor.edit(w.RED.nodes.node('tts1')!);
        });
        const note = page.locator('#gradium-tts-voice-note');
        await page.waitForSelector('#gradium-tts-voice-note[data-result="ok"]');
        assert.equal((await note.textContent())?.trim(), tts.get('gradium-tts.voices.loaded', { count: CATALOG_VOICES.length }));
        const options = await page.locator('#gradium-tts-voice-list option').evaluateAll((os) =>
          os.map((o) => (o as unknown as { value: string }).value),
        );
        for (const v of CATALOG_VOICES) assert.ok(options.includes(v.uid), `${v.uid} listed`);
        const groups = await page.locator('#gradium-tts-voice-list optgroup').evaluateAll((gs) => gs.map((g) => g.getAttribute('label')));
        assert.ok(groups.includes(tts.get('gradium-tts.voices.group.de')), JSON.stringify(groups));
        // The saved voice is selected in the list.
        assert.equal(await page.locator('#gradium-tts-voice-list').inputValue(), TTS_DEFAULTS.voice);
        assert.ok((await checkTranslatedTexts(page, '.red-ui-tray', tts)) > 15);
        await saveScreenshot(page, '.red-ui-tray', 'gradium-tts', lang.locale, lang.docs);

        await page.locator('#gradium-tts-voice-list').selectOption('4rdlkbxRv4m3UQTW');
        assert.equal(await page.locator('#node-input-voice').inputValue(), '4rdlkbxRv4m3UQTW');
        // A typed id the list does not know is kept as it is.
        await page.locator('#node-input-voice').fill('my-own-clone-01');
        await page.locator('#node-input-voice').dispatchEvent('keyup');
        assert.equal(await page.locator('#gradium-tts-voice-list').inputValue(), '');
        assert.equal(await page.locator('#node-input-voice').inputValue(), 'my-own-clone-01');
        // Read once: the config select settling on the same account asks nothing again, and the list shown stays.
        page.off('request', countRead);
        assert.equal(reads, 1);
        assert.equal(await note.getAttribute('data-result'), 'ok');
        await page.locator('#node-dialog-cancel').click();
      });

      it('the format decides what shows: G.711 hides the sample rate; WAV cannot stream', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.RED.editor.edit(w.RED.nodes.node('tts1')!);
        });
        const rateRow = page.locator('#gradium-tts-row-sampleRate');
        await rateRow.waitFor({ state: 'visible' });
        await page.locator('#node-input-format').selectOption('ulaw');
        await rateRow.waitFor({ state: 'hidden' });
        assert.equal((await page.locator('#gradium-tts-fixed-rate').textContent())?.trim(), tts.get('gradium-tts.tip.fixedRate', { rate: 8000 }));
        await page.locator('#node-input-format').selectOption('wav');
        await rateRow.waitFor({ state: 'visible' });
        await page.locator('#node-input-delivery').selectOption('stream');
        await page.waitForSelector('#node-input-delivery.input-error');
        await page.locator('#node-input-format').selectOption('pcm');
        await page.waitForSelector('#node-input-delivery:not(.input-error)');
        await page.locator('#node-dialog-cancel').click();
      });

      it('a phone call: delivery media-stream shows the provider and moves a format no provider plays to μ-law', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.RED.editor.edit(w.RED.nodes.node('tts1')!);
        });
        const dialectRow = page.locator('#gradium-tts-row-dialect');
        await page.locator('#node-input-format').waitFor({ state: 'visible' });
        await dialectRow.waitFor({ state: 'hidden' });
        await page.locator('#node-input-format').selectOption('wav');
        await page.locator('#node-input-delivery').selectOption('media-stream');
        await dialectRow.waitFor({ state: 'visible' });
        assert.equal(await page.locator('#node-input-format').inputValue(), 'ulaw');
        assert.equal(await page.locator('#node-input-dialect').inputValue(), 'twilio');
        await page.waitForSelector('#node-input-delivery:not(.input-error)');
        await page.locator('#node-input-delivery').selectOption('file');
        await dialectRow.waitFor({ state: 'hidden' });
        await page.locator('#node-dialog-cancel').click();
      });

      it('speaks when the inject is pressed: the status turns green with a translated text', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.gradiumTestStatuses = [];
          w.RED.comms.subscribe('status/#', (topic, data) => {
            w.gradiumTestStatuses!.push({ id: topic.split('/')[1]!, status: data as { fill?: string; text?: string } });
          });
        });
        const before = emulator!.ttsSessions.length;
        await page.locator('[id="inject1"] .red-ui-flow-node-button').click();
        const green = await page.waitForFunction(
          () => (globalThis as unknown as EditorWindow).gradiumTestStatuses?.find((s) => s.id === 'tts1' && s.status.fill === 'green') ?? false,
          undefined,
          { timeout: 30000 },
        );
        const status = (await green.jsonValue()) as { status: { text?: string } };
        const shown = await page.evaluate((text) => (globalThis as unknown as EditorWindow).RED._(text), status.status.text!);
        assert.doesNotMatch(shown, /^[\w-]+(\/[\w-]+)?:[\w.-]+$/, `status "${shown}" looks like an untranslated key`);
        assert.ok(emulator!.ttsSessions.length > before, 'the emulator was asked to speak');
        assert.equal(emulator!.ttsSessions.at(-1)!.text, 'The kitchen light is on.');
      });
    });
  }
});
