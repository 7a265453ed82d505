// A bare HTTP server on 127.0.0.1 whose answers a test scripts, for what the fake platform cannot
// do with a fixed fault: pages that never end (each linking to a new one), and answers trickled a
// byte at a time. The action reaches it with `access-token` (no IMS call) and `platform-url`.

import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import { MYSQL_SPEC_ID } from '../../testing/fake-platform.mjs'
import { listenOnLoopback } from './loopback.js'

export interface ScriptedRequest {
  method: string
  /** Path and query as sent. */
  url: string
  /** ms since the server started. */
  at: number
}

export interface Script {
  /** Called for every request, after its body was read. Must answer (or leave the request hanging). */
  (request: IncomingMessage, response: ServerResponse, context: { body: string; signal: AbortSignal }): void
}

export interface ScriptedServer {
  url: string
  requests: ScriptedRequest[]
  /** Aborts the scripts' `signal`, destroys every socket and stops listening. */
  close(): Promise<void>
}

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const startedAt = Date.now()
  const closing = new AbortController()
  const requests: ScriptedRequest[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', at: Date.now() - startedAt })
      script(request, response, { body: Buffer.concat(chunks).toString('utf8'), signal: closing.signal })
    })
  })
  const port = await listenOnLoopback(server)
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close() {
      closing.abort()
      return new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}

export interface EndlessPagesOptions {
  /** The name every listed connection has: the one the action looks for, or another. */
  name: string
  itemsPerPage: number
  /** Length of each item's description: how much each page weighs. */
  descriptionBytes: number
}

export interface EndlessPages {
  script: Script
  /** Pages served so far, and their bytes. */
  served: { pages: number; bytes: number }
}

/**
 * GET /…/connections answers a page of MySQL connections and a next link to a page never read
 * before, forever. Anything else is a 404.
 */
export function endlessPages(options: EndlessPagesOptions): EndlessPages {
  const served = { pages: 0, bytes: 0 }
  const description = 'x'.repeat(options.descriptionBytes)
  // Built once: every page is the same items and a different next link.
  const items = Array.from({ length: options.itemsPerPage }, (_, i) =>
    JSON.stringify({
      id: `endless-${i}`,
      name: options.name,
      description,
      etag: '"e"',
      connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' },
      auth: { specName: 'Basic Authentication', params: {} }
    })
  ).join(',')
  const script: Script = (request, response) => {
    if (request.method !== 'GET' || !/\/connections(\?|$)/.test(request.url ?? '')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"title":"Not found"}')
      return
    }
    served.pages++
    const body = Buffer.from(`{"items":[${items}],"_links":{"next":{"href":"/connections?page=${served.pages + 1}"}}}`)
    served.bytes += body.length
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body)
  }
  return { script, served }
}

export interface SlowDripOptions {
  status?: number
  headers?: Record<string, string>
  /** Sent a byte at a time. */
  body: string
  intervalMs: number
  /** After `body`, keep sending a space every interval, forever (JSON allows trailing whitespace). */
  endless?: boolean
}

/** Answers every request with its headers at once, then the body trickled one byte per interval. */
export function slowDrip(options: SlowDripOptions): Script {
  return (_request, response, { signal }) => {
    const bytes = Buffer.from(options.body)
    response.writeHead(options.status ?? 200, { 'content-type': 'application/json', ...options.headers })
    response.flushHeaders()
    let sent = 0
    const timer = setInterval(() => {
      if (sent < bytes.length) response.write(bytes.subarray(sent, ++sent))
      else if (options.endless) response.write(' ')
      else {
        clearInterval(timer)
        response.end()
      }
    }, options.intervalMs)
    const stop = (): void => clearInterval(timer)
    response.on('close', stop)
    signal.addEventListener('abort', stop, { once: true })
  }
}
