// @ts-check
'use strict';
/**
 * The widget's settings, once (shared/settings.json): name, default, accepted values or range, unit, and
 * whether a flow may change it at run time with `msg.ui_update`. The editor HTML mirrors the defaults
 * literally (the Flow Library reads them there) and test/unit/editor.test.js keeps the two in step; the
 * runtime normalises every deployed config through readSettings, so the browser only ever sees accepted
 * values.
 */

/**
 * @typedef {{default: string, values: readonly string[], dynamic?: boolean}} ChoiceSetting
 * @typedef {{default: number, integer: true, min: number, max: number, unit?: string, dynamic?: boolean}} NumberSetting
 * @typedef {{default: boolean, boolean: true, dynamic?: boolean}} BooleanSetting
 * @typedef {{default: string, maxLength: number, dynamic?: boolean}} TextSetting
 * @typedef {ChoiceSetting | NumberSetting | BooleanSetting | TextSetting} Setting
 */

/**
 * shared/settings.json: read here and by the browser component (ui/), so both sides take the same
 * defaults and the same list of settings msg.ui_update may change.
 *
 * label             text on the idle button; empty: "Hold to talk" or "Click to talk" by mode
 * mode              hold: press and hold to talk; toggle: click to start, click to stop
 * maxSeconds        a recording stops by itself after this long
 * onRelease         the action gradium-stt gets when a recording ends: stop (close the stream) or flush (end the turn)
 * keyBy             the stream key: one per browser tab, per socket.io connection, or per logged-in user
 * keyPrefix         put before the tab, socket or user id to make msg.topic
 * echoCancellation, noiseSuppression, autoGainControl   the browser's own audio processing
 * transcriptLines   final transcripts kept under the button (0: no transcript shown)
 */
const SETTINGS = /** @type {Readonly<Record<SettingName, Setting>>} */ (deepFreeze(require('../../shared/settings.json')));

/** @template T @param {T} value @returns {T} */
function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * @typedef {'label' | 'mode' | 'maxSeconds' | 'onRelease' | 'keyBy' | 'keyPrefix' | 'echoCancellation' |
 *   'noiseSuppression' | 'autoGainControl' | 'transcriptLines'} SettingName
 */
/**
 * @typedef {{label: string, mode: string, maxSeconds: number, onRelease: string, keyBy: string,
 *   keyPrefix: string, echoCancellation: boolean, noiseSuppression: boolean, autoGainControl: boolean,
 *   transcriptLines: number}} MicSettings
 */

const NAMES = /** @type {SettingName[]} */ (Object.keys(SETTINGS));
const DYNAMIC = NAMES.filter((name) => SETTINGS[name].dynamic === true);

/** @returns {MicSettings} */
function defaults() {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const name of NAMES) out[name] = SETTINGS[name].default;
  return /** @type {MicSettings} */ (out);
}

/** What a setting accepts, in words, for error messages. @param {Setting} s */
function accepted(s) {
  if ('values' in s) return s.values.map((v) => `"${v}"`).join(' or ');
  if ('integer' in s) return `an integer from ${s.min} to ${s.max}${s.unit ? ` (${s.unit})` : ''}`;
  if ('boolean' in s) return 'true or false';
  return `text of at most ${s.maxLength} characters`;
}

/** @param {unknown} v */
function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/**
 * The value a setting takes from an editor or ui_update value (editors may save numbers as text), or
 * undefined when the value is not accepted.
 * @param {Setting} s @param {unknown} v
 * @returns {string | number | boolean | undefined}
 */
function coerce(s, v) {
  if ('values' in s) return typeof v === 'string' && s.values.includes(v) ? v : undefined;
  if ('integer' in s) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) && n >= s.min && n <= s.max ? n : undefined;
  }
  if ('boolean' in s) {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return undefined;
  }
  return typeof v === 'string' && v.length <= s.maxLength ? v : undefined;
}

/**
 * A deployed node's settings: each from the config when accepted, else its default with a problem that
 * says what came and what is accepted. Missing properties (flows saved by an older version) take the
 * default silently.
 * @param {Record<string, unknown>} config
 * @returns {{settings: MicSettings, problems: string[]}}
 */
function readSettings(config) {
  const settings = /** @type {Record<string, unknown>} */ (defaults());
  const problems = [];
  for (const name of NAMES) {
    const raw = config[name];
    if (raw === undefined || raw === null || raw === '') {
      if (raw === '' && 'maxLength' in SETTINGS[name]) settings[name] = '';
      continue;
    }
    const value = coerce(SETTINGS[name], raw);
    if (value === undefined) {
      problems.push(`${name}: got ${describe(raw)}; expected ${accepted(SETTINGS[name])}. Using ${JSON.stringify(SETTINGS[name].default)}.`);
    } else {
      settings[name] = value;
    }
  }
  return { settings: /** @type {MicSettings} */ (settings), problems };
}

/**
 * The settings a `msg.ui_update` changes. Keys Dashboard itself handles (class) and keys of no setting
 * are left alone; a bad value for one of ours is refused as a whole (nothing changes).
 * @param {unknown} update
 * @returns {Partial<MicSettings>}
 * @throws {Error} naming the property, what came and what is accepted
 */
function readUpdate(update) {
  if (update === undefined) return {};
  if (update === null || typeof update !== 'object' || Array.isArray(update)) {
    throw new Error(`msg.ui_update: got ${describe(update)}; expected an object such as {"mode": "toggle"}.`);
  }
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const name of DYNAMIC) {
    if (!Object.prototype.hasOwnProperty.call(update, name)) continue;
    const raw = /** @type {Record<string, unknown>} */ (update)[name];
    const value = coerce(SETTINGS[name], raw);
    if (value === undefined) {
      throw new Error(`msg.ui_update.${name}: got ${describe(raw)}; expected ${accepted(SETTINGS[name])}.`);
    }
    out[name] = value;
  }
  return /** @type {Partial<MicSettings>} */ (out);
}

module.exports = { SETTINGS, NAMES, DYNAMIC, defaults, readSettings, readUpdate, accepted, describe };
