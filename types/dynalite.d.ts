declare module 'dynalite' {
  import type { Server } from 'node:http';

  const dynalite: (options?: Record<string, unknown>) => Server;
  export default dynalite;
}
