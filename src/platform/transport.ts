// The runner's transport: Node's own http/https with keep-alive agents, and the proxy agent of
// @actions/http-client only when the runner has a proxy configured for the URL.

import { type Agent, type ClientRequest, type IncomingMessage, type RequestOptions, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import type { OpenTransport, RawResponse } from '../runner/step.js'

/**
 * No single attempt may take longer than this, so one hung connection cannot eat the whole
 * deadline. Adobe's API gateway ends a request itself after 60 s, and a create or explore can
 * take tens of seconds: an attempt is never abandoned before the gateway would answer.
 */
export const ATTEMPT_TIMEOUT_MS = 65_000

const UNTRUSTED = "the server's TLS certificate is not trusted (behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at the proxy's CA certificate)"

export function describeCode(code: string): string {
  const words: Record<string, string> = {
    ECONNRESET: 'the connection was reset',
    ECONNREFUSED: 'the connection was refused',
    EPIPE: 'the connection was closed while sending',
    ETIMEDOUT: 'the connection timed out',
    ETIMEOUT: `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`,
    EDEADLINE: "no answer before the step's deadline",
    ECONNABORTED: 'the connection was aborted',
    EAI_AGAIN: 'the host name could not be resolved for now',
    ETRUNCATED: 'the answer was cut off',
    ENOTFOUND: 'the host name does not exist',
    CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
    DEPTH_ZERO_SELF_SIGNED_CERT: UNTRUSTED,
    SELF_SIGNED_CERT_IN_CHAIN: UNTRUSTED,
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED,
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED,
    ERR_INVALID_CHAR: 'a header value holds a character HTTP cannot carry (check client-id, ims-org-id, sandbox-name and access-token)',
    ERR_INVALID_HTTP_TOKEN: 'a header holds a character HTTP cannot carry (check client-id, ims-org-id, sandbox-name and access-token)'
  }
  return words[code] ?? `the request failed (${code})`
}

const MAX_BODY_BYTES = 32 * 1024 * 1024

function readBody(message: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const fail = (code: string): void => reject(Object.assign(new Error(describeCode(code)), { code }))
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        message.destroy()
        fail('ETRUNCATED')
      } else chunks.push(chunk)
    })
    message.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    message.on('aborted', () => fail('ETRUNCATED'))
    message.on('error', () => fail('ETRUNCATED'))
    message.on('close', () => {
      if (!message.complete) fail('ETRUNCATED')
    })
  })
}

const defaultPort = (url: URL): string => url.port || (url.protocol === 'https:' ? '443' : '80')

/**
 * The proxy agent (the `tunnel` package's) reports every failure to open a tunnel as a reset
 * connection, so a proxy that wants credentials read as Adobe resetting. This names the proxy
 * instead (by host and port: its URL may hold credentials), with a `description` for the message.
 * EPROXYAUTH is final; EPROXY is repeated like a refused connection: the request was never sent.
 * Undefined for any other error, which a working tunnel carries from the far side.
 */
export function proxyFailure(error: Error, proxy: URL, target: URL): Error | undefined {
  const tunnel = /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=(.*))$/s.exec(error.message)
  const illegal = error.message === 'got illegal response body from proxy'
  if (!tunnel && !illegal) return undefined
  const name = `the proxy ${proxy.hostname}:${defaultPort(proxy)}`
  const variable = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'
  const far = `${target.hostname}:${defaultPort(target)}`
  const failure = (code: string, description: string): Error => Object.assign(new Error(description), { code, description })
  if (illegal) return failure('EPROXY', `${name} answered the tunnel request with data it should not send`)
  const status = tunnel?.[1] === undefined ? undefined : Number(tunnel[1])
  if (status === undefined) {
    const cause = /\b(E[A-Z]+)\b/.exec(tunnel?.[2] ?? '')?.[1]
    if (cause === 'ECONNREFUSED') return failure('EPROXY', `${name} refused the connection — check that ${variable} names a running proxy`)
    return failure('EPROXY', `the connection to ${name} failed (${cause ?? 'no reason given'}) — check ${variable} and the runner's network`)
  }
  const answer = `${status} ${STATUS_CODES[status] ?? ''}`.trim()
  if (status === 407) return failure('EPROXYAUTH', `${name} refused the tunnel: ${answer} — check ${variable} credentials`)
  if (status >= 500) return failure('EPROXY', `${name} could not open a tunnel to ${far}: ${answer}`)
  return failure('EPROXYREFUSED', `${name} refused the tunnel to ${far}: ${answer} — check that the proxy allows it`)
}

