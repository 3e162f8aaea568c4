/**
 * Reading what a real Node-RED process (startNodeRed) printed, and waiting for it: the tests that run whole
 * example flows watch their debug nodes, which log to the console.
 */

/** Messages a debug node named `name` logged: its "[debug:name]" line and the message on the lines after it. */
export function debugMessages(output: string, name: string): string[] {
  const lines = output.split('\n');
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.includes(`[debug:${name}]`)) continue;
    const block = [lines[i] ?? ''];
    for (let j = i + 1; j < lines.length && !/^\d+ \w+ \d\d:\d\d:\d\d - \[/.test(lines[j] ?? ''); j++) block.push(lines[j] ?? '');
    blocks.push(block.join('\n'));
  }
  return blocks;
}

/**
 * What `probe` returns once it returns something (not undefined, not false), asked every `everyMs`; fails naming
 * `what` after `timeoutMs`. A wait on an outcome, never a timing assertion: the limit only ends a stuck test.
 */
export async function pollUntil<T>(what: string, probe: () => T | undefined | false, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
