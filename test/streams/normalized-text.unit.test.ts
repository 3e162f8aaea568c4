import { strict as assert } from 'node:assert';
import { normalizedText } from '../../src/streams/normalized-text';

describe('normalizedText (transcript.normalized)', () => {
  const cases: [string, string][] = [
    ["It is 3.5 degrees, isn't it?", "it is 3.5 degrees isn't it"],
    ['Turn on the kitchen light.', 'turn on the kitchen light'],
    ['turn on the kitchen light', 'turn on the kitchen light'],
    ['  TURN   ON!!  the   Kitchen-Light … ', 'turn on the kitchen light'],
    ['Set 1,000 steps; then 2.', 'set 1,000 steps then 2'],
    ['Version 1.2.3, okay.', 'version 1.2.3 okay'],
    ["'quoted' words' and 'tis", "quoted words and tis"],
    ['L’heure qu’il est ?', "l'heure qu'il est"],
    ['Wie spät ist es? Größe: 12,5 cm.', 'wie spät ist es größe 12,5 cm'],
    ['¿Qué hora es?', 'qué hora es'],
    ['Café au lait', 'café au lait'],
    ['…', ''],
    ['', ''],
    ['a.b, c,d', 'a b c d'],
    ['3. 5', '3 5'],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(normalizedText(text), expected);
    });
  }

  it('decomposed accents keep their combining marks', () => {
    assert.equal(normalizedText('Cafe\u0301!'), 'cafe\u0301');
  });
});
