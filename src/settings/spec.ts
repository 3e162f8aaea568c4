/**
 * How a setting is declared: its name, default, range and unit, once, as plain data. The same declarations
 * validate a node's saved properties and `msg.settings` at run time, reach the editor (an exportable node
 * setting, so the dialog's validators check the same ranges), fill the ranges into the help at build time,
 * and drive the boundary tests. Plain data on purpose: it must survive JSON on its way to the editor.
 */
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';

export type Unit = 'ms' | 's' | 'frames' | 'Hz' | 'steps' | 'streams' | 'channels' | 'characters';

interface Common {
  /** May change while the flow runs, through `msg.settings`. */
  live?: boolean;
  /** A change needs a new Gradium session (the value travels in the session's setup). */
  session?: boolean;
  /** Gradium's own (snake_case) name, also accepted in `msg.settings`. */
  alias?: string;
}

export interface NumberSpec extends Common {
  type: 'number';
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  unit?: Unit;
  /** 0 is accepted too, below `min` (it means "never" or "off"). */
  orZero?: boolean;
}

export interface ChoiceSpec extends Common {
  type: 'choice';
  default: string | number;
  values: readonly (string | number)[];
  unit?: Unit;
}

export interface BooleanSpec extends Common {
  type: 'boolean';
  default: boolean;
}

export interface TextSpec extends Common {
  type: 'text';
  default: string;
  /** An empty (or blank) text is refused. */
  required?: boolean;
  maxLength?: number;
}

export interface JsonSpec extends Common {
  type: 'json';
  /** '' or the text of a JSON object. */
  default: string;
}

export type SettingSpec = NumberSpec | ChoiceSpec | BooleanSpec | TextSpec | JsonSpec;
export type SettingsSpec = Readonly<Record<string, SettingSpec>>;

/** The runtime type of a setting: what validation returns. */
export type ValueOf<S extends SettingSpec> = S extends NumberSpec
  ? number
  : S extends ChoiceSpec
    ? S['values'][number]
    : S extends BooleanSpec
      ? boolean
      : S extends TextSpec
        ? string
        : Record<string, unknown>;

export type ValuesOf<T extends SettingsSpec> = { -readonly [K in keyof T]: ValueOf<T[K]> };

/** How the editor saves a setting in the flow: numbers may be numeric strings, JSON settings are text. */
export type SavedOf<S extends SettingSpec> = S extends NumberSpec
  ? number | string
  : S extends ChoiceSpec
    ? S['values'][number] | `${S['values'][number]}`
    : S extends BooleanSpec
      ? boolean
      : string;

export type SavedValuesOf<T extends SettingsSpec> = { -readonly [K in keyof T]: SavedOf<T[K]> };

export class SettingsError extends CodedError {
  override readonly name = 'SettingsError';
  constructor(message: string) {
    super('SETTING_REFUSED', message);
  }
}

export type CheckResult = { ok: true; value: unknown } | { ok: false; expected: string };

/** What a setting accepts, in words, for error messages and the help ("100–60000 ms", "en, fr, de"). */
export function describeAccepted(spec: SettingSpec): string {
  switch (spec.type) {
    case 'number': {
      const unit = spec.unit ? ` ${spec.unit}` : '';
      const range = `${spec.min}–${spec.max}${unit}`;
      const kind = spec.integer ? 'a whole number' : 'a number';
      return spec.orZero ? `0 or ${kind} from ${range}` : `${kind} from ${range}`;
    }
    case 'choice':
      return `one of ${spec.values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v))).join(', ')}${spec.unit ? ` (${spec.unit})` : ''}`;
    case 'boolean':
      return 'true or false';
    case 'text':
      return spec.required ? `a non-empty text${spec.maxLength ? ` of at most ${spec.maxLength} characters` : ''}` : 'a text';
    case 'json':
      return 'a JSON object (an object or its JSON text), e.g. {"temp": 0.2}';
  }
}

/**
 * What a setting accepts in a language-neutral notation ("100 … 60000 ms", "0, 100 … 3600000 ms",
 * "en | fr | de"), for the help pages of every language.
 */
export function rangeText(spec: SettingSpec): string {
  switch (spec.type) {
    case 'number': {
      const unit = spec.unit ? ` ${spec.unit}` : '';
      return `${spec.orZero ? '0, ' : ''}${spec.min} … ${spec.max}${unit}`;
    }
    case 'choice':
      return spec.values.join(' | ') + (spec.unit ? ` ${spec.unit}` : '');
    case 'boolean':
      return 'true | false';
    case 'text':
      return spec.maxLength !== undefined ? `≤ ${spec.maxLength} characters` : '—';
    case 'json':
      return '{ … }';
  }
}

