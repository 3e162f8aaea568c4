'use strict';
/**
 * Reads node type definitions out of an editor HTML file the way the Flow Library (flow-library
 * lib/modules.js) and node-red-dev (src/libs/checknodes.js) do: a regex finds each
 * <script type="text/javascript"> block, acorn parses it, and only
 * `*.registerType(<string literal>, <object literal>)` calls count. A definition that is built any other
 * way is invisible to them (no types listed, no icon, examples check passes vacuously), so the scorecard
 * and test/editor use this to prove ours is visible.
 *
 * Beyond what the Flow Library keeps, it also returns literal default values, so tests can compare them
 * with src/nodes/node-config.ts.
 */
const acorn = require('acorn');
const walk = require('acorn-walk');

// Same pattern as the Flow Library's, on purpose (including its quirks).
const SCRIPT_BLOCK = /<script.+?type=['"]text\/javascript['"].*?>([\S\s]*?)<\/script>/gi;

/** Literal value of an expression, or NOT_LITERAL. Handles what defaults normally hold. */
const NOT_LITERAL = Symbol('not literal');
function literalValue(node) {
  if (!node) return NOT_LITERAL;
  if (node.type === 'Literal') return node.value;
  if (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal') {
    return -node.argument.value;
  }
  if (node.type === 'ArrayExpression') {
    const items = node.elements.map(literalValue);
    return items.includes(NOT_LITERAL) ? NOT_LITERAL : items;
  }
  return NOT_LITERAL;
}

function keyName(property) {
  if (!property.key) return undefined;
  return property.key.type === 'Identifier' ? property.key.name : property.key.value;
}

function readDefinition(objectExpression, errors, type) {
  const def = { defaults: {}, defaultValues: {}, credentials: [] };
  for (const property of objectExpression.properties) {
    const name = keyName(property);
    if (name === undefined) {
      // A spread element: the Flow Library's own reader would throw on it.
      errors.push(`${type}: definition contains a non-property element`);
      continue;
    }
    const value = property.value;
    if (name === 'defaults' || name === 'credentials') {
      if (value.type !== 'ObjectExpression') {
        errors.push(`${type}: ${name} is not an inline object`);
        continue;
      }
      for (const entry of value.properties) {
        const prop = keyName(entry);
        if (name === 'credentials') {
          def.credentials.push(prop);
          continue;
        }
        def.defaults[prop] = {};
        if (entry.value.type === 'ObjectExpression') {
          for (const field of entry.value.properties) {
            const fieldName = keyName(field);
            const v = literalValue(field.value);
            if (fieldName === 'value' && v !== NOT_LITERAL) def.defaultValues[prop] = v;
            if (v !== NOT_LITERAL) def.defaults[prop][fieldName] = v;
            else def.defaults[prop][fieldName] = { nonLiteral: field.value.type };
          }
        }
      }
    } else if (['icon', 'color', 'inputs', 'outputs', 'category'].includes(name)) {
      if (value.type === 'Literal') def[name] = value.value;
      // The Flow Library never reads the category, so an expression there costs nothing: Dashboard 2
      // widgets take the Dashboard's own translated category name (RED._('…ui-base:ui-base.label.category')).
      else if (name === 'category') def[name] = { nonLiteral: value.type };
      else errors.push(`${type}: ${name} is not a literal`);
    } else {
      def[name] = { nonLiteral: value.type };
    }
  }
  return def;
}

/**
 * @param {string} html content of an editor HTML file
 * @returns {{ types: Record<string, object>, errors: string[] }}
 */
function nodeDefinitions(html) {
  const types = {};
  const errors = [];
  const blocks = [];
  let match;
  SCRIPT_BLOCK.lastIndex = 0;
  while ((match = SCRIPT_BLOCK.exec(html)) !== null) blocks.push(match[1]);
  if (blocks.length === 0) errors.push('no <script type="text/javascript"> block');
  for (const block of blocks) {
    let ast;
    try {
      ast = acorn.parse(block, { ecmaVersion: 'latest' });
    } catch (err) {
      errors.push(`parse error: ${err.message}`);
      continue;
    }
    walk.simple(ast, {
      CallExpression(call) {
        if (!call.callee.property || call.callee.property.name !== 'registerType') return;
        const [typeNode, defNode] = call.arguments;
        if (!typeNode || typeNode.type !== 'Literal') {
          errors.push('registerType with a non-literal type');
        } else if (!defNode || defNode.type !== 'ObjectExpression') {
          errors.push(`${typeNode.value}: registerType with a non-literal definition`);
        } else {
          types[typeNode.value] = readDefinition(defNode, errors, typeNode.value);
        }
      },
    });
  }
  if (Object.keys(types).length === 0 && errors.length === 0) errors.push('no type definitions found');
  return { types, errors };
}

module.exports = { nodeDefinitions };
