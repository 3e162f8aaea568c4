/** Hands out the utterances of a script in order, cycling when exhausted. */

export const DEFAULT_SCRIPT: readonly string[] = [
  'turn on the kitchen light',
  'what is the weather like today',
  'set a timer for ten minutes',
  'play some music in the living room',
  'good night',
];

export class ScriptCursor {
  private position = 0;

  constructor(private lines: readonly string[]) {}

  replace(lines: readonly string[]): void {
    this.lines = lines;
    this.position = 0;
  }

  /** The next utterance split into words; empty when the script is empty. */
  next(): string[] {
    if (this.lines.length === 0) return [];
    const line = this.lines[this.position % this.lines.length]!;
    this.position++;
    return line.split(/\s+/).filter((w) => w.length > 0);
  }
}
