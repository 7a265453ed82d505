// An HTTP CONNECT proxy on 127.0.0.1, as a self-hosted runner's https_proxy points at. It records
// every CONNECT and either tunnels it (to wherever `upstream` says) or misbehaves: a proxy that
// never answers the CONNECT, or one that opens the tunnel and then carries nothing, as when the
// far side hangs. It holds every socket it touches, so close() can end them all.

import { type IncomingMessage, type Server, createServer } from 'node:http'
import { type Socket, connect } from 'node:net'
import type { Duplex } from 'node:stream'
import { listenOnLoopback } from './loopback.js'

/**
 * tunnel: answers 200 once the upstream connection is open, then pipes both ways.
 * hang-after-connect: answers 200 at once, then reads and drops everything: the tunnel is open, nothing comes back.
 * hang-before-connect: never answers the CONNECT.
 * refuse-407, refuse-502: answers the CONNECT with that status (credentials wanted; the far side unreachable).
 */
export type ProxyMode = 'tunnel' | 'hang-after-connect' | 'hang-before-connect' | 'refuse-407' | 'refuse-502'

const REFUSALS: Partial<Record<ProxyMode, string>> = {
  'refuse-407': '407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"',
  'refuse-502': '502 Bad Gateway'
}

export interface ConnectProxyOptions {
  /** Default 'tunnel'. */
  mode?: ProxyMode
  /** mode tunnel: where to open the tunnel for a CONNECT to `target` ('host:port'). Default: the target itself. */
  upstream?: (target: string) => { host: string; port: number }
}

export interface ConnectProxy {
  /** 'http://127.0.0.1:<port>', for https_proxy. */
  url: string
  port: number
  /** `host:port` of every CONNECT received, in order; tests may empty it in place. */
  connects: string[]
  /** Sockets the proxy holds now (both sides of each tunnel). */
  openSockets(): number
  /** Destroys every socket the proxy holds and stops listening. */
  close(): Promise<void>
}

/** Holds sockets so that a test can end them all, and keeps a peer's going away from becoming an unhandled 'error'. */
export class SocketTracker {
  private readonly sockets = new Set<Socket | Duplex>()

  track<T extends Socket | Duplex>(socket: T): T {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    return socket
  }

  get size(): number {
    return this.sockets.size
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy()
  }
}

/** Pipes both ways and tears both sides down together. */
export function splice(a: Socket | Duplex, b: Socket | Duplex): void {
  a.pipe(b)
  b.pipe(a)
  a.on('close', () => b.destroy())
  b.on('close', () => a.destroy())
}

function hostAndPort(target: string): { host: string; port: number } {
  const colon = target.lastIndexOf(':')
  return { host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(target.slice(colon + 1)) }
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const { mode = 'tunnel', upstream = hostAndPort } = options
  const sockets = new SocketTracker()
  const connects: string[] = []

  const server: Server = createServer((_request, response) => {
    response.writeHead(405, { connection: 'close' }).end('only CONNECT\n')
  })
  server.on('connection', (raw: Socket) => sockets.track(raw))
  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    const target = request.url ?? ''
    connects.push(target)
    sockets.track(client)
    if (mode === 'hang-before-connect') return
    const refusal = REFUSALS[mode]
    if (refusal) {
      client.end(`HTTP/1.1 ${refusal}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      return
    }
    if (mode === 'hang-after-connect') {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      client.resume() // read and drop: the far side never answers
      return
    }
    const { host, port } = upstream(target)
    const far = sockets.track(connect(port, host))
    far.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) far.write(head)
      splice(client, far)
    })
  })
  const port = await listenOnLoopback(server)

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    openSockets: () => sockets.size,
    close() {
      sockets.destroyAll()
      return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))
    }
  }
}