/**
 * The proxy agent of @actions/http-client (the `tunnel` package's) opens each tunnel with a CONNECT
 * request of its own, made through `agent.request`, on a socket that no request of ours holds until
 * the proxy has answered: a proxy that never answers, or a tunnel that carries nothing, would keep
 * that socket, and with it the process, alive. Wrapping `request` hands each such socket to `track`.
 */
export function watchTunnels(agent: Agent, track: (socket: Socket) => void): void {
  const tunnel = agent as unknown as { request?: (options: RequestOptions) => ClientRequest }
  const open = tunnel.request
  if (typeof open !== 'function') return
  tunnel.request = (options) => {
    const connect = open(options)
    connect.on('socket', track)
    return connect
  }
}

/**
 * The real transport. Requests go out through Node's own http/https with keep-alive agents, so
 * IMS and Platform calls reuse their connections. When the runner has a proxy configured for the
 * URL (https_proxy, no_proxy, as @actions/http-client reads them), the request goes through that
 * library's proxy agent instead: it is loaded only then, since it brings undici and costs start-up
 * time otherwise. `dispose` destroys every socket any request used, the proxy's tunnels and a hung
 * one included, so the process can exit as soon as the step has finished or given up.
 */
/** node:https (and with it node:tls) is loaded only when a URL needs it. */
function libraryFor(url: URL): Pick<typeof import('node:http'), 'Agent' | 'request'> {
  return url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http')
}

export const runnerTransport: OpenTransport = (userAgent) => {
  const agents = new Map<string, Agent>()
  const proxyAgents = new Map<string, Agent>()
  const sockets = new Set<Socket>()
  let disposed = false

  const track = (socket: Socket): void => {
    if (sockets.has(socket)) return
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }

  const agentFor = async (url: URL): Promise<Agent> => {
    const lib = libraryFor(url)
    const pool = getProxyUrl(url) ? proxyAgents : agents
    let agent = pool.get(url.protocol)
    if (agent) return agent
    if (pool === agents) agent = new lib.Agent({ keepAlive: true })
    else {
      const { HttpClient } = await import('@actions/http-client')
      // Only its agent is used: the request itself is ours, so its socket is tracked like any other.
      agent = new HttpClient(userAgent, [], { keepAlive: true }).getAgent(url.href)
      watchTunnels(agent, track)
    }
    pool.set(url.protocol, agent)
    return agent
  }

  const send = async (method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<RawResponse> => {
    const lib = libraryFor(url)
    const agent = await agentFor(url)
    const proxy = getProxyUrl(url)
    // An attempt abandoned at the deadline may get here after dispose: it must open nothing more.
    if (disposed) throw Object.assign(new Error(describeCode('ECONNABORTED')), { code: 'ECONNABORTED' })
    const sized = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }
    return new Promise((resolve, reject) => {
      const request = lib.request(url, { method, agent, headers: { 'User-Agent': userAgent, ...sized }, timeout: ATTEMPT_TIMEOUT_MS }, (message) => {
        readBody(message).then((text) => resolve({ status: message.statusCode ?? 0, headers: message.headers, body: text }), reject)
      })
      request.on('socket', track)
      request.on('timeout', () => request.destroy(Object.assign(new Error(describeCode('ETIMEOUT')), { code: 'ETIMEOUT' })))
      request.on('error', (error) => reject((proxy && proxyFailure(error, proxy, url)) || error))
      request.end(body)
    })
  }

  return {
    transport: (method, url, headers, body) => send(method, new URL(url), headers, body),
    dispose: () => {
      disposed = true
      for (const agent of agents.values()) agent.destroy()
      for (const socket of sockets) socket.destroy()
    }
  }
}
