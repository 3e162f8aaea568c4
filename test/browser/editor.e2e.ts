/**
 * The editor as users meet it: a real Node-RED with this package, driven in Debian's Chromium by
 * playwright-core, in English and in German (the browser's language picks the editor's language, as it
 * does for users: Node-RED reads navigator.language unless the user chose one in Settings).
 *
 * Run with `npm run test:browser`. Not part of `npm test`: it needs Chromium. Without Chromium the suite is
 * skipped with a message, except under CI, where that is a failure.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator';
import { STT_DEFAULTS } from '../../src/nodes/node-config';
import { STT_SPEC } from '../../src/settings/stt-spec';
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
const VIEWPORT = { width: 1280, height: 860 };
const SCREENSHOT_EMULATOR_PORT = 18765;

/** The README's screenshots come from the dev dependency's Node-RED, so other versions' runs leave them be. */
const SCREENSHOTS_FOR_DOCS = !process.env.NODE_RED_PATH;

/** Browser locale → the catalog directory Node-RED serves for it. */
const LANGUAGES = [
  { locale: 'en-US', catalogDir: 'en-US', docs: SCREENSHOTS_FOR_DOCS },
  { locale: 'de-DE', catalogDir: 'de', docs: false },
];

function testFlow(endpoint: string): unknown[] {
  const stt = { ...STT_DEFAULTS, type: 'gradium-stt', z: 'tab1' };
  return [
    { id: 'tab1', type: 'tab', label: 'Editor test' },
    // The emulator accepts any non-empty key; the node requires one.
    { id: 'cfg1', type: 'gradium-config', name: '', region: 'custom', endpoint, credentials: { apiKey: 'editor-test-key' } },
    {
      id: 'inject1', type: 'inject', z: 'tab1', name: 'speak', props: [], repeat: '', once: false, topic: '',
      x: 110, y: 80, wires: [['file1']],
    },
    {
      id: 'file1', type: 'file in', z: 'tab1', name: 'hello.wav', filename: path.join(REPO_ROOT, 'samples', 'hello.wav'),
      filenameType: 'str', format: '', chunk: false, sendError: false, encoding: 'none', allProps: false,
      x: 270, y: 80, wires: [['topic1']],
    },
    {
      id: 'topic1', type: 'change', z: 'tab1', name: 'topic = kitchen',
      rules: [{ t: 'set', p: 'topic', pt: 'msg', to: 'kitchen', tot: 'str' }], x: 450, y: 80, wires: [['stt1']],
    },
    { ...stt, id: 'stt1', gradium: 'cfg1', x: 640, y: 80, wires: [[], [], []] },
    { ...stt, id: 'stt2', gradium: '', name: '', x: 640, y: 180, wires: [[], [], []] },
  ];
}

/**
 * Node-RED's tab bar takes a second click within 400 ms (on any tab) as a double-click and ignores it, so a
 * click that did not switch the tab is repeated once the panel has had time to show.
 */
