import { describe, expect, it } from 'vitest';
import { createProgressView } from '../../../src/cli/view/progress.js';

/** A stand-in terminal or pipe: what the view writes, and a clock the test moves. */
function sink(isTTY: boolean) {
  const written: string[] = [];
  let now = 0;
  const stream = { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  return { written, stream, clock: () => now, advance: (ms: number) => (now += ms) };
}

const read = (n: number) => ({ phase: 'read' as const, read: n, compared: n, applied: 0, total: 0 });

describe('progress view', () => {
  it('on a terminal, draws one line only once a run has taken a second, and clears it at the end', () => {
    const t = sink(true);
    const view = createProgressView(t.stream, t.clock);
    view.update(read(1000));
    expect(t.written).toEqual([]);
    t.advance(1500);
    view.update(read(5000));
    t.advance(200);
    view.update({ phase: 'apply', read: 5000, compared: 5000, applied: 250, total: 1000 });
    view.done();
    expect(t.written[0]).toBe('\r\x1b[2Kread: read 5,000 · compared 5,000');
    expect(t.written[1]).toBe('\r\x1b[2K[#####...............] apply: read 5,000 · compared 5,000 · applied 250/1,000');
    expect(t.written[2]).toBe('\r\x1b[2K');
  });

  it('in a pipe, writes plain lines: on each new phase and every few seconds', () => {
    const t = sink(false);
    const view = createProgressView(t.stream, t.clock);
    view.update(read(1000));
    t.advance(1200);
    view.update(read(2000));
    t.advance(1000);
    view.update(read(3000));
    t.advance(5000);
    view.update(read(9000));
    expect(t.written).toEqual(['rosterd: read: read 2,000 · compared 2,000\n', 'rosterd: read: read 9,000 · compared 9,000\n']);
  });
});
