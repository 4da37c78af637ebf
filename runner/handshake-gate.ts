/**
 * How many SSH (or WinRM) handshakes a batch runs at once. Started all together on a busy machine,
 * CPU-bound handshakes all finish late, the first hosts' too, so output comes late; held to a few
 * for the whole batch, the pool's places wait in line for them and the hosts in flight thin out
 * (the last tenth of a fan-out took twice plain ssh2's time). So the gate starts with a few, and
 * each handshake that ends, connected or not, lets one more run at once, as TCP's slow start does:
 * the window doubles each round and within a few rounds the pool's hosts connect side by side, as
 * they must where a handshake waits on the network rather than on the CPU (docs/performance.md).
 * The pool's size still bounds it: only hosts that hold a place in the pool ask.
 */
export interface HandshakeGate {
  /** Runs `handshake` once fewer than the window are running, in the order asked. */
  run: <T>(handshake: () => Promise<T>) => Promise<T>;
}

export const handshakeGate = (initial: number): HandshakeGate => {
  let window = Math.max(1, initial);
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    run: async (handshake) => {
      if (active < window) active += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await handshake();
      } finally {
        active -= 1;
        window += 1;
        while (active < window && waiting.length > 0) {
          active += 1;
          waiting.shift()?.();
        }
      }
    },
  };
};