async function selectTab(page: Page, tab: string): Promise<void> {
  const panel = page.locator(`#gradium-stt-tab-${tab}`);
  for (let attempt = 1; ; attempt++) {
    try {
      await page.locator(`#red-ui-tab-gradium-stt-tab-${tab} a`).click({ timeout: 5000 });
      await panel.waitFor({ state: 'visible', timeout: 1000 });
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

async function saveScreenshot(page: Page, selector: string, name: string, lang: string, toDocs: boolean): Promise<void> {
  // No hover effect or tooltip from the last click, so the same dialog gives the same picture.
  await page.mouse.move(VIEWPORT.width - 1, VIEWPORT.height - 1);
  await page.waitForFunction(() => {
    const w = globalThis as unknown as EditorWindow & { $: (s: string) => { length: number } };
    // jQuery animations (the tab bar scrolling to the chosen tab) done, tooltips gone
    return w.$(':animated').length === 0 && w.$('.red-ui-popover:visible').length === 0;
  });
  const shot = await page.locator(selector).screenshot({ animations: 'disabled' });
  fs.mkdirSync(path.join(ARTIFACTS, lang), { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, lang, `${name}.png`), shot);
  await page.screenshot({ path: path.join(ARTIFACTS, lang, `${name}-page.png`) });
  if (toDocs) {
    fs.mkdirSync(DOC_SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(DOC_SCREENSHOTS, `${name}.png`), shot);
  }
}

/** Every data-i18n text of this node type inside `scope`, compared with the catalog. */
async function checkTranslatedTexts(page: Page, scope: string, catalog: MessageCatalog): Promise<number> {
  const found = await page.evaluate(
    ({ scope, type }) => {
      const w = globalThis as unknown as EditorWindow;
      const out: { i18n: string; text: string; attrs: Record<string, string | null> }[] = [];
      const elements = w.document.querySelectorAll(`${scope} [data-i18n]`);
      for (let i = 0; i < elements.length; i++) {
        const el = elements[i]!;
        const i18n = el.getAttribute('data-i18n') ?? '';
        // The editor prefixes a node's own keys with its catalog's namespace ("module/set:key").
        if (!i18n.split(';').some((p) => p.replace(/^\[\w+\]/, '').replace(/^[^:]*:/, '').startsWith(type + '.'))) {
          continue;
        }
        out.push({
          i18n,
          text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
          attrs: { placeholder: el.getAttribute('placeholder'), title: el.getAttribute('title') },
        });
      }
      return out;
    },
    { scope, type: catalog.type },
  );
  const problems: string[] = [];
  let checked = 0;
  for (const item of found) {
    for (const { attr, key: fullKey } of parseI18nAttribute(item.i18n)) {
      const [namespace, key] = fullKey.includes(':') ? (fullKey.split(':', 2) as [string, string]) : ['', fullKey];
      if (!key.startsWith(catalog.type + '.')) continue;
      if (namespace && namespace !== `node-red-contrib-gradium/${catalog.type}`) {
        problems.push(`"${fullKey}" is looked up in another catalog`);
        continue;
      }
      const expected = catalog.find(key);
      if (expected === undefined) {
        problems.push(`${catalog.lang}/${catalog.type}.json lacks "${key}"`);
        continue;
      }
      const plain = expected.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
      const shown = attr === '' || attr === 'html' ? item.text : (item.attrs[attr] ?? '');
      if (shown !== plain) problems.push(`"${key}" shows ${JSON.stringify(shown)}, catalog says ${JSON.stringify(plain)}`);
      checked++;
    }
  }
  assert.deepEqual(problems, [], `texts in ${scope} that do not match ${catalog.lang}/${catalog.type}.json`);
  return checked;
}

describe('editor in a real browser (Chromium)', function () {
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
    // A steady port keeps the URL in the README's screenshots the same from run to run.
    const script = ['turn on the kitchen lights'];
    emulator = await startEmulator({ port: SCREENSHOT_EMULATOR_PORT, script }).catch(() => startEmulator({ port: 0, script }));
    server = await startNodeRed({
      settings: {
        // No catalogue: the machine is offline, and the palette manager is not what is tested here.
        editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
      },
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
      const stt = new MessageCatalog(lang.catalogDir, 'gradium-stt');
      const config = new MessageCatalog(lang.catalogDir, 'gradium-config');

      before(async () => {
        context = await browser!.newContext({ locale: lang.locale, viewport: VIEWPORT });
        page = await context.newPage();
        page.setDefaultTimeout(20000);
        problems = new PageProblems(page, server!.url);
        await page.goto(server!.url + '/');
        await page.waitForFunction(() => {
          const w = globalThis as unknown as Partial<EditorWindow>;
          return !!(w.RED?.nodes?.getType('gradium-stt') && w.RED.nodes.node('stt1') && w.RED.nodes.node('stt2'));
        });
        assert.equal(await page.evaluate(() => (globalThis as unknown as EditorWindow).navigator.language), lang.locale);
      });

      after(async () => {
        await context?.close();
      });

      afterEach(async function () {
        // A failed step may leave dialogs open; close them so the next step starts from the canvas.
        await page.evaluate(() => {
          const w = globalThis as unknown as { $: (s: string) => { trigger(e: string): void } };
          w.$('#node-config-dialog-cancel').trigger('click');
          w.$('#node-dialog-cancel').trigger('click');
        });
        await page.waitForFunction(() => !(globalThis as unknown as EditorWindow).document.querySelector('.red-ui-tray'));
        // Every step must leave the page free of errors.
        assert.deepEqual(problems.problems, [], `errors in the page during "${this.currentTest?.title}"`);
      });

      it('shows gradium stt in the palette with its icon and translated label', async () => {
        const paletteNode = page.locator('.red-ui-palette-node[data-palette-type="gradium-stt"]');
        await paletteNode.waitFor({ state: 'visible' });
        assert.equal((await paletteNode.getAttribute('data-palette-label'))?.trim(), stt.get('gradium-stt.paletteLabel'));
        const icon = await paletteNode.locator('.red-ui-palette-icon-container').getAttribute('data-palette-icon');
        assert.equal(icon, 'icons/node-red-contrib-gradium/gradium-stt.svg');
        for (const type of ['gradium-stt', 'gradium-config']) {
          const res = await page.request.get(`${server!.url}/icons/node-red-contrib-gradium/${type}.svg`);
          assert.equal(res.status(), 200, `${type}.svg is served`);
          assert.match(res.headers()['content-type'] ?? '', /svg/);
          assert.match(await res.text(), /<svg[\s>]/);
        }
      });

      it('lists the account config node in the Configuration nodes sidebar', async () => {
        await page.evaluate(() => (globalThis as unknown as { RED: { sidebar: { config: { show(): void } } } }).RED.sidebar.config.show());
        const expected = config.get('gradium-config.label.default', { region: '127.0.0.1:' + emulator!.port });
        const entry = page.locator('.red-ui-palette-node-config .red-ui-palette-label', { hasText: expected });
        await entry.waitFor({ state: 'visible' });
        assert.equal((await entry.textContent())?.trim(), expected);
      });

      it('flags the node that has no account configured, and only that one', async () => {
        const result = await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          const out: Record<string, { valid?: boolean; errors?: string[]; triangle: boolean }> = {};
          for (const id of ['stt1', 'stt2']) {
            const n = w.RED.nodes.node(id)!;
            w.RED.editor.validateNode(n);
            const mark = w.document.querySelector(`[id="${id}"] .red-ui-flow-node-error`);
            out[id] = { valid: n.valid, errors: n.validationErrors, triangle: !!mark && !mark.classList.contains('hide') };
          }
          return out;
        });
        const stt1 = result.stt1!;
        const stt2 = result.stt2!;
        assert.equal(stt1.valid, true, `stt1 errors: ${JSON.stringify(stt1.errors)}`);
        assert.equal(stt1.triangle, false);
        assert.equal(stt2.valid, false);
        assert.equal(stt2.triangle, true, 'the canvas shows the warning triangle');
        assert.equal(stt2.errors?.length, 1, JSON.stringify(stt2.errors));
        assert.ok(
          stt2.errors![0]!.startsWith(stt.get('gradium-stt.label.gradium') + ':'),
          `message names the Gradium property in ${lang.locale}: ${stt2.errors![0]}`,
        );
      });

      it('gives validation messages in the editor language', async () => {
        const errors = await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          const copy = { ...w.RED.nodes.node('stt1')!, sampleRate: 'fast', jsonConfig: '[1]', vadThreshold: '2' };
          w.RED.editor.validateNode(copy);
          return copy.validationErrors ?? [];
        });
        const expected = [
          stt.get('gradium-stt.validation.integerRange', { min: STT_SPEC.sampleRate.min, max: STT_SPEC.sampleRate.max }),
          stt.get('gradium-stt.validation.jsonObject'),
          stt.get('gradium-stt.validation.numberRange', { min: STT_SPEC.vadThreshold.min, max: STT_SPEC.vadThreshold.max }),
        ];
        for (const message of expected) {
          assert.ok(errors.some((e) => e.includes(message)), `"${message}" among ${JSON.stringify(errors)}`);
        }
      });

      it('opens the gradium stt dialog with every tab, text and tip translated', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.RED.editor.edit(w.RED.nodes.node('stt1')!);
        });
        await page.locator('#gradium-stt-tabs li.red-ui-tab').first().waitFor({ state: 'visible' });
        const tabs = (await page.locator('#gradium-stt-tabs li.red-ui-tab').evaluateAll((items) =>
          items.map((li) => li.id.replace('red-ui-tab-gradium-stt-tab-', '')),
        )) as string[];
        assert.ok(tabs.length >= 3 && tabs.includes('connection'), `tabs: ${tabs.join(', ')}`);
        const tray = '.red-ui-tray';
        let checked = 0;
        for (const tab of tabs) {
          await selectTab(page, tab);
          assert.equal(
            (await page.locator(`#red-ui-tab-gradium-stt-tab-${tab} .red-ui-tab-label`).textContent())?.trim(),
            stt.get(`gradium-stt.tabs.${tab}`),
          );
          await saveScreenshot(page, tray, `gradium-stt-${tab}`, lang.locale, lang.docs);
        }
        checked += await checkTranslatedTexts(page, tray, stt);
        assert.ok(checked > 20, `only ${checked} translated texts found in the dialog`);

        // A bad value is marked on its field, and the tab that holds it is marked too.
        await selectTab(page, 'audio');
        await page.locator('#node-input-sampleRate').fill('fast');
        await page.locator('#node-input-sampleRate').dispatchEvent('change');
        await page.waitForSelector('#node-input-sampleRate.input-error');
        await selectTab(page, 'connection');
        await page.waitForSelector('#red-ui-tab-gradium-stt-tab-audio .gradium-stt-tab-error');
        await page.locator('#node-dialog-cancel').click();
        await page.locator('#gradium-stt-tabs').waitFor({ state: 'detached' });
      });

      it('opens the account dialog; the URL field appears only for a custom region', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.RED.editor.edit(w.RED.nodes.node('stt1')!);
        });
        await page.locator('#gradium-stt-tabs').waitFor({ state: 'visible' });
        await selectTab(page, 'connection');
        await page.locator('#node-input-btn-gradium-edit, #node-input-lookup-gradium').first().click();
        const region = page.locator('#node-config-input-region');
        await region.waitFor({ state: 'visible' });
        const endpointRow = page.locator('#gradium-config-row-endpoint');
        const endpoint = page.locator('#node-config-input-endpoint');

        assert.equal(await region.inputValue(), 'custom');
        await endpointRow.waitFor({ state: 'visible' });
        assert.equal(await endpoint.inputValue(), emulator!.url);
        await checkTranslatedTexts(page, '.red-ui-tray', config);
        await saveScreenshot(page, '.red-ui-tray', 'gradium-config', lang.locale, lang.docs);

        await endpoint.fill('http://example.com/asr');
        await endpoint.dispatchEvent('change');
        await page.waitForSelector('#node-config-input-endpoint.input-error');
        await saveScreenshot(page, '.red-ui-tray', 'gradium-config-invalid-url', lang.locale, false);

        for (const other of ['global', 'eu', 'us']) {
          await region.selectOption(other);
          await endpointRow.waitFor({ state: 'hidden' });
          // The URL no longer matters, so it is no longer an error.
          await page.waitForSelector('#node-config-input-endpoint:not(.input-error)', { state: 'attached' });
        }
        await region.selectOption('custom');
        await endpointRow.waitFor({ state: 'visible' });
        await page.waitForSelector('#node-config-input-endpoint.input-error');

        // The key field is a password field and shows nothing of a key.
        assert.equal(await page.locator('#node-config-input-apiKey').getAttribute('type'), 'password');

        await page.locator('#node-config-dialog-cancel').click();
        await region.waitFor({ state: 'detached' });
        await page.locator('#node-dialog-cancel').click();
        await page.locator('#gradium-stt-tabs').waitFor({ state: 'detached' });
      });

      it('turns the status green when the deployed flow streams speech to the emulator', async () => {
        await page.evaluate(() => {
          const w = globalThis as unknown as EditorWindow;
          w.gradiumTestStatuses = [];
          w.RED.comms.subscribe('status/#', (topic, data) => {
            w.gradiumTestStatuses!.push({ id: topic.split('/')[1] ?? '', status: data as { fill?: string; text?: string } });
          });
        });
        // Press the inject node's button on the canvas, as a user would.
        await page.locator('[id="inject1"] .red-ui-flow-node-button').click();
        const green = await page.waitForFunction(
          () => {
            const w = globalThis as unknown as EditorWindow;
            return (w.gradiumTestStatuses ?? []).find((s) => s.id === 'stt1' && s.status.fill === 'green') ?? false;
          },
          undefined,
          { timeout: 60000 },
        );
        const status = (await green.jsonValue()) as { id: string; status: { fill?: string; text?: string } };
        assert.ok(status.status.text, 'the green status has a text');
        // What the canvas shows for it: translated, not a raw message key.
        const shown = await page.evaluate((text) => (globalThis as unknown as EditorWindow).RED._(text), status.status.text!);
        assert.doesNotMatch(shown, /^[\w-]+(\/[\w-]+)?:[\w.-]+$/, `status text "${shown}" looks like an untranslated key`);
        await page.screenshot({ path: path.join(ARTIFACTS, lang.locale, 'flow-status.png') });
      });
    });
  }
});
