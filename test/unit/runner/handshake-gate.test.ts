import { handshakeGate } from '../../../runner/handshake-gate';

/** A handshake the test ends by hand, recording when it started. */
const manual = (started: string[], id: string) => {
  let end!: (ok: boolean) => void;
  const handshake = () => {
    started.push(id);
    return new Promise<string>((resolve, reject) => {
      end = (ok) => {
        if (ok) resolve(id);
        else reject(new Error(`${id} refused`));
      };
    });
  };
  return {
    handshake,
    end: (ok = true) => {
      end(ok);
    },
  };
};

const settle = () => new Promise((r) => setImmediate(r));

describe('handshake gate', () => {
  it('runs a few handshakes at first, and each that ends lets one more run at once, in the order asked', async () => {
    const started: string[] = [];
    const gate = handshakeGate(2);
    const hs = Array.from({ length: 8 }, (_, i) => manual(started, `h${String(i)}`));
    const done = hs.map((h) => gate.run(h.handshake).catch((e: unknown) => (e as Error).message));
    await settle();
    expect(started).toEqual(['h0', 'h1']);

    // One ends: its place and one more (window 3).
    hs[0]?.end();
    await settle();
    expect(started).toEqual(['h0', 'h1', 'h2', 'h3']);

    // A failed handshake widens it too (an unreachable host says nothing about the CPU); window 4.
    hs[1]?.end(false);
    await settle();
    expect(started).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5']);

    hs[2]?.end();
    await settle();
    expect(started).toEqual(['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']);
    for (const h of hs.slice(3)) h.end();
    expect(await Promise.all(done)).toEqual(['h0', 'h1 refused', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']);
  });

  it('never runs more at once than its first window plus the handshakes already ended', async () => {
    const gate = handshakeGate(3);
    let running = 0;
    let ended = 0;
    const excess: number[] = [];
    let widest = 0;
    const handshake = async () => {
      running += 1;
      widest = Math.max(widest, running);
      if (running > 3 + ended) excess.push(running);
      await settle();
      running -= 1;
      ended += 1;
    };
    await Promise.all(Array.from({ length: 40 }, () => gate.run(handshake)));
    expect(excess).toEqual([]);
    // And it did widen: more than the first window ran side by side.
    expect(widest).toBeGreaterThan(3);
  });
});
