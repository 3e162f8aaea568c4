/*
 * The editor's side of the settings declarations in src/settings: the runtime exports them to the editor as
 * RED.settings.<type>Spec (e.g. gradiumSttSpec), and these validators check a dialog's fields against the very
 * same names, ranges and choices, so the dialog never accepts what the runtime refuses at deploy.
 * Loaded by each node's editor HTML (<script src="resources/node-red-contrib-gradium/settings-validators.js">)
 * before its registerType.
 */
(function (global) {
    'use strict';

    function isNumeric(v) {
        return typeof v === 'number' ? isFinite(v) : typeof v === 'string' && v.trim() !== '' && isFinite(Number(v));
    }

    // null when the value is accepted, else [message key, parameters].
    function problem(spec, v) {
        switch (spec.type) {
            case 'number': {
                var n = isNumeric(v) ? Number(v) : NaN;
                if (spec.orZero && n === 0) {
                    return null;
                }
                var ok = !isNaN(n) && n >= spec.min && n <= spec.max && (!spec.integer || Math.floor(n) === n);
                if (ok) {
                    return null;
                }
                var key = (spec.orZero ? 'zeroOr' : '') + (spec.integer ? 'integerRange' : 'numberRange');
                return [key, { min: spec.min, max: spec.max }];
            }
            case 'choice':
                for (var i = 0; i < spec.values.length; i++) {
                    if (String(spec.values[i]) === String(v)) {
                        return null;
                    }
                }
                return ['choice', {}];
            case 'boolean':
                return v === true || v === false || v === 'true' || v === 'false' ? null : ['choice', {}];
            case 'text': {
                var text = typeof v === 'string' ? v.trim() : '';
                if (typeof v !== 'string' || (spec.required && text === '')) {
                    return ['required', {}];
                }
                if (spec.maxLength !== undefined && text.length > spec.maxLength) {
                    return ['tooLong', { max: spec.maxLength }];
                }
                return null;
            }
            case 'json': {
                var json = String(v === undefined || v === null ? '' : v).trim();
                if (json === '') {
                    return null;
                }
                var parsed;
                try {
                    parsed = JSON.parse(json);
                } catch (err) {
                    return ['jsonSyntax', { error: err.message }];
                }
                return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? null : ['jsonObject', {}];
            }
        }
        return null;
    }

    /*
     * A Node-RED 3.1+ validator (value, opt) for one setting. `specName` is the exported setting
     * (gradiumSttSpec); `tr(key, params)` translates '<type>.validation.<key>' in the node's catalog. Without the
     * exported declarations (an editor talking to another runtime) it accepts: the runtime still checks.
     */
    function validator(specName, name, tr) {
        return function (v, opt) {
            var specs = global.RED && global.RED.settings ? global.RED.settings[specName] : undefined;
            var spec = specs ? specs[name] : undefined;
            if (!spec) {
                return true;
            }
            var found = problem(spec, v);
            if (!found) {
                return true;
            }
            var message = tr(found[0], found[1]);
            return opt && opt.label ? opt.label + ': ' + message : message;
        };
    }

    global.GradiumSettings = { validator: validator, problem: problem };
})(this);
