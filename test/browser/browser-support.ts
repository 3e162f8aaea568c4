/**
 * What the editor tests need around Playwright: finding Debian's Chromium, a page that records errors,
 * the message catalogs (to compare what the editor shows with what the catalogs say), and the few editor
 * globals the tests call, typed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/node-red-server';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
}

/** CI=true (or any non-empty value but "false"/"0") means a missing browser is a failure, not a skip. */
export function runningInCi(): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * Page errors and console errors. The machine has no network, so a request to another host failing is
 * expected and ignored; anything from the editor itself counts.
 */
export class PageProblems {
  readonly problems: string[] = [];
  private readonly externalFailures = new Set<string>();

  constructor(page: Page, localOrigin: string) {
    page.on('pageerror', (err) => this.problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => {
      if (!req.url().startsWith(localOrigin)) this.externalFailures.add(req.failure()?.errorText ?? '');
    });
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      const external = /^Failed to load resource: (net::\S+)/.exec(text);
      if (external && this.externalFailures.has(external[1]!)) return;
      this.problems.push(`console error: ${text}`);
    });
  }
}

type Catalog = Record<string, unknown>;

/** One node set's message catalog in one language, as shipped in nodes/locales/<lang>/<type>.json. */
export class MessageCatalog {
  private readonly data: Catalog;

  constructor(
    readonly lang: string,
    readonly type: string,
  ) {
    const file = path.join(REPO_ROOT, 'nodes', 'locales', lang, `${type}.json`);
    this.data = JSON.parse(fs.readFileSync(file, 'utf8')) as Catalog;
  }

  /** The message for a dotted key, or undefined when the catalog lacks it. */
  find(key: string): string | undefined {
    let at: unknown = this.data;
    for (const part of key.split('.')) {
      if (at === null || typeof at !== 'object') return undefined;
      at = (at as Catalog)[part];
    }
    return typeof at === 'string' ? at : undefined;
  }

  get(key: string, params: Record<string, string | number> = {}): string {
    const text = this.find(key);
    if (text === undefined) throw new Error(`${this.lang}/${this.type}.json has no "${key}"`);
    return text.replace(/__(\w+)__/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }
}

/** The slice of the editor's globals these tests touch. */
export interface EditorNode {
  id: string;
  type: string;
  valid?: boolean;
  validationErrors?: string[];
  status?: { fill?: string; shape?: string; text?: string };
  [prop: string]: unknown;
}

export interface EditorWindow {
  RED: {
    _: (key: string, params?: Record<string, unknown>) => string;
    nodes: {
      node(id: string): EditorNode | undefined;
      getType(type: string): unknown;
    };
    editor: {
      edit(node: EditorNode): void;
      validateNode(node: EditorNode): boolean;
    };
    comms: { subscribe(topic: string, cb: (topic: string, data: unknown) => void): void };
  };
  navigator: { language: string };
  document: {
    querySelector(selector: string): BrowserElement | null;
    querySelectorAll(selector: string): ArrayLike<BrowserElement>;
  };
  gradiumTestStatuses?: { id: string; status: { fill?: string; shape?: string; text?: string } }[];
}

export interface BrowserElement {
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  classList: { contains(name: string): boolean };
  closest(selector: string): BrowserElement | null;
}

/** An element's data-i18n instructions, e.g. "[placeholder]a.b;c.d" → [{attr:'placeholder',key:'a.b'}, {attr:'',key:'c.d'}]. */
export function parseI18nAttribute(value: string): { attr: string; key: string }[] {
  return value
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^\[(\w+)\](.*)$/.exec(part);
      return m ? { attr: m[1]!, key: m[2]! } : { attr: '', key: part };
    });
}
