// Test servers listen on loopback only, on a port the system picks.

import type { AddressInfo, Server } from 'node:net'

/** Starts `server` on 127.0.0.1 and returns its port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return (server.address() as AddressInfo).port
}