/** Numbers may arrive as numeric strings (old editors, Change nodes): both are read. */
function toNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function parseJsonObject(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null || v === '') return {};
  let value = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Validates one value against its declaration; returns the normalised value or what is accepted. */
export function checkValue(spec: SettingSpec, v: unknown): CheckResult {
  switch (spec.type) {
    case 'number': {
      const n = toNumber(v);
      const ok =
        n !== undefined &&
        ((spec.orZero === true && n === 0) || (n >= spec.min && n <= spec.max && (!spec.integer || Number.isInteger(n))));
      return ok ? { ok: true, value: n } : { ok: false, expected: describeAccepted(spec) };
    }
    case 'choice': {
      // Choices saved by the editor come back as strings ("10"), msg.settings may send numbers (10).
      const found = spec.values.find((c) => c === v || (typeof c === 'number' && toNumber(v) === c));
      return found !== undefined ? { ok: true, value: found } : { ok: false, expected: describeAccepted(spec) };
    }
    case 'boolean':
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (v === 'true' || v === 'false') return { ok: true, value: v === 'true' };
      return { ok: false, expected: describeAccepted(spec) };
    case 'text': {
      if (typeof v !== 'string') return { ok: false, expected: describeAccepted(spec) };
      const text = v.trim();
      if ((spec.required && text === '') || (spec.maxLength !== undefined && text.length > spec.maxLength)) {
        return { ok: false, expected: describeAccepted(spec) };
      }
      return { ok: true, value: text };
    }
    case 'json': {
      const obj = parseJsonObject(v);
      return obj ? { ok: true, value: obj } : { ok: false, expected: describeAccepted(spec) };
    }
  }
}

function refuse(where: string, spec: SettingSpec, v: unknown, expected: string): never {
  const what = spec.type === 'json' && typeof v === 'string' ? 'text that is not a JSON object' : describeValue(v);
  throw new SettingsError(`${where}: got ${what}; expected ${expected}.`);
}

/** The defaults as the editor saves them (JSON settings as text): the literal `defaults` of the node's HTML. */
export function editorDefaultsOf(specs: SettingsSpec): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  return out;
}

/** The default of every setting, as the runtime type (a saved property missing from an old flow gets it). */
export function defaultsOf<T extends SettingsSpec>(specs: T): ValuesOf<T> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = spec.type === 'json' ? (parseJsonObject(spec.default) ?? {}) : spec.default;
  }
  return out as ValuesOf<T>;
}

/**
 * A node's saved properties as typed values. A property missing from the flow takes its default (or
 * `missing[name]`, for settings whose default for old flows differs from the default of new nodes).
 * Throws SettingsError naming the first bad property.
 */
export function parseProps<T extends SettingsSpec>(
  specs: T,
  def: Readonly<Record<string, unknown>>,
  missing: Partial<Record<keyof T, unknown>> = {},
): ValuesOf<T> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = def[name] === undefined ? (name in missing ? missing[name] : spec.default) : def[name];
    const r = checkValue(spec, raw);
    if (!r.ok) refuse(name, spec, raw, r.expected);
    out[name] = r.value;
  }
  return out as ValuesOf<T>;
}

/**
 * A `msg.settings` object as a partial update of the live settings. Unknown names are refused (a typo would
 * otherwise be ignored silently), naming the accepted ones; nothing applies unless everything is valid.
 */
export function parseUpdate<T extends SettingsSpec>(specs: T, raw: unknown, prefix = 'msg.settings'): Partial<ValuesOf<T>> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SettingsError(`${prefix}: got ${describeValue(raw)}; expected an object such as {"language": "fr"}.`);
  }
  const live = Object.entries(specs).filter(([, s]) => s.live);
  const byName = new Map<string, [string, SettingSpec]>();
  for (const [name, spec] of live) {
    byName.set(name, [name, spec]);
    if (spec.alias) byName.set(spec.alias, [name, spec]);
  }
  const out: Record<string, unknown> = {};
  for (const [rawName, value] of Object.entries(raw as Record<string, unknown>)) {
    const found = byName.get(rawName);
    if (!found) {
      const aliases = live.filter(([, s]) => s.alias).map(([, s]) => s.alias);
      throw new SettingsError(
        `${prefix}.${rawName} is not a setting that can change by message; accepted: ${live.map(([n]) => n).join(', ')}` +
          (aliases.length > 0 ? ` (or ${aliases.join(', ')})` : '') +
          '.',
      );
    }
    const [name, spec] = found;
    const r = checkValue(spec, value);
    if (!r.ok) refuse(`${prefix}.${rawName}`, spec, value, r.expected);
    out[name] = r.value;
  }
  return out as Partial<ValuesOf<T>>;
}
