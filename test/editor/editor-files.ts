/**
 * What the editor tests read: the package's editor HTML (source and built), message catalogs, help files and
 * examples, plus two ways of looking at the HTML: the Flow Library's static parse (scripts/flow-library-types.js)
 * and an evaluation of its <script> blocks in a VM whose `RED` offers just what registration and validators
 * use (translation from our own catalogs, registerType, Node-RED's own property-expression check, and the
 * settings declarations the runtime exports as RED.settings.<type>Spec), after the package resources the
 * HTML loads with <script src="resources/...">, as the editor does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type * as FlowLibraryTypes from '../../scripts/flow-library-types';
import { REPO_ROOT } from '../helpers/node-red-server';
import { CONFIG_SPEC } from '../../src/settings/config-spec';
import { STT_SPEC } from '../../src/settings/stt-spec';
import { TTS_SPEC } from '../../src/settings/tts-spec';

export { REPO_ROOT };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const flowLibrary = require(path.join(REPO_ROOT, 'scripts', 'flow-library-types.js')) as typeof FlowLibraryTypes;

export const NODE_SETS = ['gradium-config', 'gradium-stt', 'gradium-tts', 'wyoming-server'] as const;
export type NodeSet = (typeof NODE_SETS)[number];
export const LANGUAGES = ['en-US', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

interface PackageJson {
  name: string;
  keywords: string[];
  'node-red': { nodes: Record<string, string> };
}

export function packageJson(): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
}

export function sourceHtmlPath(set: NodeSet): string {
  return path.join(REPO_ROOT, 'nodes', `${set}.html`);
}

/** Where Node-RED (and the Flow Library) look for the editor file: beside the node's .js, same basename. */
export function builtHtmlPath(set: NodeSet): string {
  const js = packageJson()['node-red'].nodes[set];
  if (!js) throw new Error(`package.json node-red.nodes has no ${set}`);
  return path.join(REPO_ROOT, path.dirname(js), path.basename(js, '.js') + '.html');
}

export function builtIconsDir(set: NodeSet): string {
  return path.join(path.dirname(builtHtmlPath(set)), 'icons');
}

export function readBuiltHtml(set: NodeSet): string {
  const file = builtHtmlPath(set);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return fs.readFileSync(file, 'utf8');
}

export function readSourceHtml(set: NodeSet): string {
  return fs.readFileSync(sourceHtmlPath(set), 'utf8');
}

// ---- message catalogs --------------------------------------------------------------------------------

export type CatalogTree = { [key: string]: string | CatalogTree };

