// The runner's transport: Node's own http/https with keep-alive agents, and @actions/http-client
// only when the runner has a proxy configured for the URL.

import type { Agent, IncomingMessage } from 'node:http'
import type { HttpClient } from '@actions/http-client'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { ATTEMPT_TIMEOUT_MS, type RawResponse, type Transport, describeCode } from './http.js'

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

/**
 * The real transport. Requests go out through Node's own http/https with keep-alive agents, so
 * IMS and Platform calls reuse their connections. When the runner has a proxy configured for the
 * URL (https_proxy, no_proxy, as @actions/http-client reads them), @actions/http-client carries
 * the request: it is loaded only then, since it brings undici and costs start-up time otherwise.
 * `dispose` ends every socket, also a hung one, so the process can exit.
 */
export function runnerTransport(userAgent: string): { transport: Transport; dispose: () => void } {
  const agents = new Map<string, Agent>()
  const proxied = new Map<string, HttpClient>()

  const direct = async (method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<RawResponse> => {
    // node:https (and with it node:tls) is loaded only when a URL needs it.
    const lib = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http')
    let agent = agents.get(url.protocol)
    if (!agent) {
      agent = new lib.Agent({ keepAlive: true })
      agents.set(url.protocol, agent)
    }
    const sized = body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }
    return new Promise((resolve, reject) => {
      const request = lib.request(url, { method, agent, headers: { 'User-Agent': userAgent, ...sized }, timeout: ATTEMPT_TIMEOUT_MS }, (message) => {
        readBody(message).then((text) => resolve({ status: message.statusCode ?? 0, headers: message.headers, body: text }), reject)
      })
      request.on('timeout', () => request.destroy(Object.assign(new Error(describeCode('ETIMEOUT')), { code: 'ETIMEOUT' })))
      request.on('error', reject)
      request.end(body)
    })
  }

  const viaProxy = async (method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<RawResponse> => {
    let client = proxied.get(url.protocol)
    if (!client) {
      const { HttpClient } = await import('@actions/http-client')
      // Redirects are refused: following one could carry credentials to another origin.
      client = new HttpClient(userAgent, [], { allowRedirects: false, allowRetries: false, keepAlive: true, socketTimeout: ATTEMPT_TIMEOUT_MS })
      proxied.set(url.protocol, client)
    }
    const response = await client.request(method, url.href, body ?? null, headers)
    return { status: response.message.statusCode ?? 0, headers: response.message.headers, body: await readBody(response.message) }
  }

  return {
    transport: (method, url, headers, body) => {
      const target = new URL(url)
      return getProxyUrl(target) ? viaProxy(method, target, headers, body) : direct(method, target, headers, body)
    },
    dispose: () => {
      for (const agent of agents.values()) agent.destroy()
      for (const client of proxied.values()) client.dispose()
    }
  }
}
