// The runner's transport gives every socket back: dispose destroys the sockets of requests that
// still wait, directly or through a CONNECT proxy whose tunnel goes nowhere. Everything listens on
// 127.0.0.1; the proxied host names are never resolved (the proxy is asked for them by name).

import { EventEmitter } from 'node:events'
import type { Agent, ClientRequest } from 'node:http'
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net'
import { runnerTransport, watchTunnels } from '../src/platform/transport.js'
import { isolatedProxyEnvironment } from './support/proxy-environment.js'

const closers = isolatedProxyEnvironment()

/** Resolves once `check` holds, polling; fails the test with `what` after 3 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > 3000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * A TCP server that reads everything and answers nothing, or, as a proxy whose tunnel goes nowhere,
 * only the CONNECT's 200. It reads so that it sees the client's end at once; counts what it holds.
 */
async function silentServer(answerConnect = false): Promise<{ url: string; open: () => number; requests: () => string }> {
  const sockets = new Set<Socket>()
  let received = ''
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
    socket.on('data', (chunk: Buffer) => {
      const first = received === ''
      received += chunk.toString('latin1')
      if (answerConnect && first) socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => {
    for (const socket of sockets) socket.destroy()
    return new Promise((resolve) => server.close(() => resolve()))
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, open: () => sockets.size, requests: () => received }
}

test('dispose destroys the socket of a request the server never answers', async () => {
  const server = await silentServer()
  const { transport, dispose } = runnerTransport('transport-test')

  const attempt = transport('GET', `${server.url}/never`, {}, undefined)
  attempt.catch(() => undefined)
  await until(() => server.open() === 1, 'the request to arrive')
  dispose()

  await until(() => server.open() === 0, 'the server to see the socket close')
  await expect(attempt).rejects.toThrow()
})

test.each([
  ['never answers the CONNECT', false],
  ['opens the tunnel, then carries nothing', true]
])('behind a proxy that %s, dispose destroys the tunnel too', async (_, answerConnect) => {
  const proxy = await silentServer(answerConnect)
  process.env.https_proxy = proxy.url
  const { transport, dispose } = runnerTransport('transport-test')

  const attempt = transport('GET', 'https://ims.test/ims/token/v3', {}, undefined)
  attempt.catch(() => undefined)
  await until(() => proxy.requests().startsWith('CONNECT ims.test:443 '), 'the CONNECT to arrive')
  // With the tunnel open, the TLS handshake for ims.test starts inside it.
  if (answerConnect) await until(() => proxy.requests().includes('\r\n\r\n\x16'), 'the TLS handshake to start')
  dispose()

  await until(() => proxy.open() === 0, 'the proxy to see every socket close')
  await expect(attempt).rejects.toThrow()
})

test('a request sent after dispose opens nothing', async () => {
  const server = await silentServer()
  const { transport, dispose } = runnerTransport('transport-test')
  dispose()

  await expect(transport('GET', `${server.url}/late`, {}, undefined)).rejects.toMatchObject({ code: 'ECONNABORTED' })
  expect(server.open()).toBe(0)
})

describe('watchTunnels', () => {
  test("hands the socket of each CONNECT the proxy agent makes to track, and returns the agent's own request", () => {
    const connect = new EventEmitter() as ClientRequest
    const agent = { request: () => connect } as unknown as Agent
    const tracked: unknown[] = []
    watchTunnels(agent, (socket) => tracked.push(socket))

    const made = (agent as unknown as { request: (options: object) => ClientRequest }).request({ method: 'CONNECT' })
    const socket = { id: 'tunnel socket' }
    made.emit('socket', socket)

    expect(made).toBe(connect)
    expect(tracked).toEqual([socket])
  })

  test('leaves an agent without a request function as it is', () => {
    const agent = {} as Agent
    watchTunnels(agent, () => undefined)
    expect(agent).toEqual({})
  })
})