export function readCatalog(lang: Language, set: NodeSet): CatalogTree {
  const file = path.join(REPO_ROOT, 'nodes', 'locales', lang, `${set}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CatalogTree;
}

/** Every leaf as a dotted key → message. */
export function flattenCatalog(tree: CatalogTree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(dotted, value);
    else for (const [k, v] of flattenCatalog(value, dotted)) out.set(k, v);
  }
  return out;
}

/** The subtree at a dotted path, or undefined. */
export function catalogNode(tree: CatalogTree, dotted: string): string | CatalogTree | undefined {
  let node: string | CatalogTree | undefined = tree;
  for (const part of dotted.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return node;
}

export function readHelp(lang: Language, set: NodeSet): string {
  return fs.readFileSync(path.join(REPO_ROOT, 'nodes', 'locales', lang, `${set}.html`), 'utf8');
}

// ---- keys the HTML uses ------------------------------------------------------------------------------

/** Keys named by data-i18n attributes, e.g. "[placeholder]a.b;c.d" gives a.b and c.d. */
export function dataI18nKeys(html: string): string[] {
  const keys: string[] = [];
  for (const m of html.matchAll(/data-i18n="([^"]*)"/g)) {
    for (const part of (m[1] ?? '').split(';')) {
      const key = part.replace(/^\[[^\]]*\]/, '').trim();
      if (key) keys.push(key);
    }
  }
  return keys;
}

/**
 * Keys passed to a translation call (`tr(`, `RED._(`, `this._(`, `node._(`) in the <script
 * type="text/javascript"> blocks. A key ending in '.' is the literal start of a key completed at run time.
 */
export function scriptTranslationKeys(html: string): string[] {
  const keys: string[] = [];
  for (const block of javascriptBlocks(html)) {
    for (const m of block.matchAll(/(?:\btr|RED\._|this\._|node\._)\(\s*'([^']+)'/g)) keys.push(m[1] ?? '');
  }
  return keys;
}

/** The node settings the runtime exports to the editor (registerType's `settings` with exportable: true). */
export const EXPORTED_SETTINGS: Record<string, unknown> = {
  gradiumSttSpec: STT_SPEC,
  gradiumTtsSpec: TTS_SPEC,
  gradiumConfigSpec: CONFIG_SPEC,
};

/** Package resources a node's HTML loads (`<script src="resources/<package>/<file>">`), in order. */
export function resourceScripts(html: string): string[] {
  const prefix = `resources/${packageJson().name}/`;
  return [...html.matchAll(/<script[^>]*\bsrc=['"]([^'"]+)['"][^>]*>\s*<\/script>/gi)].map((m) => {
    const src = m[1] ?? '';
    if (!src.startsWith(prefix)) throw new Error(`script ${src} is not one of this package's resources`);
    return fs.readFileSync(path.join(REPO_ROOT, 'resources', src.slice(prefix.length)), 'utf8');
  });
}

export function javascriptBlocks(html: string): string[] {
  return [...html.matchAll(/<script.+?type=['"]text\/javascript['"].*?>([\S\s]*?)<\/script>/gi)].map((m) => m[1] ?? '');
}

// ---- evaluating the definitions ----------------------------------------------------------------------

export type Validator = (this: Record<string, unknown>, value: unknown, opt?: { label?: string }) => unknown;

export interface EvaluatedDefault {
  value: unknown;
  label?: unknown;
  required?: boolean;
  type?: string;
  validate?: Validator;
}

export interface EvaluatedDefinition {
  category?: string;
  defaults: Record<string, EvaluatedDefault>;
  credentials?: Record<string, { type?: string }>;
  [key: string]: unknown;
}

interface NodeRedUtil {
  normalisePropertyExpression(expr: string): unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeRedUtil = (require('@node-red/util') as { util: NodeRedUtil }).util;

/** RED._ over our catalogs in one language, with Node-RED's __param__ interpolation. */
export function translator(lang: Language): (key: string, params?: Record<string, unknown>) => string {
  const catalogs = new Map(NODE_SETS.map((set) => [set, flattenCatalog(readCatalog(lang, set))]));
  const pkgName = packageJson().name;
  return (key, params) => {
    const [ns, bare] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['', key];
    const set = ns.startsWith(pkgName + '/') ? (ns.slice(pkgName.length + 1) as NodeSet) : undefined;
    const message = set ? catalogs.get(set)?.get(bare) : undefined;
    if (message === undefined) return key; // what i18next does for a missing key
    return message.replace(/__(\w+)__/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
  };
}

/**
 * Runs the HTML's registration code and returns what it registered. `$` answers "no such element", as it
 * does when no dialog is open (validators then fall back to the saved node).
 */
export function evaluateDefinitions(
  html: string,
  lang: Language = 'en-US',
  settings: Record<string, unknown> = EXPORTED_SETTINGS,
): Record<string, EvaluatedDefinition> {
  const registered: Record<string, EvaluatedDefinition> = {};
  const RED = {
    _: translator(lang),
    // Through JSON, as the editor receives it.
    settings: JSON.parse(JSON.stringify(settings)) as Record<string, unknown>,
    nodes: {
      registerType(type: string, def: EvaluatedDefinition): void {
        registered[type] = def;
      },
    },
    utils: {
      validatePropertyExpression(expr: string): boolean {
        try {
          nodeRedUtil.normalisePropertyExpression(expr);
          return true;
        } catch {
          return false;
        }
      },
    },
  };
  const $ = (): { length: number } => ({ length: 0 });
  const context = vm.createContext({ RED, $, URL });
  for (const script of [...resourceScripts(html), ...javascriptBlocks(html)]) vm.runInContext(script, context);
  return registered;
}

// ---- examples ----------------------------------------------------------------------------------------

export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

export function exampleFiles(): string[] {
  const dir = path.join(REPO_ROOT, 'examples');
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.json')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Every node type that Node-RED's core node set defines, read from its editor HTML like ours. */
export function coreNodeTypes(): Set<string> {
  const coreDir = path.join(path.dirname(require.resolve('@node-red/nodes/package.json')), 'core');
  const types = new Set<string>(['tab', 'group', 'junction']);
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.html')) {
        for (const type of Object.keys(flowLibrary.nodeDefinitions(fs.readFileSync(p, 'utf8')).types)) types.add(type);
      }
    }
  };
  walk(coreDir);
  return types;
}
